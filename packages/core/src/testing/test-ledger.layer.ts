/**
 * `testLedgerLayer`: the real Ledger service on a fresh in-memory store and the deterministic test
 * gateway, with the store exposed too so tests can look underneath the service. Each use of the
 * layer (each `Effect.provide`) gets its own empty store.
 */
import { Layer } from "effect"
import { PaymentGateways } from "../ports/payment-gateway.ts"
import { ledgerLayer } from "../services/ledger.layer.ts"
import { InMemoryLedgerStore, type InMemoryLedgerStoreOptions } from "./in-memory-ledger-store.ts"

/** Ledger + LedgerStore + PaymentGateways on a store built with `options` (e.g. injected faults). */
export const testLedgerLayerWith = (options: InMemoryLedgerStoreOptions = {}) =>
  ledgerLayer.pipe(Layer.provideMerge(Layer.merge(InMemoryLedgerStore.layerWith(options), PaymentGateways.layerTest)))

export const testLedgerLayer = testLedgerLayerWith()
