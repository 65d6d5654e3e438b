/**
 * Store conformance, part of `../ledger-store-conformance.ts`. What a bulk unit writes with (issue
 * 16): payment ids drawn ahead in one statement are new and ascending, payments inserted under them
 * in one statement read back as written, a row whose unique key is taken is left out (and counted
 * out), ids given back unused are the next the store assigns (allocations', refunds' and reversals' too), a narrow update (only the columns
 * that changed) leaves the row as a full one would, and a savepoint undoes only its own writes.
 */
import { type CustomerId, LedgerStore, trustedId } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { newCustomer, newDocument, newPayment, newRefund } from "../store-fixtures.ts"

const withStore = <A, E>(work: (s: LedgerStore["Service"]) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    return yield* work(yield* LedgerStore)
  })

export const describeDrawnIds = (db: DatabaseHarness): void => {
  describe("ids drawn ahead, multi-row inserts, narrow updates, savepoints", () => {
    it("inserts payments under drawn ids, leaves out a taken key, and gives unused ids back", async () => {
      const result = await db.run(
        withStore((s) =>
          s.transaction(
            Effect.gen(function* () {
              const customer = yield* s.customers.insert(newCustomer())
              const existing = yield* s.payments.insert(newPayment(customer.id))
              const ids = yield* s.payments.drawIds(4, null)
              const [first, second, third, fourth] = ids
              if (first === undefined || second === undefined || third === undefined || fourth === undefined)
                throw new Error("four ids were drawn")
              const rows = [
                { ...newPayment(customer.id, { amount: 100n }), id: first },
                { ...newPayment(customer.id, { amount: 200n }), id: second }
              ]
              const written = yield* s.payments.insertAll(rows)
              yield* s.payments.releaseIds(third, fourth)
              const next = yield* s.payments.insert(newPayment(customer.id))
              // A row holding the public id of a payment already there: not written.
              const [spare] = yield* s.payments.drawIds(1, next.id)
              if (spare === undefined) throw new Error("an id was drawn")
              const taken = yield* s.payments.insertAll([
                { ...newPayment(customer.id), id: spare, publicId: existing.publicId }
              ])
              return {
                existing,
                ids,
                written,
                taken,
                back: yield* Effect.forEach(rows, (row) => s.payments.get(row.id)),
                rows,
                third,
                spareBack: yield* s.payments.get(spare),
                next
              }
            })
          )
        )
      )
      expect(
        result.ids.every((id, index) => id > result.existing.id && (index === 0 || id > (result.ids[index - 1] ?? 0)))
      ).toBe(true)
      expect(result.written).toBe(2)
      expect(result.back).toEqual(result.rows)
      expect(result.taken).toBe(0)
      expect(result.spareBack).toBeNull()
      // Nothing drew after the four: the first unused id is the next one assigned.
      expect(result.next.id).toBe(result.third)
    })

    it("inserts allocations under drawn ids and gives unused ids back", async () => {
      const result = await db.run(
        withStore((s) =>
          s.transaction(
            Effect.gen(function* () {
              const customer = yield* s.customers.insert(newCustomer())
              const payment = yield* s.payments.insert(newPayment(customer.id, { amount: 1000n }))
              const document = yield* s.documents.insert(newDocument(customer.id))
              const existing = yield* s.allocations.insert({
                paymentId: payment.id,
                documentId: document.id,
                amount: 100n,
                booked: true,
                createdAt: new Date("2026-05-01T00:00:00Z")
              })
              const ids = yield* s.allocations.drawIds(3, null)
              const [first, second, third] = ids
              if (first === undefined || second === undefined || third === undefined) throw new Error("three ids")
              const row = { ...existing, id: first, amount: 200n, booked: false }
              const written = yield* s.allocations.insertDrawn([row])
              yield* s.allocations.releaseIds(second, third)
              const next = yield* s.allocations.insert({ ...existing, amount: 300n })
              return { existing, ids, row, written, back: yield* s.allocations.get(first), second, next }
            })
          )
        )
      )
      expect(result.ids[0]).toBeGreaterThan(result.existing.id)
      expect(result.written).toBe(1)
      expect(result.back).toEqual(result.row)
      expect(result.next.id).toBe(result.second)
    })

    it("inserts refunds and reversals under drawn ids, leaves out a refund whose public id is taken, and gives unused ids back", async () => {
      const result = await db.run(
        withStore((s) =>
          s.transaction(
            Effect.gen(function* () {
              const customer = yield* s.customers.insert(newCustomer())
              const payment = yield* s.payments.insert(newPayment(customer.id, { amount: 1000n }))
              const existing = yield* s.refunds.insert(newRefund(payment.id, customer.id))
              const [refundId, takenId, spareRefund, lastRefund] = yield* s.refunds.drawIds(4, null)
              const [reversalId, spareReversal, lastReversal] = yield* s.reversals.drawIds(3, null)
              if (
                refundId === undefined ||
                takenId === undefined ||
                spareRefund === undefined ||
                lastRefund === undefined ||
                reversalId === undefined ||
                spareReversal === undefined ||
                lastReversal === undefined
              )
                throw new Error("ids of each")
              const refund = { ...newRefund(payment.id, customer.id, { amount: 200n }), id: refundId }
              const reversal = {
                id: reversalId,
                paymentId: payment.id,
                amount: 100n,
                effectiveDate: "2026-05-02",
                reversedAt: new Date("2026-05-02T00:00:00Z"),
                reason: null,
                reinstatedAt: null
              }
              const written = {
                refunds: yield* s.refunds.insertDrawn([refund]),
                taken: yield* s.refunds.insertDrawn([{ ...refund, id: takenId, publicId: existing.publicId }]),
                reversals: yield* s.reversals.insertDrawn([reversal])
              }
              const back = {
                refund: yield* s.refunds.get(refundId),
                reversals: yield* s.reversals.listByPayment(payment.id)
              }
              yield* s.refunds.releaseIds(spareRefund, lastRefund)
              yield* s.reversals.releaseIds(spareReversal, lastReversal)
              const next = {
                refund: yield* s.refunds.insert(newRefund(payment.id, customer.id)),
                reversal: yield* s.reversals.insert({ ...reversal, amount: 50n })
              }
              return {
                written,
                refund,
                reversal,
                back,
                spareRefund,
                spareReversal,
                next
              }
            })
          )
        )
      )
      expect(result.written).toEqual({ refunds: 1, taken: 0, reversals: 1 })
      expect(result.back.refund).toEqual(result.refund)
      expect(result.back.reversals).toEqual([result.reversal])
      expect(result.next.refund.id).toBe(result.spareRefund)
      expect(result.next.reversal.id).toBe(result.spareReversal)
    })

    it("a narrow update writes what changed and leaves the row as a full update would", async () => {
      const result = await db.run(
        withStore((s) =>
          Effect.gen(function* () {
            const customer = yield* s.customers.insert(newCustomer())
            const payment = yield* s.payments.insert(newPayment(customer.id))
            const changed = { ...payment, reversedAmount: 500n, reversalDate: "2026-05-01", customFields: { a: "b" } }
            const narrow = yield* s.payments.update(changed, 1, payment)
            const stale = yield* Effect.exit(s.payments.update({ ...payment, state: "cancelled" }, 1, payment))
            return { narrow, back: yield* s.payments.get(payment.id), stale }
          })
        )
      )
      expect(result.back).toEqual(result.narrow)
      expect(result.back?.version).toBe(2)
      expect(result.back?.reversedAmount).toBe(500n)
      expect(result.back?.customFields).toEqual({ a: "b" })
      expect(result.stale._tag).toBe("Failure")
    })

    it("a failed savepoint undoes its own writes and the transaction goes on", async () => {
      let lost: number | null = null
      const result = await db.run(
        withStore((s) =>
          s.transaction(
            Effect.gen(function* () {
              const kept = yield* s.customers.insert(newCustomer())
              const undone = yield* Effect.exit(
                s.savepoint(
                  Effect.andThen(s.customers.insert(newCustomer()), (customer) => {
                    lost = customer.id
                    return Effect.fail("undo")
                  })
                )
              )
              const lostBack = lost === null ? "none" : yield* s.customers.get(trustedId<CustomerId>(lost))
              const after = yield* s.customers.insert(newCustomer())
              return {
                undone: undone._tag,
                kept: yield* s.customers.get(kept.id),
                lost: lostBack,
                after: yield* s.customers.get(after.id)
              }
            })
          )
        )
      )
      expect(result.undone).toBe("Failure")
      expect(result.kept).not.toBeNull()
      expect(result.lost).toBeNull()
      expect(result.after).not.toBeNull()
    })
  })
}
