/**
 * Elevate's `customer-balances` resource: `GET` reads a customer's balance (negative = owes),
 * their posted payments' total (less reversals) and the total since their last invoice (for a
 * customer migrated from Elevate, until its next invoice: Elevate's figure plus what was posted
 * since), a whole-history read; `POST` is a manual ledger balance adjustment
 * (−100000…100000, not 0).
 */
import { allPages, type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { Balances, Documents, Parties, type Payment, Payments, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { BalanceAdjustment, CreateBalanceAdjustment, CustomerBalance, CustomerBalanceQuery } from "./elevate.schemas.ts"
import {
  currencyIdOf,
  dialectId,
  formatAmount,
  isZeroDecimal,
  kinds,
  migratedSinceLastInvoice,
  paymentMethodOf,
  recordOf,
  splitSign
} from "./elevate.transformers.ts"

const suite = "elevate.test.ts"

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
        const parties = yield* Parties
        const paymentsService = yield* Payments
        const documentsService = yield* Documents
        const customer = yield* parties.getCustomer(query.customer_id)
        // The totals sum every posted payment: a whole-history read.
        const payments = yield* allPages((cursor) =>
          paymentsService.listPayments({
            customerId: customer.id,
            states: ["posted"],
            order: "id",
            cursor,
            limit: 1000
          })
        )
        const documents = yield* allPages((cursor) =>
          documentsService.listDocuments({
            customerId: customer.id,
            kinds: ["invoice", "bill"],
            cursor,
            limit: 1000
          })
        )
        const lastInvoiceAt = documents.reduce<Date | null>(
          (latest, document) =>
            document.state !== "cancelled" && (latest === null || document.createdAt > latest)
              ? document.createdAt
              : latest,
          null
        )
        const net = (payment: Payment) => payment.amount - payment.reversedAmount
        const total = payments.reduce((sum, payment) => sum + net(payment), 0n)
        const postedSince = (instant: Date | null) =>
          payments
            .filter((payment) => instant === null || (payment.postedAt !== null && payment.postedAt >= instant))
            .reduce((sum, payment) => sum + net(payment), 0n)
        // A customer migrated from Elevate: what Elevate showed, plus what was posted since, until an invoice is issued.
        const migrated =
          customer.externalRef?.system === dialectId
            ? migratedSinceLastInvoice((yield* recordOf(kinds.balance, String(customer.id)))?.data, customer.currency)
            : null
        const sinceLastInvoice =
          migrated !== null && (lastInvoiceAt === null || lastInvoiceAt < migrated.since)
            ? migrated.amount + postedSince(migrated.since)
            : postedSince(lastInvoiceAt)
        const latest = payments.at(-1)
        const method = latest === undefined ? "OTHER" : yield* paymentMethodOf(latest.id)
        return ok({
          id: customer.id,
          customerId: customer.id,
          balance: formatAmount(customer.balance, customer.currency),
          currencyId: currencyIdOf(customer.currency),
          totalPayments: formatAmount(total, customer.currency),
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
