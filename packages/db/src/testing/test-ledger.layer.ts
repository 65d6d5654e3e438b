/**
 * The stores and ledgers tests run on: the real MikroORM `LedgerStore` on a fresh in-memory copy
 * of a migrated SQLite database (see `sqlite-test-database.ts`), optionally behind the
 * fault-injecting wrapper. `TestLedgerStore.make()` builds one store (scoped: closed with the
 * scope), `TestLedgerStore.layer` one per build of the layer; `testLedgerLayer` adds the real
 * Ledger service and the deterministic test gateway and exposes the store too, so tests can look
 * underneath the service. Each use of a layer (each `Effect.provide`, each runtime) gets its own
 * empty database.
 */
import { LedgerStore, ledgerLayer, PaymentGateways } from "@paybridge/core"
import { Effect, Layer, type Scope } from "effect"
import { type StoreFaults, withFaults } from "./fault-injection.ts"
import { acquireSqliteTestDatabase } from "./sqlite-test-database.ts"

/** Options of {@link TestLedgerStore.make}. */
export interface TestLedgerStoreOptions {
  /** Called with the operation name (e.g. `"events.append"`) before each call; `true` makes it fail. */
  readonly faults?: StoreFaults | undefined
}

const make = (options: TestLedgerStoreOptions = {}): Effect.Effect<LedgerStore["Service"], never, Scope.Scope> =>
  Effect.map(acquireSqliteTestDatabase(), ({ store }) =>
    options.faults === undefined ? store : withFaults(store, options.faults)
  )

/** The real store on a fresh SQLite database in memory: `make`/`layer`/`layerWith(options)`. */
export const TestLedgerStore = {
  make,
  layer: Layer.effect(LedgerStore, make()),
  layerWith: (options: TestLedgerStoreOptions) => Layer.effect(LedgerStore, make(options))
} as const

/** Ledger + LedgerStore + PaymentGateways on a store built with `options` (e.g. injected faults). */
export const testLedgerLayerWith = (options: TestLedgerStoreOptions = {}) =>
  ledgerLayer.pipe(Layer.provideMerge(Layer.merge(TestLedgerStore.layerWith(options), PaymentGateways.layerTest)))

export const testLedgerLayer = testLedgerLayerWith()
