/**
 * Store conformance, part of `../ledger-store-conformance.ts`. What a list brings along in its own
 * statement for a vendor's rows: a payment page's newest collection state per row (by request time,
 * then id), a settings record the same on every row, each payment's allocations alone, and a refund list's dialect record per
 * refund (keyed by the refund's id) — each row with its own, `null` where there is none, and the
 * list itself (rows, order, cursors) exactly what it is without the annex.
 */
import { type Collection, LedgerStore, type New, type PaymentId, type RefundPage } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { at, newCustomer, newDocument, newPayment, newRefund } from "../store-fixtures.ts"
import { allPages } from "./all-pages.ts"

const store = LedgerStore

const collection = (paymentId: PaymentId, state: Collection["state"], requestedAt: string): New<Collection> => ({
  paymentId,
  method: "direct-debit",
  state,
  gatewayReference: null,
  failureReason: null,
  requestedAt: at(requestedAt),
  collectedAt: null,
  cancelledAt: null,
  failedAt: null
})

const record = (key: string, kind: string, data: Readonly<Record<string, unknown>>) => ({
  dialect: "annex-vendor",
  kind,
  key,
  customerId: null,
  paymentId: null,
  data,
  createdAt: at("2026-06-03T00:00:00.000Z"),
  updatedAt: at("2026-06-03T00:00:00.000Z")
})

export const describeListAnnexes = (db: DatabaseHarness): void => {
  const run = db.run

  describe("list annexes (newest collection, settings record, allocations, refund records)", () => {
    it("brings each payment's newest collection state and a settings record along in the page's statement", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const payments = []
          for (let i = 0; i < 4; i++) payments.push(yield* s.payments.insert(newPayment(customer.id)))
          const [never, once, twice, sameTime] = payments.map((payment) => payment.id) as [
            PaymentId,
            PaymentId,
            PaymentId,
            PaymentId
          ]
          yield* s.collections.insert(collection(once, "collected", "2026-04-01T00:00:00.000Z"))
          // The newest by request time wins, whatever the insertion order; on a tie, the higher id.
          yield* s.collections.insert(collection(twice, "failed", "2026-04-03T00:00:00.000Z"))
          yield* s.collections.insert(collection(twice, "cancelled", "2026-04-02T00:00:00.000Z"))
          yield* s.collections.insert(collection(sameTime, "cancelled", "2026-04-02T00:00:00.000Z"))
          yield* s.collections.insert(collection(sameTime, "requested", "2026-04-02T00:00:00.000Z"))
          const settingsKey = `settings-${customer.id}`
          const query = {
            customerId: customer.id,
            order: "id" as const,
            sort: [{ field: "id" as const, direction: "asc" as const }],
            limit: 3
          }
          const annex = {
            latestCollection: true,
            settings: { dialect: "annex-vendor", kind: "settings", key: settingsKey }
          }
          const withoutSettings = yield* s.payments.list({ ...query, cursor: null, annex })
          yield* s.dialectRecords.insert(record(settingsKey, "settings", { name: "Shown" }))
          yield* s.dialectRecords.insert(record(`${settingsKey}-other`, "settings", { name: "Not this one" }))
          const { items: pages } = yield* Effect.promise(() =>
            allPages((cursor) => run(s.payments.list({ ...query, cursor, annex })), 3)
          )
          const first = yield* s.payments.list({ ...query, cursor: null, annex })
          const plain = yield* s.payments.list({ ...query, cursor: null })
          return { never, once, twice, sameTime, withoutSettings, pages, first, plain, payments }
        })
      )
      expect(result.pages.map((payment) => payment.id)).toEqual(result.payments.map((payment) => payment.id))
      const second = await run(
        Effect.flatMap(store, (s) =>
          s.payments.list({
            customerId: result.payments[0]?.customerId,
            order: "id",
            sort: [{ field: "id", direction: "asc" }],
            limit: 3,
            cursor: result.first.nextCursor,
            annex: { latestCollection: true }
          })
        )
      )
      const annexOf = (id: PaymentId) => result.first.annex?.get(id) ?? second.annex?.get(id)
      expect(annexOf(result.never)?.latestCollectionState).toBeNull()
      expect(annexOf(result.once)?.latestCollectionState).toBe("collected")
      expect(annexOf(result.twice)?.latestCollectionState).toBe("failed")
      expect(annexOf(result.sameTime)?.latestCollectionState).toBe("requested")
      for (const payment of result.first.items) {
        expect(result.first.annex?.get(payment.id)?.settings).toEqual({ name: "Shown" })
        expect(result.withoutSettings.annex?.get(payment.id)?.settings).toBeNull()
      }
      expect(result.plain).toEqual({ items: result.first.items, nextCursor: result.first.nextCursor })
    })

    it("brings each payment's allocations alone (oldest first, exact past 2^53) as its children would, and nothing else hanging off it", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const allocated = yield* s.payments.insert(newPayment(customer.id))
          const bare = yield* s.payments.insert(newPayment(customer.id))
          const document = yield* s.documents.insert(newDocument(customer.id))
          for (const amount of [9_007_199_254_740_993n, 500n]) {
            yield* s.allocations.insert({
              paymentId: allocated.id,
              documentId: document.id,
              amount,
              booked: true,
              createdAt: at("2026-04-15T10:11:12.131Z")
            })
          }
          // A reversal: a child the allocations annex does not bring.
          yield* s.reversals.insert({
            paymentId: allocated.id,
            amount: 100n,
            effectiveDate: "2026-06-03",
            reversedAt: at("2026-06-03T07:08:09.010Z"),
            reason: null,
            reinstatedAt: null
          })
          const query = {
            customerId: customer.id,
            order: "id" as const,
            sort: [{ field: "id" as const, direction: "asc" as const }],
            offset: 0,
            limit: 10,
            cursor: null
          }
          const alone = yield* s.payments.list({ ...query, annex: { allocations: true } })
          const withChildren = yield* s.payments.list({ ...query, annex: { allocations: true, children: true } })
          const children = yield* s.payments.children(allocated.id)
          return { allocated, bare, alone, withChildren, children }
        })
      )
      const alone = result.alone.annex?.get(result.allocated.id)
      expect(alone?.allocations).toEqual(result.children.allocations)
      expect(alone?.allocations?.map((allocation) => allocation.amount)).toEqual([9_007_199_254_740_993n, 500n])
      expect(alone?.children).toBeUndefined()
      expect(result.alone.annex?.get(result.bare.id)?.allocations).toEqual([])
      // Asked with the children, the allocations are theirs (not twice).
      const both = result.withChildren.annex?.get(result.allocated.id)
      expect(both?.children).toEqual(result.children)
      expect(both?.allocations).toBeUndefined()
      expect(result.alone.items).toEqual(result.withChildren.items)
    })

    it("brings each refund's dialect record along in the refund list's statement, keyed by refund id", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const refunds = []
          for (let i = 0; i < 5; i++) refunds.push(yield* s.refunds.insert(newRefund(payment.id, customer.id)))
          const [withRecord, , otherKind, , last] = refunds as [
            (typeof refunds)[number],
            (typeof refunds)[number],
            (typeof refunds)[number],
            (typeof refunds)[number],
            (typeof refunds)[number]
          ]
          yield* s.dialectRecords.insert(record(String(withRecord.id), "refund-details", { ourReference: "R-1" }))
          yield* s.dialectRecords.insert(record(String(last.id), "refund-details", { ourReference: "R-5" }))
          yield* s.dialectRecords.insert(record(String(otherKind.id), "other", { ourReference: "not shown" }))
          const query = { paymentId: payment.id, limit: 2 }
          const annexed = []
          let cursor: string | null = null
          do {
            const page: RefundPage = yield* s.refunds.list({
              ...query,
              cursor,
              record: { dialect: "annex-vendor", kind: "refund-details" }
            })
            annexed.push(page)
            cursor = page.nextCursor
          } while (cursor !== null)
          const { items: plain } = yield* Effect.promise(() =>
            allPages((cursor) => run(s.refunds.list({ ...query, cursor })), 2)
          )
          return { refunds, annexed, plain, withRecord, last }
        })
      )
      const listed = result.annexed.flatMap((page) => page.items)
      expect(listed).toEqual(result.refunds)
      expect(result.plain).toEqual(result.refunds)
      const records = new Map(result.annexed.flatMap((page) => [...(page.records ?? new Map()).entries()]))
      expect([...records.keys()]).toEqual(result.refunds.map((refund) => refund.id))
      for (const refund of result.refunds) {
        expect(records.get(refund.id)).toEqual(
          refund === result.withRecord
            ? { ourReference: "R-1" }
            : refund === result.last
              ? { ourReference: "R-5" }
              : null
        )
      }
    })
  })
}
