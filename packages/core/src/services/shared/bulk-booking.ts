/**
 * Bulk booking (issue 16: a migration books thousands of records of one customer): while a
 * `LedgerUnits.bulkImport` unit runs, the ledger's own commands run unchanged (same checks, lifecycle
 * tables and records), but the writes every command repeats are kept in memory under the customer
 * lock the unit took once and written when its work is done, in its transaction: the customer row
 * in one guarded update, balance entries and events in one multi-row insert each, each number
 * sequence reserved once. Locking and reading the unit's customer, presets and billing entities,
 * and a payment or refund already written or read in the unit, are answered from memory. New
 * payments, their collections and allocations, the customer's new refunds and reversals, and
 * allocation releases are kept too (`bulk-payments.ts`, `bulk-releases.ts`: ids drawn ahead, one
 * insert each, written before any statement that could see them — a document's read or write
 * cannot, so leaves them kept, `bulk-documents.ts`); a payment's update writes only changed
 * columns. So a unit gives exactly the ledger the commands give one by one (balances, entries,
 * events in order, numbers, ids); an adjustment's entry, which its event names, is written at once. A key a kept payment finds taken only when written (a posting number, a
 * duplicate external reference) undoes the unit to a savepoint and runs it again writing each new
 * payment at once, so each command meets the refusal itself. `bulkAwareStore` is the `LedgerStore`
 * every service layer uses (`ledger.layer.ts`): outside a unit it is the store itself.
 */
import { Effect } from "effect"
import { Conflict, type StorageUnavailable } from "../../errors.ts"
import { type PaymentId, trustedId } from "../../model/ids.ts"
import type { BalanceEntry, LedgerEvent, Payment, PaymentPreset, Refund } from "../../model/records.ts"
import type { LedgerStoreShape, SequenceName } from "../../ports/ledger-store.ts"
import { documentsInUnit, forgetDocuments } from "./bulk-documents.ts"
import {
  changeKeptCollection,
  changeKeptPayment,
  changeKeptRefund,
  changeKeptReversal,
  keepNewAllocation,
  keepNewCollection,
  keepNewPayment,
  keepNewRefund,
  keepNewReversal,
  keptAllocationsOf,
  keptChildren,
  keptCollectionsOf,
  keptHolding,
  keptRefundsOf,
  keptReversalsOf,
  type PaymentDeferral,
  precededBy,
  releaseUnusedAllocationIds,
  releaseUnusedIds,
  releaseUnusedRefundIds,
  releaseUnusedReversalIds
} from "./bulk-payments.ts"
import { movementMade, releasesInUnit } from "./bulk-releases.ts"
import { BulkBooking, type BulkScope, flushBulkScope, provisionalId, writePending } from "./bulk-unit.ts"

export { BulkBooking, type BulkScope, flushBulkScope, withBulkBooking } from "./bulk-unit.ts"

/** Rows by id ascending (as the store lists them). */
const byId = <Row extends { readonly id: number }>(rows: ReadonlyArray<Row>) => [...rows].sort((a, b) => a.id - b.id)

/** `direct` outside a unit, else `inUnit(scope)`. */
const inBulk = <A, E>(direct: () => Effect.Effect<A, E>, inUnit: (scope: BulkScope) => Effect.Effect<A, E>) =>
  Effect.flatMap(BulkBooking, (scope) => (scope === null ? direct() : inUnit(scope)))

/** The store the services use: `store` itself, except inside a bulk unit (see the module header). */
export const bulkAwareStore = (store: LedgerStoreShape): LedgerStoreShape => {
  // Every call but those answered below writes the unit's kept payments first (so no statement
  // meets a payment that is not there yet).
  const writing = precededBy(
    store,
    Effect.flatMap(BulkBooking, (scope) =>
      scope === null ? Effect.void : Effect.andThen(forgetDocuments, writePending(store, scope))
    )
  )
  const configurationRead =
    <K, A>(kind: string, read: (key: K) => Effect.Effect<A, StorageUnavailable>) =>
    (key: K) =>
      inBulk(
        () => read(key),
        (scope) => {
          const cacheKey = `${kind}:${String(key)}`
          if (scope.configuration.has(cacheKey)) return Effect.succeed(scope.configuration.get(cacheKey) as A)
          return Effect.tap(read(key), (row) => Effect.sync(() => scope.configuration.set(cacheKey, row)))
        }
      )

  const presetRead = configurationRead("preset", store.presets.get)

  /** Keeps a payment of the unit's customer as the unit last wrote or read it. */
  const keepPayment = (payment: Payment) =>
    Effect.flatMap(BulkBooking, (scope) =>
      Effect.sync(() => {
        if (scope !== null && scope.customerId === payment.customerId) scope.payments.set(payment.id, payment)
      })
    )

  /** Keeps a refund of the unit's customer as the unit last wrote or read it. */
  const keepRefund = (refund: Refund) =>
    Effect.flatMap(BulkBooking, (scope) =>
      Effect.sync(() => {
        if (scope !== null && scope.customerId === refund.customerId) scope.refunds.set(refund.id, refund)
      })
    )

  /** A preset changed in the unit: what was read of the configuration is read again. */
  const forgetConfiguration = Effect.flatMap(BulkBooking, (scope) => Effect.sync(() => scope?.configuration.clear()))

  const draw = (scope: BulkScope, names: ReadonlyArray<SequenceName>) =>
    Effect.gen(function* () {
      const fresh = [...new Set(names.filter((name) => !scope.sequences.has(name)))]
      const drawn = fresh.length === 0 ? [] : yield* store.nextSequences(fresh)
      fresh.forEach((name, index) => {
        const value = drawn[index]
        if (value !== undefined) scope.sequences.set(name, { stored: value, last: value - 1n })
      })
      return names.map((name) => {
        const sequence = scope.sequences.get(name)
        if (sequence === undefined) throw new Error(`sequence ${name} was not drawn`)
        sequence.last += 1n
        return sequence.last
      })
    })

  /** A payment kept (written or read) in the unit and still the row the database holds. */
  const storedRow = (scope: BulkScope, row: Payment, expectedVersion: number) => {
    const kept = scope.payments.get(row.id)
    return kept !== undefined && kept.version === expectedVersion ? kept : undefined
  }

  /** A unique key's read: a kept payment holding it, else the database (which cannot hold a kept one). */
  const keyRead =
    <K>(
      read: (key: K) => Effect.Effect<Payment | null, StorageUnavailable>,
      keys: (key: K) => Parameters<typeof keptHolding>[1]
    ) =>
    (key: K) =>
      inBulk(
        () => read(key),
        (scope) => {
          const kept = scope.deferral === null ? null : keptHolding(scope.deferral, keys(key))
          return kept === null ? read(key) : Effect.succeed(kept)
        }
      )

  /** Kept payments written and the ids left given back: something else is about to assign payment ids. */
  // (A refusal of the kept payments' write fails a read too: the unit catches it and books again.)
  const settlePaymentIds = (scope: BulkScope): Effect.Effect<void, StorageUnavailable> =>
    scope.deferral === null
      ? Effect.void
      : (Effect.andThen(writePending(store, scope), releaseUnusedIds(store, scope.deferral)) as Effect.Effect<
          void,
          StorageUnavailable
        >)

  /** Kept rows written and one table's ids drawn given back (`release`): the database is about to assign such an id. */
  const settleIds = (
    scope: BulkScope,
    release: (store: LedgerStoreShape, deferral: PaymentDeferral) => Effect.Effect<void, StorageUnavailable>
  ): Effect.Effect<void, StorageUnavailable> =>
    scope.deferral === null
      ? Effect.void
      : (Effect.andThen(writePending(store, scope), release(store, scope.deferral)) as Effect.Effect<
          void,
          StorageUnavailable
        >)
  const settleAllocationIds = (scope: BulkScope) => settleIds(scope, releaseUnusedAllocationIds)

  /** Whether a payment is one of the unit customer's (kept, or read or written in the unit). */
  const ofUnitCustomer = (scope: BulkScope, paymentId: PaymentId) =>
    scope.deferral?.payments.pending.has(paymentId) === true ||
    scope.payments.get(paymentId)?.customerId === scope.customerId

  const bulk: LedgerStoreShape = {
    ...writing,
    lockCustomer: (id) =>
      inBulk(
        () => store.lockCustomer(id),
        (scope) => (scope.customerId === id ? Effect.succeed(scope.customer) : writing.lockCustomer(id))
      ),
    // The unit's customer by id, its presets read already in the unit and no question about unpaid
    // documents, documents to pay, dialect records or the billing entity: answered from memory (the lock is the unit's).
    // Else the statement runs — it answers what only the database knows (unpaid documents: documents
    // are written at once; records) — with the
    // customer row the unit keeps, and the presets it brings are kept as read in the unit.
    lockCustomerWith: (ref, presetIds, options) =>
      inBulk(
        () => store.lockCustomerWith(ref, presetIds, options),
        (scope) => {
          const known = presetIds.map((id) => scope.configuration.get(`preset:${id}`) as PaymentPreset | undefined)
          if (
            "id" in ref &&
            ref.id === scope.customerId &&
            options?.unpaidDocuments !== true &&
            (options?.records ?? []).length === 0 &&
            (options?.documents ?? []).length === 0 &&
            options?.billingEntity !== true &&
            known.every((preset) => preset !== undefined && preset !== null)
          ) {
            return Effect.succeed({
              customer: scope.customer,
              presets: known as ReadonlyArray<PaymentPreset>,
              hasUnpaidDocuments: false,
              records: [],
              billingEntity: null,
              documents: []
            })
          }
          return Effect.map(writing.lockCustomerWith(ref, presetIds, options), (locked) => {
            if (locked === null || locked.customer.id !== scope.customerId) return locked
            for (const preset of locked.presets) scope.configuration.set(`preset:${preset.id}`, preset)
            return { ...locked, customer: scope.customer }
          })
        }
      ),
    nextSequence: (name) =>
      inBulk(
        () => store.nextSequence(name),
        (scope) => Effect.map(draw(scope, [name]), (values) => values[0] ?? 0n)
      ),
    nextSequences: (names) =>
      inBulk(
        () => store.nextSequences(names),
        (scope) => draw(scope, names)
      ),
    reserveIds: (space, above) =>
      inBulk(
        () => store.reserveIds(space, above),
        (scope) => {
          const sequence = scope.sequences.get(space as SequenceName)
          if (space === "payments") return Effect.andThen(settlePaymentIds(scope), store.reserveIds(space, above))
          if (sequence === undefined) return writing.reserveIds(space, above)
          return Effect.sync(() => {
            if (above > sequence.last) sequence.last = above
          })
        }
      ),
    customers: {
      ...writing.customers,
      get: (id) =>
        inBulk(
          () => store.customers.get(id),
          (scope) => (scope.customerId === id ? Effect.succeed(scope.customer) : writing.customers.get(id))
        ),
      update: (row, expectedVersion) =>
        inBulk(
          () => store.customers.update(row, expectedVersion),
          (scope) => {
            if (scope.customerId !== row.id) return writing.customers.update(row, expectedVersion)
            if (scope.customer.version !== expectedVersion) {
              return Effect.fail(
                new Conflict({
                  reason: "concurrent-modification",
                  message: `customers.update: record ${row.id} changed since it was read (expected version ${expectedVersion})`
                })
              )
            }
            return Effect.sync(() => {
              scope.customer = { ...row, version: expectedVersion + 1 }
              return scope.customer
            })
          }
        )
    },
    payments: {
      ...writing.payments,
      insert: (row) =>
        inBulk(
          () => store.payments.insert(row),
          (scope) => Effect.tap(Effect.andThen(settlePaymentIds(scope), store.payments.insert(row)), keepPayment)
        ),
      insertUnlessTaken: (row) =>
        inBulk(
          () => store.payments.insertUnlessTaken(row),
          (scope) =>
            (scope.deferral === null || row.customerId !== scope.customerId
              ? writing.payments.insertUnlessTaken(row)
              : keepNewPayment(store, scope.deferral, row)
            ).pipe(Effect.tap((payment) => (payment === null ? Effect.void : keepPayment(payment))))
        ),
      get: (id) =>
        inBulk(
          () => store.payments.get(id),
          (scope) => {
            const kept = scope.payments.get(id)
            return kept === undefined
              ? Effect.tap(store.payments.get(id), (payment) => (payment === null ? Effect.void : keepPayment(payment)))
              : Effect.succeed(kept)
          }
        ),
      getByPublicId: keyRead(store.payments.getByPublicId, (publicId) => ({ publicId })),
      getByReferenceNumber: keyRead(store.payments.getByReferenceNumber, (referenceNumber) => ({ referenceNumber })),
      getByExternalRef: keyRead(store.payments.getByExternalRef, (externalRef) => ({ externalRef })),
      // A posting number this unit drew from its sequence is held, if at all, by a payment the unit
      // wrote (kept) or by one imported with its own number, which the unique index finds when the
      // number is written (a refusal: the unit is booked again command by command).
      getByNumber: (number) =>
        inBulk(
          () => store.payments.getByNumber(number),
          (scope) => {
            if (scope.deferral === null) return writing.payments.getByNumber(number)
            const kept =
              keptHolding(scope.deferral, { number }) ?? [...scope.payments.values()].find((p) => p.number === number)
            if (kept !== undefined && kept !== null) return Effect.succeed(kept)
            const drawn = scope.sequences.get("payment-number")
            const value = /^[1-9][0-9]{0,17}$/.test(number) ? BigInt(number) : null
            return drawn !== undefined && value !== null && value >= drawn.stored && value <= drawn.last
              ? Effect.succeed(null)
              : store.payments.getByNumber(number)
          }
        ),
      update: (row, expectedVersion) =>
        inBulk(
          () => store.payments.update(row, expectedVersion),
          (scope) => {
            const kept = scope.deferral === null ? null : changeKeptPayment(scope.deferral, row, expectedVersion)
            const written =
              kept ??
              store.payments.update(row, expectedVersion, storedRow(scope, row, expectedVersion)).pipe(
                Effect.tapError((error) =>
                  Effect.sync(() => {
                    if (scope.deferral !== null && error._tag !== "StorageUnavailable") scope.refused = error
                  })
                )
              )
            return Effect.tap(written, keepPayment)
          }
        ),
      // A kept payment's children are kept; a written payment's are the database's and its kept refunds and reversals.
      children: (id) =>
        inBulk(
          () => store.payments.children(id),
          (scope) => {
            const deferral = scope.deferral
            const kept = deferral === null ? null : keptChildren(deferral, id)
            if (kept !== null) return Effect.succeed(kept)
            if (deferral === null) return store.payments.children(id)
            const reversals = keptReversalsOf(deferral, id)
            const refunds = keptRefundsOf(deferral, id)
            return reversals.length === 0 && refunds.length === 0
              ? store.payments.children(id)
              : Effect.map(store.payments.children(id), (stored) => ({
                  ...stored,
                  reversals: byId([...stored.reversals, ...reversals]),
                  refunds: byId([...stored.refunds, ...refunds])
                }))
          }
        )
    },
    // A kept payment's new allocations are kept with it (ids drawn ahead); any other allocation is
    // inserted at once, the kept rows written and the allocation ids drawn given back first (SQLite
    // assigns the next id from the rows).
    allocations: {
      ...writing.allocations,
      insert: (row) =>
        inBulk(
          () => store.allocations.insert(row),
          (scope) =>
            scope.deferral === null
              ? writing.allocations.insert(row)
              : (keepNewAllocation(store, scope.deferral, row) ??
                Effect.andThen(settleAllocationIds(scope), store.allocations.insert(row)))
        ),
      insertAll: (rows, documents) =>
        inBulk(
          () => store.allocations.insertAll(rows, documents),
          (scope) => Effect.andThen(settleAllocationIds(scope), writing.allocations.insertAll(rows, documents))
        ),
      listByPayment: (paymentId) =>
        inBulk(
          () => store.allocations.listByPayment(paymentId),
          (scope) => {
            const kept = scope.deferral === null ? null : keptAllocationsOf(scope.deferral, paymentId)
            return kept === null ? store.allocations.listByPayment(paymentId) : Effect.succeed(kept)
          }
        )
    },
    documents: { ...writing.documents, ...documentsInUnit(store) },
    collections: {
      ...writing.collections,
      insert: (row) =>
        inBulk(
          () => store.collections.insert(row),
          (scope) => {
            if (scope.deferral === null) return writing.collections.insert(row)
            return (
              keepNewCollection(store, scope.deferral, row) ??
              Effect.andThen(settlePaymentIds(scope), store.collections.insert(row))
            )
          }
        ),
      update: (row) =>
        inBulk(
          () => store.collections.update(row),
          (scope) =>
            (scope.deferral === null ? null : changeKeptCollection(scope.deferral, row)) ??
            store.collections.update(row)
        ),
      listByPayment: (paymentId) =>
        inBulk(
          () => store.collections.listByPayment(paymentId),
          (scope) => {
            const kept = scope.deferral === null ? null : keptCollectionsOf(scope.deferral, paymentId)
            return kept === null ? store.collections.listByPayment(paymentId) : Effect.succeed(kept)
          }
        )
    },
    releases: releasesInUnit(store, writing),
    // A reversal of a payment of the unit's customer is kept (ids drawn ahead); the reversals of a
    // payment are the database's and the kept ones. Another's is inserted at once, the reversal ids
    // drawn given back first (SQLite assigns the next id from the rows).
    reversals: {
      ...writing.reversals,
      insert: (row) =>
        inBulk(
          () => store.reversals.insert(row),
          (scope) =>
            Effect.tap(
              scope.deferral === null
                ? writing.reversals.insert(row)
                : ofUnitCustomer(scope, row.paymentId)
                  ? keepNewReversal(store, scope.deferral, row)
                  : Effect.andThen(settleIds(scope, releaseUnusedReversalIds), store.reversals.insert(row)),
              (reversal) => movementMade("reversal", reversal.id)
            )
        ),
      update: (row) =>
        inBulk(
          () => store.reversals.update(row),
          (scope) =>
            (scope.deferral === null ? null : changeKeptReversal(scope.deferral, row)) ?? writing.reversals.update(row)
        ),
      listByPayment: (paymentId) =>
        inBulk(
          () => store.reversals.listByPayment(paymentId),
          (scope) => {
            const kept = scope.deferral === null ? [] : keptReversalsOf(scope.deferral, paymentId)
            if (scope.deferral?.payments.pending.has(paymentId)) return Effect.succeed(kept)
            return Effect.map(store.reversals.listByPayment(paymentId), (stored) => byId([...stored, ...kept]))
          }
        )
    },
    // The unit customer's new refunds are kept (ids drawn ahead); another's is inserted at once, the
    // refund ids drawn given back first (SQLite assigns the next id from the rows).
    refunds: {
      ...writing.refunds,
      insert: (row) =>
        inBulk(
          () => store.refunds.insert(row),
          (scope) =>
            Effect.tap(
              scope.deferral === null
                ? writing.refunds.insert(row)
                : row.customerId === scope.customerId
                  ? keepNewRefund(store, scope.deferral, row)
                  : Effect.andThen(settleIds(scope, releaseUnusedRefundIds), store.refunds.insert(row)),
              (refund) => Effect.andThen(keepRefund(refund), movementMade("refund", refund.id))
            )
        ),
      update: (row) =>
        inBulk(
          () => store.refunds.update(row),
          (scope) =>
            Effect.tap(
              (scope.deferral === null ? null : changeKeptRefund(scope.deferral, row)) ?? writing.refunds.update(row),
              keepRefund
            )
        ),
      get: (id) =>
        inBulk(
          () => store.refunds.get(id),
          (scope) => {
            const kept = scope.refunds.get(id)
            return kept === undefined
              ? Effect.tap(writing.refunds.get(id), (refund) => (refund === null ? Effect.void : keepRefund(refund)))
              : Effect.succeed(kept)
          }
        )
    },
    presets: {
      ...writing.presets,
      get: presetRead,
      update: (row) => Effect.andThen(forgetConfiguration, writing.presets.update(row))
    },
    billingEntities: {
      ...writing.billingEntities,
      get: configurationRead("billing-entity", store.billingEntities.get)
    },
    balance: {
      ...writing.balance,
      append: (row) =>
        inBulk(
          () => store.balance.append(row),
          (scope) => {
            if (scope.customerId !== row.customerId) return writing.balance.append(row)
            // An adjustment's event names its entry's id: what was kept is written first, then the entry.
            if (row.kind === "adjustment")
              return Effect.andThen(flushBulkScope(store, scope), store.balance.append(row))
            return Effect.sync(() => {
              scope.entries.push(row)
              const kept: BalanceEntry = { ...row, id: trustedId(provisionalId()), sequence: 0 }
              return kept
            })
          }
        ),
      // The unit's customer: its row kept in memory moved as `customers.update` moves it, the entry kept.
      move: (row, customerVersion) =>
        inBulk(
          () => store.balance.move(row, customerVersion),
          (scope) =>
            scope.customerId !== row.customerId
              ? writing.balance.move(row, customerVersion)
              : Effect.andThen(
                  bulk.customers.update(
                    { ...scope.customer, balance: row.balanceAfter, updatedAt: row.occurredAt },
                    customerVersion
                  ),
                  bulk.balance.append(row)
                )
        )
    },
    events: {
      ...writing.events,
      append: (row) =>
        inBulk(
          () => store.events.append(row),
          (scope) =>
            Effect.sync(() => {
              scope.events.push(row)
              const kept: LedgerEvent = { ...row, id: trustedId(provisionalId()) }
              return kept
            })
        ),
      appendAll: (rows) =>
        inBulk(
          () => store.events.appendAll(rows),
          (scope) =>
            Effect.sync(() => {
              scope.events.push(...rows)
              return rows.map((row): LedgerEvent => ({ ...row, id: trustedId(provisionalId()) }))
            })
        )
    }
  }
  return bulk
}
