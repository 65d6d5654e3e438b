/**
 * The `LedgerStore` port on MikroORM, for SQLite and PostgreSQL.
 *
 * Transactions: `transaction(work)` forks an EntityManager, begins a database transaction, runs
 * `work` with that EntityManager in a `Context.Reference`, and commits on success or rolls back on
 * failure or interruption. Store calls made inside `work` (also from fibers it forks) use the
 * transaction; nested `transaction` calls join it. Outside a transaction every call runs on a fresh
 * fork in autocommit mode.
 *
 * Concurrency: on PostgreSQL (READ COMMITTED) `lockCustomer` is `SELECT … FOR UPDATE`, so writers
 * of one customer serialise across processes, and guarded updates compare `version`. On SQLite one
 * connection serves the process: a semaphore lets one transaction (or one autocommit call) use it
 * at a time, and transactions begin with `BEGIN IMMEDIATE` (see the SQLite dialect), which takes
 * the database write lock up front and so serialises writers of several processes on one file.
 *
 * Reads go through MikroORM's hydration (custom types: bigint money, JSON, dates) with the identity
 * map disabled, so every read sees the database; writes are native inserts/updates. Rows are
 * converted to domain records by the mappers. Lists are keyset-paginated with opaque cursors.
 */
import {
  type EntityData,
  type EntityName,
  type FilterQuery,
  LockMode,
  type OrderDefinition,
  type RequiredEntityData,
  raw
} from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import {
  type ApiKeyRecord,
  type BalanceEntry,
  Conflict,
  type CurrencyCode,
  type CustomerQuery,
  type DialectRecord,
  type DocumentQuery,
  type EventQuery,
  type ExternalRef,
  type IdempotencyClaim,
  LedgerStore,
  type New,
  type Page,
  type Paging,
  type PaymentQuery,
  type RecordId,
  type RefundQuery,
  type StorageUnavailable,
  type UserRecord,
  type ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Context, Effect, Exit, Layer, Semaphore } from "effect"
import { AllocationEntity } from "./entities/allocation.entity.ts"
import { ApiKeyEntity } from "./entities/api-key.entity.ts"
import { BalanceEntryEntity } from "./entities/balance-entry.entity.ts"
import { BillingEntityEntity } from "./entities/billing-entity.entity.ts"
import { CollectionEntity } from "./entities/collection.entity.ts"
import { CustomerEntity, type CustomerRow } from "./entities/customer.entity.ts"
import { DialectRecordEntity, type DialectRecordRow } from "./entities/dialect-record.entity.ts"
import { DocumentEntity, type DocumentRow } from "./entities/document.entity.ts"
import { GatewayEntity } from "./entities/gateway.entity.ts"
import { IdempotencyKeyEntity } from "./entities/idempotency-key.entity.ts"
import { LedgerEventEntity, type LedgerEventRow } from "./entities/ledger-event.entity.ts"
import { PaymentEntity, type PaymentRow } from "./entities/payment.entity.ts"
import { PaymentPresetEntity } from "./entities/payment-preset.entity.ts"
import { RefundEntity, type RefundRow } from "./entities/refund.entity.ts"
import { ReversalEntity } from "./entities/reversal.entity.ts"
import { UserEntity } from "./entities/user.entity.ts"
import { allocationFromRow, allocationToRow } from "./mappers/allocation.mapper.ts"
import { apiKeyFromRow, apiKeyToRow } from "./mappers/api-key.mapper.ts"
import { balanceEntryFromRow, balanceEntryToRow } from "./mappers/balance-entry.mapper.ts"
import { billingEntityFromRow, billingEntityToRow } from "./mappers/billing-entity.mapper.ts"
import { collectionFromRow, collectionToRow } from "./mappers/collection.mapper.ts"
import { customerFromRow, customerToRow } from "./mappers/customer.mapper.ts"
import { dialectRecordFromRow, dialectRecordToRow } from "./mappers/dialect-record.mapper.ts"
import { documentFromRow, documentToRow } from "./mappers/document.mapper.ts"
import { gatewayFromRow, gatewayToRow } from "./mappers/gateway.mapper.ts"
import { ledgerEventFromRow, ledgerEventToRow } from "./mappers/ledger-event.mapper.ts"
import { paymentFromRow, paymentToRow } from "./mappers/payment.mapper.ts"
import { paymentPresetFromRow, paymentPresetToRow } from "./mappers/payment-preset.mapper.ts"
import { refundFromRow, refundToRow } from "./mappers/refund.mapper.ts"
import { reversalFromRow, reversalToRow } from "./mappers/reversal.mapper.ts"
import { userFromRow, userToRow } from "./mappers/user.mapper.ts"
import type { DatabaseDriver, LedgerOrm } from "./orm.ts"
import { decodeCursor, encodeCursor, type SortValue } from "./store/keyset-cursor.ts"
import { foldForSearch } from "./store/search-text.ts"
import { isRetryableStorageError, storageUnavailable } from "./store/storage-errors.ts"

type Op<A> = Effect.Effect<A, StorageUnavailable>

/** One group of an overview aggregate, as the database returns it (sums cast to text: exact on both drivers). */
interface AggregateRow {
  readonly day?: unknown
  readonly currency: string
  readonly method_id?: number | string | null
  readonly n: number | string
  readonly total: string
}

/** Default page size when a caller passes a non-positive limit. */
export const defaultPageLimit = 50
const maxPageLimit = 1000

export interface MikroOrmLedgerStoreOptions {
  readonly orm: LedgerOrm
  readonly driver: DatabaseDriver
}

let storeCounter = 0

/** Builds the store over an initialised (and migrated) ORM. */
export const makeMikroOrmLedgerStore = (options: MikroOrmLedgerStoreOptions): Effect.Effect<LedgerStore["Service"]> =>
  Effect.gen(function* () {
    const { orm, driver } = options
    const isPostgres = driver === "postgresql"
    // Each store has its own reference, so transactions of two stores (two databases) never mix.
    storeCounter += 1
    const CurrentTransaction = Context.Reference<SqlEntityManager | null>(
      `@paybridge/db/LedgerStore/CurrentTransaction/${storeCounter}`,
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

    /** Runs `run` on the current transaction's EntityManager, or on a fresh fork outside one. */
    const use = <A>(operation: string, run: (em: SqlEntityManager) => Promise<A>): Op<A> =>
      Effect.flatMap(CurrentTransaction, (transaction) =>
        transaction !== null
          ? attempt(operation, () => run(transaction))
          : exclusive(attempt(operation, () => run(orm.em.fork())))
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

    // ---- paging helpers -------------------------------------------------------------------

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

    /** Lists rows ordered by id ascending after the cursor. */
    const listById = <T extends { id: number }, A>(
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
          const rows: ReadonlyArray<T> = await em.find(entity, where as FilterQuery<T>, {
            orderBy: { id: "asc" } as OrderDefinition<T>,
            limit: limit + 1
          })
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
        const row: T | null = await em.findOne(entity, where as never)
        return row === null ? null : toDomain(row)
      })

    const findAll = <T extends { id: number }, A>(
      operation: string,
      entity: EntityName<T>,
      where: FilterQuery<T>,
      toDomain: (row: T) => A
    ): Op<ReadonlyArray<A>> =>
      use(operation, async (em) => {
        const rows: ReadonlyArray<T> = await em.find(entity, where, { orderBy: { id: "asc" } as OrderDefinition<T> })
        return rows.map(toDomain)
      })

    /** Native insert; returns the record with the id the database assigned. */
    const insert = <T extends object, R extends object, A extends R & { readonly id: number }>(
      operation: string,
      entity: EntityName<T>,
      record: R,
      toRow: (record: R) => RequiredEntityData<T>
    ): Op<A> =>
      use(operation, async (em) => {
        const id = await em.insert(entity, toRow(record))
        return { ...record, id: Number(id) } as A
      })

    /** Native update of every column by id (no version guard). */
    const replace = <T extends object, A extends { readonly id: number }>(
      operation: string,
      entity: EntityName<T>,
      record: A,
      toRow: (record: A) => EntityData<T>
    ): Op<A> =>
      use(operation, async (em) => {
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
    ): Effect.Effect<A, StorageUnavailable | Conflict> => {
      const stored: A = { ...record, version: expectedVersion + 1 }
      return Effect.flatMap(
        use(operation, (em) =>
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

    // ---- the store --------------------------------------------------------------------------

    return LedgerStore.of({
      transaction,

      lockCustomer: (id) =>
        Effect.flatMap(inTransaction, (locked) =>
          use("lockCustomer", async (em) => {
            const row = (await em.findOne(
              CustomerEntity,
              { id },
              locked && isPostgres ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}
            )) as CustomerRow | null
            return row === null ? null : customerFromRow(row)
          })
        ),

      nextSequence: (name) =>
        use("nextSequence", async (em) => {
          const rows = (await em.execute(
            "insert into sequences (name, value) values (?, 1) on conflict (name) do update set value = sequences.value + 1 returning value",
            [name]
          )) as ReadonlyArray<{ value: string | number | bigint }>
          const value = rows[0]?.value
          if (value === undefined) throw new Error("nextSequence: the database returned no value")
          return BigInt(value)
        }),

      billingEntities: {
        insert: (row) => insert("billingEntities.insert", BillingEntityEntity, row, billingEntityToRow),
        get: (id) => findOne("billingEntities.get", BillingEntityEntity, { id }, billingEntityFromRow),
        list: (paging) => listById("billingEntities.list", BillingEntityEntity, [], paging, billingEntityFromRow)
      },

      customers: {
        insert: (row) => insert("customers.insert", CustomerEntity, row, customerToRow),
        get: (id) => findOne("customers.get", CustomerEntity, { id }, customerFromRow),
        getByPublicId: (publicId) => findOne("customers.getByPublicId", CustomerEntity, { publicId }, customerFromRow),
        getByNumber: (number) => findOne("customers.getByNumber", CustomerEntity, { number }, customerFromRow),
        getByExternalRef: (ref) =>
          findOne("customers.getByExternalRef", CustomerEntity, externalRefWhere(ref), customerFromRow),
        update: (row, expectedVersion) =>
          guardedUpdate("customers.update", CustomerEntity, row, expectedVersion, customerToRow),
        list: (query: CustomerQuery) => {
          const search = query.search?.trim() ?? ""
          const conditions: Array<object> = [
            ...inList(query.ids, "id"),
            ...equals(query.billingEntityId, "billingEntityId"),
            ...(search === "" ? [] : [searchTextContains(search)])
          ]
          return listById<CustomerRow, ReturnType<typeof customerFromRow>>(
            "customers.list",
            CustomerEntity,
            conditions,
            query,
            customerFromRow
          )
        }
      },

      gateways: {
        insert: (row) => insert("gateways.insert", GatewayEntity, row, gatewayToRow),
        get: (id) => findOne("gateways.get", GatewayEntity, { id }, gatewayFromRow),
        getByCode: (code) => findOne("gateways.getByCode", GatewayEntity, { code }, gatewayFromRow),
        list: (paging) => listById("gateways.list", GatewayEntity, [], paging, gatewayFromRow)
      },

      presets: {
        insert: (row) => insert("presets.insert", PaymentPresetEntity, row, paymentPresetToRow),
        get: (id) => findOne("presets.get", PaymentPresetEntity, { id }, paymentPresetFromRow),
        getByCode: (kind, code) =>
          findOne("presets.getByCode", PaymentPresetEntity, { kind, code }, paymentPresetFromRow),
        update: (row) => replace("presets.update", PaymentPresetEntity, row, paymentPresetToRow),
        list: (kind, paging) => listById("presets.list", PaymentPresetEntity, [{ kind }], paging, paymentPresetFromRow)
      },

      documents: {
        insert: (row) => insert("documents.insert", DocumentEntity, row, documentToRow),
        get: (id) => findOne("documents.get", DocumentEntity, { id }, documentFromRow),
        getByPublicId: (publicId) => findOne("documents.getByPublicId", DocumentEntity, { publicId }, documentFromRow),
        getByNumber: (kind, number) =>
          findOne("documents.getByNumber", DocumentEntity, { kind, number }, documentFromRow),
        update: (row, expectedVersion) =>
          guardedUpdate("documents.update", DocumentEntity, row, expectedVersion, documentToRow),
        list: (query: DocumentQuery) => {
          const conditions: Array<object> = [
            ...equals(query.customerId, "customerId"),
            ...inList(query.customerIds, "customerId"),
            ...inList(query.kinds, "kind"),
            ...inList(query.states, "state"),
            ...(query.unpaidOnly === true ? [{ state: "issued", outstanding: { $gt: 0n } }] : [])
          ]
          if (query.order === "id") {
            return listById("documents.list", DocumentEntity, conditions, query, documentFromRow)
          }
          return Effect.flatMap(decode(query.cursor, "oldest", ["string", "number"]), (after) => {
            const limit = limitOf(query)
            const keyset = after === null ? [] : [rowComparison(["issue_date", "id"], ">", after)]
            return use("documents.list", async (em) => {
              const rows = (await em.find(
                DocumentEntity,
                { $and: [...conditions, ...keyset] } as FilterQuery<DocumentRow>,
                {
                  orderBy: [{ issueDate: "asc" }, { id: "asc" }],
                  limit: limit + 1
                }
              )) as unknown as ReadonlyArray<DocumentRow>
              return toPage(rows, limit, "oldest", (row) => [row.issueDate, row.id], documentFromRow)
            })
          })
        }
      },

      payments: {
        insert: (row) => insert("payments.insert", PaymentEntity, row, paymentToRow),
        get: (id) => findOne("payments.get", PaymentEntity, { id }, paymentFromRow),
        getByPublicId: (publicId) => findOne("payments.getByPublicId", PaymentEntity, { publicId }, paymentFromRow),
        getByReferenceNumber: (referenceNumber) =>
          findOne("payments.getByReferenceNumber", PaymentEntity, { referenceNumber }, paymentFromRow),
        getByNumber: (number) => findOne("payments.getByNumber", PaymentEntity, { number }, paymentFromRow),
        getByExternalRef: (ref) =>
          findOne("payments.getByExternalRef", PaymentEntity, externalRefWhere(ref), paymentFromRow),
        update: (row, expectedVersion) =>
          guardedUpdate("payments.update", PaymentEntity, row, expectedVersion, paymentToRow),
        list: (query: PaymentQuery) => {
          const eventSince = query.eventSince
          // The upper payment-date bound is a parameter: a "newest" page narrows it to its cursor's date,
          // which lets SQLite start its index range at the cursor instead of at the filter's end date
          // (deep pages then cost what the first one does; the row comparison still decides ties).
          const conditionsUpTo = (paymentDateTo: string | undefined): Array<object> => [
            ...equals(query.customerId, "customerId"),
            ...inList(query.customerIds, "customerId"),
            ...inList(query.states, "state"),
            ...equals(query.currency, "currency"),
            ...(query.paymentDateFrom === undefined ? [] : [{ paymentDate: { $gte: query.paymentDateFrom } }]),
            ...(paymentDateTo === undefined ? [] : [{ paymentDate: { $lte: paymentDateTo } }]),
            ...(query.reversal === "none" ? [{ reversedAmount: 0n }] : []),
            ...(query.reversal === "some" ? [{ reversedAmount: { $gt: 0n } }] : []),
            ...(query.reversalDateFrom === undefined ? [] : [{ reversalDate: { $gte: query.reversalDateFrom } }]),
            ...(query.reversalDateTo === undefined ? [] : [{ reversalDate: { $lte: query.reversalDateTo } }]),
            ...(query.idAfter === undefined ? [] : [{ id: { $gt: query.idAfter } }]),
            ...(query.createdSince === undefined ? [] : [{ createdAt: { $gte: query.createdSince } }]),
            ...(query.updatedSince === undefined ? [] : [{ updatedAt: { $gte: query.updatedSince } }]),
            ...equals(query.methodId, "methodId"),
            ...equals(query.typeId, "typeId"),
            ...equals(query.gatewayId, "gatewayId"),
            ...equals(query.externalSystem, "externalSystem"),
            ...(query.amountMin === undefined ? [] : [{ amount: { $gte: query.amountMin } }]),
            ...(query.amountMax === undefined ? [] : [{ amount: { $lte: query.amountMax } }]),
            ...equals(query.origin, "origin"),
            ...(query.search === undefined ? [] : [searchTextContains(query.search)])
          ]
          const withEvents = (em: SqlEntityManager, paymentDateTo = query.paymentDateTo): Array<object> => {
            const conditions = conditionsUpTo(paymentDateTo)
            if (eventSince === undefined) return conditions
            if (eventSince.types.length === 0) return [...conditions, { id: { $in: [] } }]
            const touched = em
              .createQueryBuilder(LedgerEventEntity, "ev")
              .select("paymentId")
              .where({
                type: { $in: [...eventSince.types] },
                occurredAt: { $gte: eventSince.since },
                paymentId: { $ne: null }
              } as never)
            return [...conditions, { id: { $in: touched.getNativeQuery() } }]
          }
          if (query.order === "id") {
            return Effect.flatMap(decode(query.cursor, "id", ["number"]), (after) => {
              const limit = limitOf(query)
              return use("payments.list", async (em) => {
                const where = { $and: [...withEvents(em), ...(after === null ? [] : [{ id: { $gt: after[0] } }])] }
                const rows = (await em.find(PaymentEntity, where as FilterQuery<PaymentRow>, {
                  orderBy: { id: "asc" },
                  limit: limit + 1
                })) as unknown as ReadonlyArray<PaymentRow>
                return toPage(rows, limit, "id", (row) => [row.id], paymentFromRow)
              })
            })
          }
          return Effect.flatMap(decode(query.cursor, "newest", ["string", "number"]), (after) => {
            const limit = limitOf(query)
            const keyset = after === null ? [] : [rowComparison(["payment_date", "id"], "<", after)]
            const cursorDate = after === null ? undefined : String(after[0])
            const upTo =
              cursorDate === undefined || (query.paymentDateTo !== undefined && query.paymentDateTo < cursorDate)
                ? query.paymentDateTo
                : cursorDate
            return use("payments.list", async (em) => {
              const rows = (await em.find(
                PaymentEntity,
                { $and: [...withEvents(em, upTo), ...keyset] } as FilterQuery<PaymentRow>,
                {
                  orderBy: [{ paymentDate: "desc" }, { id: "desc" }],
                  limit: limit + 1
                }
              )) as unknown as ReadonlyArray<PaymentRow>
              return toPage(rows, limit, "newest", (row) => [row.paymentDate, row.id], paymentFromRow)
            })
          })
        },
        overview: (query) =>
          use("payments.overview", async (em) => {
            const scope = query.customerIds
            const scoped = (column: string) =>
              scope === undefined
                ? { sql: "", params: [] as Array<number> }
                : scope.length === 0
                  ? { sql: " and 1 = 0", params: [] as Array<number> }
                  : { sql: ` and ${column} in (${scope.map(() => "?").join(", ")})`, params: [...scope] }
            const payScope = scoped("p.customer_id")
            const volume = (await em.execute(
              `select cast(p.payment_date as text) as day, p.currency as currency, p.method_id as method_id,
                      count(*) as n, cast(sum(p.amount) as text) as total
                 from payments p
                where p.state = 'posted' and p.payment_date >= ? and p.payment_date <= ?${payScope.sql}
                group by p.payment_date, p.currency, p.method_id
                order by p.payment_date, p.currency, coalesce(p.method_id, 0)`,
              [query.from, query.to, ...payScope.params]
            )) as ReadonlyArray<AggregateRow>
            const pending = (await em.execute(
              `select p.currency as currency, count(*) as n, cast(sum(p.amount) as text) as total
                 from payments p where p.state = 'pending'${payScope.sql}
                group by p.currency order by p.currency`,
              [...payScope.params]
            )) as ReadonlyArray<AggregateRow>
            const reversals = (await em.execute(
              `select cast(r.effective_date as text) as day, p.currency as currency, count(*) as n,
                      cast(sum(r.amount) as text) as total
                 from reversals r join payments p on p.id = r.payment_id
                where r.reinstated_at is null and r.effective_date >= ? and r.effective_date <= ?${payScope.sql}
                group by r.effective_date, p.currency order by r.effective_date, p.currency`,
              [query.from, query.to, ...payScope.params]
            )) as ReadonlyArray<AggregateRow>
            const customerScope = scoped("c.id")
            const debtors = (await em.execute(
              `select c.id as id, c.number as number, c.name as name, c.currency as currency,
                      cast(c.balance as text) as balance
                 from customers c where c.balance < 0${customerScope.sql}
                order by c.balance asc, c.id asc limit ?`,
              [...customerScope.params, query.topDebtors]
            )) as ReadonlyArray<{ id: number; number: string; name: string; currency: string; balance: string }>
            const day = (value: unknown) => String(value).slice(0, 10)
            return {
              from: query.from,
              to: query.to,
              volumeByDay: volume.map((row) => ({
                date: day(row.day),
                currency: row.currency as CurrencyCode,
                methodId: row.method_id === null || row.method_id === undefined ? null : Number(row.method_id),
                count: Number(row.n),
                amount: BigInt(row.total)
              })),
              pendingCollection: pending.map((row) => ({
                currency: row.currency as CurrencyCode,
                count: Number(row.n),
                amount: BigInt(row.total)
              })),
              reversalsByDay: reversals.map((row) => ({
                date: day(row.day),
                currency: row.currency as CurrencyCode,
                count: Number(row.n),
                amount: BigInt(row.total)
              })),
              topDebtors: debtors.map((row) => ({
                customerId: Number(row.id),
                number: row.number,
                name: row.name,
                currency: row.currency as CurrencyCode,
                balance: BigInt(row.balance)
              }))
            }
          })
      },

      allocations: {
        insert: (row) => insert("allocations.insert", AllocationEntity, row, allocationToRow),
        delete: (id) =>
          use("allocations.delete", async (em) => {
            await em.nativeDelete(AllocationEntity, { id })
          }),
        get: (id) => findOne("allocations.get", AllocationEntity, { id }, allocationFromRow),
        listByPayment: (paymentId) =>
          findAll("allocations.listByPayment", AllocationEntity, { paymentId }, allocationFromRow),
        listByDocument: (documentId) =>
          findAll("allocations.listByDocument", AllocationEntity, { documentId }, allocationFromRow)
      },

      reversals: {
        insert: (row) => insert("reversals.insert", ReversalEntity, row, reversalToRow),
        update: (row) => replace("reversals.update", ReversalEntity, row, reversalToRow),
        listByPayment: (paymentId) => findAll("reversals.listByPayment", ReversalEntity, { paymentId }, reversalFromRow)
      },

      collections: {
        insert: (row) => insert("collections.insert", CollectionEntity, row, collectionToRow),
        update: (row) => replace("collections.update", CollectionEntity, row, collectionToRow),
        listByPayment: (paymentId) =>
          findAll("collections.listByPayment", CollectionEntity, { paymentId }, collectionFromRow)
      },

      refunds: {
        insert: (row) => insert("refunds.insert", RefundEntity, row, refundToRow),
        get: (id) => findOne("refunds.get", RefundEntity, { id }, refundFromRow),
        update: (row) => replace("refunds.update", RefundEntity, row, refundToRow),
        list: (query: RefundQuery) =>
          listById<RefundRow, ReturnType<typeof refundFromRow>>(
            "refunds.list",
            RefundEntity,
            [
              ...equals(query.customerId, "customerId"),
              ...inList(query.customerIds, "customerId"),
              ...equals(query.paymentId, "paymentId"),
              ...inList(query.states, "state")
            ],
            query,
            refundFromRow
          )
      },

      balance: {
        append: (row) =>
          use("balance.append", async (em) => {
            const rows = (await em.execute(
              "select coalesce(max(sequence), 0) as last from balance_entries where customer_id = ?",
              [row.customerId]
            )) as ReadonlyArray<{ last: string | number | bigint }>
            const sequence = Number(rows[0]?.last ?? 0) + 1
            const record = { ...row, sequence }
            const id = await em.insert(BalanceEntryEntity, balanceEntryToRow(record))
            const stored: BalanceEntry = { ...record, id: Number(id) }
            return stored
          }),
        list: (customerId, paging) =>
          Effect.flatMap(decode(paging.cursor, "sequence", ["number"]), (after) => {
            const limit = limitOf(paging)
            return use("balance.list", async (em) => {
              const rows = await em.find(
                BalanceEntryEntity,
                after === null ? { customerId } : { customerId, sequence: { $gt: Number(after[0]) } },
                { orderBy: { sequence: "asc" }, limit: limit + 1 }
              )
              return toPage(rows, limit, "sequence", (entry) => [entry.sequence], balanceEntryFromRow)
            })
          })
      },

      events: {
        append: (row) => insert("events.append", LedgerEventEntity, row, ledgerEventToRow),
        list: (query: EventQuery) =>
          listById<LedgerEventRow, ReturnType<typeof ledgerEventFromRow>>(
            "events.list",
            LedgerEventEntity,
            [
              ...inList(query.types, "type"),
              ...(query.since === undefined ? [] : [{ occurredAt: { $gte: query.since } }]),
              ...equals(query.customerId, "customerId"),
              ...inList(query.customerIds, "customerId"),
              ...equals(query.paymentId, "paymentId")
            ],
            query,
            ledgerEventFromRow
          )
      },

      idempotency: {
        claim: (input) =>
          use("idempotency.claim", async (em): Promise<IdempotencyClaim> => {
            // Insert-if-absent first: on PostgreSQL this waits for a concurrent claim of the same key
            // to commit (then we see its row) or roll back (then our insert wins).
            const inserted = await em
              .createQueryBuilder(IdempotencyKeyEntity)
              .insert({
                principalId: input.principalId,
                key: input.key,
                operation: input.operation,
                requestHash: input.requestHash,
                response: null,
                createdAt: input.now,
                completedAt: null
              })
              .onConflict(["principalId", "key"])
              .ignore()
              .execute("run")
            if (inserted.affectedRows === 1) return { _tag: "Fresh" }
            const existing = await em.findOne(IdempotencyKeyEntity, {
              principalId: input.principalId,
              key: input.key
            })
            if (existing === null) throw new Error("idempotency.claim: the conflicting key vanished")
            if (existing.operation !== input.operation || existing.requestHash !== input.requestHash) {
              return { _tag: "Mismatch" }
            }
            return existing.completedAt == null
              ? { _tag: "Fresh" }
              : { _tag: "Replay", response: existing.response ?? null }
          }),
        complete: (input) =>
          use("idempotency.complete", async (em) => {
            const updated = await em.nativeUpdate(
              IdempotencyKeyEntity,
              { principalId: input.principalId, key: input.key },
              { response: input.response ?? null, completedAt: new Date() }
            )
            if (updated !== 1) throw new Error(`idempotency.complete: key ${input.key} was never claimed`)
          }),
        purge: (before) =>
          use("idempotency.purge", (em) => em.nativeDelete(IdempotencyKeyEntity, { createdAt: { $lt: before } }))
      },

      users: {
        insert: (row: New<UserRecord>) => insert("users.insert", UserEntity, row, userToRow),
        get: (id) => findOne("users.get", UserEntity, { id }, userFromRow),
        getByEmail: (email) => findOne("users.getByEmail", UserEntity, { email }, userFromRow),
        count: use("users.count", (em) => em.count(UserEntity, {})),
        list: findAll("users.list", UserEntity, {}, userFromRow)
      },

      dialectRecords: {
        insert: (row) =>
          Effect.flatMap(
            findOne(
              "dialectRecords.getByKey",
              DialectRecordEntity,
              { dialect: row.dialect, kind: row.kind, key: row.key },
              dialectRecordFromRow
            ),
            (existing): Effect.Effect<DialectRecord, StorageUnavailable | Conflict> =>
              existing === null
                ? insert("dialectRecords.insert", DialectRecordEntity, row, dialectRecordToRow)
                : Effect.fail(new Conflict({ reason: "duplicate", message: `${row.kind} ${row.key} already exists` }))
          ),
        get: (id) => findOne("dialectRecords.get", DialectRecordEntity, { id }, dialectRecordFromRow),
        getByKey: (dialect, kind, key) =>
          findOne("dialectRecords.getByKey", DialectRecordEntity, { dialect, kind, key }, dialectRecordFromRow),
        update: (row) => replace("dialectRecords.update", DialectRecordEntity, row, dialectRecordToRow),
        delete: (id) =>
          use("dialectRecords.delete", async (em) => {
            await em.nativeDelete(DialectRecordEntity, { id })
          }),
        list: (query) =>
          listById<DialectRecordRow, ReturnType<typeof dialectRecordFromRow>>(
            "dialectRecords.list",
            DialectRecordEntity,
            [
              { dialect: query.dialect, kind: query.kind },
              ...equals(query.customerId, "customerId"),
              ...inList(query.customerIds, "customerId"),
              ...equals(query.paymentId, "paymentId")
            ],
            query,
            dialectRecordFromRow
          )
      },

      apiKeys: {
        insert: (row: New<ApiKeyRecord>) =>
          insert("apiKeys.insert", ApiKeyEntity, { ...row, lastUsedAt: row.lastUsedAt ?? null }, apiKeyToRow),
        getByPrefix: (prefix) => findOne("apiKeys.getByPrefix", ApiKeyEntity, { prefix }, apiKeyFromRow),
        revokeAllForUser: (userId: RecordId, at: Date) =>
          use("apiKeys.revokeAllForUser", (em) =>
            em.nativeUpdate(ApiKeyEntity, { userId, revokedAt: null }, { revokedAt: at })
          ),
        get: (id) => findOne("apiKeys.get", ApiKeyEntity, { id }, apiKeyFromRow),
        list: (userId) => findAll("apiKeys.list", ApiKeyEntity, userId === undefined ? {} : { userId }, apiKeyFromRow),
        revoke: (id, at) =>
          use(
            "apiKeys.revoke",
            async (em) => (await em.nativeUpdate(ApiKeyEntity, { id, revokedAt: null }, { revokedAt: at })) === 1
          ),
        markUsed: (id, at) =>
          use("apiKeys.markUsed", async (em) => {
            await em.nativeUpdate(ApiKeyEntity, { id }, { lastUsedAt: at })
          })
      },

      ping: use("ping", async (em) => {
        await em.execute("select 1")
      })
    })
  })

/** `LedgerStore` over a given ORM (the ORM's lifetime is the caller's; see `openDatabase`). */
export const mikroOrmLedgerStoreLayer = (options: MikroOrmLedgerStoreOptions): Layer.Layer<LedgerStore> =>
  Layer.effect(LedgerStore, makeMikroOrmLedgerStore(options))
