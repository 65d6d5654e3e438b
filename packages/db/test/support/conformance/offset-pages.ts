/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Offset-paged payment lists (vendor
 * page numbers): every sort key orders the same way on every database (a missing value first when
 * ascending, last when descending, id ascending breaking ties), an offset page is exactly that slice
 * of the whole ordered list, the total counts every match of the filters whatever the page, cursors
 * of an offset list walk it once without gaps, and a page past the end is empty with the right total.
 * Also the vendor-term filters (column comparisons, "no dialect record of a kind") and the children
 * of a page of payments read at once, and a page's annex (each row's customer, creator, first and
 * last actors, dialect record data and its customer's) read in the page's own statement.
 */
import {
  type Customer,
  LedgerStore,
  type Payment,
  type PaymentColumnTerm,
  type PaymentSortKey,
  type PresetId,
  type UserId
} from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { at, newCustomer, newEvent, newPayment, newPreset } from "../store-fixtures.ts"
import { allPages } from "./all-pages.ts"

const store = LedgerStore

type Sortable = string | number | bigint | null

const sortValueOf = (payment: Payment, field: PaymentSortKey["field"]): Sortable => {
  const value = payment[field]
  return value instanceof Date ? value.getTime() : (value as Sortable)
}

/** The order the store must give, computed in memory: null smallest, then id ascending. */
const inMemoryOrder = (keys: ReadonlyArray<PaymentSortKey>) => (a: Payment, b: Payment) => {
  for (const key of keys) {
    const x = sortValueOf(a, key.field)
    const y = sortValueOf(b, key.field)
    const difference = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1
    if (difference !== 0) return key.direction === "asc" ? difference : -difference
  }
  return a.id - b.id
}

export const describeOffsetPages = (db: DatabaseHarness): void => {
  const run = db.run

  describe("offset-paged payment lists (sort, offset, total)", () => {
    // 2 customers × 25 payments with repeated amounts, dates and creation times, some without a type.
    const seed = Effect.gen(function* () {
      const s = yield* store
      const customers: Array<Customer> = [
        yield* s.customers.insert(newCustomer()),
        yield* s.customers.insert(newCustomer())
      ]
      const types: Array<PresetId> = [
        (yield* s.presets.insert(newPreset("type"))).id,
        (yield* s.presets.insert(newPreset("type"))).id
      ]
      const payments: Array<Payment> = []
      for (let i = 0; i < 50; i++) {
        payments.push(
          yield* s.payments.insert(
            newPayment((customers[i % 2] as Customer).id, {
              amount: BigInt(1 + (i % 7)) * 100n,
              paymentDate: `2026-0${1 + (i % 5)}-1${i % 3}`,
              state: i % 9 === 0 ? "draft" : "posted",
              typeId: i % 4 === 0 ? null : (types[i % 2] as PresetId),
              createdAt: at(`2026-06-01T00:00:${String(i % 13).padStart(2, "0")}.000Z`)
            })
          )
        )
      }
      return { customers, payments }
    })

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
          return { kept, children, reversal }
        })
      )
      expect(result.kept.items.map((p) => p.id)).toEqual(seeded.payments.slice(1).map((p) => p.id))
      expect([...result.children.keys()]).toEqual([second.id])
      expect(result.children.get(second.id)?.reversals).toEqual([result.reversal])
    })

    it("brings each row's customer, creator and dialect record along in the page's statement, in the page's order", async () => {
      const seeded = await run(seed)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const sort: ReadonlyArray<PaymentSortKey> = [{ field: "typeId", direction: "desc" }]
      const expected = [...seeded.payments].sort(inMemoryOrder(sort)).slice(3, 9)
      const [withRecord, withCreator] = expected as [Payment, Payment]
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          yield* s.dialectRecords.insert({
            dialect: "test-vendor",
            kind: "payment",
            key: String(withRecord.id),
            customerId: withRecord.customerId,
            paymentId: withRecord.id,
            data: { cardTypeId: 7, note: "kept" },
            createdAt: at("2026-06-03T00:00:00.000Z"),
            updatedAt: at("2026-06-03T00:00:00.000Z")
          })
          // Another kind and another payment's record are not this row's.
          yield* s.dialectRecords.insert({
            dialect: "test-vendor",
            kind: "reversal",
            key: String(withCreator.id),
            customerId: withCreator.customerId,
            paymentId: withCreator.id,
            data: { other: true },
            createdAt: at("2026-06-03T00:00:00.000Z"),
            updatedAt: at("2026-06-03T00:00:00.000Z")
          })
          for (const type of ["payment.created", "payment.posted"] as const) {
            yield* s.events.append(
              newEvent({
                type,
                entity: "payment",
                customerId: withCreator.customerId,
                paymentId: withCreator.id,
                actorId: (type === "payment.created" ? 41 : 42) as UserId,
                actorName: type === "payment.created" ? "Ada Creator" : "Someone Else"
              })
            )
          }
          const typeNames = new Map<number, string>()
          for (const payment of expected) {
            if (payment.typeId !== null)
              typeNames.set(payment.typeId, (yield* s.presets.get(payment.typeId))?.name ?? "")
          }
          const page = yield* s.payments.list({
            cursor: null,
            limit: 6,
            order: "newest",
            customerIds,
            sort,
            offset: 3,
            withTotal: true,
            annex: {
              customer: true,
              presetNames: true,
              creationEvent: true,
              record: { dialect: "test-vendor", kind: "payment" }
            }
          })
          return { ...page, typeNames }
        })
      )
      expect(result.items).toEqual(expected)
      expect(result.total).toBe(50)
      const customers = new Map(seeded.customers.map((customer) => [customer.id, customer]))
      for (const payment of expected) {
        const annex = result.annex?.get(payment.id)
        expect(annex?.customer).toEqual(customers.get(payment.customerId))
        expect(annex?.creator).toEqual(payment === withCreator ? { actorId: 41, actorName: "Ada Creator" } : null)
        expect(annex?.record).toEqual(payment === withRecord ? { cardTypeId: 7, note: "kept" } : null)
        expect(annex?.typeName).toBe(payment.typeId === null ? null : result.typeNames.get(payment.typeId))
        expect(annex?.methodName).toBeNull()
      }
      const plain = await run(
        Effect.flatMap(store, (s) =>
          s.payments.list({ cursor: null, limit: 6, order: "newest", customerIds, sort, offset: 3, withTotal: true })
        )
      )
      expect(plain).toEqual({ items: result.items, nextCursor: result.nextCursor, total: 50 })
    })

    it("brings each row's first and last actors, its record by public id and its customer's record along", async () => {
      const seeded = await run(seed)
      const [owned, other] = seeded.customers as [Customer, Customer]
      const sort: ReadonlyArray<PaymentSortKey> = [{ field: "id", direction: "asc" }]
      const expected = seeded.payments.filter((payment) => payment.customerId === owned.id).slice(0, 5)
      const [twoEvents, oneEvent, withRecord] = expected as [Payment, Payment, Payment]
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const record = (key: string, customerId: Customer["id"], data: Record<string, unknown>, kind: string) =>
            s.dialectRecords.insert({
              dialect: "test-vendor",
              kind,
              key,
              customerId,
              paymentId: null,
              data,
              createdAt: at("2026-06-03T00:00:00.000Z"),
              updatedAt: at("2026-06-03T00:00:00.000Z")
            })
          yield* record(withRecord.publicId, owned.id, { category: "kept" }, "payment")
          // Keyed by the ledger id, not the public id: not this row's.
          yield* record(String(twoEvents.id), owned.id, { wrong: true }, "payment")
          yield* record(owned.publicId, owned.id, { owner: "Ada" }, "owner")
          yield* record(other.publicId, other.id, { owner: "Other" }, "owner")
          const events = [
            [twoEvents, "payment.created", 41, "Ada Creator"],
            [oneEvent, "payment.created", 43, "Only One"],
            [twoEvents, "payment.posted", 42, "Someone Else"]
          ] as const
          for (const [payment, type, actorId, actorName] of events) {
            yield* s.events.append(
              newEvent({
                type,
                entity: "payment",
                customerId: payment.customerId,
                paymentId: payment.id,
                actorId: actorId as UserId,
                actorName
              })
            )
          }
          return yield* s.payments.list({
            cursor: null,
            limit: 5,
            order: "id",
            customerId: owned.id,
            sort,
            annex: {
              firstAndLastActors: true,
              record: { dialect: "test-vendor", kind: "payment", key: "payment-public-id" },
              customerRecord: { dialect: "test-vendor", kind: "owner" }
            }
          })
        })
      )
      expect(result.items).toEqual(expected)
      for (const payment of expected) {
        const annex = result.annex?.get(payment.id)
        const first =
          payment === twoEvents
            ? { actorId: 41, actorName: "Ada Creator" }
            : payment === oneEvent
              ? { actorId: 43, actorName: "Only One" }
              : null
        const last = payment === twoEvents ? { actorId: 42, actorName: "Someone Else" } : first
        expect(annex?.firstActor).toEqual(first)
        expect(annex?.lastActor).toEqual(last)
        expect(annex?.record).toEqual(payment === withRecord ? { category: "kept" } : null)
        expect(annex?.customerRecord).toEqual({ owner: "Ada" })
        expect(annex?.customer).toBeNull()
      }
    })
  })
}
