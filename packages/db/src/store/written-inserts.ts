/**
 * The inserts every create runs, written out: a balance entry (its sequence computed by the insert,
 * optionally the customer's version for the balance trigger) and a command's events in one
 * multi-row statement. Each binds what MikroORM's insert of the same rows binds — the same text,
 * the same values (bigints as decimal text, JSON columns as JSON text; `test/written-inserts.test.ts`
 * holds both) — without the query builder's per-call property mapping. `boundValues` and
 * `columnsOf` are shared with the payment insert (`payment-insert.ts`).
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { AttachedRecord } from "@paybridge/core"
import { type BalanceEntry, type LedgerEvent, type New, trustedId } from "@paybridge/core"
import { balanceEntryToRow } from "../mappers/balance-entry.mapper.ts"
import { ledgerEventToRow } from "../mappers/ledger-event.mapper.ts"

/** A property's column (the entities' snake_case naming). */
export const columnOf = (property: string): string => property.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

/** A row's values in its properties' order: bigints as decimal text, the `json` properties as JSON text. */
export const boundValues = (row: object, json: ReadonlySet<string>): Array<unknown> =>
  Object.entries(row).map(([property, value]) =>
    typeof value === "bigint"
      ? value.toString()
      : json.has(property) && value !== null && value !== undefined
        ? JSON.stringify(value)
        : value
  )

const quotedColumns = (properties: ReadonlyArray<string>) => properties.map((p) => `"${columnOf(p)}"`).join(", ")

const noJson: ReadonlySet<string> = new Set()

/** `balance_entries` insert texts: with and without the customer's version. */
const entryInsert = (withVersion: boolean) => {
  const properties = [...Object.keys(balanceEntryToRow(sampleEntry)), ...(withVersion ? ["customerVersion"] : [])]
  return (
    `insert into "balance_entries" (${quotedColumns(properties)}) values (` +
    properties
      .map((property) =>
        property === "sequence"
          ? "(select coalesce(max(be.sequence), 0) + 1 from balance_entries be where be.customer_id = ?)"
          : "?"
      )
      .join(", ") +
    ') returning "id", "sequence"'
  )
}

const sampleEntry: Omit<BalanceEntry, "id"> = {
  customerId: trustedId(0),
  sequence: 0,
  kind: "payment-posted",
  delta: 0n,
  balanceAfter: 0n,
  paymentId: null,
  documentId: null,
  refundId: null,
  reversalId: null,
  description: null,
  occurredAt: new Date(0)
}

const entryInserts = { plain: entryInsert(false), versioned: entryInsert(true) }

/** A balance entry's insert: its text and values (the sequence's place holds the customer id its subquery reads). */
const entryStatement = (row: Omit<New<BalanceEntry>, "sequence">, customerVersion: number | null) => {
  const values = boundValues({ ...balanceEntryToRow({ ...row, sequence: 0 }), sequence: row.customerId }, noJson)
  return customerVersion === null
    ? { sql: entryInserts.plain, values }
    : { sql: entryInserts.versioned, values: [...values, customerVersion] }
}

/**
 * The next entry of the customer's chain, its sequence computed by the insert (one statement); with
 * `customerVersion`, the version the balance trigger guards its move of the customer's balance with.
 */
export const appendEntryOn = async (
  em: SqlEntityManager,
  row: Omit<New<BalanceEntry>, "sequence">,
  customerVersion: number | null
): Promise<BalanceEntry> => {
  const statement = entryStatement(row, customerVersion)
  const rows = (await em.execute(statement.sql, statement.values)) as ReadonlyArray<{
    id: number | string
    sequence: number | string
  }>
  const inserted = rows[0]
  if (inserted === undefined) throw new Error("balance entry insert: the database returned no row")
  return { ...row, sequence: Number(inserted.sequence), id: trustedId(Number(inserted.id)) }
}

type NewEvent = Omit<LedgerEvent, "id"> & { readonly attachedRecord?: AttachedRecord | undefined }

const eventJson: ReadonlySet<string> = new Set(["data", "attachedRecord"])

/** The events' multi-row insert: its text and values (see `appendEventsOn`). */
const eventsStatement = (events: ReadonlyArray<NewEvent>, postgres: boolean) => {
  const rows = events.map(ledgerEventToRow)
  const attached = rows.some((row) => "attachedRecord" in row)
  const properties = Object.keys(ledgerEventToRow({ ...(events[0] as NewEvent), attachedRecord: undefined }))
  const values: Array<unknown> = []
  const tuples = rows.map((row) => {
    const { attachedRecord, ...columns } = row as typeof row & { attachedRecord?: unknown }
    values.push(...boundValues(columns, eventJson))
    const placeholders = properties.map(() => "?")
    if (!attached) return `(${placeholders.join(", ")})`
    if (attachedRecord === undefined && postgres) return `(${placeholders.join(", ")}, default)`
    if (attachedRecord === undefined) {
      values.push(null)
      return `(${placeholders.join(", ")}, ?)`
    }
    values.push(...boundValues({ attachedRecord }, eventJson))
    return `(${placeholders.join(", ")}, ?)`
  })
  const columns = quotedColumns(attached ? [...properties, "attachedRecord"] : properties)
  return { sql: `insert into "ledger_events" (${columns}) values ${tuples.join(", ")} returning "id"`, values }
}

/**
 * A command's events in one multi-row insert; the `attached_record` column is named only when one
 * of them has a record (the others' is `default`, on SQLite a bound `null`), as MikroORM names it.
 * Answers the ids in the order of the rows (ids of one multi-row insert ascend in the order of its
 * VALUES rows).
 */
export const appendEventsOn = async (
  em: SqlEntityManager,
  events: ReadonlyArray<NewEvent>,
  postgres: boolean
): Promise<ReadonlyArray<number>> => {
  const statement = eventsStatement(events, postgres)
  const inserted = (await em.execute(statement.sql, statement.values)) as ReadonlyArray<{ id: number | string }>
  return inserted.map((row) => Number(row.id)).sort((a, b) => a - b)
}

/**
 * PostgreSQL: a balance movement (`appendEntryOn` with the customer's version) and the command's
 * events in one statement (two data-modifying `with`s); answers the entry and the events' ids
 * ascending. SQLite: the two statements one after the other.
 */
export const moveWithEventsOn = async (
  em: SqlEntityManager,
  row: Omit<New<BalanceEntry>, "sequence">,
  customerVersion: number,
  events: ReadonlyArray<NewEvent>,
  postgres: boolean
): Promise<{ readonly entry: BalanceEntry; readonly eventIds: ReadonlyArray<number> }> => {
  if (!postgres || events.length === 0) {
    const entry = await appendEntryOn(em, row, customerVersion)
    return { entry, eventIds: events.length === 0 ? [] : await appendEventsOn(em, events, postgres) }
  }
  const entry = entryStatement(row, customerVersion)
  const recorded = eventsStatement(events, postgres)
  const rows = (await em.execute(
    `with entry as (${entry.sql}), events as (${recorded.sql}) ` +
      "select entry.id, entry.sequence, array(select events.id from events order by events.id) as event_ids from entry",
    [...entry.values, ...recorded.values]
  )) as ReadonlyArray<{ id: number | string; sequence: number | string; event_ids: ReadonlyArray<number | string> }>
  const inserted = rows[0]
  if (inserted === undefined) throw new Error("balance movement: the database returned no row")
  return {
    entry: { ...row, sequence: Number(inserted.sequence), id: trustedId(Number(inserted.id)) },
    eventIds: inserted.event_ids.map(Number)
  }
}
