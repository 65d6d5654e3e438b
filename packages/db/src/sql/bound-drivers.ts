/**
 * The MikroORM drivers Paybridge opens: SQLite (better-sqlite3) and PostgreSQL (pg), each with a
 * connection whose `execute` sends every statement's values as bound parameters
 * (`bound-parameters.ts`) instead of MikroORM's default of formatting them into the SQL text. So a
 * NUL byte, a quote or a 400-digit number in a value never becomes SQL text, and a statement's text
 * is the same for every value, which lets the drivers reuse prepared statements (SQLite: the
 * dialect's statement cache; PostgreSQL: named statements per pooled connection).
 *
 * Each connection also reports what it runs to an optional observer (`observeStatements`): every
 * statement with its parameters and the rows it returned, and transaction control (begin, commit,
 * rollback). `@paybridge/db/testing` counts them to hold query budgets.
 */
import { type Configuration, isRaw, type RawQueryFragment } from "@mikro-orm/core"
import { PostgreSqlConnection, PostgreSqlDriver, type PostgreSqlPlatform } from "@mikro-orm/postgresql"
import type { AbstractSqlConnection, AbstractSqlPlatform, NativeQueryBuilder } from "@mikro-orm/sql"
import { SqliteConnection, SqliteDriver } from "@mikro-orm/sqlite"
import { CompiledQuery, type Transaction } from "kysely"
import { type BindingRules, bindParameters, postgresDriverValue, sqliteDriverValue } from "./bound-parameters.ts"

/** What a connection ran: a statement (its SQL as sent, its bound values, rows returned) or transaction control. */
export type StatementEvent =
  | {
      readonly kind: "statement"
      readonly sql: string
      readonly parameters: ReadonlyArray<unknown>
      /** Rows the statement returned (0 for writes without `returning`). */
      readonly rows: number
    }
  | { readonly kind: "begin" | "commit" | "rollback" }

export type StatementObserver = (event: StatementEvent) => void

type Params = readonly unknown[] | Record<string, unknown>
type Method = "all" | "get" | "run"
type Query = string | NativeQueryBuilder | RawQueryFragment
type Ctx = Parameters<AbstractSqlConnection["execute"]>[3]
type LoggerContext = Parameters<AbstractSqlConnection["execute"]>[4]

interface BoundConnectionHooks {
  observer: StatementObserver | null
}

/** The unformatted SQL and its values, as `AbstractSqlConnection.prepareQuery` finds them (without formatting). */
const statementOf = (
  config: Configuration,
  query: Query,
  params: Params
): { readonly sql: string; readonly params: ReadonlyArray<unknown> } => {
  let sql: string | RawQueryFragment
  let values: ReadonlyArray<unknown>
  if (typeof query === "string") {
    if (!Array.isArray(params)) throw new Error("named parameters are not used by the Paybridge store")
    sql = query
    values = params as ReadonlyArray<unknown>
  } else if (isRaw(query)) {
    sql = query
    values = []
  } else {
    sql = (query as NativeQueryBuilder).toRaw()
    values = []
  }
  if (isRaw(sql)) {
    values = sql.params
    sql = sql.sql
  }
  const onQuery = config.get("onQuery") as (sql: string, params: ReadonlyArray<unknown>) => string
  return { sql: onQuery(sql, values), params: values }
}

const rowCount = (result: unknown): number => {
  if (Array.isArray(result)) return result.length
  if (result !== null && typeof result === "object" && "rows" in result) {
    const rows = (result as { rows?: unknown }).rows
    return Array.isArray(rows) ? rows.length : 0
  }
  return result === undefined ? 0 : 1
}

/**
 * `execute` with bound parameters, shared by both connections. `run` is the connection's own
 * machinery (logging and error conversion in `executeQuery`, the result shapes).
 */
const executeBound = async <T>(
  connection: {
    readonly config: Configuration
    readonly hooks: BoundConnectionHooks
    readonly rules: BindingRules
    ensureConnection(): Promise<void>
    getClient(): { executeQuery: Transaction<unknown>["executeQuery"] }
    run<R>(logged: string, context: Record<string, unknown>, work: () => Promise<R>): Promise<R>
    shape<R>(result: unknown, method: Method): R
  },
  query: Query,
  params: Params,
  method: Method,
  ctx: Ctx,
  loggerContext: LoggerContext
): Promise<T> => {
  await connection.ensureConnection()
  const statement = statementOf(connection.config, query, params)
  const bound = bindParameters(statement.sql, statement.params, connection.rules)
  return connection.run(
    statement.sql,
    { query: statement.sql, params: statement.params, ...(loggerContext ?? {}) },
    async () => {
      const client =
        (ctx as { executeQuery: Transaction<unknown>["executeQuery"] } | undefined) ?? connection.getClient()
      const result = await client.executeQuery(CompiledQuery.raw(bound.sql, [...bound.parameters]))
      const shaped = connection.shape<T>(result, method)
      connection.hooks.observer?.({
        kind: "statement",
        sql: bound.sql,
        parameters: bound.parameters,
        rows: rowCount((result as { rows?: unknown }).rows)
      })
      return shaped
    }
  )
}

const sqliteRules = (platform: AbstractSqlPlatform): BindingRules => ({
  style: "question",
  quoteIdentifier: (id) => platform.quoteIdentifier(id),
  toDriverValue: sqliteDriverValue
})

const postgresRules = (platform: PostgreSqlPlatform): BindingRules => ({
  style: "dollar",
  quoteIdentifier: (id) => platform.quoteIdentifier(id),
  toDriverValue: postgresDriverValue((date) => platform.formatDate(date))
})

/** Lets tests and tools see every statement a connection runs (`null` stops it). */
export interface ObservableConnection {
  observeStatements(observer: StatementObserver | null): void
}

class BoundSqliteConnection extends SqliteConnection implements ObservableConnection {
  readonly #hooks: BoundConnectionHooks = { observer: null }

  observeStatements(observer: StatementObserver | null): void {
    this.#hooks.observer = observer
  }

  override execute<T>(
    query: Query,
    params: Params = [],
    method: Method = "all",
    ctx?: Ctx,
    loggerContext?: LoggerContext
  ) {
    return executeBound<T>(this.#bound(), query, params, method, ctx, loggerContext) as never
  }

  override async begin(...args: Parameters<SqliteConnection["begin"]>) {
    const trx = await super.begin(...args)
    this.#hooks.observer?.({ kind: "begin" })
    return trx
  }

  override async commit(...args: Parameters<SqliteConnection["commit"]>) {
    await super.commit(...args)
    this.#hooks.observer?.({ kind: "commit" })
  }

  override async rollback(...args: Parameters<SqliteConnection["rollback"]>) {
    await super.rollback(...args)
    this.#hooks.observer?.({ kind: "rollback" })
  }

  #bound() {
    return {
      config: this.config,
      hooks: this.#hooks,
      rules: sqliteRules(this.platform),
      ensureConnection: () => this.ensureConnection(),
      getClient: () => this.getClient(),
      run: <R>(logged: string, context: Record<string, unknown>, work: () => Promise<R>) =>
        this.executeQuery(logged, work, context),
      shape: <R>(result: unknown, method: Method) => this.transformRawResult<R>(result, method)
    }
  }
}

class BoundPostgreSqlConnection extends PostgreSqlConnection implements ObservableConnection {
  readonly #hooks: BoundConnectionHooks = { observer: null }

  observeStatements(observer: StatementObserver | null): void {
    this.#hooks.observer = observer
  }

  override execute<T>(
    query: Query,
    params: Params = [],
    method: Method = "all",
    ctx?: Ctx,
    loggerContext?: LoggerContext
  ) {
    return executeBound<T>(this.#bound(), query, params, method, ctx, loggerContext) as never
  }

  override async begin(...args: Parameters<PostgreSqlConnection["begin"]>) {
    const trx = await super.begin(...args)
    this.#hooks.observer?.({ kind: "begin" })
    return trx
  }

  override async commit(...args: Parameters<PostgreSqlConnection["commit"]>) {
    await super.commit(...args)
    this.#hooks.observer?.({ kind: "commit" })
  }

  override async rollback(...args: Parameters<PostgreSqlConnection["rollback"]>) {
    await super.rollback(...args)
    this.#hooks.observer?.({ kind: "rollback" })
  }

  #bound() {
    return {
      config: this.config,
      hooks: this.#hooks,
      rules: postgresRules(this.platform as PostgreSqlPlatform),
      ensureConnection: () => this.ensureConnection(),
      getClient: () => this.getClient(),
      run: <R>(logged: string, context: Record<string, unknown>, work: () => Promise<R>) =>
        this.executeQuery(logged, work, context),
      shape: <R>(result: unknown, method: Method) => this.transformRawResult<R>(result, method)
    }
  }
}

/** MikroORM's SQLite driver on the bound-parameter connection. */
export class BoundSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config)
    ;(this as unknown as { connection: unknown }).connection = new BoundSqliteConnection(this.config)
  }
}

/** MikroORM's PostgreSQL driver on the bound-parameter connection. */
export class BoundPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config)
    ;(this as unknown as { connection: unknown }).connection = new BoundPostgreSqlConnection(this.config)
  }
}

/** The observable connection behind an ORM opened with one of these drivers. */
export const observableConnection = (connection: unknown): ObservableConnection => {
  const candidate = connection as Partial<ObservableConnection> | null
  if (typeof candidate?.observeStatements !== "function") throw new Error("not a Paybridge database connection")
  return candidate as ObservableConnection
}
