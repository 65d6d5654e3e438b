/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Keyset pagination: every list covers each
 * row once in a stable order under every filter, across many pages and while rows are inserted behind the
 * cursor, defaults its page size, and refuses a cursor it did not issue.
 */
import {
  type Customer,
  type LedgerEventType,
  LedgerStore,
  newPublicId,
  type Page,
  type Payment,
  type PaymentQuery,
  ValidationFailed
} from "@paybridge/core"
import { Cause, Effect, Exit, Option } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import {
  at,
  newBillingEntity,
  newCustomer,
  newDocument,
  newEvent,
  newPayment,
  newRefund,
  unique
} from "../store-fixtures.ts"

const store = LedgerStore

/** Reads every page of a list, asserting each page respects the limit. */
const allPages = async <A>(
  fetch: (cursor: string | null) => Promise<Page<A>>,
  limit: number
): Promise<{ items: Array<A>; pages: number }> => {
  const items: Array<A> = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page: Page<A> = await fetch(cursor)
    expect(page.items.length).toBeLessThanOrEqual(limit)
    items.push(...page.items)
    pages += 1
    cursor = page.nextCursor
    if (pages > 10_000) throw new Error("paging does not terminate")
  } while (cursor !== null)
  return { items, pages }
}

const newestFirst = (a: Payment, b: Payment) =>
  a.paymentDate === b.paymentDate ? b.id - a.id : a.paymentDate < b.paymentDate ? 1 : -1

export const describeKeysetPagination = (db: DatabaseHarness): void => {
  const run = db.run

  describe("keyset pagination", () => {
    // 3 customers × 40 payments over 9 dates (many ties on payment date), mixed states/currencies/references.
    const seedPayments = Effect.gen(function* () {
      const s = yield* store
      const customers: Array<Customer> = []
      for (let i = 0; i < 3; i++) customers.push(yield* s.customers.insert(newCustomer()))
      const system = unique("sys")
      const payments: Array<Payment> = []
      for (let i = 0; i < 120; i++) {
        const customer = customers[i % 3] as Customer
        const reversed = i % 7 === 0
        payments.push(
          yield* s.payments.insert(
            newPayment(customer.id, {
              paymentDate: `2026-0${1 + (i % 9)}-1${i % 3}`,
              state: (["draft", "pending", "posted", "rejected", "cancelled"] as const)[i % 5] ?? "posted",
              currency: i % 4 === 0 ? "USD" : "EUR",
              amount: BigInt(i + 1) * 1_000_000_000_000n,
              reversedAmount: reversed ? 1n : 0n,
              reversalDate: reversed ? `2026-0${1 + (i % 9)}-2${i % 3}` : null,
              methodId: i % 2 === 0 ? 1 : 2,
              typeId: i % 3 === 0 ? 3 : null,
              gatewayId: i % 5 === 0 ? 9 : null,
              externalRef: i % 6 === 0 ? { system, id: `p${i}` } : null,
              createdAt: at(`2026-06-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`),
              updatedAt: at(`2026-06-02T00:${String(i % 60).padStart(2, "0")}:00.000Z`)
            })
          )
        )
      }
      return { customers, payments, system }
    })

    it("pages payments newest first through many pages with no duplicates, no gaps and a stable order", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const seeded = yield* seedPayments
          const customerIds = seeded.customers.map((customer) => customer.id)
          const newest = yield* Effect.promise(() =>
            allPages((cursor) => run(s.payments.list({ cursor, limit: 7, order: "newest", customerIds })), 7)
          )
          const byId = yield* Effect.promise(() =>
            allPages((cursor) => run(s.payments.list({ cursor, limit: 11, order: "id", customerIds })), 11)
          )
          // A last page that is exactly full carries no cursor (no empty page after it).
          const exactlyFull = yield* s.payments.list({ cursor: null, limit: 120, order: "newest", customerIds })
          return { seeded, newest, byId, exactlyFull }
        })
      )
      const expected = [...result.seeded.payments].sort(newestFirst)
      expect(result.newest.items.map((p) => p.id)).toEqual(expected.map((p) => p.id))
      expect(result.newest.pages).toBe(Math.ceil(120 / 7))
      expect(result.newest.items).toEqual(expected)
      expect(result.byId.items.map((p) => p.id)).toEqual(result.seeded.payments.map((p) => p.id))
      expect(new Set(result.byId.items.map((p) => p.id)).size).toBe(120)
      expect(result.exactlyFull.items.length).toBe(120)
      expect(result.exactlyFull.nextCursor).toBeNull()
    })

    it("implements every payment filter, alone and combined, across pages", async () => {
      const seeded = await run(seedPayments)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const [c0, c1] = seeded.customers
      const pivot = seeded.payments[60] as Payment
      const events = await run(
        Effect.gen(function* () {
          const s = yield* store
          const touched = [seeded.payments[3], seeded.payments[50], seeded.payments[51]] as Array<Payment>
          for (const payment of touched) {
            yield* s.events.append(
              newEvent({
                type: "payment.reversed",
                paymentId: payment.id,
                customerId: payment.customerId,
                occurredAt: at("2026-07-01T00:00:00.000Z")
              })
            )
          }
          // Too early or of another type: must not match.
          yield* s.events.append(
            newEvent({
              type: "payment.reversed",
              paymentId: seeded.payments[4]?.id ?? 0,
              occurredAt: at("2026-06-30T23:59:59.999Z")
            })
          )
          yield* s.events.append(
            newEvent({
              type: "payment.posted",
              paymentId: seeded.payments[5]?.id ?? 0,
              occurredAt: at("2026-07-02T00:00:00.000Z")
            })
          )
          return touched.map((payment) => payment.id)
        })
      )
      const cases: Array<[string, Omit<PaymentQuery, "cursor" | "limit" | "order">, (p: Payment) => boolean]> = [
        ["customerId", { customerId: c0?.id }, (p) => p.customerId === c0?.id],
        [
          "customerIds",
          { customerIds: [c0?.id ?? 0, c1?.id ?? 0] },
          (p) => p.customerId === c0?.id || p.customerId === c1?.id
        ],
        ["no customers", { customerIds: [] }, () => false],
        ["states", { states: ["posted", "draft"] }, (p) => p.state === "posted" || p.state === "draft"],
        ["currency", { currency: "USD" }, (p) => p.currency === "USD"],
        [
          "paymentDate range",
          { paymentDateFrom: "2026-03-11", paymentDateTo: "2026-06-10" },
          (p) => p.paymentDate >= "2026-03-11" && p.paymentDate <= "2026-06-10"
        ],
        ["reversal none", { reversal: "none" }, (p) => p.reversedAmount === 0n],
        ["reversal some", { reversal: "some" }, (p) => p.reversedAmount > 0n],
        ["reversal any", { reversal: "any" }, () => true],
        [
          "reversalDate range",
          { reversalDateFrom: "2026-02-20", reversalDateTo: "2026-05-22" },
          (p) => p.reversalDate !== null && p.reversalDate >= "2026-02-20" && p.reversalDate <= "2026-05-22"
        ],
        [
          "eventSince",
          {
            eventSince: {
              types: ["payment.reversed", "payment.reinstated"] as Array<LedgerEventType>,
              since: at("2026-07-01T00:00:00.000Z")
            }
          },
          (p) => events.includes(p.id)
        ],
        ["idAfter", { idAfter: pivot.id }, (p) => p.id > pivot.id],
        [
          "createdSince",
          { createdSince: at("2026-06-01T00:00:30.000Z") },
          (p) => p.createdAt.getTime() >= Date.parse("2026-06-01T00:00:30.000Z")
        ],
        [
          "updatedSince",
          { updatedSince: at("2026-06-02T00:45:00.000Z") },
          (p) => p.updatedAt.getTime() >= Date.parse("2026-06-02T00:45:00.000Z")
        ],
        ["methodId", { methodId: 2 }, (p) => p.methodId === 2],
        ["typeId", { typeId: 3 }, (p) => p.typeId === 3],
        ["gatewayId", { gatewayId: 9 }, (p) => p.gatewayId === 9],
        ["externalSystem", { externalSystem: seeded.system }, (p) => p.externalRef?.system === seeded.system],
        [
          "combined",
          { states: ["posted", "pending", "draft"], currency: "EUR", methodId: 1, paymentDateFrom: "2026-02-01" },
          (p) =>
            ["posted", "pending", "draft"].includes(p.state) &&
            p.currency === "EUR" &&
            p.methodId === 1 &&
            p.paymentDate >= "2026-02-01"
        ]
      ]
      for (const [label, filter, predicate] of cases) {
        for (const order of ["newest", "id"] as const) {
          const { items } = await allPages(
            (cursor) =>
              run(
                Effect.flatMap(store, (s) =>
                  s.payments.list({
                    ...filter,
                    customerIds: filter.customerIds ?? customerIds,
                    cursor,
                    limit: 4,
                    order
                  })
                )
              ),
            4
          )
          const expected = seeded.payments.filter(predicate)
          const expectedOrder = order === "newest" ? [...expected].sort(newestFirst) : expected
          expect({ label, order, ids: items.map((p) => p.id) }).toEqual({
            label,
            order,
            ids: expectedOrder.map((p) => p.id)
          })
        }
      }
      expect(events.length).toBe(3)
    })

    it("keeps pages stable while rows are inserted behind the cursor", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          for (let i = 0; i < 10; i++) yield* s.payments.insert(newPayment(customer.id, { paymentDate: "2026-02-01" }))
          const first = yield* s.payments.list({ cursor: null, limit: 4, order: "newest", customerId: customer.id })
          // A newer payment (sorts before the cursor) must not shift the following pages.
          yield* s.payments.insert(newPayment(customer.id, { paymentDate: "2026-03-01" }))
          const second = yield* s.payments.list({
            cursor: first.nextCursor,
            limit: 4,
            order: "newest",
            customerId: customer.id
          })
          const third = yield* s.payments.list({
            cursor: second.nextCursor,
            limit: 4,
            order: "newest",
            customerId: customer.id
          })
          return { first, second, third }
        })
      )
      const ids = [...result.first.items, ...result.second.items, ...result.third.items].map((p) => p.id)
      expect(new Set(ids).size).toBe(10)
      expect(ids).toEqual([...ids].sort((a, b) => b - a))
      expect(result.third.nextCursor).toBeNull()
    })

    it("pages documents oldest first and by id, with kind, state and unpaid filters", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const documents = []
          for (let i = 0; i < 25; i++) {
            documents.push(
              yield* s.documents.insert(
                newDocument(i === 24 ? other.id : customer.id, {
                  kind: i % 3 === 0 ? "proforma" : "invoice",
                  state: i % 4 === 0 ? "paid" : i % 5 === 0 ? "cancelled" : "issued",
                  outstanding: i % 4 === 0 || i % 6 === 0 ? 0n : 100n,
                  issueDate: `2026-0${1 + ((i * 7) % 9)}-0${1 + (i % 3)}`
                })
              )
            )
          }
          const oldest = yield* Effect.promise(() =>
            allPages(
              (cursor) => run(s.documents.list({ cursor, limit: 3, order: "oldest", customerId: customer.id })),
              3
            )
          )
          const unpaid = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.documents.list({
                    cursor,
                    limit: 2,
                    order: "oldest",
                    customerIds: [customer.id],
                    unpaidOnly: true,
                    kinds: ["invoice"]
                  })
                ),
              2
            )
          )
          const byId = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.documents.list({
                    cursor,
                    limit: 5,
                    order: "id",
                    customerIds: [customer.id, other.id],
                    states: ["paid", "cancelled"]
                  })
                ),
              5
            )
          )
          return { customer, documents, oldest, unpaid, byId }
        })
      )
      const mine = result.documents.filter((d) => d.customerId === result.customer.id)
      const oldestFirst = (a: (typeof mine)[number], b: (typeof mine)[number]) =>
        a.issueDate === b.issueDate ? a.id - b.id : a.issueDate < b.issueDate ? -1 : 1
      expect(result.oldest.items.map((d) => d.id)).toEqual([...mine].sort(oldestFirst).map((d) => d.id))
      expect(result.unpaid.items.map((d) => d.id)).toEqual(
        mine
          .filter((d) => d.state === "issued" && d.outstanding > 0n && d.kind === "invoice")
          .sort(oldestFirst)
          .map((d) => d.id)
      )
      expect(result.byId.items.map((d) => d.id)).toEqual(
        result.documents.filter((d) => d.state === "paid" || d.state === "cancelled").map((d) => d.id)
      )
    })

    it("pages customers (ids, search, billing entity), refunds and events with their filters", async () => {
      const tag = unique("zq").toLowerCase()
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const entity = yield* s.billingEntities.insert(newBillingEntity())
          const customers = []
          for (let i = 0; i < 9; i++) {
            customers.push(
              yield* s.customers.insert(
                newCustomer({
                  name: i % 2 === 0 ? `Shop ${tag.toUpperCase()} ${i}` : `Other ${i}`,
                  email: i === 3 ? `${tag}_100%@example.com` : null,
                  billingEntityId: i % 3 === 0 ? entity.id : null
                })
              )
            )
          }
          const ids = customers.map((c) => c.id)
          const searched = yield* Effect.promise(() =>
            allPages((cursor) => run(s.customers.list({ cursor, limit: 2, search: tag, ids })), 2)
          )
          const percent = yield* s.customers.list({ cursor: null, limit: 10, search: `${tag}_100%`, ids })
          const wildcard = yield* s.customers.list({ cursor: null, limit: 10, search: "%", ids })
          const byEntity = yield* s.customers.list({ cursor: null, limit: 10, billingEntityId: entity.id })
          const payment = yield* s.payments.insert(newPayment(ids[0] ?? 0))
          const refunds = []
          for (let i = 0; i < 6; i++) {
            refunds.push(
              yield* s.refunds.insert(
                newRefund(payment.id, ids[i % 2] ?? 0, { state: i % 2 === 0 ? "settled" : "requested" })
              )
            )
          }
          const refundPages = yield* Effect.promise(() =>
            allPages(
              (cursor) => run(s.refunds.list({ cursor, limit: 2, paymentId: payment.id, states: ["settled"] })),
              2
            )
          )
          const refundsOfCustomer = yield* s.refunds.list({ cursor: null, limit: 50, customerIds: [ids[1] ?? 0] })
          const events = []
          for (let i = 0; i < 8; i++) {
            events.push(
              yield* s.events.append(
                newEvent({
                  type: i % 2 === 0 ? "customer.updated" : "payment.posted",
                  customerId: ids[i % 3] ?? null,
                  paymentId: i % 2 === 0 ? null : payment.id,
                  occurredAt: at(`2026-08-0${1 + i}T00:00:00.000Z`),
                  data: { amount: String(10n ** 18n + BigInt(i)), nested: { ok: true } }
                })
              )
            )
          }
          // Customer-less events (a gateway created) drop out of a customer-scoped list.
          const customerless = yield* s.events.append(
            newEvent({
              type: "payment.posted",
              entity: "gateway",
              customerId: null,
              occurredAt: at("2026-08-04T12:00:00.000Z")
            })
          )
          const eventPages = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.events.list({
                    cursor,
                    limit: 3,
                    customerIds: ids,
                    types: ["payment.posted", "customer.updated"],
                    since: at("2026-08-03T00:00:00.000Z")
                  })
                ),
              3
            )
          )
          const eventsOfPayment = yield* s.events.list({ cursor: null, limit: 50, paymentId: payment.id })
          const eventsOfCustomer = yield* s.events.list({ cursor: null, limit: 50, customerId: ids[0] ?? 0 })
          return {
            customerless,
            customers,
            searched,
            percent,
            wildcard,
            byEntity,
            refunds,
            refundPages,
            refundsOfCustomer,
            events,
            eventPages,
            eventsOfPayment,
            eventsOfCustomer,
            ids
          }
        })
      )
      expect(result.searched.items.map((c) => c.id)).toEqual(
        result.customers.filter((_, i) => i % 2 === 0 || i === 3).map((c) => c.id)
      )
      expect(result.percent.items.map((c) => c.id)).toEqual([result.customers[3]?.id])
      expect(result.wildcard.items.map((c) => c.id)).toEqual([result.customers[3]?.id])
      expect(result.byEntity.items.map((c) => c.id)).toEqual(
        result.customers.filter((_, i) => i % 3 === 0).map((c) => c.id)
      )
      expect(result.refundPages.items).toEqual(result.refunds.filter((r) => r.state === "settled"))
      expect(result.refundsOfCustomer.items).toEqual(result.refunds.filter((r) => r.customerId === result.ids[1]))
      expect(result.eventPages.items).toEqual(
        result.events.filter((e) => e.occurredAt.getTime() >= Date.parse("2026-08-03T00:00:00.000Z"))
      )
      expect(result.eventPages.items.map((e) => e.id)).not.toContain(result.customerless.id)
      expect(result.eventPages.items[0]?.data).toEqual({ amount: "1000000000000000002", nested: { ok: true } })
      expect(result.eventsOfPayment.items).toEqual(result.events.filter((e) => e.paymentId !== null))
      expect(result.eventsOfCustomer.items).toEqual(result.events.filter((e) => e.customerId === result.ids[0]))
    })

    it("pages billing entities, gateways and presets of one kind, and defaults the page size to 50", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const before = (yield* s.billingEntities.list({ cursor: null, limit: 1000 })).items.length
          for (let i = 0; i < 55 - Math.min(before, 55); i++)
            yield* s.billingEntities.insert(newBillingEntity({ name: `BE ${i}` }))
          const defaultPage = yield* s.billingEntities.list({ cursor: null, limit: 0 })
          const all = yield* Effect.promise(() =>
            allPages((cursor) => run(s.billingEntities.list({ cursor, limit: 10 })), 10)
          )
          for (let i = 0; i < 3; i++) {
            yield* s.presets.insert({
              publicId: newPublicId(),
              kind: "type",
              code: unique("t"),
              name: `Type ${i}`,
              available: true,
              gatewayId: null,
              createdAt: at("2026-01-01T00:00:00.000Z")
            })
          }
          const types = yield* Effect.promise(() =>
            allPages((cursor) => run(s.presets.list("type", { cursor, limit: 2 })), 2)
          )
          const gateways = yield* s.gateways.list({ cursor: null, limit: 100 })
          return { defaultPage, all, types, gateways }
        })
      )
      expect(result.defaultPage.items.length).toBe(50)
      expect(result.defaultPage.nextCursor).not.toBeNull()
      expect(result.all.items.length).toBeGreaterThanOrEqual(55)
      expect(result.all.items.map((b) => b.id)).toEqual([...result.all.items.map((b) => b.id)].sort((a, b) => a - b))
      expect(result.types.items.every((preset) => preset.kind === "type")).toBe(true)
      expect(result.types.items.length).toBeGreaterThanOrEqual(3)
      expect(result.gateways.items.every((g) => g.driver === "test")).toBe(true)
    })

    it("refuses a forged cursor or one from another ordering as a validation error on the cursor", async () => {
      const exit = await run(
        Effect.exit(
          Effect.flatMap(store, (s) => s.payments.list({ cursor: "bm90LWEtY3Vyc29y", limit: 5, order: "newest" }))
        )
      )
      const cursorIssue = (result: Exit.Exit<unknown, unknown>) => {
        if (Exit.isSuccess(result)) return "succeeded"
        const error = Option.getOrUndefined(Cause.findErrorOption(result.cause))
        return error instanceof ValidationFailed ? error.issues[0]?.path : error
      }
      expect(cursorIssue(exit)).toEqual(["cursor"])
      const otherOrdering = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          yield* s.payments.insert(newPayment(customer.id))
          yield* s.payments.insert(newPayment(customer.id))
          const page = yield* s.payments.list({ cursor: null, limit: 1, order: "id", customerId: customer.id })
          return yield* Effect.exit(
            s.payments.list({ cursor: page.nextCursor, limit: 1, order: "newest", customerId: customer.id })
          )
        })
      )
      expect(cursorIssue(otherOrdering)).toEqual(["cursor"])
    })
  })
}
