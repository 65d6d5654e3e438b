/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Offset-paged payment lists (vendor
 * page numbers): every sort key orders the same way on every database (a missing value first when
 * ascending, last when descending, id ascending breaking ties), an offset page is exactly that slice
 * of the whole ordered list, the total counts every match of the filters whatever the page, cursors
 * of an offset list walk it once without gaps, and a page past the end is empty with the right total.
 * Also the vendor-term filters (column comparisons, "no dialect record of a kind") and the children
 * of a page of payments read at once. What a page brings along, and reversal rows, are the next part
 * (`offset-page-annexes.ts`).
 */
import { LedgerStore, type Payment, type PaymentColumnTerm, type PaymentSortKey } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { at } from "../store-fixtures.ts"
import { allPages } from "./all-pages.ts"
import { inMemoryOrder, offsetPageSeed as seed } from "./offset-page-fixtures.ts"

const store = LedgerStore

export const describeOffsetPages = (db: DatabaseHarness): void => {
  const run = db.run

  describe("offset-paged payment lists (sort, offset, total)", () => {
    const sorts: ReadonlyArray<[string, ReadonlyArray<PaymentSortKey>]> = [
      ["amount descending", [{ field: "amount", direction: "desc" }]],
      ["creation ascending", [{ field: "createdAt", direction: "asc" }]],
      [
        "type ascending (missing first), then payment date descending",
        [
          { field: "typeId", direction: "asc" },
          { field: "paymentDate", direction: "desc" }
        ]
      ],
      ["type descending (missing last)", [{ field: "typeId", direction: "desc" }]],
      [
        "amount ascending, then id descending",
        [
          { field: "amount", direction: "asc" },
          { field: "id", direction: "desc" }
        ]
      ]
    ]

    it.each(sorts)("sorts by %s, each offset page the slice of the whole order, with the total", async (_, sort) => {
      const seeded = await run(seed)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const expected = [...seeded.payments].sort(inMemoryOrder(sort))
      const pages = await run(
        Effect.gen(function* () {
          const s = yield* store
          const page = (offset: number) =>
            s.payments.list({ cursor: null, limit: 8, order: "newest", customerIds, sort, offset, withTotal: true })
          return [yield* page(0), yield* page(8), yield* page(44), yield* page(50), yield* page(90)]
        })
      )
      const [first, second, last, atEnd, beyond] = pages
      expect(first?.items.map((p) => p.id)).toEqual(expected.slice(0, 8).map((p) => p.id))
      expect(second?.items.map((p) => p.id)).toEqual(expected.slice(8, 16).map((p) => p.id))
      expect(last?.items.map((p) => p.id)).toEqual(expected.slice(44).map((p) => p.id))
      expect(pages.map((page) => page.total)).toEqual([50, 50, 50, 50, 50])
      expect(first?.nextCursor).not.toBeNull()
      expect(last?.nextCursor).toBeNull()
      expect(atEnd?.items).toEqual([])
      expect(beyond?.items).toEqual([])
      expect(first?.items).toEqual(expected.slice(0, 8))
    })

    it("walks an offset list with its cursors once, without gaps, filters and order applied", async () => {
      const seeded = await run(seed)
      const [c0] = seeded.customers
      const sort: ReadonlyArray<PaymentSortKey> = [{ field: "createdAt", direction: "desc" }]
      const expected = seeded.payments
        .filter((p) => p.customerId === c0?.id && p.state === "posted")
        .sort(inMemoryOrder(sort))
      const walked = await allPages(
        (cursor) =>
          run(
            Effect.flatMap(store, (s) =>
              s.payments.list({
                cursor,
                limit: 4,
                order: "newest",
                customerId: c0?.id,
                states: ["posted"],
                sort,
                offset: 0
              })
            )
          ),
        4
      )
      expect(walked.items.map((p) => p.id)).toEqual(expected.map((p) => p.id))
      expect(walked.pages).toBe(Math.ceil(expected.length / 4))
    })

    it("pages the default orders by offset and counts matches without sorting", async () => {
      const seeded = await run(seed)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const byId = yield* s.payments.list({ cursor: null, limit: 5, order: "id", customerIds, offset: 10 })
          const newest = yield* s.payments.list({
            cursor: null,
            limit: 5,
            order: "newest",
            customerIds,
            withTotal: true
          })
          const none = yield* s.payments.list({ cursor: null, limit: 5, order: "id", customerIds: [], withTotal: true })
          return { byId, newest, none }
        })
      )
      expect(result.byId.items.map((p) => p.id)).toEqual(seeded.payments.slice(10, 15).map((p) => p.id))
      expect(result.byId.total).toBeUndefined()
      const newest = [...seeded.payments].sort(
        inMemoryOrder([
          { field: "paymentDate", direction: "desc" },
          { field: "id", direction: "desc" }
        ])
      )
      expect(result.newest.items.map((p) => p.id)).toEqual(newest.slice(0, 5).map((p) => p.id))
      expect(result.newest.total).toBe(50)
      expect(result.none).toEqual({ items: [], nextCursor: null, total: 0 })
    })

    it("compiles column terms as vendors state them (null: no value; notEq also holds without a value)", async () => {
      const seeded = await run(seed)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const someType = seeded.payments.find((p) => p.typeId !== null)?.typeId ?? null
      const cases: ReadonlyArray<[PaymentColumnTerm, (p: Payment) => boolean]> = [
        [{ field: "typeId", operator: "eq", value: null }, (p) => p.typeId === null],
        [{ field: "typeId", operator: "notEq", value: null }, (p) => p.typeId !== null],
        [{ field: "typeId", operator: "notEq", value: someType }, (p) => p.typeId !== someType],
        [{ field: "typeId", operator: "lt", value: null }, () => false],
        [
          { field: "typeId", operator: "gtEq", value: someType },
          (p) => p.typeId !== null && p.typeId >= (someType ?? 0)
        ],
        [{ field: "allocatedAmount", operator: "eq", value: 0 }, (p) => p.allocatedAmount === 0n],
        [
          { field: "id", operator: "ltEq", value: seeded.payments[9]?.id ?? 0 },
          (p) => p.id <= (seeded.payments[9]?.id ?? 0)
        ]
      ]
      for (const [term, rule] of cases) {
        const page = await run(
          Effect.flatMap(store, (s) =>
            s.payments.list({ cursor: null, limit: 100, order: "id", customerIds, columnTerms: [term] })
          )
        )
        expect(
          page.items.map((p) => p.id),
          JSON.stringify(term)
        ).toEqual(seeded.payments.filter(rule).map((p) => p.id))
      }
    })

    it("leaves out payments with a dialect record of a kind, and reads the children of a page at once", async () => {
      const seeded = await run(seed)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const [first, second, third] = seeded.payments as [Payment, Payment, Payment]
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          yield* s.dialectRecords.insert({
            dialect: "test-vendor",
            kind: "deleted-payment",
            key: String(first.id),
            customerId: first.customerId,
            paymentId: first.id,
            data: {},
            createdAt: at("2026-06-03T00:00:00.000Z"),
            updatedAt: at("2026-06-03T00:00:00.000Z")
          })
          const reversal = yield* s.reversals.insert({
            paymentId: second.id,
            amount: 100n,
            effectiveDate: "2026-06-03",
            reversedAt: at("2026-06-03T00:00:00.000Z"),
            reason: "test",
            reinstatedAt: null
          })
          const kept = yield* s.payments.list({
            cursor: null,
            limit: 100,
            order: "id",
            customerIds,
            withoutDialectRecord: { dialect: "test-vendor", kind: "deleted-payment" }
          })
          const children = yield* s.payments.childrenOfPayments([first.id, second.id, third.id])
          // With reversal rows the total is the matches less those with the record: one matched (the
          // third payment), one not (the first is a draft).
          yield* s.dialectRecords.insert({
            dialect: "test-vendor",
            kind: "deleted-payment",
            key: String(third.id),
            customerId: third.customerId,
            paymentId: third.id,
            data: {},
            createdAt: at("2026-06-03T00:00:00.000Z"),
            updatedAt: at("2026-06-03T00:00:00.000Z")
          })
          const without = { dialect: "test-vendor", kind: "deleted-payment" }
          const rows = (offset: number) =>
            s.payments.list({
              cursor: null,
              limit: 5,
              order: "id",
              customerIds: [third.customerId],
              states: ["posted"],
              sort: [{ field: "createdAt", direction: "asc" }],
              offset,
              withTotal: true,
              withoutDialectRecord: without,
              reversalRows: { states: ["posted"], withoutDialectRecord: without }
            })
          return { kept, children, reversal, rows: [yield* rows(0), yield* rows(5), yield* rows(100)] }
        })
      )
      expect(result.kept.items.map((p) => p.id)).toEqual(seeded.payments.slice(1).map((p) => p.id))
      const listed = seeded.payments
        .filter((p) => p.customerId === third.customerId && p.state === "posted" && p.id !== third.id)
        .sort(inMemoryOrder([{ field: "createdAt", direction: "asc" }]))
        .map((p) => p.id)
      expect(result.rows.map((page) => page.items.map((p) => p.id))).toEqual([
        listed.slice(0, 5),
        listed.slice(5, 10),
        []
      ])
      expect(result.rows.map((page) => page.total)).toEqual([listed.length, listed.length, listed.length])
      expect([...result.children.keys()]).toEqual([second.id])
      expect(result.children.get(second.id)?.reversals).toEqual([result.reversal])
    })
  })
}
