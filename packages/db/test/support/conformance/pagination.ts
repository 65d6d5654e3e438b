/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Keyset pagination of payments: every page
 * covers each row once in a stable order under every filter, across many pages and while rows are inserted
 * behind the cursor, an exactly full last page ends the list, and a cursor the list did not issue is refused.
 */
import {
  type Customer,
  type CustomerId,
  type LedgerEventType,
  LedgerStore,
  type Payment,
  type PaymentId,
  type PaymentQuery,
  ValidationFailed
} from "@paybridge/core"
import { Cause, Effect, Exit, Option } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import {
  at,
  newBalanceEntry,
  newCustomer,
  newEvent,
  newGateway,
  newPayment,
  newPreset,
  unique
} from "../store-fixtures.ts"
import { allPages } from "./all-pages.ts"

const store = LedgerStore

const newestFirst = (a: Payment, b: Payment) =>
  a.paymentDate === b.paymentDate ? b.id - a.id : a.paymentDate < b.paymentDate ? 1 : -1

export const describeKeysetPagination = (db: DatabaseHarness): void => {
  const run = db.run

  describe("keyset pagination of payments", () => {
    // 3 customers × 40 payments over 9 dates (many ties on payment date), mixed states/currencies/references.
    const seedPayments = Effect.gen(function* () {
      const s = yield* store
      const customers: Array<Customer> = []
      for (let i = 0; i < 3; i++) customers.push(yield* s.customers.insert(newCustomer()))
      const system = unique("sys")
      const presets = {
        method1: (yield* s.presets.insert(newPreset("method"))).id,
        method2: (yield* s.presets.insert(newPreset("method"))).id,
        type3: (yield* s.presets.insert(newPreset("type"))).id,
        gateway9: (yield* s.gateways.insert(newGateway())).id
      }
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
              // Every other reversed payment wholly reversed.
              reversedAmount: reversed ? (i % 14 === 0 ? BigInt(i + 1) * 1_000_000_000_000n : 1n) : 0n,
              reversalDate: reversed ? `2026-0${1 + (i % 9)}-2${i % 3}` : null,
              methodId: i % 2 === 0 ? presets.method1 : presets.method2,
              typeId: i % 3 === 0 ? presets.type3 : null,
              gatewayId: i % 5 === 0 ? presets.gateway9 : null,
              externalRef: i % 6 === 0 ? { system, id: `p${i}` } : null,
              createdAt: at(`2026-06-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`),
              updatedAt: at(`2026-06-02T00:${String(i % 60).padStart(2, "0")}:00.000Z`)
            })
          )
        )
      }
      return { customers, payments, system, presets }
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
          return { seeded, newest, byId }
        })
      )
      const expected = [...result.seeded.payments].sort(newestFirst)
      expect(result.newest.items.map((p) => p.id)).toEqual(expected.map((p) => p.id))
      expect(result.newest.pages).toBe(Math.ceil(120 / 7))
      expect(result.newest.items).toEqual(expected)
      expect(result.byId.items.map((p) => p.id)).toEqual(result.seeded.payments.map((p) => p.id))
      expect(new Set(result.byId.items.map((p) => p.id)).size).toBe(120)
    })

    it("ends a list with no cursor when its last page is exactly full (no empty page after it)", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          for (let i = 0; i < 4; i++) yield* s.payments.insert(newPayment(customer.id))
          const list = (order: "newest" | "id", limit: number, cursor: string | null = null) =>
            s.payments.list({ cursor, limit, order, customerId: customer.id })
          const fullNewest = yield* list("newest", 4)
          const fullById = yield* list("id", 4)
          const firstOfTwo = yield* list("id", 2)
          const secondOfTwo = yield* list("id", 2, firstOfTwo.nextCursor)
          const balanceEntry = yield* s.balance.append(newBalanceEntry(customer.id))
          const balance = yield* s.balance.list(customer.id, { cursor: null, limit: 1 })
          return { fullNewest, fullById, firstOfTwo, secondOfTwo, balanceEntry, balance }
        })
      )
      expect(result.fullNewest.items.length).toBe(4)
      expect(result.fullNewest.nextCursor).toBeNull()
      expect(result.fullById.items.length).toBe(4)
      expect(result.fullById.nextCursor).toBeNull()
      expect(result.firstOfTwo.nextCursor).not.toBeNull()
      expect(result.secondOfTwo.items.length).toBe(2)
      expect(result.secondOfTwo.nextCursor).toBeNull()
      expect(result.balance.items).toEqual([result.balanceEntry])
      expect(result.balance.nextCursor).toBeNull()
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
              paymentId: seeded.payments[4]?.id ?? (0 as PaymentId),
              occurredAt: at("2026-06-30T23:59:59.999Z")
            })
          )
          yield* s.events.append(
            newEvent({
              type: "payment.posted",
              paymentId: seeded.payments[5]?.id ?? (0 as PaymentId),
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
          { customerIds: [c0?.id ?? (0 as CustomerId), c1?.id ?? (0 as CustomerId)] },
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
        ["reversal standing", { reversal: "standing" }, (p) => p.reversedAmount < p.amount],
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
        ["methodId", { methodId: seeded.presets.method2 }, (p) => p.methodId === seeded.presets.method2],
        ["typeId", { typeId: seeded.presets.type3 }, (p) => p.typeId === seeded.presets.type3],
        ["gatewayId", { gatewayId: seeded.presets.gateway9 }, (p) => p.gatewayId === seeded.presets.gateway9],
        ["externalSystem", { externalSystem: seeded.system }, (p) => p.externalRef?.system === seeded.system],
        [
          "combined",
          {
            states: ["posted", "pending", "draft"],
            currency: "EUR",
            methodId: seeded.presets.method1,
            paymentDateFrom: "2026-02-01"
          },
          (p) =>
            ["posted", "pending", "draft"].includes(p.state) &&
            p.currency === "EUR" &&
            p.methodId === seeded.presets.method1 &&
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
