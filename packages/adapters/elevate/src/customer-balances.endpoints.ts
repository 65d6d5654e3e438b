/**
 * Elevate's `customer-balances` resource: `GET` reads a customer's balance (negative = owes),
 * their posted payments' total (less reversals) and the total since their last invoice, summed by
 * the ledger in one read (with the customer, no payment loaded: two statements with the login) —
 * for a customer migrated from Elevate, until its next invoice, Elevate's figure plus what was posted
 * since (its `migrated-balance` record; that customer's payments and documents are read);
 * `POST` is a manual ledger balance adjustment (−100000…100000, not 0).
 */
import { allPages, type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { Balances, type Customer, Documents, Parties, Payments, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { BalanceAdjustment, CreateBalanceAdjustment, CustomerBalance, CustomerBalanceQuery } from "./elevate.schemas.ts"
import {
  currencyIdOf,
  dialectId,
  formatAmount,
  isZeroDecimal,
  kinds,
  migratedSinceLastInvoice,
  paymentAttributesOf,
  recordOf,
  splitSign
} from "./elevate.transformers.ts"

const suite = "elevate.balances.test.ts"

/**
 * `totalPaymentsSinceLastInvoice` of a customer migrated from Elevate: Elevate's figure (kept when
 * migrated, with the instant it was booked) plus what was posted since, until an invoice or bill is
 * issued after it (then the ledger's, `ledgers`).
 */
const migratedSinceLastInvoiceOf = (customer: Customer, ledgers: bigint) =>
  Effect.gen(function* () {
    const migrated = migratedSinceLastInvoice(
      (yield* recordOf(kinds.balance, String(customer.id)))?.data,
      customer.currency
    )
    if (migrated === null) return ledgers
    const documents = yield* allPages((cursor) =>
      Effect.flatMap(Documents, (service) =>
        service.listDocuments({ customerId: customer.id, kinds: ["invoice", "bill"], cursor, limit: 1000 })
      )
    )
    if (documents.some((document) => document.state !== "cancelled" && document.createdAt >= migrated.since))
      return ledgers
    const payments = yield* allPages((cursor) =>
      Effect.flatMap(Payments, (service) =>
        service.listPayments({ customerId: customer.id, states: ["posted"], order: "id", cursor, limit: 1000 })
      )
    )
    return payments
      .filter((payment) => payment.postedAt !== null && payment.postedAt >= migrated.since)
      .reduce((sum, payment) => sum + payment.amount - payment.reversedAmount, migrated.amount)
  })

export const customerBalancesEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/customer-balances",
    operationId: "getCustomerBalance",
    summary: "Get the outstanding balance for a customer (negative: in debt, positive: in credit)",
    tags: ["customer-balances"],
    request: { query: CustomerBalanceQuery },
    responses: { 200: { description: "The customer's balance", schema: CustomerBalance } },
    tests: [`${suite} › balances › shows the balance, payment totals and a manual adjustment`],
    implemented: true,
    handler: ({ query }) =>
      Effect.gen(function* () {
        const payments = yield* Payments
        // The customer and their totals summed by the ledger in one read; no payment is loaded.
        const totals = yield* payments.paymentTotals({
          customerId: query.customer_id,
          states: ["posted"],
          sinceLatestDocument: { kinds: ["invoice", "bill"] },
          latestRecord: { dialect: dialectId, kind: kinds.payment }
        })
        const method =
          totals.latestPaymentId === null ? "OTHER" : paymentAttributesOf(totals.latestRecord ?? undefined).type
        const customer = totals.customer
        const sinceLastInvoice =
          customer.externalRef?.system === dialectId
            ? yield* migratedSinceLastInvoiceOf(customer, totals.netSinceLatestDocument)
            : totals.netSinceLatestDocument
        return ok({
          id: customer.id,
          customerId: customer.id,
          balance: formatAmount(customer.balance, customer.currency),
          currencyId: currencyIdOf(customer.currency),
          totalPayments: formatAmount(totals.net, customer.currency),
          totalPaymentsSinceLastInvoice: formatAmount(sinceLastInvoice, customer.currency),
          paymentMethodSummary: { paymentMethod: method, summaryType: "NONE" },
          repaymentPlanSummary: {
            repaymentPlanAmount: formatAmount(0n, customer.currency),
            repaymentPlanRemainingPeriods: 0,
            summaryType: "NONE"
          }
        })
      })
  }),
  endpoint({
    method: "POST",
    path: "/customer-balances",
    operationId: "createCustomerBalanceAdjustment",
    summary: "Make a manual adjustment to a customer's outstanding balance",
    tags: ["customer-balances"],
    request: { body: CreateBalanceAdjustment },
    responses: { 200: { description: "Customer balance adjusted", schema: BalanceAdjustment } },
    tests: [`${suite} › balances › shows the balance, payment totals and a manual adjustment`],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const balances = yield* Balances
        const amount = body.amountInMajorCurrency
        if (isZeroDecimal(amount))
          return yield* validationFailed(["amountInMajorCurrency"], "an adjustment cannot be zero")
        const magnitude = splitSign(amount).magnitude
        const [whole = "0"] = magnitude.split(".")
        if (BigInt(whole) > 100_000n || (BigInt(whole) === 100_000n && !/^\d+(\.0*)?$/u.test(magnitude))) {
          return yield* validationFailed(["amountInMajorCurrency"], "an adjustment must be between -100000 and 100000")
        }
        const customer = yield* parties.getCustomer(body.customerId)
        const entry = yield* balances.adjustBalance({
          customerId: customer.id,
          amount,
          description: body.description ?? "Elevate manual balance adjustment"
        })
        return ok({
          id: entry.id,
          customerId: customer.id,
          amountInMajorCurrency: formatAmount(entry.delta, customer.currency),
          currencyId: currencyIdOf(customer.currency),
          // What the ledger stored (card numbers masked), never the text as sent.
          description: body.description == null ? null : entry.description,
          resultingCustomerBalance: formatAmount(entry.balanceAfter, customer.currency)
        })
      })
  })
]
