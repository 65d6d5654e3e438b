/**
 * The fault-injecting wrapper of the test stores (`withFaults`, `TestLedgerStore.make({ faults })`):
 * a chosen operation fails with `StorageUnavailable` while every other one reaches the real store,
 * `faults` is asked at each call (so a test can switch an outage on and off, or count calls), and an
 * injected failure inside a transaction rolls the transaction back like a real outage would.
 */
import { assert, describe, it } from "@effect/vitest"
import { IdentityStore, LedgerStore, StorageUnavailable } from "@paybridge/core"
import { Effect } from "effect"
import { TestLedgerStore } from "../../src/testing/index.ts"
import { customerRow, eventRow } from "../support/record-fixtures.ts"

describe("test store: injected faults", () => {
  it.effect("fail the chosen operation with StorageUnavailable and let the others reach the store", () =>
    Effect.gen(function* () {
      const store = yield* LedgerStore
      const identity = yield* IdentityStore
      const error = yield* Effect.flip(store.nextSequence("payment-number"))
      assert.instanceOf(error, StorageUnavailable)
      assert.strictEqual(yield* identity.users.count, 0)
      const customer = yield* store.customers.insert(customerRow("1"))
      assert.deepStrictEqual(yield* store.customers.get(customer.id), customer)
    }).pipe(Effect.provide(TestLedgerStore.layerWith({ faults: (operation) => operation === "nextSequence" })))
  )

  it.effect("are decided at each call, and name the call by the port's group and member", () =>
    Effect.gen(function* () {
      let outage = false
      const seen: Array<string> = []
      const { ledger: store, identity } = yield* TestLedgerStore.make({
        faults: (operation) => {
          seen.push(operation)
          return outage
        }
      })
      const customer = yield* store.customers.insert(customerRow("1"))
      outage = true
      assert.instanceOf(yield* Effect.flip(store.customers.get(customer.id)), StorageUnavailable)
      assert.instanceOf(yield* Effect.flip(identity.users.count), StorageUnavailable)
      assert.instanceOf(yield* Effect.flip(store.ping), StorageUnavailable)
      outage = false
      assert.strictEqual((yield* store.customers.get(customer.id))?.id, customer.id)
      assert.deepStrictEqual(seen, ["customers.insert", "customers.get", "users.count", "ping", "customers.get"])
    })
  )

  it.effect("roll back the transaction they fail, as a real outage does", () =>
    Effect.gen(function* () {
      const { ledger: store } = yield* TestLedgerStore.make({ faults: (operation) => operation === "events.append" })
      const error = yield* Effect.flip(
        store.transaction(
          Effect.gen(function* () {
            yield* store.customers.insert(customerRow("1"))
            yield* store.nextSequence("customer-number")
            return yield* store.events.append(eventRow())
          })
        )
      )
      assert.instanceOf(error, StorageUnavailable)
      assert.strictEqual(yield* store.customers.getByNumber("1"), null)
      assert.strictEqual(yield* store.nextSequence("customer-number"), 1n)
    })
  )
})
