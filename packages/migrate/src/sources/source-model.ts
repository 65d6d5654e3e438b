/**
 * The normalised source records every vendor reader yields: billing entities (Silver's providers),
 * customers (accounts), documents, payments with their allocations, reversals, refunds, balance
 * adjustments and balance snapshots, each with the vendor's own id (`sourceId`), the customer it
 * belongs to, exact decimal amounts (major units as the vendor wrote them, never a float) and the
 * raw vendor record it came from.
 * What a vendor does not show is `null`, never guessed; what the vendor's view leaves ambiguous is
 * said in `notes`. The booking side (phase 2) turns these into ledger commands; this module knows
 * nothing of the ledger.
 */
import { type CurrencyCode, currencyExponents, isCurrencyCode } from "@paybridge/core"
import { decimalTextOf, type ExactJson } from "../http/exact-json.ts"

/** The five vendors a tenant can be migrated from (the dialect ids of Paybridge). */
export const vendorIds = ["billing-platform-uk", "crm-com", "logisense", "elevate", "silver"] as const
export type VendorId = (typeof vendorIds)[number]
export const isVendorId = (value: string): value is VendorId => (vendorIds as ReadonlyArray<string>).includes(value)

/** An exact decimal amount in major units, as text: `"125.50"`, `"-40"`, `"12.345"`. */
export type Amount = string

/** The ledger's payment states; what a vendor state means is each reader's decision. */
export type SourcePaymentState = "draft" | "pending" | "posted" | "rejected" | "cancelled"

/** The ledger's refund states. */
export type SourceRefundState = "requested" | "submitted" | "settled" | "cancelled" | "failed"

export type SourceDocumentKind = "invoice" | "bill" | "proforma"

interface RecordBase {
  /** The vendor's id of the record (what its clients stored), unique per kind and vendor. */
  readonly sourceId: string
  /** The vendor's id of the customer (account) it belongs to. */
  readonly customerSourceId: string
  /** Other ids clients may have stored for it (`number`, `reference_number`, `url` …). */
  readonly aliases: Readonly<Record<string, string>>
  /** What the vendor's view leaves ambiguous or lossy about this record (for the run report). */
  readonly notes: ReadonlyArray<string>
  /** The vendor's record exactly as read (numbers exact). Derived records hold the part they came from. */
  readonly raw: ExactJson
}

export interface CustomerRecord extends RecordBase {
  readonly kind: "customer"
  readonly name: string | null
  readonly number: string | null
  readonly email: string | null
  readonly currency: CurrencyCode | null
  readonly creditLimit: Amount | null
}

/**
 * A billing entity the vendor bills under (Silver's provider). What the ledger has no field for is
 * kept, as the vendor's dialect keeps it, in that dialect's own record (`dialectRecord`: its kind
 * and data, saved under the billing entity's ledger id). `customerSourceId` is empty: it is no
 * customer's.
 */
export interface BillingEntityRecord extends RecordBase {
  readonly kind: "billing-entity"
  readonly name: string
  readonly email: string | null
  readonly flow: "proforma" | "invoice" | null
  readonly dialectRecord: { readonly kind: string; readonly data: Readonly<Record<string, ExactJson>> } | null
}

export interface DocumentRecord extends RecordBase {
  readonly kind: "document"
  readonly documentKind: SourceDocumentKind
  readonly number: string | null
  readonly currency: CurrencyCode | null
  readonly total: Amount | null
  readonly outstanding: Amount | null
  readonly issueDate: string | null
  readonly dueDate: string | null
  /** The vendor's document state as shown (`issued`, `POSTED` …), or null. */
  readonly vendorState: string | null
  /** The vendor's billing entity the document is under (Silver's provider), by its source id. */
  readonly billingEntitySourceId?: string | null
  /**
   * What only the vendor's dialect shows of the document and the ledger cannot derive (Silver's
   * `paid_date`: the ledger would show the day the migration booked the allocation that paid it),
   * saved (merged) as that dialect's record of this kind keyed by the ledger document id.
   */
  readonly dialectAttributes?: { readonly kind: string; readonly data: Readonly<Record<string, unknown>> }
}

export interface SourceAllocation {
  readonly documentSourceId: string
  /** Null when the vendor links the document without saying how much (Silver). */
  readonly amount: Amount | null
  /** The vendor's id of the allocation itself, when it has one. */
  readonly allocationSourceId: string | null
}

export interface PaymentRecord extends RecordBase {
  readonly kind: "payment"
  readonly amount: Amount
  readonly currency: CurrencyCode | null
  readonly state: SourcePaymentState
  /** The vendor's own status text(s) as shown. */
  readonly vendorState: string
  readonly paymentDate: string | null
  readonly postedDate: string | null
  /** The exact instant received (ISO 8601 with its offset), only where the vendor shows a time. */
  readonly receivedAt?: string
  /** The exact instant posted (ISO 8601 with its offset), only where the vendor shows a time. */
  readonly postedAt?: string
  readonly method: string | null
  readonly type: string | null
  readonly reference: string | null
  readonly description: string | null
  readonly allocations: ReadonlyArray<SourceAllocation>
  /** Present when the vendor shows an amount already reversed (Silver shows amount − reversed). */
  readonly reversedAmount: Amount | null
  /**
   * The state of the payment's latest collection, where the vendor shows it (Billing Platform (UK)'s
   * `Collection Pending` / `Collected` / `Collection Failed` / `Collection Cancelled`): the booking
   * replays it through the ledger's collection commands, so the payment shows the same status.
   */
  readonly collection?: SourceCollectionState
  /** The vendor's code of the payment method / type preset (CRM.COM `alternative_code`), where it shows one. */
  readonly methodCode?: string | null
  readonly typeCode?: string | null
  /** Why a rejected payment was rejected, as the vendor shows it (CRM.COM `rejection_reason.name`). */
  readonly rejectionReason?: string | null
  /** The vendor's billing entity the payment is under (Silver's provider), by its source id. */
  readonly billingEntitySourceId?: string | null
  /**
   * What the vendor shows of the payment that the ledger has no field for and the vendor's dialect
   * keeps in its own `payment` dialect record (CRM.COM's gateway attempt: `payment_gateway_reference_number`,
   * `processed_by_payment_gateway`; LogiSense's `isManual`, gateway transaction, a `null` `baseAmount`);
   * saved (merged) under the payment's public id, or its ledger id where that dialect keys its
   * records so (`dialectRecordKey`).
   */
  readonly dialectAttributes?: Readonly<Record<string, unknown>>
  /** The key the vendor's dialect keeps its `payment` record under: the public id (default) or the ledger id (LogiSense, Elevate). */
  readonly dialectRecordKey?: "publicId" | "ledgerId"
  /** The kind of that record: `payment` (default), or the dialect's own name (Elevate's `customer-payment`). */
  readonly dialectRecordKind?: string
  /**
   * Named vendor objects the attributes refer to, saved as the vendor's dialect records as they are
   * (`{ dialect: <vendor>, kind, key, data }`: LogiSense's payment transactions and their names).
   */
  readonly dialectReferences?: ReadonlyArray<{
    readonly kind: string
    readonly key: string
    readonly data: Readonly<Record<string, unknown>>
  }>
  /**
   * Where the vendor's row shows every reversal of the payment that stands (Billing Platform (UK): a
   * whole reversal `N/reversal` by `paymentReversedDate`, a partial one by its `N-R` row): the source
   * id of each reversal the payment can show → whether it stands now. A reversal booked from one that
   * no longer stands was undone (reinstated) at the source: the booking reinstates it in the ledger.
   */
  readonly reversalsShown?: Readonly<Record<string, boolean>>
}

/**
 * What the vendor shows of a balance movement that the ledger computes its own way and the vendor's
 * dialect keeps as a record of kind `kind` (Elevate's `resultingCustomerBalance` of a movement row:
 * the balance after it, a historical fact the ledger's own chain does not reproduce, README
 * "Shadow rehearsal"). `made`: of the movement the record books (a reversal, reinstatement, refund,
 * adjustment); `voided`: of a refund's voiding. Saved under the key `<balance entry kind>:<the ledger
 * id the entry names>` (`payment-reversed:<reversal>`, `payment-reinstated:<reversal>`,
 * `refund:<refund>`, `refund-voided:<refund>`, `adjustment:<balance entry>`), with its customer.
 */
export interface MovementAttributes {
  readonly kind: string
  readonly made?: Readonly<Record<string, unknown>>
  readonly voided?: Readonly<Record<string, unknown>>
}

/** The ledger's collection states. */
export type SourceCollectionState = "requested" | "collected" | "cancelled" | "failed"

export interface ReversalRecord extends RecordBase {
  readonly kind: "reversal"
  readonly paymentSourceId: string
  /** Null when the vendor reverses "the whole remaining amount" without saying how much. */
  readonly amount: Amount | null
  readonly effectiveDate: string | null
  readonly reason: string | null
  readonly movementAttributes?: MovementAttributes
  /**
   * What only the vendor's dialect shows of the reversal (LogiSense's `reversePaymentName`: the
   * payment's name at the vendor, which the migrated payment's ledger number need not match), merged
   * into that dialect's record of this kind keyed by the ledger reversal id.
   */
  readonly dialectAttributes?: { readonly kind: string; readonly data: Readonly<Record<string, unknown>> }
}

/** A reversal undone (the payment's money stands again): Elevate's `payment <id> reinstated` movement. */
export interface ReinstatementRecord extends RecordBase {
  readonly kind: "reinstatement"
  readonly paymentSourceId: string
  /** The reversal it undoes (its source id), or null: the payment's latest reversal still active. */
  readonly reversalSourceId: string | null
  /** What stands again, as shown. */
  readonly amount: Amount
  readonly movementAttributes?: MovementAttributes
}

export interface RefundRecord extends RecordBase {
  readonly kind: "refund"
  /** Null when the vendor does not say which payment the refund paid back. */
  readonly paymentSourceId: string | null
  readonly documentSourceId: string | null
  readonly amount: Amount
  readonly state: SourceRefundState
  readonly vendorState: string
  readonly date: string | null
  readonly reason: string | null
  readonly movementAttributes?: MovementAttributes
  /**
   * What only the vendor's dialect shows of the refund (Billing Platform (UK)'s `paymentDate`: the
   * ledger would show the day the migration booked it), merged into that dialect's record of this
   * kind keyed by each ledger refund id it became.
   */
  readonly dialectAttributes?: { readonly kind: string; readonly data: Readonly<Record<string, unknown>> }
}

/** A signed balance movement that is neither a payment nor a refund (an Elevate debit). */
export interface AdjustmentRecord extends RecordBase {
  readonly kind: "adjustment"
  readonly amount: Amount
  readonly currency: CurrencyCode | null
  readonly date: string | null
  readonly description: string | null
  readonly movementAttributes?: MovementAttributes
}

/** The customer's balance as the vendor reports it, for reconciliation (never booked as such). */
export interface BalanceRecord extends RecordBase {
  readonly kind: "balance"
  /** Positive = the customer is in credit, negative = owes (Elevate's and the ledger's sign). */
  readonly balance: Amount
  readonly currency: CurrencyCode | null
  /**
   * What the vendor shows of the customer's balance that its dialect keeps and the ledger computes its
   * own way (Elevate's `totalPaymentsSinceLastInvoice`: when its invoices were issued is not shown),
   * saved as that dialect's record of kind `kind` under the customer's ledger id, with `since`: the
   * instant it was booked (the dialect adds what the ledger books after it).
   */
  readonly customerAttributes?: { readonly kind: string; readonly data: Readonly<Record<string, unknown>> }
  /** `balances-file`: the operator's balances file (`--balances`), booked as a balance brought forward. */
  readonly origin?: "balances-file"
}

/** How a vendor's reports sign a customer's balance: `credit-positive` (the ledger's sign) or `owed-positive`. */
export type BalanceSign = "credit-positive" | "owed-positive"

export type SourceRecord =
  | BillingEntityRecord
  | CustomerRecord
  | DocumentRecord
  | PaymentRecord
  | ReversalRecord
  | ReinstatementRecord
  | RefundRecord
  | AdjustmentRecord
  | BalanceRecord

export type SourceKind = SourceRecord["kind"]
export const sourceKinds: ReadonlyArray<SourceKind> = [
  "billing-entity",
  "customer",
  "document",
  "payment",
  "reversal",
  "reinstatement",
  "refund",
  "adjustment",
  "balance"
]

/** `kind/sourceId`: the key of a record among all of one vendor's records (checkpoint, dedupe). */
export const recordKey = (record: Pick<SourceRecord, "kind" | "sourceId">): string =>
  `${record.kind}/${record.sourceId}`

/**
 * The external ref phase 2 books a customer, document or payment under: `{ system: <vendor>, id:
 * <sourceId> }` — the form the dialects already use for imported objects (CRM.COM's
 * `back_office_code` lookup). Reversals, refunds and adjustments have no external-ref column and
 * are kept as dialect records keyed by `recordKey` (see the README's checkpoint proposal).
 */
export const externalRefOf = (vendor: VendorId, record: Pick<SourceRecord, "sourceId">) => ({
  system: vendor,
  id: record.sourceId
})

// ---------------------------------------------------------------- amounts

/** Thrown when a vendor value is not an exact amount (a reader bug or a vendor surprise). */
export class SourceFormatError extends Error {
  override readonly name = "SourceFormatError"
}

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/u

/** The exact decimal text of a vendor amount (JSON number or numeric string), normalised (`075.50` → `75.50`). */
export const amountOf = (value: unknown, what: string): Amount => {
  const text = decimalTextOf(value)
  const match = text === null ? null : decimalPattern.exec(text)
  if (match === null) throw new SourceFormatError(`${what}: not an exact amount: ${JSON.stringify(value)}`)
  const [, sign = "", whole = "0", fraction] = match
  const digits = whole.replace(/^0+(?=\d)/u, "")
  return `${sign}${digits}${fraction === undefined ? "" : `.${fraction}`}`
}

/** Like {@link amountOf}, null for null/absent. */
export const optionalAmountOf = (value: unknown, what: string): Amount | null =>
  value === null || value === undefined ? null : amountOf(value, what)

/** `a + b` of two amounts, exactly (as many decimals as the longer one). */
export const addAmounts = (a: Amount, b: Amount): Amount => {
  const parts = [a, b].map((amount) => {
    const match = decimalPattern.exec(amount)
    if (match === null) throw new SourceFormatError(`not an exact amount: ${amount}`)
    const [, sign = "", whole = "0", fraction = ""] = match
    return { sign, whole, fraction }
  })
  const scale = Math.max(...parts.map((part) => part.fraction.length))
  const sum = parts.reduce((total, { sign, whole, fraction }) => {
    const value = BigInt(whole + fraction.padEnd(scale, "0"))
    return total + (sign === "-" ? -value : value)
  }, 0n)
  const digits = (sum < 0n ? -sum : sum).toString().padStart(scale + 1, "0")
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return sum < 0n ? `-${text}` : text
}

/** `-x` for an amount. */
export const negateAmount = (amount: Amount): Amount =>
  amount.startsWith("-") ? amount.slice(1) : /^[0.]+$/u.test(amount) ? amount : `-${amount}`

/**
 * The amount in minor units of `currency`, exactly: `"125.5"` EUR → 12550n, `"30000.00"` JPY →
 * 30000n. More significant decimals than the currency has is an error, never rounded.
 */
export const minorUnits = (amount: Amount, currency: CurrencyCode): bigint => {
  const match = decimalPattern.exec(amount)
  if (match === null) throw new SourceFormatError(`not an exact amount: ${amount}`)
  const [, sign = "", whole = "0", fraction = ""] = match
  const exponent = currencyExponents[currency]
  const significant = fraction.replace(/0+$/u, "")
  if (significant.length > exponent) {
    throw new SourceFormatError(`${amount} has more decimals than ${currency} (${exponent})`)
  }
  const minor = BigInt(whole + significant.padEnd(exponent, "0"))
  return sign === "-" ? -minor : minor
}

/** The currency code, or null when the value is not an ISO 4217 code the ledger knows. */
export const currencyOf = (value: unknown): CurrencyCode | null => {
  if (typeof value !== "string") return null
  const code = value.trim().toUpperCase()
  return isCurrencyCode(code) ? code : null
}

/** `YYYY-MM-DD` of a date or ISO datetime text (the UTC day of `…T…Z`), or null. */
export const businessDateOf = (value: unknown): string | null => {
  if (typeof value !== "string" || value.length < 10) return null
  const day = value.slice(0, 10)
  return /^\d{4}-\d{2}-\d{2}$/u.test(day) ? day : null
}

/** The ISO 8601 instant of a vendor timestamp that carries a time and an offset (`…T…Z`, `…T…+01:00`), or null. */
export const instantOf = (value: unknown): string | null =>
  typeof value === "string" &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/u.test(value) &&
  !Number.isNaN(Date.parse(value))
    ? value
    : null

/** A text field, or null for null/absent/empty. */
export const textOf = (value: unknown): string | null =>
  typeof value === "string" && value.length > 0 ? value : typeof value === "number" ? String(value) : null

/** An id field (number or string) as text; throws when absent. */
export const idOf = (value: unknown, what: string): string => {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value)
  if (typeof value === "string" && value.length > 0) return value
  const text = decimalTextOf(value)
  if (text !== null && /^-?\d+$/u.test(text)) return text
  throw new SourceFormatError(`${what}: missing id: ${JSON.stringify(value)}`)
}
