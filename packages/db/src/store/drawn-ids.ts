/**
 * Ids drawn ahead for rows a bulk unit inserts later in one statement (`payments`, `collections`,
 * `allocations`, `refunds`, `reversals` and `documents`: `drawIds`, `releaseIds`, `insertAll` / `insertDrawn` of the `LedgerStore`). On PostgreSQL the ids
 * come from the table's serial sequence (`nextval` over `generate_series`, one statement) and the
 * unused tail goes back with `setval` when nothing drew since; on SQLite (AUTOINCREMENT, under the
 * transaction's write lock) they follow the highest id the counter or the table holds, and the
 * counter moves with the rows the insert writes, so nothing goes back. The insert writes each row
 * unless a unique key of it is taken (`on conflict do nothing`) and answers how many it wrote.
 * `insertMany` is the multi-row insert of rows whose ids nothing needs ahead (allocation releases).
 */
import type { EntityName, RequiredEntityData } from "@mikro-orm/core"
import type { OrmSession } from "./orm-session.ts"

/** The tables whose ids a bulk unit draws ahead. */
type DrawnTable = "payments" | "collections" | "allocations" | "refunds" | "reversals" | "documents"

/** `count` ids above `above`, ascending (see the module header). */
export const drawIdsOf =
  <Id extends number>(session: OrmSession, table: DrawnTable) =>
  (count: number, above: Id | null) =>
    session.use(`${table}.drawIds`, async (em) => {
      if (count <= 0) return [] as ReadonlyArray<Id>
      if (session.isPostgres) {
        const rows = (await em.execute(
          `select nextval(pg_get_serial_sequence('${table}', 'id')) as id from generate_series(1, ?)`,
          [count]
        )) as ReadonlyArray<{ id: number | string }>
        return rows.map((row) => Number(row.id) as Id).sort((a, b) => a - b)
      }
      const rows = (await em.execute(
        `select max(coalesce((select seq from sqlite_sequence where name = '${table}'), 0), coalesce((select max(id) from ${table}), 0)) as top`
      )) as ReadonlyArray<{ top: number | string }>
      const top = Math.max(Number(rows[0]?.top ?? 0), above ?? 0)
      return Array.from({ length: count }, (_, index) => (top + index + 1) as Id)
    })

/** Gives back `firstUnused`…`lastDrawn` when the counter still stands at `lastDrawn` (PostgreSQL). */
export const releaseIdsOf =
  <Id extends number>(session: OrmSession, table: DrawnTable) =>
  (firstUnused: Id, lastDrawn: Id) =>
    session.use(`${table}.releaseIds`, async (em) => {
      if (!session.isPostgres || firstUnused > lastDrawn) return
      await em.execute(
        `select setval(q.s, ?, false) from (select cast(pg_get_serial_sequence('${table}', 'id') as regclass) as s) q where pg_sequence_last_value(q.s) = ?`,
        [firstUnused, lastDrawn]
      )
    })

/** Inserts rows with their drawn ids in one statement, each unless a key is taken; answers how many were written. */
export const insertAllWithIds =
  <T extends object, R extends { readonly id: number }>(
    session: OrmSession,
    operation: string,
    entity: EntityName<T>,
    toRow: (row: R) => RequiredEntityData<T>
  ) =>
  (rows: ReadonlyArray<R>) =>
    session.write(operation, async (em) => {
      if (rows.length === 0) return 0
      const result = await em
        .createQueryBuilder(entity)
        .insert(rows.map((row) => ({ id: row.id, ...toRow(row) }) as never))
        .onConflict()
        .ignore()
        .returning(["id"] as never)
        .execute("all")
      return (result as unknown as ReadonlyArray<unknown>).length
    })

/** Inserts rows (ids assigned by the database) in one statement; answers how many were written. */
export const insertMany =
  <T extends object, R extends object>(
    session: OrmSession,
    operation: string,
    entity: EntityName<T>,
    toRow: (row: R) => RequiredEntityData<T>
  ) =>
  (rows: ReadonlyArray<R>) =>
    session.write(operation, async (em) => {
      if (rows.length === 0) return 0
      await em
        .createQueryBuilder(entity)
        .insert(rows.map((row) => toRow(row)) as never)
        .execute("run")
      return rows.length
    })

/** A table's `drawIds`, `releaseIds` and `insertDrawn` (rows under drawn ids, each unless a key is taken). */
export const drawnRowsOf = <T extends object, R extends { readonly id: number }>(
  session: OrmSession,
  table: DrawnTable,
  entity: EntityName<T>,
  toRow: (row: R) => RequiredEntityData<T>
) => ({
  drawIds: drawIdsOf<R["id"]>(session, table),
  releaseIds: releaseIdsOf<R["id"]>(session, table),
  insertDrawn: insertAllWithIds<T, R>(session, `${table}.insertDrawn`, entity, toRow)
})
