/**
 * The stores and ledgers tests run on: the real MikroORM stores (`LedgerStore`, `IdempotencyStore`,
 * `IdentityStore`, sharing one transaction context) on a fresh in-memory copy of a migrated SQLite
 * database (see `sqlite-test-database.ts`), optionally behind the fault-injecting wrapper.
 * `TestLedgerStore.make()` builds the three stores of one database (scoped: closed with the scope),
 * `TestLedgerStore.layer` provides them, one database per build of the layer; `testLedgerLayer`
 * adds every ledger service (`ledgerLayer`) and the deterministic test gateway and exposes the
 * stores too, so tests can look underneath the services. Each use of a layer (each
 * `Effect.provide`, each runtime) gets its own empty database. The layers also provide the
 * database's `StatementLog` (every statement it runs, for query budgets).
 */
import { ledgerLayer, PaymentGateways, type PaymentGatewaysShape } from "@paybridge/core"
import { Context, Effect, Layer, type Scope } from "effect"
import { type LedgerStores, type StorePorts, storesContext } from "../ledger-stores.layer.ts"
import { type StoreFaults, withFaults } from "./fault-injection.ts"
import { acquireSqliteTestDatabase } from "./sqlite-test-database.ts"
import { attachStatementLog, StatementLog } from "./statement-log.ts"

/** Options of {@link TestLedgerStore.make}. */
export interface TestLedgerStoreOptions {
  /** Called with the operation name (e.g. `"events.append"`) before each call; `true` makes it fail. */
  readonly faults?: StoreFaults | undefined
  /** The gateways the ledger calls (default: the deterministic test gateway). */
  readonly gateways?: PaymentGatewaysShape | undefined
  /** The key gateway secrets are sealed with (default: none, so they cannot be stored). */
  readonly secretsKey?: Buffer | undefined
}

const secretsOf = (options: TestLedgerStoreOptions) =>
  options.secretsKey === undefined ? {} : { secretsKey: options.secretsKey }

const make = (options: TestLedgerStoreOptions = {}): Effect.Effect<LedgerStores, never, Scope.Scope> =>
  Effect.map(acquireSqliteTestDatabase(secretsOf(options)), ({ stores }) =>
    options.faults === undefined ? stores : withFaults(stores, options.faults)
  )

const layerWith = (options: TestLedgerStoreOptions): Layer.Layer<StorePorts | StatementLog> =>
  Layer.effectContext(
    Effect.map(acquireSqliteTestDatabase(secretsOf(options)), ({ database, stores }) =>
      Context.add(
        storesContext(options.faults === undefined ? stores : withFaults(stores, options.faults)),
        StatementLog,
        attachStatementLog(database.orm)
      )
    )
  )

/** The real stores on a fresh SQLite database in memory (+ its `StatementLog` in the layers): `make`/`layer`/`layerWith(options)`. */
export const TestLedgerStore = {
  make,
  layer: layerWith({}),
  layerWith
} as const

/** Every ledger service + the three stores + PaymentGateways on stores built with `options` (e.g. injected faults). */
export const testLedgerLayerWith = (options: TestLedgerStoreOptions = {}) =>
  ledgerLayer.pipe(
    Layer.provideMerge(
      Layer.merge(
        TestLedgerStore.layerWith(options),
        options.gateways === undefined ? PaymentGateways.layerTest : Layer.succeed(PaymentGateways, options.gateways)
      )
    )
  )

export const testLedgerLayer = testLedgerLayerWith()
