/**
 * Billing Platform (UK)'s payment rows → normalised source records. A row names neither its
 * customer nor its currency (the reader knows the customer from the path it read, the currency
 * from the operator). `status` is the array of active status names (the defaults of the
 * vendor's configurable presets): `Collection Pending` → pending, `Collection Failed` /
 * `Collection Cancelled` → draft again, anything else → posted, which is all the vendor's view
 * tells (a payment never collected shows `[]` whether it is a draft or posted). A row with
 * `paymentReversedDate` has an active reversal of "the whole remaining amount" on that date (its
 * amount is not shown); a row with id `R<n>` and a negative amount is a refund paid back to the
 * customer (from which payment, the vendor does not say).
 */
import type { CurrencyCode } from "@paybridge/core"
import type { ExactJson } from "../../http/exact-json.ts"
import {
  amountOf,
  businessDateOf,
  type CustomerRecord,
  idOf,
  negateAmount,
  type PaymentRecord,
  type RefundRecord,
  type ReversalRecord,
  type SourcePaymentState,
  textOf
} from "../source-model.ts"

type Row = { readonly [key: string]: ExactJson }

/** The default status preset names (the tenant may have renamed them). */
export const billingPlatformUkStatusNames = {
  reversed: "Reversed",
  collectionPending: "Collection Pending",
  collected: "Collected",
  collectionCancelled: "Collection Cancelled",
  collectionFailed: "Collection Failed"
} as const

const statusesOf = (row: Row): ReadonlyArray<string> =>
  Array.isArray(row.status) ? row.status.filter((value): value is string => typeof value === "string") : []

const stateOf = (statuses: ReadonlyArray<string>): SourcePaymentState => {
  const names = billingPlatformUkStatusNames
  if (statuses.includes(names.collectionPending)) return "pending"
  if (statuses.includes(names.collectionFailed) || statuses.includes(names.collectionCancelled)) return "draft"
  return "posted"
}

export const isRefundRow = (row: Row): boolean => typeof row.id === "string" && row.id.startsWith("R")

/** The customer as far as the vendor's payments API knows it: its id from the path. */
export const billingPlatformUkCustomerRecord = (customerId: string, currency: CurrencyCode | null): CustomerRecord => ({
  kind: "customer",
  sourceId: customerId,
  customerSourceId: customerId,
  aliases: {},
  notes: [
    "Billing Platform (UK)'s payments API shows no customer details; currency from --currency / --customer-currency"
  ],
  raw: { id: customerId },
  name: null,
  number: null,
  email: null,
  currency,
  creditLimit: null
})

export const billingPlatformUkPaymentRecord = (
  row: Row,
  customerId: string,
  currency: CurrencyCode | null
): PaymentRecord => {
  const id = idOf(row.id, "payment id")
  const statuses = statusesOf(row)
  const state = stateOf(statuses)
  return {
    kind: "payment",
    sourceId: id,
    customerSourceId: customerId,
    aliases: {},
    notes:
      state === "posted" && statuses.length === 0
        ? ["a payment never collected shows the same whether draft or posted"]
        : [],
    raw: row,
    amount: amountOf(row.paymentAmount, `payment ${id} paymentAmount`),
    currency,
    state,
    vendorState: JSON.stringify(statuses),
    paymentDate: businessDateOf(row.paymentDate),
    postedDate: null,
    method: textOf(row.paymentMethod),
    type: null,
    reference: textOf(row.ourReference),
    description: textOf(row.customerReference),
    allocations: [],
    reversedAmount: null
  }
}

/** The active reversal a row shows (`paymentReversedDate`), or null. Its id: `<payment id>/reversal`. */
export const billingPlatformUkReversalRecord = (row: Row, customerId: string): ReversalRecord | null => {
  const date = businessDateOf(row.paymentReversedDate)
  if (date === null) return null
  const paymentId = idOf(row.id, "payment id")
  return {
    kind: "reversal",
    sourceId: `${paymentId}/reversal`,
    customerSourceId: customerId,
    aliases: {},
    notes: ["the vendor shows the reversal's date, not its amount (the whole remaining amount when made here)"],
    raw: { paymentReversedDate: row.paymentReversedDate ?? null, invoiceIDReversed: row.invoiceIDReversed ?? null },
    paymentSourceId: paymentId,
    amount: null,
    effectiveDate: date,
    reason: null
  }
}

export const billingPlatformUkRefundRecord = (row: Row, customerId: string): RefundRecord => {
  const id = idOf(row.id, "refund id")
  return {
    kind: "refund",
    sourceId: id,
    customerSourceId: customerId,
    aliases: {},
    notes: ["the vendor records a refund as a negative payment: paid back, from no payment in particular"],
    raw: row,
    paymentSourceId: null,
    documentSourceId: null,
    amount: negateAmount(amountOf(row.paymentAmount, `refund ${id} paymentAmount`)),
    state: "settled",
    vendorState: JSON.stringify(statusesOf(row)),
    date: businessDateOf(row.paymentDate),
    reason: textOf(row.customerReference)
  }
}
