/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Offset-paged payment lists (vendor
 * page numbers): every sort key orders the same way on every database (a missing value first when
 * ascending, last when descending, id ascending breaking ties), an offset page is exactly that slice
 * of the whole ordered list, the total counts every match of the filters whatever the page, cursors
 * of an offset list walk it once without gaps, and a page past the end is empty with the right total.
 * Also the vendor-term filters (column comparisons, "no dialect record of a kind") and the children
 * of a page of payments read at once, and a page's annex (each row's customer, creator, first and
 * last actors, dialect record data and its customer's, and what hangs off it as lists) read in the
 * page's own statement; and reversal rows listed among payment rows.
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
import { at, newCustomer, newDocument, newEvent, newPayment, newPreset, newRefund } from "../store-fixtures.ts"
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

    it("lists active reversals as rows of their own in the list's order and total (reversal instant as creation, after their payment's row)", async () => {
      const seeded = await run(seed)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const [first, second] = seeded.customers as [Customer, Customer]
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const reversed: Array<Payment> = []
          for (const [index, customer] of [first, second, first].entries()) {
            reversed.push(
              yield* s.payments.insert(
                newPayment(customer.id, {
                  reversedAmount: 300n,
                  typeId: index === 1 ? null : (seeded.payments[1]?.typeId ?? null),
                  createdAt: at(`2026-06-01T00:00:0${index + 3}.000Z`)
                })
              )
            )
          }
          // Creation instants among the payments', ties included; one reinstated (no row); one of a draft (not matched).
          const plan: ReadonlyArray<readonly [Payment, string, boolean]> = [
            [reversed[0] as Payment, "2026-06-01T00:00:07.000Z", false],
            [reversed[0] as Payment, "2026-06-01T00:00:07.000Z", false],
            [reversed[1] as Payment, "2026-06-01T00:00:01.000Z", false],
            [reversed[2] as Payment, "2026-06-01T00:00:12.500Z", true],
            [reversed[2] as Payment, "2026-05-01T00:00:00.000Z", false]
          ]
          const reversals = []
          for (const [payment, reversedAt, reinstated] of plan) {
            reversals.push(
              yield* s.reversals.insert({
                paymentId: payment.id,
                amount: 100n,
                effectiveDate: reversedAt.slice(0, 10),
                reversedAt: at(reversedAt),
                reason: null,
                reinstatedAt: reinstated ? at("2026-06-02T00:00:00.000Z") : null
              })
            )
          }
          const draft = yield* s.payments.insert(newPayment(first.id, { state: "draft", reversedAmount: 100n }))
          yield* s.reversals.insert({
            paymentId: draft.id,
            amount: 100n,
            effectiveDate: "2026-06-01",
            reversedAt: at("2026-06-01T00:00:02.000Z"),
            reason: null,
            reinstatedAt: null
          })
          const list = (sort: ReadonlyArray<PaymentSortKey>, offset: number, limit: number, reversedSince?: Date) =>
            s.payments.list({
              cursor: null,
              limit,
              order: "id",
              customerIds,
              states: ["posted"],
              sort,
              offset,
              withTotal: true,
              reversalRows: { states: ["posted"], ...(reversedSince === undefined ? {} : { reversedSince }) }
            })
          const sorts: ReadonlyArray<ReadonlyArray<PaymentSortKey>> = [
            [
              { field: "createdAt", direction: "desc" },
              { field: "id", direction: "asc" }
            ],
            [
              { field: "typeId", direction: "asc" },
              { field: "createdAt", direction: "asc" },
              { field: "id", direction: "asc" }
            ]
          ]
          const pages = []
          for (const sort of sorts) {
            pages.push({ sort, whole: yield* list(sort, 0, 100), window: yield* list(sort, 5, 7) })
          }
          const since = yield* list(sorts[0] ?? [], 0, 100, at("2026-06-01T00:00:05.000Z"))
          return { reversed, reversals, pages, since, draft }
        })
      )
      type Row = { readonly payment: Payment; readonly reversalId: number | null; readonly created: number }
      const activeReversals = result.reversals.filter((reversal) => reversal.reinstatedAt === null)
      const rowsOf = (since?: number): Array<Row> => [
        ...[...seeded.payments, ...result.reversed]
          .filter((payment) => payment.state === "posted")
          .map((payment) => ({ payment, reversalId: null, created: payment.createdAt.getTime() })),
        ...activeReversals
          .filter((reversal) => since === undefined || reversal.reversedAt.getTime() >= since)
          .map((reversal) => ({
            payment: result.reversed.find((payment) => payment.id === reversal.paymentId) as Payment,
            reversalId: reversal.id as number,
            created: reversal.reversedAt.getTime()
          }))
      ]
      const rowOrder = (keys: ReadonlyArray<PaymentSortKey>) => (a: Row, b: Row) => {
        for (const key of keys) {
          const x = key.field === "createdAt" ? a.created : sortValueOf(a.payment, key.field)
          const y = key.field === "createdAt" ? b.created : sortValueOf(b.payment, key.field)
          const difference = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1
          if (difference !== 0) return key.direction === "asc" ? difference : -difference
        }
        return (a.reversalId ?? 0) - (b.reversalId ?? 0)
      }
      const shown = (page: { items: ReadonlyArray<Payment>; reversalIds?: ReadonlyArray<number | null> | undefined }) =>
        page.items.map((payment, index) => [payment.id, page.reversalIds?.[index]])
      const expectedRows = (rows: Array<Row>) => rows.map((row) => [row.payment.id, row.reversalId])
      for (const { sort, whole, window } of result.pages) {
        const expected = rowsOf().sort(rowOrder(sort))
        expect(shown(whole)).toEqual(expectedRows(expected))
        expect(whole.total).toBe(expected.length)
        expect(shown(window)).toEqual(expectedRows(expected.slice(5, 12)))
        expect(window.total).toBe(expected.length)
      }
      // A reversal row repeats its payment as the store reads it.
      const reversalRow = result.pages[0]?.whole.items[
        result.pages[0]?.whole.reversalIds?.findIndex((id) => id !== null) ?? -1
      ] as Payment
      expect(reversalRow).toEqual(result.reversed.find((payment) => payment.id === reversalRow.id))
      const sinceExpected = rowsOf(Date.parse("2026-06-01T00:00:05.000Z")).sort(rowOrder(result.pages[0]?.sort ?? []))
      expect(shown(result.since)).toEqual(expectedRows(sinceExpected))
    })

    it("brings what hangs off each row (children, document numbers, events, reversal records) as the per-record reads give it, still one row per payment", async () => {
      const seeded = await run(seed)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const sort: ReadonlyArray<PaymentSortKey> = [{ field: "id", direction: "asc" }]
      const expected = [...seeded.payments].sort(inMemoryOrder(sort)).slice(0, 4)
      const [rich, other] = expected as [Payment, Payment]
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const document = yield* s.documents.insert(newDocument(rich.customerId))
          // An amount past 2^53: exact through the JSON list.
          const wide = 9_007_199_254_740_993n
          yield* s.allocations.insert({
            paymentId: rich.id,
            documentId: document.id,
            amount: wide,
            booked: true,
            createdAt: at("2026-04-15T10:11:12.131Z")
          })
          const reversals = [
            yield* s.reversals.insert({
              paymentId: rich.id,
              amount: 100n,
              effectiveDate: "2026-06-03",
              reversedAt: at("2026-06-03T07:08:09.010Z"),
              reason: "first",
              reinstatedAt: null
            }),
            yield* s.reversals.insert({
              paymentId: rich.id,
              amount: 200n,
              effectiveDate: "2026-06-04",
              reversedAt: at("2026-06-04T00:00:00.000Z"),
              reason: null,
              reinstatedAt: at("2026-06-05T00:00:00.000Z")
            })
          ]
          yield* s.collections.insert({
            paymentId: rich.id,
            method: "direct-debit",
            state: "requested",
            gatewayReference: null,
            failureReason: null,
            requestedAt: at("2026-04-15T10:11:12.131Z"),
            collectedAt: null,
            cancelledAt: null,
            failedAt: null
          })
          yield* s.refunds.insert(newRefund(rich.id, rich.customerId, { amount: wide }))
          const record = (kind: string, key: string) =>
            s.dialectRecords.insert({
              dialect: "test-vendor",
              kind,
              key,
              customerId: rich.customerId,
              paymentId: rich.id,
              data: { note: `of ${key}`, nested: { count: 2 } },
              createdAt: at("2026-06-03T00:00:00.000Z"),
              updatedAt: at("2026-06-03T01:00:00.000Z")
            })
          const reversalRecord = yield* record("reversal", String(reversals[0]?.id))
          // Another kind keyed by a reversal's id: not one of the row's reversal records.
          yield* record("payment", String(reversals[0]?.id))
          const events = []
          for (const type of ["payment.created", "payment.posted", "payment.reversed"] as const) {
            events.push(
              yield* s.events.append(
                newEvent({
                  type,
                  entity: "payment",
                  customerId: rich.customerId,
                  paymentId: rich.id,
                  actorId: 41 as UserId,
                  actorName: "Ada Creator",
                  data: { reversalId: reversals[0]?.id ?? null }
                })
              )
            )
          }
          const page = yield* s.payments.list({
            cursor: null,
            limit: 4,
            order: "newest",
            customerIds,
            sort,
            offset: 0,
            annex: {
              children: true,
              documentNumbers: true,
              events: ["payment.reversed", "payment.created"],
              reversalRecords: { dialect: "test-vendor", kind: "reversal" }
            }
          })
          const children = yield* s.payments.children(rich.id)
          return { page, children, document, events, reversalRecord }
        })
      )
      expect(result.page.items).toEqual(expected)
      const annex = result.page.annex?.get(rich.id)
      expect(annex?.children).toEqual(result.children)
      expect(annex?.children?.allocations[0]?.amount).toBe(9_007_199_254_740_993n)
      expect(annex?.children?.reversals).toHaveLength(2)
      expect(annex?.documentNumbers).toEqual(new Map([[result.document.id, result.document.number]]))
      expect(annex?.events).toEqual(result.events.filter((event) => event.type !== "payment.posted"))
      expect(annex?.reversalRecords).toEqual([result.reversalRecord])
      expect(result.page.annex?.get(other.id)).toMatchObject({
        children: { allocations: [], reversals: [], collections: [], refunds: [] },
        documentNumbers: new Map(),
        events: [],
        reversalRecords: []
      })
    })
  })
}
