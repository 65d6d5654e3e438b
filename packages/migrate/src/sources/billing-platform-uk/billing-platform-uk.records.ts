/**
 * Billing Platform (UK)'s payment rows → normalised source records. A row names neither its
 * customer nor its currency (the reader knows the customer from the path it read, the currency
 * from the operator). `status` is the array of active status names (the defaults of the
 * vendor's configurable presets): `Collection Pending` → pending, `Collection Failed` /
 * `Collection Cancelled` → draft again, `Draft` → draft (a payment not posted yet), anything else
 * → posted; the collection status (pending, collected, failed, cancelled) is kept as the payment's
 * `collection`, which the booking replays through the ledger's collection commands. A row `N`
 * with `paymentReversedDate` has an active reversal of "the whole remaining
 * amount" on that date (its amount is not shown). A partly reversed payment shows two rows: `N`,
 * valid, for what still stands, and `N-R` (status `Reversed`) for the part reversed — read as
 * payment N of both amounts together and a partial reversal of N for the `N-R` amount. A row with
 * id `R<n>` and a negative amount is a refund paid back to the customer (from which payment, the
 * vendor does not say). A reinstated payment shows as valid again (no `paymentReversedDate`, no
 * `N-R` row): every payment record says which of its two possible reversals stand
 * (`reversalsShown`), so one booked earlier and since reinstated at the vendor is reinstated too.
 */
import type { CurrencyCode } from "@paybridge/core"
import type { ExactJson } from "../../http/exact-json.ts"
import {
  type Amount,
  amountOf,
  businessDateOf,
  type CustomerRecord,
  idOf,
  negateAmount,
  type PaymentRecord,
  type RefundRecord,
  type ReversalRecord,
  type SourceCollectionState,
  type SourcePaymentState,
  textOf
} from "../source-model.ts"

type Row = { readonly [key: string]: ExactJson }

/** The default status preset names (the tenant may have renamed them). */
export const billingPlatformUkStatusNames = {
  reversed: "Reversed",
  draft: "Draft",
  collectionPending: "Collection Pending",
  collected: "Collected",
  collectionCancelled: "Collection Cancelled",
  collectionFailed: "Collection Failed"
} as const

const statusesOf = (row: Row): ReadonlyArray<string> =>
  Array.isArray(row.status) ? row.status.filter((value): value is string => typeof value === "string") : []

const stateOf = (statuses: ReadonlyArray<string>): SourcePaymentState => {
  const names = billingPlatformUkStatusNames
  if (statuses.includes(names.draft)) return "draft"
  if (statuses.includes(names.collectionPending)) return "pending"
  if (statuses.includes(names.collectionFailed) || statuses.includes(names.collectionCancelled)) return "draft"
  return "posted"
}

/** The state of the payment's latest collection its status shows (a payment shows at most one), or undefined. */
const collectionOf = (statuses: ReadonlyArray<string>): SourceCollectionState | undefined => {
  const names = billingPlatformUkStatusNames
  if (statuses.includes(names.collectionPending)) return "requested"
  if (statuses.includes(names.collected)) return "collected"
  if (statuses.includes(names.collectionFailed)) return "failed"
  if (statuses.includes(names.collectionCancelled)) return "cancelled"
  return undefined
}

export const isRefundRow = (row: Row): boolean => typeof row.id === "string" && row.id.startsWith("R")

/** The payment id N of a reversed part `N-R` (a partly reversed payment's reversed amount), or null. */
export const reversedPartOf = (row: Row): string | null =>
  typeof row.id === "string" && /^\d+-R$/u.test(row.id) ? row.id.slice(0, -2) : null

/** `a + b` for two exact amounts (through minor units of the larger scale, never a float). */
const addAmounts = (a: Amount, b: Amount): Amount => {
  const scale = Math.max(a.split(".")[1]?.length ?? 0, b.split(".")[1]?.length ?? 0)
  const minor = (amount: Amount) => {
    const [whole = "0", fraction = ""] = amount.replace("-", "").split(".")
    const value = BigInt(whole + fraction.padEnd(scale, "0"))
    return amount.startsWith("-") ? -value : value
  }
  const sum = minor(a) + minor(b)
  const digits = (sum < 0n ? -sum : sum).toString().padStart(scale + 1, "0")
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return sum < 0n ? `-${text}` : text
}

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
  currency: CurrencyCode | null,
  reversedPart: Row | null = null
): PaymentRecord => {
  const id = idOf(row.id, "payment id")
  const statuses = statusesOf(row)
  const state = stateOf(statuses)
  const collection = collectionOf(statuses)
  return {
    kind: "payment",
    sourceId: id,
    customerSourceId: customerId,
    aliases: {},
    notes:
      reversedPart === null
        ? []
        : ["partly reversed: the vendor shows what stands (row N) and the reversed part (row N-R); the amount is both"],
    raw: reversedPart === null ? row : { row, reversedPart },
    amount:
      reversedPart === null
        ? amountOf(row.paymentAmount, `payment ${id} paymentAmount`)
        : addAmounts(
            amountOf(row.paymentAmount, `payment ${id} paymentAmount`),
            amountOf(reversedPart.paymentAmount, `payment ${id}-R paymentAmount`)
          ),
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
    reversedAmount: null,
    ...(collection === undefined ? {} : { collection }),
    reversalsShown: {
      [`${id}/reversal`]: businessDateOf(row.paymentReversedDate) !== null,
      [`${id}-R`]: reversedPart !== null
    }
  }
}

/** The partial reversal a reversed part `N-R` shows: of payment N, for the row's amount. Its id: `N-R`. */
export const billingPlatformUkPartialReversalRecord = (row: Row, customerId: string): ReversalRecord => {
  const id = idOf(row.id, "reversed part id")
  return {
    kind: "reversal",
    sourceId: id,
    customerSourceId: customerId,
    aliases: {},
    notes: [],
    raw: row,
    paymentSourceId: id.slice(0, -2),
    amount: amountOf(row.paymentAmount, `reversed part ${id} paymentAmount`),
    effectiveDate: businessDateOf(row.paymentReversedDate),
    reason: null
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
  const date = businessDateOf(row.paymentDate)
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
    date,
    reason: textOf(row.customerReference),
    // The refund row's date as the vendor shows it (the dialect's `refund-details` record); else the day it was booked.
    ...(date === null ? {} : { dialectAttributes: { kind: "refund-details", data: { paymentDate: date } } })
  }
}
