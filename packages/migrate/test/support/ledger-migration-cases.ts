/**
 * The vendor cases of `ledger-migration.test.ts` and its readings of B: per vendor, the credentials
 * and reader options it migrates with, what the vendor's API shows of a source payment (its losses are
 * the vendor's, see the README's table), whether refunds compare only per customer, and the request
 * that reads one payment by the id its clients stored at the source; and every migrated payment and
 * customer balance in B, read back by source id.
 */
import { Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import type { Ledger } from "../../src/booking/ledger-runtime.ts"
import { listMigrated } from "../../src/booking/migrated-records.ts"
import type { RunSummary } from "../../src/checkpoint/checkpoint.ts"
import type { VendorId } from "../../src/sources/source-model.ts"
import type { Credentials } from "../../src/sources/vendor-auth.ts"
import type { LedgerTruth } from "./ledger-truth.ts"
import { currenciesOf, selectionOf } from "./read-source.ts"
import type { SourceServer } from "./source-server.ts"

/** What the vendor's API shows of a source payment: its state, the amount that stands, the amount refunded from it. */
export interface VendorView {
  readonly state: string
  readonly standing: bigint
  readonly refunded: bigint
}

export interface VendorCase {
  readonly vendor: VendorId
  readonly credentials: () => Credentials
  readonly reader: () => Record<string, unknown>
  /** The source payment as the vendor's API shows it — its losses are the vendor's, see the README's table. */
  readonly view: (payment: LedgerTruth["payments"][number]) => VendorView
  /** Refunds shown without the payment they drew from: the ledger chooses, so only the sums per customer compare. */
  readonly refundsPerCustomer: boolean
  /** The request that reads one payment by the id its clients stored at the source (A's ledger payment). */
  readonly byStoredId: (payment: LedgerTruth["payments"][number]) => {
    path: string
    query?: Record<string, string>
    id: string
  }
  /** The vendor shows a draft and a posted payment alike. */
  readonly draftIsPosted?: boolean
}

export const bigints = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value)
const amountOf = (payment: LedgerTruth["payments"][number]) => BigInt(payment.amount)
const reversedOf = (payment: LedgerTruth["payments"][number]) => BigInt(payment.reversedAmount)

/**
 * The cases, over the test's source (its server and what its ledger holds), read when a case is run.
 */
export const ledgerMigrationCases = (
  source: () => {
    readonly server: SourceServer
    readonly truth: LedgerTruth
  }
): ReadonlyArray<VendorCase> => {
  const customerCurrencies = () =>
    currenciesOf(
      source().truth.customers.map((customer) => ({
        id: customer.id,
        number: customer.number,
        currency: customer.currency
      }))
    )
  return [
    {
      vendor: "silver",
      credentials: () => ({ "api-key": source().server.apiKey }),
      reader: () => ({ pageSize: 6 }),
      // Silver: rejected and fully reversed payments are `canceled`; a partly reversed one shows the amount that stands; no refunds.
      view: (payment) =>
        payment.state === "rejected" || (payment.state === "posted" && reversedOf(payment) === amountOf(payment))
          ? { state: "cancelled", standing: amountOf(payment), refunded: 0n }
          : { state: payment.state, standing: amountOf(payment) - reversedOf(payment), refunded: 0n },
      refundsPerCustomer: false,
      byStoredId: (payment) => ({
        path: `customers/${payment.customerId}/payments/${payment.id}/`,
        id: `/customers/${payment.customerId}/payments/${payment.id}/`
      })
    },
    {
      vendor: "elevate",
      credentials: () => ({ brand: "source", username: source().server.email, password: source().server.password }),
      reader: () => ({ pageSize: 7 }),
      // Elevate: posted payments with their reversals (movement rows naming the payment), refunds per customer.
      view: (payment) => ({
        state: payment.state,
        standing: amountOf(payment) - reversedOf(payment),
        refunded: BigInt(payment.refundedAmount)
      }),
      refundsPerCustomer: true,
      byStoredId: (payment) => ({ path: `customer-payments/${payment.id}`, id: `"id":${payment.id},` })
    },
    {
      vendor: "logisense",
      credentials: () => ({
        "client-id": "migration",
        username: source().server.email,
        password: source().server.password
      }),
      reader: () => ({ pageSize: 10, customerCurrencies: customerCurrencies() }),
      // LogiSense: posted payments and their reversals (with amounts); no refunds.
      view: (payment) => ({ state: payment.state, standing: amountOf(payment) - reversedOf(payment), refunded: 0n }),
      refundsPerCustomer: false,
      byStoredId: (payment) => ({ path: `api/v6/Payment/${payment.id}`, id: `"identity":${payment.id},` })
    },
    {
      vendor: "billing-platform-uk",
      credentials: () => ({ "api-key": source().server.apiKey }),
      reader: () => ({
        customers: selectionOf(source().truth.customers.map((customer) => String(customer.id))),
        customerCurrencies: customerCurrencies()
      }),
      // Billing Platform (UK): a whole reversal shows without its amount (booked whole), a partial one as the
      // reversed part `N-R` with its amount (issue 12.3); a draft shows `Draft`; refunds per customer.
      view: (payment) => ({
        state: payment.state,
        standing: amountOf(payment) - reversedOf(payment),
        refunded: BigInt(payment.refundedAmount)
      }),
      refundsPerCustomer: true,
      byStoredId: (payment) => ({ path: `payments/${payment.id}`, id: `"id":"${payment.id}"` })
    },
    {
      vendor: "crm-com",
      credentials: () => ({
        username: source().server.email,
        password: source().server.password,
        organisation: "source"
      }),
      reader: () => ({
        customers: selectionOf(source().truth.customers.map((customer) => customer.number)),
        customerCurrencies: customerCurrencies()
      }),
      // CRM.COM: a cancellation after posting is a whole reversal; a POSTED payment partly reversed shows only the
      // amount that stands (issue 12.3); the full payment object shows a pending payment as DRAFT; refunds do not show.
      view: (payment) => ({
        state: payment.state === "pending" ? "draft" : payment.state,
        standing: reversedOf(payment) === amountOf(payment) ? 0n : amountOf(payment) - reversedOf(payment),
        refunded: 0n
      }),
      refundsPerCustomer: false,
      byStoredId: (payment) => ({
        path: "payments/show",
        query: { payment_identifier: `id=${payment.publicId}` },
        id: `"id":"${payment.publicId}"`
      })
    }
  ]
}

export const booked = (summary: RunSummary) =>
  Object.values(summary.counts).reduce((sum, counts) => sum + (counts?.new ?? 0) + (counts?.changed ?? 0), 0)

export const listMigratedIn = (target: Ledger, vendor: VendorId) => target.run(listMigrated(vendor))

/** Every migrated payment in B: source id → amount, state (minor units). */
export const paymentsIn = async (ledger: Ledger, vendor: VendorId) =>
  ledger.run(
    Effect.gen(function* () {
      const payments = yield* Payments
      const migrated = yield* listMigrated(vendor)
      const byId = new Map<string, { amount: bigint; state: string; reversed: bigint; refunded: bigint }>()
      for (const record of migrated) {
        if (record.data.ledgerKind !== "payment" || record.data.ledgerId === null) continue
        const { payment } = yield* payments.getPayment({
          externalRef: { system: vendor, id: record.key.slice("payment/".length) }
        })
        byId.set(record.key.slice("payment/".length), {
          amount: payment.amount,
          state: payment.state,
          reversed: payment.reversedAmount,
          refunded: payment.refundedAmount
        })
      }
      return byId
    })
  )

/** Every migrated customer's balance in B: source id → minor units. */
export const balancesIn = (ledger: Ledger, vendor: VendorId) =>
  ledger.run(
    Effect.gen(function* () {
      const parties = yield* Parties
      const balances = new Map<string, bigint>()
      for (const record of yield* listMigrated(vendor)) {
        if (record.data.ledgerKind !== "customer" || record.data.ledgerId === null) continue
        const customer = yield* parties.getCustomer(record.data.ledgerId as never)
        balances.set(record.key.slice("customer/".length), customer.balance)
      }
      return balances
    })
  )
