/**
 * Bulk booking (issue 16: a migration books thousands of records of one customer): while a
 * `LedgerUnits.bulkImport` unit runs, the ledger's own commands run unchanged (same checks, same
 * lifecycle tables, same records), but the writes every command repeats are kept in memory under
 * the customer lock the unit took once, and written when the unit's work is done, in the unit's
 * transaction: the customer row (its balance) in one guarded update, the balance entries in one
 * multi-row insert, the events in one multi-row insert, and each number sequence reserved once
 * (drawn from the database on first use, counted in memory, the counter moved past the last one
 * drawn). Locking and reading the unit's customer answer the row kept in memory (with the presets
 * named, once read in the unit, unless the lock is asked for unpaid documents, records or the billing
 * entity: no statement), and
 * preset and billing-entity reads are answered once per unit, and a payment of the customer written
 * or read in the unit is not read again. So a unit gives exactly the ledger the same
 * commands give one by one: the same balances, entries (sequences, balance after), events (in
 * order), numbers and ids. Entries and events are written at the end, so ids are assigned then;
 * an adjustment's entry (whose id its event names) is written at once, after what was kept.
 * `bulkAwareStore` is the `LedgerStore` every service layer uses (`ledger.layer.ts`): outside a
 * unit it is the store itself.
 */
import { Context, Effect } from "effect"
import { Conflict, type StorageUnavailable, type ValidationFailed } from "../../errors.ts"
import { type PaymentId, trustedId } from "../../model/ids.ts"
import type { BalanceEntry, Customer, LedgerEvent, Payment, PaymentPreset } from "../../model/records.ts"
import type { LedgerStoreShape, New, SequenceName } from "../../ports/ledger-store.ts"

/** What a running bulk unit keeps in memory until it writes. */
export interface BulkScope {
  readonly customerId: Customer["id"]
  /** The customer row as the unit's commands have left it. */
  customer: Customer
  /** The version of the customer row in the database. */
  storedVersion: number
  readonly entries: Array<Omit<New<BalanceEntry>, "sequence">>
  readonly events: Array<New<LedgerEvent>>
  /** Per sequence drawn in the unit: the value the database holds and the last value handed out. */
  readonly sequences: Map<SequenceName, { stored: bigint; last: bigint }>
  /** Presets and billing entities read in the unit (configuration, not changed by bookings). */
  readonly configuration: Map<string, unknown>
  /**
   * The unit customer's payments as written or read in the unit (under its lock, so nothing else
   * changes them): a payment read again is answered from here.
   */
  readonly payments: Map<PaymentId, Payment>
}

/** The running bulk unit, or `null` outside one. */
export const BulkBooking = Context.Reference<BulkScope | null>("@paybridge/core/services/BulkBooking", {
  defaultValue: () => null
})

/** Rows per multi-row insert (well under both databases' bound-parameter limits). */
const rowsPerInsert = 500

/** Writes what the unit kept: customer row, entries, events, sequences. */
export const flushBulkScope = (store: LedgerStoreShape, scope: BulkScope) =>
  Effect.gen(function* () {
    if (scope.customer.version !== scope.storedVersion) {
      const updated = yield* store.customers.update(scope.customer, scope.storedVersion)
      scope.customer = updated
      scope.storedVersion = updated.version
    }
    for (let start = 0; start < scope.entries.length; start += rowsPerInsert) {
      yield* store.balance.appendAll(scope.entries.slice(start, start + rowsPerInsert))
    }
    scope.entries.length = 0
    for (let start = 0; start < scope.events.length; start += rowsPerInsert) {
      yield* store.events.appendAll(scope.events.slice(start, start + rowsPerInsert))
    }
    scope.events.length = 0
    for (const [name, drawn] of scope.sequences) {
      if (drawn.last > drawn.stored) {
        yield* store.reserveIds(name, drawn.last)
        drawn.stored = drawn.last
      }
    }
  })

/**
 * Runs `work` as a bulk unit of `customer` (the row read under its lock, in the caller's
 * transaction), then writes what it kept. A unit nested in a unit of the same customer joins it.
 */
export const withBulkBooking = <A, E, R>(
  store: LedgerStoreShape,
  customer: Customer,
  work: Effect.Effect<A, E, R>
): Effect.Effect<A, E | Conflict | StorageUnavailable | ValidationFailed, R> =>
  Effect.flatMap(BulkBooking, (outer) => {
    if (outer !== null) {
      return outer.customerId === customer.id
        ? work
        : Effect.die(new Error(`a bulk unit of customer ${customer.id} inside one of customer ${outer.customerId}`))
    }
    return Effect.suspend(() => {
      const scope: BulkScope = {
        customerId: customer.id,
        customer,
        storedVersion: customer.version,
        entries: [],
        events: [],
        sequences: new Map(),
        configuration: new Map(),
        payments: new Map()
      }
      return Effect.provideService(work, BulkBooking, scope).pipe(Effect.tap(() => flushBulkScope(store, scope)))
    })
  })

/** `direct` outside a unit, else `inUnit(scope)`. */
const inBulk = <A, E>(direct: () => Effect.Effect<A, E>, inUnit: (scope: BulkScope) => Effect.Effect<A, E>) =>
  Effect.flatMap(BulkBooking, (scope) => (scope === null ? direct() : inUnit(scope)))

/** A provisional id of a row written at the end of the unit (its real id is assigned then). */
let provisional = 0
const provisionalId = () => {
  provisional = provisional <= -1_000_000_000 ? -1 : provisional - 1
  return provisional
}

/** The store the services use: `store` itself, except inside a bulk unit (see the module header). */
export const bulkAwareStore = (store: LedgerStoreShape): LedgerStoreShape => {
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

  const bulk: LedgerStoreShape = {
    ...store,
    lockCustomer: (id) =>
      inBulk(
        () => store.lockCustomer(id),
        (scope) => (scope.customerId === id ? Effect.succeed(scope.customer) : store.lockCustomer(id))
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
          return Effect.map(store.lockCustomerWith(ref, presetIds, options), (locked) => {
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
          if (sequence === undefined) return store.reserveIds(space, above)
          return Effect.sync(() => {
            if (above > sequence.last) sequence.last = above
          })
        }
      ),
    customers: {
      ...store.customers,
      get: (id) =>
        inBulk(
          () => store.customers.get(id),
          (scope) => (scope.customerId === id ? Effect.succeed(scope.customer) : store.customers.get(id))
        ),
      update: (row, expectedVersion) =>
        inBulk(
          () => store.customers.update(row, expectedVersion),
          (scope) => {
            if (scope.customerId !== row.id) return store.customers.update(row, expectedVersion)
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
      ...store.payments,
      insert: (row) => Effect.tap(store.payments.insert(row), keepPayment),
      insertUnlessTaken: (row) =>
        Effect.tap(store.payments.insertUnlessTaken(row), (payment) =>
          payment === null ? Effect.void : keepPayment(payment)
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
      update: (row, expectedVersion) => Effect.tap(store.payments.update(row, expectedVersion), keepPayment)
    },
    presets: {
      ...store.presets,
      get: presetRead,
      update: (row) => Effect.andThen(forgetConfiguration, store.presets.update(row))
    },
    billingEntities: { ...store.billingEntities, get: configurationRead("billing-entity", store.billingEntities.get) },
    balance: {
      ...store.balance,
      append: (row) =>
        inBulk(
          () => store.balance.append(row),
          (scope) => {
            if (scope.customerId !== row.customerId) return store.balance.append(row)
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
              ? store.balance.move(row, customerVersion)
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
      ...store.events,
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
