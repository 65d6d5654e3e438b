/**
 * New dialect records in one multi-row statement (`LedgerStore.dialectRecords.insertAll`): an
 * import writes one record per source record it books (the migration's `migrated` records), so a
 * unit of hundreds writes them set-based rather than one statement each. Each chunk of rows is one
 * `insert … select … from (values …)` whose `where` keeps a row with a payment only when the payment
 * is the row's customer's (as `insertOfOwnPayment` does for one), and whose `on conflict do nothing`
 * leaves a taken key unwritten; fewer ids returned than rows given is `Conflict("duplicate")`, and the
 * caller's transaction rolls back what the statement wrote. Every row states every column (list
 * columns `null` when the record has none), so the rows share one column list.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import { Conflict, type DialectRecord, type New } from "@paybridge/core"
import { Effect } from "effect"
import { DialectRecordEntity } from "../entities/dialect-record.entity.ts"
import { dialectRecordToRow } from "../mappers/dialect-record.mapper.ts"
import type { WriteOp } from "./orm-session.ts"

/** Rows per statement (11 parameters each: well under both databases' bound-parameter limits). */
const rowsPerStatement = 500

/** The row with every column stated (list columns cleared when the record has none). */
const fullRow = (row: New<DialectRecord>) =>
  dialectRecordToRow(row.listColumns === undefined ? { ...row, listColumns: null } : row)

/** Inserts `rows` through the session's `write`; `Conflict("duplicate")` when not every row was written. */
export const insertDialectRecords = (
  write: <A>(operation: string, run: (em: SqlEntityManager) => Promise<A>) => WriteOp<A>,
  rows: ReadonlyArray<New<DialectRecord>>,
  postgres: boolean
): WriteOp<void> =>
  Effect.flatMap(
    write("dialectRecords.insertAll", (em) => insertRows(em, rows, postgres)),
    (written): WriteOp<void> =>
      written === rows.length
        ? Effect.void
        : Effect.fail(
            new Conflict({
              reason: "duplicate",
              message: "a dialect record's key is taken (or its payment is another customer's)"
            })
          )
  )

/** Inserts `rows`; returns how many were written (fewer than given: a key taken or a payment not its customer's). */
const insertRows = async (
  em: SqlEntityManager,
  rows: ReadonlyArray<New<DialectRecord>>,
  postgres: boolean
): Promise<number> => {
  const first = rows[0]
  if (first === undefined) return 0
  const meta = em.getMetadata().get(DialectRecordEntity)
  const property = (name: string) => meta.properties[name as keyof typeof meta.properties]
  const names = Object.keys(fullRow(first))
  const columns = names.map((name) => property(name)?.fieldNames[0] ?? name)
  // PostgreSQL types a VALUES list by its first row: every placeholder is cast to its column's type.
  const placeholder = (name: string) => (postgres ? `cast(? as ${property(name)?.columnTypes[0] ?? "text"})` : "?")
  const rowPlaceholders = `(${names.map(placeholder).join(", ")})`
  const value = (index: number) => `v.column${index + 1}`
  const customer = value(columns.indexOf("customer_id"))
  const payment = value(columns.indexOf("payment_id"))
  let written = 0
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement).map(fullRow)
    const result = (await em.execute(
      `insert into dialect_records (${columns.join(", ")})
        select ${columns.map((_, index) => value(index)).join(", ")}
        from (values ${chunk.map(() => rowPlaceholders).join(", ")}) as v
        where ${payment} is null or exists (select 1 from payments p where p.id = ${payment} and p.customer_id = ${customer})
        on conflict (dialect, kind, key) do nothing returning id`,
      chunk.flatMap((row) => names.map((name) => row[name as keyof typeof row]))
    )) as ReadonlyArray<unknown>
    written += result.length
  }
  return written
}
