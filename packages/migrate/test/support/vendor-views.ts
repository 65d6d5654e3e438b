/**
 * What each vendor's API shows of a source payment (its state, the amount that stands, the amount
 * refunded from it) — the vendors' losses of the README's table, the same rules
 * `ledger-migration-cases.ts` spells out per case — and the credentials and reader options the
 * tests migrate each vendor with. Shared by the ≥ 10,000-payment test (`tenant-10k.test.ts`).
 */
import type { CurrencyCode } from "@paybridge/core"
import type { VendorId } from "../../src/sources/source-model.ts"
import type { ReaderOptions } from "../../src/sources/source-reader.ts"
import type { Credentials } from "../../src/sources/vendor-auth.ts"
import type { LedgerTruth } from "./ledger-truth.ts"
import { selectionOf } from "./read-source.ts"
import type { SourceServer } from "./source-server.ts"

type SourcePayment = LedgerTruth["payments"][number]

export interface VendorView {
  readonly state: string
  readonly standing: bigint
  readonly refunded: bigint
}

export interface VendorRules {
  readonly view: (payment: SourcePayment) => VendorView
  /** Refunds shown without the payment they drew from: the ledger chooses, so only the sums per customer compare. */
  readonly refundsPerCustomer: boolean
  readonly credentials: (server: SourceServer, apiKey: string) => Credentials
  readonly reader: (
    customers: ReadonlyArray<LedgerTruth["customers"][number]>,
    currencies: Record<string, CurrencyCode>
  ) => Partial<ReaderOptions>
}

const amountOf = (payment: SourcePayment) => BigInt(payment.amount)
const reversedOf = (payment: SourcePayment) => BigInt(payment.reversedAmount)

export const vendorRules: Readonly<Record<VendorId, VendorRules>> = {
  // Silver: rejected and fully reversed payments are `canceled`; a partly reversed one shows the amount that stands; no refunds.
  silver: {
    view: (payment) =>
      payment.state === "rejected" || (payment.state === "posted" && reversedOf(payment) === amountOf(payment))
        ? { state: "cancelled", standing: amountOf(payment), refunded: 0n }
        : { state: payment.state, standing: amountOf(payment) - reversedOf(payment), refunded: 0n },
    refundsPerCustomer: false,
    credentials: (_server, apiKey) => ({ "api-key": apiKey }),
    // One customer at a time, so B's ledger keeps the vendor's customer order (Silver lists customers by id).
    reader: () => ({ pageSize: 100, concurrency: 1 })
  },
  // Elevate: posted payments with their reversals (movement rows naming the payment), refunds per customer.
  elevate: {
    view: (payment) => ({
      state: payment.state,
      standing: amountOf(payment) - reversedOf(payment),
      refunded: BigInt(payment.refundedAmount)
    }),
    refundsPerCustomer: true,
    credentials: (server) => ({ brand: "source", username: server.email, password: server.password }),
    reader: () => ({ pageSize: 1000 })
  },
  // LogiSense: posted payments and their reversals (with amounts); no refunds.
  logisense: {
    view: (payment) => ({ state: payment.state, standing: amountOf(payment) - reversedOf(payment), refunded: 0n }),
    refundsPerCustomer: false,
    credentials: (server) => ({ "client-id": "migration", username: server.email, password: server.password }),
    reader: (_customers, currencies) => ({ pageSize: 2000, customerCurrencies: currencies })
  },
  // Billing Platform (UK): whole and partial reversals (issue 12.3), drafts, refunds per customer.
  "billing-platform-uk": {
    view: (payment) => ({
      state: payment.state,
      standing: amountOf(payment) - reversedOf(payment),
      refunded: BigInt(payment.refundedAmount)
    }),
    refundsPerCustomer: true,
    credentials: (_server, apiKey) => ({ "api-key": apiKey }),
    reader: (customers, currencies) => ({
      customers: selectionOf(customers.map((customer) => String(customer.id))),
      customerCurrencies: currencies
    })
  },
  // CRM.COM: a cancellation after posting is a whole reversal; a POSTED payment partly reversed shows only the
  // amount that stands (issue 12.3); the full payment object shows a pending payment as DRAFT; refunds do not show.
  "crm-com": {
    view: (payment) => ({
      state: payment.state === "pending" ? "draft" : payment.state,
      standing: reversedOf(payment) === amountOf(payment) ? 0n : amountOf(payment) - reversedOf(payment),
      refunded: 0n
    }),
    refundsPerCustomer: false,
    credentials: (server) => ({ username: server.email, password: server.password, organisation: "source" }),
    reader: (customers, currencies) => ({
      customers: selectionOf(customers.map((customer) => customer.number)),
      customerCurrencies: currencies
    })
  }
}
