/**
 * A fault-injecting wrapper around the three stores of a database: `withFaults(stores, faults)` asks
 * `faults(operation)` before each store call (`"customers.insert"`, `"events.append"`,
 * `"idempotency.claim"`, `"apiKeys.getByPrefix"`, `"lockCustomer"`, `"nextSequence"`, `"ping"` … —
 * the ports' group and member names) and fails the call with `StorageUnavailable` when it answers
 * `true`; otherwise the real store runs the call. `transaction` itself is passed through (the calls
 * inside it are checked).
 * Tests use it to prove that an outage surfaces as `StorageUnavailable` and rolls back, or to count
 * calls (a `faults` that records the operation and answers `false`).
 */
import { IdempotencyStore, IdentityStore, LedgerStore, StorageUnavailable } from "@paybridge/core"
import { Effect } from "effect"
import type { LedgerStores } from "../ledger-stores.layer.ts"

/** Decides, per call, whether a store operation fails (`true`) or runs. */
export type StoreFaults = (operation: string) => boolean

const injected = (operation: string) =>
  new StorageUnavailable({ message: `test store: ${operation} failed (injected fault)` })

/** Wraps the stores so that every call asks `faults` first; see the module comment. */
export const withFaults = (stores: LedgerStores, faults: StoreFaults): LedgerStores => {
  const { ledger: store, idempotency, identity } = stores
  const guard = <A, E, R>(
    operation: string,
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | StorageUnavailable, R> =>
    Effect.suspend(
      (): Effect.Effect<A, E | StorageUnavailable, R> => (faults(operation) ? Effect.fail(injected(operation)) : effect)
    )

  /** Wraps every member of one group of the port: functions returning effects, and plain effects. */
  const group = <G extends object>(name: string, members: G): G =>
    Object.fromEntries(
      Object.entries(members).map(([key, member]: [string, unknown]) => {
        const operation = `${name}.${key}`
        if (Effect.isEffect(member)) return [key, guard(operation, member)]
        if (typeof member === "function") {
          return [
            key,
            (...args: ReadonlyArray<unknown>) =>
              guard(operation, (member as (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown>)(...args))
          ]
        }
        return [key, member]
      })
    ) as G

  const ledger = LedgerStore.of({
    transaction: store.transaction,
    savepoint: store.savepoint,
    lockCustomer: (id) => guard("lockCustomer", store.lockCustomer(id)),
    lockCustomerWith: (customer, presetIds, options) =>
      guard("lockCustomer", store.lockCustomerWith(customer, presetIds, options)),
    nextSequence: (name) => guard("nextSequence", store.nextSequence(name)),
    reserveIds: (space, above) => guard("reserveIds", store.reserveIds(space, above)),
    nextSequences: (names) => guard("nextSequences", store.nextSequences(names)),
    billingEntities: group("billingEntities", store.billingEntities),
    customers: group("customers", store.customers),
    gateways: group("gateways", store.gateways),
    gatewaySettings: group("gatewaySettings", store.gatewaySettings),
    presets: group("presets", store.presets),
    documents: group("documents", store.documents),
    payments: group("payments", store.payments),
    allocations: group("allocations", store.allocations),
    releases: group("releases", store.releases),
    reversals: group("reversals", store.reversals),
    collections: group("collections", store.collections),
    gatewayAttempts: group("gatewayAttempts", store.gatewayAttempts),
    leases: group("leases", store.leases),
    refunds: group("refunds", store.refunds),
    balance: group("balance", store.balance),
    events: group("events", store.events),
    dialectRecords: group("dialectRecords", store.dialectRecords),
    ping: guard("ping", store.ping)
  })
  return {
    ledger,
    idempotency: IdempotencyStore.of(group("idempotency", idempotency)),
    identity: IdentityStore.of({
      transaction: identity.transaction,
      users: group("users", identity.users),
      apiKeys: group("apiKeys", identity.apiKeys),
      sessions: group("sessions", identity.sessions)
    })
  }
}
