/**
 * Paying a customer's open documents oldest first (`createPayment` with `allocateOldestFirst`):
 * the oldest invoice or bill by issue date is paid first, explicit allocations are honoured
 * before the rest is spread, and an overpayment stays as credit on the balance. Payment links:
 * a link comes from the gateway port for an exact positive amount in the customer's currency,
 * books nothing, respects roles and customer scope, and a retried request returns the same link.
 */
import { assert, describe, it } from "@effect/vitest"
import { Collections, Documents, Forbidden, Parties, ValidationFailed } from "@paybridge/core"
import { Effect } from "effect"
import {
  as,
  asAdmin,
  asFinance,
  auditor,
  balanceChain,
  balanceOf,
  finance,
  issueInvoice,
  newCustomer,
  newPayment,
  withLedger
} from "./ledger-fixtures.ts"

describe("allocate oldest first", () => {
  it.effect("pays the oldest open document first and leaves an overpayment as credit", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const newer = yield* issueInvoice(customer.id, "30.00", { issueDate: "2026-03-01" })
        const oldest = yield* issueInvoice(customer.id, "20.00", { issueDate: "2026-01-15" })
        const bill = yield* asAdmin(
          documents.issueDocument({ kind: "bill", customerId: customer.id, total: "10.00", issueDate: "2026-02-01" })
        )
        const proforma = yield* asAdmin(
          documents.issueDocument({
            kind: "proforma",
            customerId: customer.id,
            total: "99.00",
            issueDate: "2025-01-01"
          })
        )

        const first = yield* newPayment(customer.id, "25.00", { allocateOldestFirst: true })
        assert.deepStrictEqual(
          first.allocations.map((row) => [row.documentId, row.amount]),
          [
            [oldest.id, 2000n],
            [bill.id, 500n]
          ]
        )
        const second = yield* newPayment(customer.id, "50.00", { allocateOldestFirst: true })
        assert.deepStrictEqual(
          second.allocations.map((row) => [row.documentId, row.amount]),
          [
            [bill.id, 500n],
            [newer.id, 3000n]
          ]
        )
        assert.strictEqual(second.payment.allocatedAmount, 3500n)
        // 60.00 invoiced, 75.00 paid: 15.00 of credit, and every document but the proforma is paid.
        assert.strictEqual(yield* balanceOf(customer.id), 1500n)
        assert.strictEqual(second.payment.balanceAfterPosting, 1500n)
        const states = yield* Effect.forEach([oldest, bill, newer, proforma], (document) =>
          Effect.map(asAdmin(documents.getDocument(document.id)), (row) => row.state)
        )
        assert.deepStrictEqual(states, ["paid", "paid", "paid", "issued"])
      })
    )
  )

  it.effect("honours explicit allocations first and spreads only the rest", () =>
    withLedger(
      Effect.gen(function* () {
        const customer = yield* newCustomer()
        const old = yield* issueInvoice(customer.id, "40.00", { issueDate: "2026-01-01" })
        const recent = yield* issueInvoice(customer.id, "40.00", { issueDate: "2026-02-01" })
        const detail = yield* newPayment(customer.id, "50.00", {
          allocations: [{ documentId: recent.id, amount: "30.00" }],
          allocateOldestFirst: true
        })
        assert.deepStrictEqual(
          detail.allocations.map((row) => [row.documentId, row.amount]),
          [
            [recent.id, 3000n],
            [old.id, 2000n]
          ]
        )
      })
    )
  )

  it.effect("without open documents the whole payment is credit", () =>
    withLedger(
      Effect.gen(function* () {
        const customer = yield* newCustomer()
        const detail = yield* newPayment(customer.id, "12.34", { allocateOldestFirst: true })
        assert.deepStrictEqual(detail.allocations, [])
        assert.deepStrictEqual(
          (yield* balanceChain(customer.id)).map((entry) => [entry.kind, entry.delta, entry.balanceAfter]),
          [["payment-posted", 1234n, 1234n]]
        )
      })
    )
  )
})

describe("payment links", () => {
  it.effect("asks the gateway for a link for an exact amount and books nothing", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const collections = yield* Collections
        const customer = yield* newCustomer("Link Ltd", "GBP")
        const invoice = yield* issueInvoice(customer.id, "80.00")
        const gateway = yield* asAdmin(parties.createGateway({ code: "gocardless", name: "GoCardless" }))
        const before = yield* balanceChain(customer.id)
        const link = yield* asFinance(
          collections.createPaymentLink({ gatewayId: gateway.id, documentId: invoice.id, amount: "80.00" })
        )
        assert.strictEqual(link.customerId, customer.id)
        assert.strictEqual(link.documentId, invoice.id)
        assert.strictEqual(link.amount, 8000n)
        assert.strictEqual(link.currency, "GBP")
        assert.strictEqual(link.reference, invoice.number)
        assert.match(link.url, /^https:\/\/pay\.test-gateway\.invalid\/gocardless\//)
        assert.deepStrictEqual(yield* balanceChain(customer.id), before)

        const keyed = as(finance, { idempotencyKey: "link-1" })
        const once = yield* keyed(
          collections.createPaymentLink({ gatewayId: gateway.id, customerId: customer.id, amount: 5 })
        )
        const again = yield* keyed(
          collections.createPaymentLink({ gatewayId: gateway.id, customerId: customer.id, amount: 5 })
        )
        assert.strictEqual(again.url, once.url)
      })
    )
  )

  it.effect("refuses bad amounts, foreign documents, missing customers and read-only principals", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const collections = yield* Collections
        const customer = yield* newCustomer()
        const other = yield* newCustomer("Other Ltd")
        const invoice = yield* issueInvoice(other.id, "10.00")
        const gateway = yield* asAdmin(parties.createGateway({ code: "stripe", name: "Stripe" }))
        const attempt = (input: Parameters<typeof collections.createPaymentLink>[0]) =>
          Effect.flip(asFinance(collections.createPaymentLink(input)))
        const tooPrecise = yield* attempt({ gatewayId: gateway.id, customerId: customer.id, amount: "1.001" })
        assert.instanceOf(tooPrecise, ValidationFailed)
        const zero = yield* attempt({ gatewayId: gateway.id, customerId: customer.id, amount: "0" })
        assert.instanceOf(zero, ValidationFailed)
        const foreign = yield* attempt({
          gatewayId: gateway.id,
          customerId: customer.id,
          documentId: invoice.id,
          amount: "1"
        })
        assert.instanceOf(foreign, ValidationFailed)
        const nobody = yield* attempt({ gatewayId: gateway.id, amount: "1" })
        assert.instanceOf(nobody, ValidationFailed)
        const readOnly = yield* Effect.flip(
          as(auditor)(collections.createPaymentLink({ gatewayId: gateway.id, customerId: customer.id, amount: "1" }))
        )
        assert.instanceOf(readOnly, Forbidden)
      })
    )
  )
})
