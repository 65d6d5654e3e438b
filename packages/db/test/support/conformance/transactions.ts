/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Version guards (a stale update is a
 * `Conflict`) and transactions: a failure, a defect or an interruption leaves nothing behind, nested
 * transactions join the outer one, and concurrent transactions of one process lose no sequence number.
 */
import { IdempotencyStore, LedgerStore, UserId } from "@paybridge/core"
import { Cause, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import {
  at,
  newBalanceEntry,
  newCustomer,
  newDocument,
  newEvent,
  newPayment,
  newPreset,
  unique
} from "../store-fixtures.ts"

const store = LedgerStore

export const describeGuardsAndTransactions = (db: DatabaseHarness): void => {
  const run = db.run

  describe("version guards", () => {
    it("refuses an update made from a stale version with Conflict(concurrent-modification)", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const updated = yield* s.customers.update(
            { ...customer, balance: 5n, updatedAt: at("2026-02-01T00:00:00.000Z") },
            1
          )
          const stale = yield* Effect.exit(s.customers.update({ ...customer, balance: 7n }, 1))
          const document = yield* s.documents.insert(newDocument(customer.id))
          const documentUpdated = yield* s.documents.update(
            { ...document, allocated: 10_000n, outstanding: 0n, state: "paid" },
            1
          )
          const documentStale = yield* Effect.exit(s.documents.update({ ...document, state: "cancelled" }, 1))
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const paymentUpdated = yield* s.payments.update(
            { ...payment, reversedAmount: 2_000n, reversalDate: "2026-05-01" },
            1
          )
          const paymentAgain = yield* s.payments.update({ ...paymentUpdated, refundedAmount: 1n }, 2)
          const paymentStale = yield* Effect.exit(s.payments.update({ ...payment, state: "cancelled" }, 2))
          return {
            updated,
            stale,
            customerBack: yield* s.customers.get(customer.id),
            documentUpdated,
            documentStale,
            documentBack: yield* s.documents.get(document.id),
            paymentAgain,
            paymentStale,
            paymentBack: yield* s.payments.get(payment.id)
          }
        })
      )
      expect(result.updated.version).toBe(2)
      expect(result.customerBack).toEqual(result.updated)
      expect(Exit.isFailure(result.stale) && Cause.squash(result.stale.cause)).toMatchObject({
        _tag: "Conflict",
        reason: "concurrent-modification"
      })
      expect(result.documentBack).toEqual(result.documentUpdated)
      expect(result.documentBack?.version).toBe(2)
      expect(Exit.isFailure(result.documentStale) && Cause.squash(result.documentStale.cause)).toMatchObject({
        _tag: "Conflict"
      })
      expect(result.paymentBack).toEqual(result.paymentAgain)
      expect(result.paymentBack?.version).toBe(3)
      expect(Exit.isFailure(result.paymentStale) && Cause.squash(result.paymentStale.cause)).toMatchObject({
        _tag: "Conflict"
      })
    })
  })

  describe("customer lock with presets (lockCustomerWith)", () => {
    it("finds the customer by id, number or public id in a transaction, with the named presets that exist", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const method = yield* s.presets.insert(newPreset("method"))
          const type = yield* s.presets.insert(newPreset("type", { available: false }))
          const missing = (type.id + 100_000) as typeof type.id
          const lockBy = (ref: Parameters<typeof s.lockCustomerWith>[0], ids: ReadonlyArray<typeof type.id>) =>
            s.transaction(s.lockCustomerWith(ref, ids))
          return {
            customer,
            method,
            type,
            byId: yield* lockBy({ id: customer.id }, []),
            byNumber: yield* lockBy({ number: customer.number }, [method.id, type.id, missing]),
            byPublicId: yield* lockBy({ publicId: customer.publicId }, [type.id, type.id]),
            unknown: yield* lockBy({ number: unique("none") }, [method.id])
          }
        })
      )
      expect(result.byId).toEqual({
        customer: result.customer,
        presets: [],
        hasUnpaidDocuments: false,
        records: [],
        billingEntity: null,
        documents: []
      })
      expect(result.byNumber?.customer).toEqual(result.customer)
      expect([...(result.byNumber?.presets ?? [])].sort((a, b) => a.id - b.id)).toEqual(
        [result.method, result.type].sort((a, b) => a.id - b.id)
      )
      expect(result.byPublicId).toEqual({
        customer: result.customer,
        presets: [result.type],
        hasUnpaidDocuments: false,
        records: [],
        billingEntity: null,
        documents: []
      })
      expect(result.unknown).toBeNull()
    })
  })

  describe("transactions", () => {
    it("leaves nothing behind when the work fails: rows, balance entries, events and sequence numbers roll back", async () => {
      const number = unique("C")
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const probe = yield* s.customers.insert(newCustomer())
          const sequenceBefore = yield* s.nextSequence("payment-reference")
          const failed = yield* Effect.exit(
            s.transaction(
              Effect.gen(function* () {
                yield* s.lockCustomer(probe.id)
                const customer = yield* s.customers.insert(newCustomer({ number }))
                yield* s.payments.insert(newPayment(customer.id))
                yield* s.balance.append(newBalanceEntry(probe.id))
                yield* s.events.append(newEvent({ customerId: probe.id }))
                yield* s.nextSequence("payment-reference")
                yield* s.customers.update({ ...probe, name: "renamed" }, 1)
                return yield* Effect.fail("business rule says no" as const)
              })
            )
          )
          return {
            failed,
            customer: yield* s.customers.getByNumber(number),
            balance: yield* s.balance.list(probe.id, { cursor: null, limit: 10 }),
            events: yield* s.events.list({ cursor: null, limit: 10, customerId: probe.id }),
            probeBack: yield* s.customers.get(probe.id),
            probe,
            sequenceBefore,
            sequenceAfter: yield* s.nextSequence("payment-reference")
          }
        })
      )
      expect(Exit.isFailure(result.failed)).toBe(true)
      expect(result.customer).toBeNull()
      expect(result.balance.items).toEqual([])
      expect(result.events.items).toEqual([])
      expect(result.probeBack).toEqual(result.probe)
      expect(result.sequenceAfter).toBe(result.sequenceBefore + 1n)
    })

    it("rolls back a defect and an interruption too", async () => {
      const numbers = [unique("C"), unique("C")] as const
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const died = yield* Effect.exit(
            s.transaction(Effect.andThen(s.customers.insert(newCustomer({ number: numbers[0] })), Effect.die("boom")))
          )
          const interrupted = yield* Effect.exit(
            s.transaction(Effect.andThen(s.customers.insert(newCustomer({ number: numbers[1] })), Effect.interrupt))
          )
          return {
            died,
            interrupted,
            first: yield* s.customers.getByNumber(numbers[0]),
            second: yield* s.customers.getByNumber(numbers[1])
          }
        })
      )
      expect(Exit.isFailure(result.died)).toBe(true)
      expect(Exit.isFailure(result.interrupted)).toBe(true)
      expect(result.first).toBeNull()
      expect(result.second).toBeNull()
    })

    it("joins nested transactions: the inner work sees the outer writes and the outer failure undoes both", async () => {
      const outerNumber = unique("C")
      const innerNumber = unique("C")
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const committed = yield* s.transaction(
            Effect.gen(function* () {
              const outer = yield* s.customers.insert(newCustomer())
              const seenInside = yield* s.transaction(s.customers.get(outer.id))
              return { outer, seenInside }
            })
          )
          const failed = yield* Effect.exit(
            s.transaction(
              Effect.gen(function* () {
                yield* s.customers.insert(newCustomer({ number: outerNumber }))
                yield* s.transaction(s.customers.insert(newCustomer({ number: innerNumber })))
                return yield* Effect.fail("outer fails after the inner one finished" as const)
              })
            )
          )
          return {
            committed,
            committedBack: yield* s.customers.get(committed.outer.id),
            failed,
            outer: yield* s.customers.getByNumber(outerNumber),
            inner: yield* s.customers.getByNumber(innerNumber)
          }
        })
      )
      expect(result.committed.seenInside).toEqual(result.committed.outer)
      expect(result.committedBack).toEqual(result.committed.outer)
      expect(Exit.isFailure(result.failed)).toBe(true)
      expect(result.outer).toBeNull()
      expect(result.inner).toBeNull()
    })

    it("forgets an idempotency claim made in a transaction that rolls back", async () => {
      const key = unique("idem")
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const idempotency = yield* IdempotencyStore
          const claim = {
            principalId: UserId.make(7),
            key,
            operation: "payments.create",
            requestHash: "h1",
            now: at("2026-01-01T00:00:00.000Z")
          }
          const rolledBack = yield* Effect.exit(
            s.transaction(Effect.andThen(idempotency.claim(claim), Effect.fail("the command failed" as const)))
          )
          // The same key, even for another request, is free again.
          const again = yield* s.transaction(idempotency.claim({ ...claim, requestHash: "h2" }))
          return { rolledBack, again }
        })
      )
      expect(Exit.isFailure(result.rolledBack)).toBe(true)
      expect(result.again).toEqual({ _tag: "Fresh" })
    })

    it("runs concurrent transactions of one process without losing a sequence number", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const start = yield* s.nextSequence("payment-number")
          const values = yield* Effect.all(
            Array.from({ length: 20 }, () =>
              s.transaction(Effect.andThen(Effect.yieldNow, s.nextSequence("payment-number")))
            ),
            { concurrency: "unbounded" }
          )
          return { start, values }
        })
      )
      const sorted = [...result.values].sort((a, b) => (a < b ? -1 : 1))
      expect(sorted).toEqual(Array.from({ length: 20 }, (_, i) => result.start + 1n + BigInt(i)))
    })
  })
}
