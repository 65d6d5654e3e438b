/**
 * Counting what a test's database runs: `StatementLog` sees every SQL statement the store sends
 * (as sent: placeholders in the text, values bound), the rows each returned, and transaction
 * control, through the observer of the bound-parameter connection (`src/sql/bound-drivers.ts`).
 * Query-budget tests take a tally around one request (`measure`) and assert how many statements
 * it ran and how many rows it read; binding tests look at the statements themselves.
 */
import { Context } from "effect"
import type { LedgerOrm } from "../orm.ts"
import { observableConnection, type StatementEvent } from "../sql/bound-drivers.ts"

/** One statement as the driver received it. */
export interface LoggedStatement {
  readonly sql: string
  readonly parameters: ReadonlyArray<unknown>
  readonly rows: number
}

/** What ran since the last `reset`. */
export interface StatementTally {
  /** Statements other than transaction control. */
  readonly statements: ReadonlyArray<LoggedStatement>
  /** Rows those statements returned, summed. */
  readonly rowsRead: number
  /** Transactions begun. */
  readonly transactions: number
}

export class StatementLog extends Context.Service<
  StatementLog,
  {
    /** Forgets what ran so far. */
    readonly reset: () => void
    /** What ran since the last reset. */
    readonly tally: () => StatementTally
    /** Resets, runs `work`, and returns its result with what it ran. */
    readonly measure: <A>(work: () => Promise<A>) => Promise<{ readonly result: A; readonly tally: StatementTally }>
  }
>()("@paybridge/db/testing/StatementLog") {}

/** A statement log attached to `orm`'s connection (replaces any observer it had). */
export const attachStatementLog = (orm: LedgerOrm): StatementLog["Service"] => {
  let events: Array<StatementEvent> = []
  observableConnection(orm.driver.getConnection()).observeStatements((event) => {
    events.push(event)
  })
  const reset = () => {
    events = []
  }
  const tally = (): StatementTally => {
    const statements = events.flatMap((event) =>
      event.kind === "statement" ? [{ sql: event.sql, parameters: event.parameters, rows: event.rows }] : []
    )
    return {
      statements,
      rowsRead: statements.reduce((sum, statement) => sum + statement.rows, 0),
      transactions: events.filter((event) => event.kind === "begin").length
    }
  }
  return StatementLog.of({
    reset,
    tally,
    measure: async (work) => {
      reset()
      const result = await work()
      return { result, tally: tally() }
    }
  })
}
