/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Reserving ids (after an import whose
 * objects keep another system's ids): the next customer, document and payment the store inserts get
 * ids above the reserved value, the next number of a sequence is above it, and reserving a lower
 * value than the counter already passed never lowers it (no id is handed out twice).
 */
import { LedgerStore } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { newCustomer, newDocument, newPayment } from "../store-fixtures.ts"

export const describeIdReservation = (db: DatabaseHarness): void => {
  describe("reserving ids", () => {
    it("keeps new ids and numbers above the reserved value, and never lowers a counter", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const before = yield* s.customers.insert(newCustomer())
          const above = BigInt(before.id) + 5_000n
          yield* s.reserveIds("customers", above)
          yield* s.reserveIds("payments", above)
          yield* s.reserveIds("documents", above)
          yield* s.reserveIds("payment-number", above)
          const customer = yield* s.customers.insert(newCustomer())
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const document = yield* s.documents.insert(newDocument(customer.id))
          const number = yield* s.nextSequence("payment-number")
          // A lower reservation, inside a transaction that commits: nothing moves back.
          yield* s.transaction(s.reserveIds("customers", 1n))
          const later = yield* s.customers.insert(newCustomer())
          return { above, customer, payment, document, number, later }
        })
      )
      expect(BigInt(result.customer.id)).toBeGreaterThan(result.above)
      expect(BigInt(result.payment.id)).toBeGreaterThan(result.above)
      expect(BigInt(result.document.id)).toBeGreaterThan(result.above)
      expect(result.number).toBeGreaterThan(result.above)
      expect(result.later.id).toBeGreaterThan(result.customer.id)
    })
  })
}
