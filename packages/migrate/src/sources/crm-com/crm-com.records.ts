/**
 * CRM.COM's payments → normalised source records. A payment names its accounts receivable (the
 * customer: 32-hex `id`, `number`, `name`) and the invoices and bills it pays
 * (`invoices_to_pay_set` / `bills_to_pay_set`, each with its total and outstanding amount, but
 * not how much of the payment went to it). States: DRAFT → draft, PENDING_VERIFICATION → pending,
 * POSTED → posted, REJECTED → rejected, CANCELLED → cancelled when it was never posted, else a
 * posted payment with a whole-amount reversal (CRM.COM's payment cancellation; `<id>/cancellation`).
 * A partial reversal does not show in CRM.COM at all. No currency is shown. The type and method
 * presets are named with their `alternative_code` (booked under that code), a rejection with its
 * `rejection_reason`, and a gateway payment's attempt fields are kept for the dialect's record.
 */
import type { CurrencyCode } from "@paybridge/core"
import { type ExactJson, isJsonObject } from "../../http/exact-json.ts"
import {
  amountOf,
  businessDateOf,
  type CustomerRecord,
  type DocumentRecord,
  idOf,
  instantOf,
  optionalAmountOf,
  type PaymentRecord,
  type ReversalRecord,
  SourceFormatError,
  type SourcePaymentState,
  textOf
} from "../source-model.ts"

type Row = { readonly [key: string]: ExactJson }

const states: Readonly<Record<string, SourcePaymentState>> = {
  DRAFT: "draft",
  PENDING_VERIFICATION: "pending",
  POSTED: "posted",
  REJECTED: "rejected",
  CANCELLED: "cancelled"
}

const nameOf = (value: ExactJson | undefined): string | null => (isJsonObject(value) ? textOf(value.name) : null)
const codeOf = (value: ExactJson | undefined): string | null =>
  isJsonObject(value) ? textOf(value.alternative_code) : null

/**
 * The payment's gateway attempt as CRM.COM shows it (`processed_by_payment_gateway`,
 * `payment_gateway_reference_number`, present only on gateway payments): the ledger migrates no
 * gateway attempt, so they go to the CRM.COM dialect's own `payment` record, which shows them.
 */
const gatewayAttributesOf = (payment: Row): Record<string, string | null> => {
  const attributes: Record<string, string | null> = {}
  for (const field of ["processed_by_payment_gateway", "payment_gateway_reference_number"] as const) {
    if (!(field in payment)) continue
    const value = payment[field]
    attributes[field] = typeof value === "string" ? value : null
  }
  return attributes
}

export const crmAccountOf = (payment: Row): Row => {
  const account = payment.accounts_receivable
  if (!isJsonObject(account)) throw new SourceFormatError(`payment ${String(payment.id)}: no accounts_receivable`)
  return account
}

export const crmCustomerRecord = (account: Row, currency: CurrencyCode | null): CustomerRecord => {
  const id = idOf(account.id, "accounts_receivable id")
  return {
    kind: "customer",
    sourceId: id,
    customerSourceId: id,
    aliases: typeof account.number === "string" ? { number: account.number } : {},
    notes: ["CRM.COM's payments show no currency; currency from --currency / --customer-currency"],
    raw: account,
    name: textOf(account.name),
    number: textOf(account.number),
    email: null,
    currency,
    creditLimit: null
  }
}

/** The documents a payment pays, as `[kind, row]`. */
export const crmDocumentsOf = (payment: Row): ReadonlyArray<readonly ["invoice" | "bill", Row]> => [
  ...(Array.isArray(payment.invoices_to_pay_set) ? payment.invoices_to_pay_set : [])
    .filter(isJsonObject)
    .map((row) => ["invoice", row] as const),
  ...(Array.isArray(payment.bills_to_pay_set) ? payment.bills_to_pay_set : [])
    .filter(isJsonObject)
    .map((row) => ["bill", row] as const)
]

export const crmDocumentRecord = (
  kind: "invoice" | "bill",
  row: Row,
  customerSourceId: string,
  currency: CurrencyCode | null
): DocumentRecord => {
  const id = idOf(row.id, `${kind} id`)
  return {
    kind: "document",
    sourceId: id,
    customerSourceId,
    aliases: {
      ...(typeof row.number === "string" ? { number: row.number } : {}),
      ...(typeof row.reference_number === "string" ? { reference_number: row.reference_number } : {})
    },
    notes: [],
    raw: row,
    documentKind: kind,
    number: textOf(row.number),
    currency,
    total: optionalAmountOf(row.total_amount, `${kind} ${id} total_amount`),
    outstanding: optionalAmountOf(row.outstanding_amount, `${kind} ${id} outstanding_amount`),
    issueDate: businessDateOf(row.issued_on),
    dueDate: businessDateOf(row.due_on),
    vendorState: textOf(row.life_cycle_state)
  }
}

/**
 * The instant a CRM.COM date-time names: `yyyy-MM-ddTHH:mm:ss` carries no zone and is read as UTC
 * (as CRM.COM's clients and Paybridge's CRM.COM dialect read and write it); one with an offset is
 * taken as it is; a bare date names no time of day (null).
 */
export const crmInstantOf = (value: unknown): string | null =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/u.test(value)
    ? instantOf(`${value}Z`)
    : instantOf(value)

export const crmPaymentRecord = (payment: Row, currency: CurrencyCode | null): PaymentRecord => {
  const id = idOf(payment.id, "payment id")
  const vendorState = textOf(payment.life_cycle_state) ?? ""
  const listed = states[vendorState]
  if (listed === undefined) throw new SourceFormatError(`payment ${id}: unknown life_cycle_state ${vendorState}`)
  const wasPosted = payment.posted_on !== null && payment.posted_on !== undefined
  const state = listed === "cancelled" && wasPosted ? "posted" : listed
  const receivedAt = crmInstantOf(payment.received_on)
  const postedAt = crmInstantOf(payment.posted_on)
  const gateway = gatewayAttributesOf(payment)
  const aliases: Record<string, string> = {}
  for (const field of ["number", "reference_number", "back_office_code"] as const) {
    const value = payment[field]
    if (typeof value === "string") aliases[field] = value
  }
  return {
    kind: "payment",
    sourceId: id,
    customerSourceId: idOf(crmAccountOf(payment).id, "accounts_receivable id"),
    aliases,
    notes:
      state === "posted" && listed === "posted"
        ? [
            "CRM.COM shows a POSTED payment's amount that still stands: a partly reversed payment reads as a payment of what stands, its original amount and partial reversal are not shown"
          ]
        : [],
    raw: payment,
    amount: amountOf(payment.payment_amount, `payment ${id} payment_amount`),
    currency,
    state,
    vendorState,
    paymentDate: businessDateOf(payment.received_on),
    ...(receivedAt === null ? {} : { receivedAt }),
    postedDate: businessDateOf(payment.posted_on),
    ...(postedAt === null || state !== "posted" ? {} : { postedAt }),
    method: nameOf(payment.payment_method),
    methodCode: codeOf(payment.payment_method),
    type: nameOf(payment.type),
    typeCode: codeOf(payment.type),
    rejectionReason: nameOf(payment.rejection_reason),
    ...(Object.keys(gateway).length === 0 ? {} : { dialectAttributes: gateway }),
    reference: textOf(payment.reference_number),
    description: textOf(payment.notes),
    allocations: crmDocumentsOf(payment).map(([kind, row]) => ({
      documentSourceId: idOf(row.id, `${kind} id`),
      amount: null,
      allocationSourceId: null
    })),
    reversedAmount: null
  }
}

/** A posted payment CRM.COM shows CANCELLED was reversed in full (its payment cancellation). */
export const crmCancellationRecord = (payment: Row): ReversalRecord | null => {
  const wasPosted = payment.posted_on !== null && payment.posted_on !== undefined
  if (payment.life_cycle_state !== "CANCELLED" || !wasPosted) return null
  const id = idOf(payment.id, "payment id")
  return {
    kind: "reversal",
    sourceId: `${id}/cancellation`,
    customerSourceId: idOf(crmAccountOf(payment).id, "accounts_receivable id"),
    aliases: {},
    notes: ["CRM.COM shows the cancelled payment, not its payment cancellation: the whole amount, no date"],
    raw: { id: payment.id ?? null, life_cycle_state: payment.life_cycle_state, posted_on: payment.posted_on ?? null },
    paymentSourceId: id,
    amount: amountOf(payment.payment_amount, `payment ${id} payment_amount`),
    effectiveDate: null,
    reason: null
  }
}
