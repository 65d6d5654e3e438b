/**
 * The in-memory `LedgerStore` against the store contract every implementation shares, plus what
 * only it promises: writers are serialised, interrupted transactions roll back, and injected
 * faults surface as `StorageUnavailable`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { LedgerStore, StorageUnavailable } from "../../src/index.ts"
import { InMemoryLedgerStore, ledgerStoreContract } from "../../src/testing/index.ts"

describe("in-memory LedgerStore: store contract", () => {
  for (const check of ledgerStoreContract) {
    it.effect(check.name, () => Effect.provide(check.run, InMemoryLedgerStore.layer))
  }
})

describe("in-memory LedgerStore: its own promises", () => {
  it.effect("an interrupted transaction rolls back", () =>
    Effect.gen(function* () {
      const store = yield* LedgerStore
      const fiber = yield* Effect.forkChild(
        store.transaction(
          Effect.gen(function* () {
            yield* store.nextSequence("customer-number")
            yield* Effect.never
          })
        )
      )
      yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(yield* store.nextSequence("customer-number"), 1n)
    }).pipe(Effect.provide(InMemoryLedgerStore.layer))
  )

  it.effect("transactions run one at a time", () =>
    Effect.gen(function* () {
      const store = yield* LedgerStore
      const trace: Array<string> = []
      const work = (name: string) =>
        store.transaction(
          Effect.gen(function* () {
            trace.push(`${name}:start`)
            yield* Effect.yieldNow
            yield* Effect.yieldNow
            trace.push(`${name}:end`)
          })
        )
      yield* Effect.all([work("a"), work("b"), work("c")], { concurrency: "unbounded" })
      assert.deepStrictEqual(trace, ["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"])
    }).pipe(Effect.provide(InMemoryLedgerStore.layer))
  )

  it.effect("injected faults fail the chosen operation with StorageUnavailable", () =>
    Effect.gen(function* () {
      const store = yield* LedgerStore
      const error = yield* Effect.flip(store.nextSequence("payment-number"))
      assert.instanceOf(error, StorageUnavailable)
      assert.strictEqual(yield* store.users.count, 0)
    }).pipe(Effect.provide(InMemoryLedgerStore.layerWith({ faults: (operation) => operation === "nextSequence" })))
  )
})
