/**
 * Store conformance, part of `../ledger-store-conformance.ts`. What an offset-paged payment list
 * (`offset-pages.ts`) brings along: a page's annex (each row's customer, creator, first and last
 * actors, dialect record data and its customer's, and what hangs off it as lists — children, document
 * numbers, events, reversal records) read in the page's own statement, in the page's order, as the
 * per-record reads give it; and active reversals listed as rows of their own among payment rows, in
 * the list's order and total.
 */
import { type Customer, LedgerStore, type Payment, type PaymentSortKey, type UserId } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { at, newDocument, newEvent, newPayment, newRefund } from "../store-fixtures.ts"
import { inMemoryOrder, offsetPageSeed as seed, sortValueOf } from "./offset-page-fixtures.ts"

const store = LedgerStore

export const describeOffsetPageAnnexes = (db: DatabaseHarness): void => {
  const run = db.run

  describe("offset-paged payment lists (sort, offset, total)", () => {
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
