/**
 * Elevate customer payments as rows and wire bodies: `CustomerPaymentRow` (a posted ledger
 * payment, or a debit — a balance adjustment seen as `debitIdBase + adjustment id`),
 * `toCustomerPayment`, the fields the list grammar filters and sorts on, `compilePaymentQuery`
 * (the date and id bounds the ledger can answer itself), and `renderCustomerPayment`, the admin
 * console's Elevate view of any ledger payment.
 */
import { migratedIdOf, shownNumericId } from "@paybridge/adapter-kit"
import {
  BusinessDate,
  CurrencyCode,
  type Document,
  type Payment,
  type PaymentDetail,
  PaymentId,
  type PaymentQueryInput
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { BillRunType, CustomerPaymentType, PaymentMethod, paymentMethods, TxnType } from "./elevate.schemas.ts"
import {
  currencyIdOf,
  dialectId,
  firstInvoiceOf,
  formatAmount,
  kinds,
  ledgerIdOf,
  migratedBalanceOf,
  type PaymentAttributes,
  paymentAttributesOf,
  recordOf
} from "./elevate.transformers.ts"
import { type Condition, decimalOfMinor, type FieldSpecs, type FieldValue } from "./list-grammar.transformers.ts"

/**
 * Ids of negative customer payments (debits). A debit is a ledger balance adjustment, whose ids
 * are a different sequence from payments', so Elevate sees it as `debitIdBase + adjustment id`.
 */
export const debitIdBase = 1_000_000_000_000

/** One row of Elevate's customer payments: a posted ledger payment, or a debit (balance adjustment). */
export const CustomerPaymentRow = Schema.Struct({
  id: Schema.Int,
  customerId: Schema.Int,
  currency: CurrencyCode,
  /** Signed minor units: negative for debits. */
  amount: Schema.BigInt,
  resultingBalance: Schema.NullOr(Schema.BigInt),
  description: Schema.NullOr(Schema.String),
  reference: Schema.NullOr(Schema.String),
  type: PaymentMethod,
  paymentDate: BusinessDate,
  customerPaymentType: CustomerPaymentType,
  txnType: TxnType,
  invoiceNumber: Schema.NullOr(Schema.String),
  invoiceId: Schema.NullOr(Schema.Int),
  billRunType: BillRunType
})
export type CustomerPaymentRow = typeof CustomerPaymentRow.Type

/**
 * A posted payment as a row, with its Elevate record's data (`undefined`: none): its attributes, and
 * for a payment migrated from Elevate the balance after it that Elevate showed (else the ledger's).
 */
export const paymentRow = (
  payment: Payment,
  data: Readonly<Record<string, unknown>> | undefined,
  invoice: Pick<Document, "id" | "number"> | null
): CustomerPaymentRow => paymentRowOf(payment, paymentAttributesOf(data), invoice, migratedBalance(payment, data))

const migratedBalance = (payment: Payment, data: Readonly<Record<string, unknown>> | undefined) =>
  migratedIdOf(dialectId, payment) === null ? undefined : migratedBalanceOf(data, payment.currency)

const paymentRowOf = (
  payment: Payment,
  attributes: PaymentAttributes,
  invoice: Pick<Document, "id" | "number"> | null,
  migrated: bigint | null | undefined
): CustomerPaymentRow => ({
  id: shownNumericId(dialectId, payment),
  customerId: payment.customerId,
  currency: payment.currency,
  amount: payment.amount,
  resultingBalance: migrated === undefined ? payment.balanceAfterPosting : migrated,
  description: payment.references.description,
  reference: payment.references.thirdPartyReference,
  type: attributes.type,
  paymentDate: payment.paymentDate,
  customerPaymentType: attributes.customerPaymentType,
  txnType: "PAYMENT",
  invoiceNumber: invoice?.number ?? null,
  invoiceId: invoice?.id ?? null,
  billRunType: attributes.billRunType
})

export const toCustomerPayment = (row: CustomerPaymentRow) => ({
  id: row.id,
  customerId: row.customerId,
  amountInMajorCurrency: formatAmount(row.amount, row.currency),
  resultingCustomerBalance: row.resultingBalance === null ? null : formatAmount(row.resultingBalance, row.currency),
  currencyId: currencyIdOf(row.currency),
  description: row.description,
  reference: row.reference,
  type: row.type,
  paymentDate: row.paymentDate,
  customerPaymentType: row.customerPaymentType,
  txnType: row.txnType,
  invoiceNumber: row.invoiceNumber,
  invoiceId: row.invoiceId,
  billRunType: row.billRunType
})

const shiftDate = (date: string, days: number): BusinessDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/**
 * The part of a customer-payments query the ledger can answer itself: date bounds on
 * `paymentDate` and a lower bound on `id`. Every condition is still checked row by row, so this
 * only narrows what is read.
 */
export const compilePaymentQuery = (conditions: ReadonlyArray<Condition>): Partial<PaymentQueryInput> => {
  let from: BusinessDate | undefined
  let to: BusinessDate | undefined
  let idAfter: number | undefined
  const later = (a: BusinessDate | undefined, b: BusinessDate) => (a === undefined || b > a ? b : a)
  const earlier = (a: BusinessDate | undefined, b: BusinessDate) => (a === undefined || b < a ? b : a)
  for (const condition of conditions) {
    if (condition.kind === "date" && condition.field === "paymentDate") {
      const [value] = condition.values
      if (value === undefined) continue
      if (condition.op === "eq") {
        from = later(from, value)
        to = earlier(to, value)
      } else if (condition.op === "gt" || condition.op === "gtn") from = later(from, shiftDate(value, 1))
      else if (condition.op === "lt") to = earlier(to, shiftDate(value, -1))
    }
    if (condition.kind === "integer" && condition.field === "id" && condition.op === "gt") {
      const [value] = condition.values
      if (value !== undefined && value > 0n && value < BigInt(Number.MAX_SAFE_INTEGER)) {
        idAfter = Math.max(idAfter ?? 0, Number(value))
      }
    }
  }
  return {
    ...(from === undefined ? {} : { paymentDateFrom: from }),
    ...(to === undefined ? {} : { paymentDateTo: to }),
    ...(idAfter === undefined ? {} : { idAfter: ledgerIdOf(PaymentId, idAfter) })
  }
}

/** The customer-payment fields, as the list grammar sees them. */
export const customerPaymentFields: FieldSpecs = {
  id: { kind: "integer" },
  customerId: { kind: "integer" },
  amountInMajorCurrency: { kind: "decimal" },
  resultingCustomerBalance: { kind: "decimal" },
  currencyId: { kind: "integer" },
  description: { kind: "text" },
  reference: { kind: "text" },
  type: { kind: "enum", values: paymentMethods },
  paymentDate: { kind: "date" },
  customerPaymentType: { kind: "enum", values: ["CUSTOMER", "INVOICE"] },
  txnType: { kind: "enum", values: ["PAYMENT", "DEBIT", "INVOICE_CREATED"] },
  invoiceNumber: { kind: "text" },
  invoiceId: { kind: "integer" },
  billRunType: { kind: "enum", values: ["NORMAL", "ADHOC"] }
}

export const customerPaymentValue = (row: CustomerPaymentRow, field: string): FieldValue => {
  switch (field) {
    case "id":
      return BigInt(row.id)
    case "customerId":
      return BigInt(row.customerId)
    case "amountInMajorCurrency":
      return decimalOfMinor(row.amount, row.currency)
    case "resultingCustomerBalance":
      return row.resultingBalance === null ? null : decimalOfMinor(row.resultingBalance, row.currency)
    case "currencyId":
      return BigInt(currencyIdOf(row.currency))
    case "invoiceId":
      return row.invoiceId === null ? null : BigInt(row.invoiceId)
    case "description":
    case "reference":
    case "type":
    case "paymentDate":
    case "customerPaymentType":
    case "txnType":
    case "invoiceNumber":
    case "billRunType":
      return row[field]
    default:
      return null
  }
}

/** The admin console's view of any ledger payment: the payment as an Elevate customer payment. */
export const renderCustomerPayment = (detail: PaymentDetail) =>
  Effect.gen(function* () {
    const record = yield* recordOf(kinds.payment, String(detail.payment.id))
    return toCustomerPayment(paymentRow(detail.payment, record?.data, yield* firstInvoiceOf(detail)))
  })
