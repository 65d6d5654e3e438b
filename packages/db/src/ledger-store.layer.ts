/**
 * The `LedgerStore` port on MikroORM, for SQLite and PostgreSQL, over the session the three storage
 * ports share (`store/orm-session.ts`: transactions, row helpers, keyset pages). Concurrency: on
 * PostgreSQL (READ COMMITTED) `lockCustomer` is `SELECT … FOR UPDATE`, so writers of one customer
 * serialise across processes, and guarded updates compare `version`; SQLite transactions begin with
 * `BEGIN IMMEDIATE` (the SQLite dialect), taking the write lock up front. Reads hydrate through
 * MikroORM (bigint money, JSON, dates) with the identity map disabled, so every read sees the
 * database; writes are native inserts/updates; the mappers convert rows to domain records.
 */
import { type FilterQuery, LockMode, raw } from "@mikro-orm/core"
import {
  type BalanceEntry,
  type Collection,
  type CollectionId,
  Conflict,
  type CustomerQuery,
  type DialectRecord,
  type Document,
  type DocumentQuery,
  type EventQuery,
  type GatewayAttempt,
  type IdSpace,
  LedgerStore,
  type LedgerStoreShape,
  type New,
  trustedId
} from "@paybridge/core"
import { Effect } from "effect"
import { AllocationReleaseEntity } from "./entities/allocation-release.entity.ts"
import { BalanceEntryEntity } from "./entities/balance-entry.entity.ts"
import { BillingEntityEntity } from "./entities/billing-entity.entity.ts"
import { CollectionEntity, type CollectionRow } from "./entities/collection.entity.ts"
import { CustomerEntity, type CustomerRow } from "./entities/customer.entity.ts"
import { DialectRecordEntity, type DialectRecordRow } from "./entities/dialect-record.entity.ts"
import { DocumentEntity, type DocumentRow } from "./entities/document.entity.ts"
import { GatewayEntity } from "./entities/gateway.entity.ts"
import { GatewayAttemptEntity, type GatewayAttemptRow } from "./entities/gateway-attempt.entity.ts"
import { LeaseEntity } from "./entities/lease.entity.ts"
import { LedgerEventEntity, type LedgerEventRow } from "./entities/ledger-event.entity.ts"
import { PaymentPresetEntity } from "./entities/payment-preset.entity.ts"
import { allocationReleaseFromRow, allocationReleaseToRow } from "./mappers/allocation-release.mapper.ts"
import { balanceEntryFromRow, balanceEntryToRow } from "./mappers/balance-entry.mapper.ts"
import { billingEntityFromRow, billingEntityToRow } from "./mappers/billing-entity.mapper.ts"
import { collectionFromRow, collectionToRow } from "./mappers/collection.mapper.ts"
import { customerFromRow, customerToRow } from "./mappers/customer.mapper.ts"
import { dialectRecordFromRow, dialectRecordToRow } from "./mappers/dialect-record.mapper.ts"
import { documentFromRow, documentToRow } from "./mappers/document.mapper.ts"
import { gatewayFromRow, gatewayToRow } from "./mappers/gateway.mapper.ts"
import { gatewayAttemptFromRow, gatewayAttemptToRow } from "./mappers/gateway-attempt.mapper.ts"
import { ledgerEventFromRow, ledgerEventToRow } from "./mappers/ledger-event.mapper.ts"
import { paymentPresetFromRow, paymentPresetToRow } from "./mappers/payment-preset.mapper.ts"
import type { SecretSealer } from "./secrets/secret-sealing.ts"
import { makeAllocationRows } from "./store/allocation-rows.ts"
import { readLockedCustomer } from "./store/customer-lock.ts"
import { insertDialectRecords } from "./store/dialect-record-rows.ts"
import { drawIdsOf, drawnRowsOf, insertAllWithIds, insertMany, releaseIdsOf } from "./store/drawn-ids.ts"
import { makeGatewaySettingsStore } from "./store/gateway-settings-store.ts"
import type { OrmSession, WriteOp } from "./store/orm-session.ts"
import { makePaymentRows } from "./store/payment-rows.ts"
import { makeRefundRows } from "./store/refund-rows.ts"
import { makeReversalRows } from "./store/reversal-rows.ts"
import { appendEntryOn, appendEventsOn, moveWithEventsOn } from "./store/written-inserts.ts"

/** The table behind each id space (their `id` columns are SQLite AUTOINCREMENT / PostgreSQL serial). */
const idSpaceTables: Readonly<Record<IdSpace, string>> = {
  customers: "customers",
  documents: "documents",
  payments: "payments",
  refunds: "refunds",
  reversals: "reversals"
}

/** An event that is its payment's first or last (correlated on the indexed `payment_id`); a fresh fragment per query. */
const firstOrLastOfPayment = (): object => ({
  [raw(
    (alias: string) =>
      `(${alias}.payment_id is not null and (${alias}.id = (select min(f.id) from ledger_events f where f.payment_id = ${alias}.payment_id) or ${alias}.id = (select max(f.id) from ledger_events f where f.payment_id = ${alias}.payment_id)))`
  )]: []
})

export const makeLedgerStore = (session: OrmSession, sealer: SecretSealer | null = null): LedgerStoreShape => {
  const {
    decode,
    equals,
    externalRefWhere,
    findAll,
    findOne,
    guardedUpdate,
    inList,
    inTransaction,
    insert,
    isPostgres,
    limitOf,
    listById,
    replace,
    rowComparison,
    searchTextContains,
    toPage,
    transaction,
    savepoint,
    use,
    write
  } = session

  /**
   * The next entry of the customer's chain, its sequence computed by the insert itself (one
   * statement); with `customerVersion`, that statement also moves the customer's balance (the
   * trigger of migration 20261208000000, guarded by the version).
   */
  const appendEntry = (operation: string, row: Omit<New<BalanceEntry>, "sequence">, customerVersion: number | null) =>
    write(operation, (em) => appendEntryOn(em, row, customerVersion))

  return LedgerStore.of({
    transaction,
    savepoint,

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

    // One statement: the customer locked (PostgreSQL `FOR UPDATE`), the presets named, and when asked
    // whether it has unpaid documents — on PostgreSQL checked after the row lock is taken, in a fresh
    // snapshot (a VOLATILE function, migration 20261205500000); SQLite's write lock is held from the
    // transaction's start —, and the dialect records and billing entity a caller names.
    lockCustomerWith: (customer, presetIds, options) =>
      Effect.flatMap(inTransaction, (locked) =>
        use("lockCustomer", (em) =>
          readLockedCustomer(em, customer, presetIds, {
            lock: locked && isPostgres,
            postgres: isPostgres,
            unpaidDocuments: options?.unpaidDocuments === true,
            records: options?.records,
            billingEntity: options?.billingEntity,
            documents: options?.documents
          })
        )
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

    reserveIds: (space, above) =>
      use("reserveIds", async (em) => {
        if (above <= 0n) return
        const table = idSpaceTables[space as IdSpace]
        if (table === undefined) {
          // A number sequence: its next value is above `above` (never lowered).
          await em.execute(
            isPostgres
              ? "insert into sequences (name, value) values (?, ?) on conflict (name) do update set value = greatest(sequences.value, excluded.value)"
              : "insert into sequences (name, value) values (?, ?) on conflict (name) do update set value = max(sequences.value, excluded.value)",
            [space, above.toString()]
          )
        } else if (isPostgres) {
          // nextval then setval: the counter only moves forward, also past ids other transactions hold.
          await em.execute(
            "select setval(pg_get_serial_sequence(?, 'id'), greatest(cast(? as bigint), nextval(pg_get_serial_sequence(?, 'id'))))",
            [table, above.toString(), table]
          )
        } else {
          // An AUTOINCREMENT table's counter is its row in sqlite_sequence (none before its first insert).
          await em.execute("update sqlite_sequence set seq = ? where name = ? and seq < ?", [
            above.toString(),
            table,
            above.toString()
          ])
          await em.execute(
            "insert into sqlite_sequence (name, seq) select ?, ? where not exists (select 1 from sqlite_sequence where name = ?)",
            [table, above.toString(), table]
          )
        }
      }),

    // One multi-row upsert for several counters; RETURNING's row order is unspecified, so the
    // values are matched to the names by name.
    nextSequences: (names) =>
      use("nextSequences", async (em) => {
        if (names.length === 0) return []
        const rows = (await em.execute(
          `insert into sequences (name, value) values ${names.map(() => "(?, 1)").join(", ")} ` +
            "on conflict (name) do update set value = sequences.value + 1 returning name, value",
          [...names]
        )) as ReadonlyArray<{ name: string; value: string | number | bigint }>
        const byName = new Map(rows.map((row) => [row.name, BigInt(row.value)]))
        return names.map((name) => {
          const value = byName.get(name)
          if (value === undefined) throw new Error(`nextSequences: the database returned no value for ${name}`)
          return value
        })
      }),

    billingEntities: {
      insert: (row) => insert("billingEntities.insert", BillingEntityEntity, row, billingEntityToRow),
      get: (id) => findOne("billingEntities.get", BillingEntityEntity, { id }, billingEntityFromRow),
      list: (query) =>
        listById("billingEntities.list", BillingEntityEntity, inList(query.ids, "id"), query, billingEntityFromRow)
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
          ...equals(query.publicId, "publicId"),
          ...equals(query.number, "number"),
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
      update: (row) => replace("gateways.update", GatewayEntity, row, gatewayToRow),
      list: (paging) => listById("gateways.list", GatewayEntity, [], paging, gatewayFromRow)
    },

    gatewaySettings: makeGatewaySettingsStore(session, sealer),

    presets: {
      insert: (row) => insert("presets.insert", PaymentPresetEntity, row, paymentPresetToRow),
      get: (id) => findOne("presets.get", PaymentPresetEntity, { id }, paymentPresetFromRow),
      getByCode: (kind, code) =>
        findOne("presets.getByCode", PaymentPresetEntity, { kind, code }, paymentPresetFromRow),
      update: (row) => replace("presets.update", PaymentPresetEntity, row, paymentPresetToRow),
      list: (kind, paging) => listById("presets.list", PaymentPresetEntity, [{ kind }], paging, paymentPresetFromRow)
    },

    payments: makePaymentRows(session),

    documents: {
      insert: (row) => insert("documents.insert", DocumentEntity, row, documentToRow),
      ...drawnRowsOf<DocumentRow, Document>(session, "documents", DocumentEntity, documentToRow),
      get: (id) => findOne("documents.get", DocumentEntity, { id }, documentFromRow),
      getMany: (ids) =>
        ids.length === 0
          ? Effect.succeed([])
          : findAll("documents.getMany", DocumentEntity, { id: { $in: [...new Set(ids)] } }, documentFromRow),
      getByPublicId: (publicId) => findOne("documents.getByPublicId", DocumentEntity, { publicId }, documentFromRow),
      getByNumber: (kind, number) =>
        findOne("documents.getByNumber", DocumentEntity, { kind, number }, documentFromRow),
      update: (row, expectedVersion) =>
        guardedUpdate("documents.update", DocumentEntity, row, expectedVersion, documentToRow),
      list: (query: DocumentQuery) => {
        const conditions: Array<object> = [
          ...inList(query.ids, "id"),
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

    allocations: makeAllocationRows(session),

    releases: {
      insert: (row) => insert("releases.insert", AllocationReleaseEntity, row, allocationReleaseToRow),
      insertAll: insertMany(session, "releases.insertAll", AllocationReleaseEntity, allocationReleaseToRow),
      update: (row) => replace("releases.update", AllocationReleaseEntity, row, allocationReleaseToRow),
      listByMovement: (movementKind, movementId) =>
        findAll(
          "releases.listByMovement",
          AllocationReleaseEntity,
          { movementKind, movementId },
          allocationReleaseFromRow
        ),
      listByPayment: (paymentId) =>
        findAll("releases.listByPayment", AllocationReleaseEntity, { paymentId }, allocationReleaseFromRow)
    },

    reversals: makeReversalRows(session),

    collections: {
      insert: (row) => insert("collections.insert", CollectionEntity, row, collectionToRow),
      drawIds: drawIdsOf<CollectionId>(session, "collections"),
      releaseIds: releaseIdsOf<CollectionId>(session, "collections"),
      insertAll: insertAllWithIds<CollectionRow, Collection>(
        session,
        "collections.insertAll",
        CollectionEntity,
        collectionToRow
      ),
      update: (row) => replace("collections.update", CollectionEntity, row, collectionToRow),
      listByPayment: (paymentId) =>
        findAll("collections.listByPayment", CollectionEntity, { paymentId }, collectionFromRow)
    },

    gatewayAttempts: {
      insert: (row) =>
        Effect.flatMap(
          findOne(
            "gatewayAttempts.getByKey",
            GatewayAttemptEntity,
            { attemptKey: row.attemptKey },
            gatewayAttemptFromRow
          ),
          (existing): WriteOp<GatewayAttempt> =>
            existing === null
              ? insert("gatewayAttempts.insert", GatewayAttemptEntity, row, gatewayAttemptToRow)
              : Effect.fail(new Conflict({ reason: "duplicate", message: `gateway attempt ${row.attemptKey} exists` }))
        ),
      get: (id) => findOne("gatewayAttempts.get", GatewayAttemptEntity, { id }, gatewayAttemptFromRow),
      getByKey: (attemptKey) =>
        findOne("gatewayAttempts.getByKey", GatewayAttemptEntity, { attemptKey }, gatewayAttemptFromRow),
      update: (row) => replace("gatewayAttempts.update", GatewayAttemptEntity, row, gatewayAttemptToRow),
      listByPayment: (paymentId) =>
        findAll("gatewayAttempts.listByPayment", GatewayAttemptEntity, { paymentId }, gatewayAttemptFromRow),
      listPending: (limit) =>
        use("gatewayAttempts.listPending", async (em) => {
          const rows: ReadonlyArray<GatewayAttemptRow> = await em.find(
            GatewayAttemptEntity,
            { state: "pending" },
            { orderBy: { id: "asc" }, limit }
          )
          return rows.map(gatewayAttemptFromRow)
        }),
      listDue: (at, limit) =>
        use("gatewayAttempts.listDue", async (em) => {
          const rows: ReadonlyArray<GatewayAttemptRow> = await em.find(
            GatewayAttemptEntity,
            { state: "pending", $or: [{ nextTryAt: null }, { nextTryAt: { $lte: at } }] },
            { orderBy: { id: "asc" }, limit }
          )
          return rows.map(gatewayAttemptFromRow)
        }),
      listInState: (state, limit) =>
        use("gatewayAttempts.listInState", async (em) => {
          const rows: ReadonlyArray<GatewayAttemptRow> = await em.find(
            GatewayAttemptEntity,
            { state },
            { orderBy: { id: "asc" }, limit }
          )
          return rows.map(gatewayAttemptFromRow)
        })
    },

    leases: {
      acquire: (name, holder, now, until) =>
        use("leases.acquire", async (em) => {
          const renewed = await em.nativeUpdate(
            LeaseEntity,
            { name, $or: [{ holder }, { expiresAt: { $lt: now } }] },
            { holder, expiresAt: until }
          )
          if (renewed === 1) return true
          // No row yet: the first insert wins; a concurrent one is ignored (and has the lease).
          const inserted = await em
            .createQueryBuilder(LeaseEntity)
            .insert({ name, holder, expiresAt: until })
            .onConflict("name")
            .ignore()
            .execute("run")
          return inserted.affectedRows === 1
        }),
      release: (name, holder) =>
        use("leases.release", async (em) => {
          await em.nativeDelete(LeaseEntity, { name, holder })
        })
    },

    refunds: makeRefundRows(session),

    balance: {
      append: (row) => appendEntry("balance.append", row, null),
      move: (row, customerVersion) => appendEntry("balance.move", row, customerVersion),
      moveWithEvents: (row, customerVersion, events) =>
        write("balance.moveWithEvents", async (em) => {
          const moved = await moveWithEventsOn(em, row, customerVersion, events, isPostgres)
          if (moved.eventIds.length !== events.length) throw new Error("balance.moveWithEvents: fewer events returned")
          return {
            entry: moved.entry,
            events: events.map(({ attachedRecord: _attached, ...event }, index) => ({
              ...event,
              id: trustedId(moved.eventIds[index] ?? 0)
            }))
          }
        }),
      // The last sequence of each customer named (one read; the caller holds their locks), then
      // one multi-row insert with each row's sequence stated.
      appendAll: (rows) =>
        write("balance.appendAll", async (em) => {
          if (rows.length === 0) return []
          const customerIds = [...new Set(rows.map((row) => row.customerId))]
          const lasts = (await em.execute(
            `select customer_id, coalesce(max(sequence), 0) as last from balance_entries where customer_id in (${customerIds.map(() => "?").join(", ")}) group by customer_id`,
            customerIds
          )) as ReadonlyArray<{ customer_id: number | string; last: number | string }>
          const next = new Map<number, number>(customerIds.map((id) => [id, 1]))
          for (const last of lasts) next.set(Number(last.customer_id), Number(last.last) + 1)
          const sequenced = rows.map((row) => {
            const sequence = next.get(row.customerId) ?? 1
            next.set(row.customerId, sequence + 1)
            return { ...row, sequence }
          })
          const result = await em
            .createQueryBuilder(BalanceEntryEntity)
            .insert(sequenced.map((row) => balanceEntryToRow(row)))
            .returning(["id"])
            .execute("all")
          const ids = (result as unknown as ReadonlyArray<{ id: number | string }>).map((inserted) =>
            Number(inserted.id)
          )
          if (ids.length !== rows.length) throw new Error("balance.appendAll: the database returned fewer rows")
          // Ids of one multi-row insert ascend in the order of its VALUES rows on both databases.
          ids.sort((a, b) => a - b)
          return sequenced.map((row, index): BalanceEntry => ({ ...row, id: trustedId(ids[index] ?? 0) }))
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
      appendAll: (rows) =>
        write("events.appendAll", async (em) => {
          if (rows.length === 0) return []
          const ids = [...(await appendEventsOn(em, rows, isPostgres))]
          if (ids.length !== rows.length) throw new Error("events.appendAll: the database returned fewer rows")
          // Ids of one multi-row insert ascend in the order of its VALUES rows on both databases.
          ids.sort((a, b) => a - b)
          return rows.map(({ attachedRecord: _attached, ...row }, index) => ({
            ...row,
            id: trustedId(ids[index] ?? 0)
          }))
        }),
      list: (query: EventQuery) =>
        listById<LedgerEventRow, ReturnType<typeof ledgerEventFromRow>>(
          "events.list",
          LedgerEventEntity,
          [
            ...inList(query.types, "type"),
            ...(query.since === undefined ? [] : [{ occurredAt: { $gte: query.since } }]),
            ...equals(query.customerId, "customerId"),
            ...inList(query.customerIds, "customerId"),
            ...equals(query.paymentId, "paymentId"),
            ...inList(query.paymentIds, "paymentId"),
            ...(query.firstAndLastPerPayment === true ? [firstOrLastOfPayment()] : [])
          ],
          query,
          ledgerEventFromRow
        )
    },

    dialectRecords: {
      // One statement: the unique (dialect, kind, key) index answers whether the key is taken.
      insert: (row) =>
        Effect.flatMap(
          write("dialectRecords.insert", async (em) => {
            const result = await em
              .createQueryBuilder(DialectRecordEntity)
              .insert(dialectRecordToRow(row))
              .onConflict(["dialect", "kind", "key"])
              .ignore()
              .returning(["id"])
              .execute("all")
            const inserted = (result as unknown as ReadonlyArray<{ id: number | string }>)[0]
            if (inserted === undefined) return null
            const stored: DialectRecord = { ...row, id: trustedId(Number(inserted.id)) }
            return stored
          }),
          (inserted): WriteOp<DialectRecord> =>
            inserted === null
              ? Effect.fail(new Conflict({ reason: "duplicate", message: `${row.kind} ${row.key} already exists` }))
              : Effect.succeed(inserted)
        ),
      // One statement: the payment's row proves it is the customer's, the unique key answers whether it is taken.
      insertOfOwnPayment: (row) =>
        write("dialectRecords.insertOfOwnPayment", async (em) => {
          const columns = dialectRecordToRow(row)
          const meta = em.getMetadata().get(DialectRecordEntity)
          const names = Object.keys(columns)
          const typed = (name: string) => {
            if (!isPostgres) return "?"
            const type = meta.properties[name as keyof typeof meta.properties]?.columnTypes[0] ?? "text"
            return `cast(? as ${type})`
          }
          const result = (await em.execute(
            `insert into dialect_records (${names.map((name) => meta.properties[name as keyof typeof meta.properties]?.fieldNames[0] ?? name).join(", ")})
              select ${names.map(typed).join(", ")} from payments p where p.id = ? and p.customer_id = ?
              on conflict (dialect, kind, key) do nothing returning id`,
            [...Object.values(columns), row.paymentId, row.customerId]
          )) as ReadonlyArray<{ id: number | string }>
          const inserted = result[0]
          return inserted === undefined ? null : { ...row, id: trustedId(Number(inserted.id)) }
        }),
      insertAll: (rows) => insertDialectRecords(write, rows, isPostgres),
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
            { dialect: query.dialect, kind: query.kinds === undefined ? query.kind : { $in: [...query.kinds] } },
            ...equals(query.customerId, "customerId"),
            ...inList(query.customerIds, "customerId"),
            ...equals(query.paymentId, "paymentId"),
            ...inList(query.keys, "key")
          ],
          query,
          dialectRecordFromRow
        )
    },

    ping: use("ping", async (em) => {
      await em.execute("select 1")
    })
  })
}
