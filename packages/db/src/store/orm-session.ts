/**
 * The MikroORM session the storage ports share: one database connection context per opened
 * database, with its transaction (`transaction(work)` forks an EntityManager, begins a database
 * transaction, runs `work` with that EntityManager in a `Context.Reference`, and commits on success
 * or rolls back on failure or interruption; store calls made inside `work`, also from fibers it
 * forks, use the transaction, and nested calls join it; outside a transaction every call runs in
 * autocommit mode on a fork of its own, emptied and reused after it). On SQLite one connection
 * serves the process: a semaphore lets one transaction (or one autocommit call) use it at a time.
 * Also the row helpers the ports are built from: keyset pages with opaque cursors, finds (lean rows,
 * no entity hydrated: `lean-rows.ts`), native
 * inserts and updates (version-guarded or not), filter fragments, row-value keyset comparisons and
 * case-folded text search. Database errors worth a retry become `StorageUnavailable`; anything
 * else is a defect.
 */
import { type EntityData, type EntityName, type FilterQuery, type RequiredEntityData, raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import {
  Conflict,
  type ExternalRef,
  type OffsetPaging,
  type Page,
  type Paging,
  type StorageUnavailable,
  type ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Context, Effect, Exit, Semaphore } from "effect"
import type { DatabaseDriver, LedgerOrm } from "../orm.ts"
import { decodeCursor, encodeCursor, type SortValue } from "./keyset-cursor.ts"
import { findOneLean, findRowsLean, leanMapperOf } from "./lean-rows.ts"
import { foldForSearch } from "./search-text.ts"
import { constraintRefusal, isRetryableStorageError, storageUnavailable } from "./storage-errors.ts"

export type Op<A> = Effect.Effect<A, StorageUnavailable>
/** A write: also refused by the schema's constraints (see `constraintRefusal`). */
export type WriteOp<A> = Effect.Effect<A, StorageUnavailable | Conflict | ValidationFailed>

/** Default page size when a caller passes a non-positive limit. */
export const defaultPageLimit = 50
const maxPageLimit = 1000
/** Emptied forks a session keeps for autocommit calls (more are made while more calls run at once). */
const maxSpareForks = 16

export interface OrmSessionOptions {
  readonly orm: LedgerOrm
  readonly driver: DatabaseDriver
}

let sessionCounter = 0

/** The session over an initialised (and migrated) ORM; the stores of one database share one session. */
export const makeOrmSession = (options: OrmSessionOptions) =>
  Effect.gen(function* () {
    const { orm, driver } = options
    const isPostgres = driver === "postgresql"
    // Each session has its own reference, so transactions of two databases never mix.
    sessionCounter += 1
    const CurrentTransaction = Context.Reference<SqlEntityManager | null>(
      `@paybridge/db/LedgerStore/CurrentTransaction/${sessionCounter}`,
      { defaultValue: () => null }
    )
    const sqliteConnection = isPostgres ? null : yield* Semaphore.make(1)
    const exclusive = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      sqliteConnection === null ? effect : sqliteConnection.withPermits(1)(effect)

    /** Runs one database call; the call is not interrupted halfway (the connection stays consistent). */
    const attempt = <A>(operation: string, run: () => Promise<A>): Op<A> =>
      Effect.uninterruptible(
        Effect.tryPromise({ try: run, catch: (error) => error }).pipe(
          Effect.catch((error) =>
            isRetryableStorageError(error) ? Effect.fail(storageUnavailable(operation, error)) : Effect.die(error)
          )
        )
      )

    /** `attempt` for a write: a unique or foreign-key violation becomes the ledger error it means. */
    const attemptWrite = <A>(operation: string, run: () => Promise<A>): WriteOp<A> =>
      Effect.uninterruptible(
        Effect.tryPromise({ try: run, catch: (error) => error }).pipe(
          Effect.catch((error): Effect.Effect<never, StorageUnavailable | Conflict | ValidationFailed> => {
            if (isRetryableStorageError(error)) return Effect.fail(storageUnavailable(operation, error))
            const refusal = constraintRefusal(operation, error)
            return refusal === null ? Effect.die(error) : Effect.fail(refusal)
          })
        )
      )

    // Forks of `orm.em` that finished an autocommit call, emptied and kept for the next one: a fork
    // builds a new EntityManager and copies its configuration (3 % of a profiled get), emptying one
    // costs next to nothing. A fork serves one call at a time; one whose call failed is dropped.
    const spareForks: Array<SqlEntityManager> = []
    const onFork = async <A>(run: (em: SqlEntityManager) => Promise<A>): Promise<A> => {
      const em = spareForks.pop() ?? orm.em.fork()
      const result = await run(em)
      em.clear()
      if (spareForks.length < maxSpareForks) spareForks.push(em)
      return result
    }

    /** Runs `run` on the current transaction's EntityManager, or on an empty fork outside one. */
    const use = <A>(operation: string, run: (em: SqlEntityManager) => Promise<A>): Op<A> =>
      Effect.flatMap(CurrentTransaction, (transaction) =>
        transaction !== null
          ? attempt(operation, () => run(transaction))
          : exclusive(attempt(operation, () => onFork(run)))
      )

    /** `use` for a write (see `attemptWrite`). */
    const write = <A>(operation: string, run: (em: SqlEntityManager) => Promise<A>): WriteOp<A> =>
      Effect.flatMap(CurrentTransaction, (transaction) =>
        transaction !== null
          ? attemptWrite(operation, () => run(transaction))
          : exclusive(attemptWrite(operation, () => onFork(run)))
      )

    const inTransaction = Effect.map(CurrentTransaction, (transaction) => transaction !== null)

    const transaction = <A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageUnavailable, R> =>
      Effect.flatMap(CurrentTransaction, (current) =>
        current !== null
          ? work
          : exclusive(
              Effect.acquireUseRelease(
                attempt("begin", async () => {
                  const em = orm.em.fork()
                  await em.begin()
                  return em
                }),
                (em) => Effect.provideService(work, CurrentTransaction, em),
                (em, exit) =>
                  Exit.isSuccess(exit)
                    ? attempt("commit", () => em.commit()).pipe(
                        Effect.tapError(() => attempt("rollback", () => em.rollback()).pipe(Effect.ignore))
                      )
                    : attempt("rollback", () => em.rollback()).pipe(Effect.ignore)
              )
            )
      )

    let savepoints = 0
    const savepoint = <A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E | StorageUnavailable, R> =>
      Effect.flatMap(CurrentTransaction, (em) => {
        if (em === null) return transaction(work)
        savepoints += 1
        const name = `pb_savepoint_${savepoints}`
        return Effect.acquireUseRelease(
          attempt("savepoint", () => em.execute(`savepoint ${name}`)),
          () => work,
          (_, exit) =>
            Exit.isSuccess(exit)
              ? attempt("release savepoint", () => em.execute(`release savepoint ${name}`))
              : attempt("rollback to savepoint", async () => {
                  await em.execute(`rollback to savepoint ${name}`)
                  await em.execute(`release savepoint ${name}`)
                }).pipe(Effect.ignore)
        )
      })

    const limitOf = (paging: Paging): number =>
      paging.limit > 0 ? Math.min(Math.trunc(paging.limit), maxPageLimit) : defaultPageLimit

    const decode = (cursor: string | null, ordering: string, types: ReadonlyArray<"string" | "number">) =>
      cursor === null
        ? Effect.succeed(null)
        : Effect.try({
            try: () => decodeCursor(cursor, ordering, types),
            catch: () => validationFailed(["cursor"], "cursor is not valid for this list; start again without one")
          })

    /** Turns `limit + 1` fetched rows into a page whose cursor is the key of its last item. */
    const toPage = <Row, A>(
      rows: ReadonlyArray<Row>,
      limit: number,
      ordering: string,
      keyOf: (row: Row) => ReadonlyArray<SortValue>,
      toDomain: (row: Row) => A
    ): Page<A> => {
      const pageRows = rows.slice(0, limit)
      const last = pageRows.at(-1)
      return {
        items: pageRows.map(toDomain),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor(ordering, keyOf(last)) : null
      }
    }

    /**
     * Lists rows ordered by id ascending after the cursor; with `offset` or `withTotal`, by offset
     * instead (`listByOffset`).
     */
    const listById = <T extends { id: number }, A>(
      operation: string,
      entity: EntityName<T>,
      conditions: ReadonlyArray<object>,
      paging: Paging & OffsetPaging,
      toDomain: (row: T) => A
    ): Effect.Effect<Page<A>, StorageUnavailable | ValidationFailed> =>
      paging.offset !== undefined || paging.withTotal === true
        ? listByOffset(operation, entity, conditions, paging, toDomain)
        : listAfterId(operation, entity, conditions, paging, toDomain)

    /** The column the window count comes back in (no table has a column of this name). */
    const totalColumn = "paybridge_match_total"

    /**
     * A numbered page of rows ordered by id ascending: the rows before it are skipped in SQL
     * (`offset`, never read) and, with `withTotal`, every match is counted in the same statement
     * (`count(*) over ()`); only a page found empty beyond the first counts in a second statement.
     * Its cursor (or the caller's) is the next offset.
     */
    const listByOffset = <T extends { id: number }, A>(
      operation: string,
      entity: EntityName<T>,
      conditions: ReadonlyArray<object>,
      paging: Paging & OffsetPaging,
      toDomain: (row: T) => A
    ): Effect.Effect<Page<A>, StorageUnavailable | ValidationFailed> =>
      Effect.flatMap(
        paging.cursor === null ? Effect.succeed(null) : decode(paging.cursor, "offset", ["number"]),
        (resumed) => {
          const limit = limitOf(paging)
          const offset = resumed === null ? Math.max(0, Math.trunc(paging.offset ?? 0)) : Number(resumed[0])
          const withTotal = paging.withTotal === true
          const where = { $and: [...conditions] } as FilterQuery<T>
          return use(operation, async (em) => {
            const raws = (await em
              .createQueryBuilder(entity, "r")
              .select(withTotal ? ["*", raw(`count(*) over () as ${totalColumn}`)] : ["*"])
              .where(where as never)
              .orderBy({ id: "asc" } as never)
              .limit(withTotal ? limit : limit + 1)
              .offset(offset)
              .execute("all", false)) as ReadonlyArray<Record<string, unknown>>
            const toRow = leanMapperOf(em, entity)
            const rows = raws.map((found) => {
              const { [totalColumn]: _total, ...columns } = found
              return toRow(columns) as T
            })
            const pageRows = rows.slice(0, limit)
            const first = raws[0]
            const total = !withTotal
              ? undefined
              : first !== undefined
                ? Number(first[totalColumn])
                : offset === 0
                  ? 0
                  : await em.count(entity, where as never)
            const more = total === undefined ? rows.length > limit : offset + pageRows.length < total
            return {
              items: pageRows.map(toDomain),
              nextCursor: more ? encodeCursor("offset", [offset + pageRows.length]) : null,
              ...(total === undefined ? {} : { total })
            }
          })
        }
      )

    /** Lists rows ordered by id ascending after the cursor. */
    const listAfterId = <T extends { id: number }, A>(
      operation: string,
      entity: EntityName<T>,
      conditions: ReadonlyArray<object>,
      paging: Paging,
      toDomain: (row: T) => A
    ): Effect.Effect<Page<A>, StorageUnavailable | ValidationFailed> =>
      Effect.flatMap(decode(paging.cursor, "id", ["number"]), (after) => {
        const limit = limitOf(paging)
        const where = { $and: [...conditions, ...(after === null ? [] : [{ id: { $gt: after[0] } }])] }
        return use(operation, async (em) => {
          const rows = await findRowsLean(em, entity, where, [{ id: "asc" }], limit + 1)
          return toPage(rows, limit, "id", (row) => [row.id], toDomain)
        })
      })

    const findOne = <T extends object, A>(
      operation: string,
      entity: EntityName<T>,
      where: FilterQuery<T>,
      toDomain: (row: T) => A
    ): Op<A | null> =>
      use(operation, async (em) => {
        const row = await findOneLean(em, entity, where)
        return row === null ? null : toDomain(row)
      })

    const findAll = <T extends { id: number }, A>(
      operation: string,
      entity: EntityName<T>,
      where: FilterQuery<T>,
      toDomain: (row: T) => A
    ): Op<ReadonlyArray<A>> =>
      use(operation, async (em) => {
        const rows = await findRowsLean(em, entity, where, [{ id: "asc" }])
        return rows.map(toDomain)
      })

    /** Native insert; returns the record with the id the database assigned. */
    const insert = <T extends object, R extends object, A extends R & { readonly id: number }>(
      operation: string,
      entity: EntityName<T>,
      record: R,
      toRow: (record: R) => RequiredEntityData<T>
    ): WriteOp<A> =>
      write(operation, async (em) => {
        const id = await em.insert(entity, toRow(record))
        return { ...record, id: Number(id) } as A
      })

    /** Native update of every column by id (no version guard). */
    const replace = <T extends object, A extends { readonly id: number }>(
      operation: string,
      entity: EntityName<T>,
      record: A,
      toRow: (record: A) => EntityData<T>
    ): WriteOp<A> =>
      write(operation, async (em) => {
        const updated = await em.nativeUpdate(entity, { id: record.id } as never, toRow(record))
        if (updated !== 1) throw new Error(`${operation}: row ${record.id} does not exist`)
        return record
      })

    /** Update guarded by the version the caller read; stores `version = expectedVersion + 1`. */
    const guardedUpdate = <T extends object, A extends { readonly id: number; readonly version: number }>(
      operation: string,
      entity: EntityName<T>,
      record: A,
      expectedVersion: number,
      toRow: (record: A) => EntityData<T>
    ): WriteOp<A> => {
      const stored: A = { ...record, version: expectedVersion + 1 }
      return Effect.flatMap(
        write(operation, (em) =>
          em.nativeUpdate(entity, { id: record.id, version: expectedVersion } as never, toRow(stored))
        ),
        (updated) =>
          updated === 1
            ? Effect.succeed(stored)
            : Effect.fail(
                new Conflict({
                  reason: "concurrent-modification",
                  message: `${operation}: record ${record.id} changed since it was read (expected version ${expectedVersion})`
                })
              )
      )
    }

    const externalRefWhere = (ref: ExternalRef) => ({ externalSystem: ref.system, externalId: ref.id })

    const inList = <A>(values: ReadonlyArray<A> | undefined, column: string): ReadonlyArray<object> =>
      values === undefined ? [] : [{ [column]: { $in: [...values] } }]

    const equals = (value: unknown, column: string): ReadonlyArray<object> =>
      value === undefined ? [] : [{ [column]: value }]

    // Keyset condition as a row-value comparison, `(a, b) < (x, y)`: both databases can start an
    // index range scan at the cursor with it, so a deep page costs what the first page costs.
    const rowComparison = (
      columns: readonly [string, string],
      operator: "<" | ">",
      values: ReadonlyArray<SortValue>
    ): object => ({
      [raw((alias: string) => `(${alias}.${columns[0]}, ${alias}.${columns[1]}) ${operator} (?, ?)`, [...values])]: []
    })

    // Case-insensitive substring search without LIKE wildcards (a `%` in the search is literal): the
    // folded needle in the row's folded `search_text` (folded in JS on both databases, see search-text.ts).
    const searchTextContains = (search: string): object => ({
      [raw(
        (alias: string) => (isPostgres ? `strpos(${alias}.search_text, ?) > 0` : `instr(${alias}.search_text, ?) > 0`),
        [foldForSearch(search)]
      )]: []
    })

    return {
      isPostgres,
      use,
      write,
      inTransaction,
      transaction,
      savepoint,
      limitOf,
      decode,
      toPage,
      listById,
      findOne,
      findAll,
      insert,
      replace,
      guardedUpdate,
      externalRefWhere,
      inList,
      equals,
      rowComparison,
      searchTextContains
    } as const
  })

export type OrmSession = Effect.Success<ReturnType<typeof makeOrmSession>>
