/**
 * Elevate invoice payments (normal and adhoc alike) as wire rows: the status table, the events
 * created through the invoice-payment endpoints (`invoicePaymentBody`, their payment's id) and the
 * events derived from the ledger's allocations of payments made anywhere else
 * (`allocationEventBody`, `invoicePaymentEventIdBase + allocation id`), merged per document by
 * `invoicePaymentEventsOf`. Shared by `invoice-payments.endpoints.ts` and
 * `adhoc-invoice-payments.endpoints.ts`.
 */
import { shownNumericId } from "@paybridge/adapter-kit"
import {
  type Allocation,
  type DialectRecord,
  type Document,
  DocumentId,
  Documents,
  type Payment,
  type PaymentDetail,
  PaymentId,
  Payments
} from "@paybridge/core"
import { Effect, Option, Schema } from "effect"
import { type BillRunType, type InvoicePaymentStatus, paymentMethods } from "./elevate.schemas.ts"
import {
  billRunTypeOf,
  currencyIdOf,
  dialectId,
  firstInvoiceOf,
  formatPositiveAmount,
  kinds,
  ledgerIdOf,
  missing,
  paymentAttributesOf,
  recordOf
} from "./elevate.transformers.ts"
import type { FieldSpecs, WireRow } from "./list-grammar.transformers.ts"

/** An invoice payment's status: manual payments are `NA` (Elevate: not applicable); provider payments follow the ledger. */
export const invoicePaymentStatusOf = (payment: Payment): InvoicePaymentStatus => {
  if (payment.gatewayId === null && payment.state === "posted") {
    return payment.refundedAmount === 0n
      ? "NA"
      : payment.refundedAmount >= payment.amount
        ? "REFUNDED"
        : "PART_REFUNDED"
  }
  switch (payment.state) {
    case "posted":
      return payment.refundedAmount === 0n
        ? "PAID"
        : payment.refundedAmount >= payment.amount
          ? "REFUNDED"
          : "PART_REFUNDED"
    case "draft":
    case "pending":
      return "PENDING"
    case "rejected":
    case "cancelled":
      return "UNPAID"
  }
}

/**
 * Ids of invoice payments made outside Elevate's invoice-payment endpoints (tRPC, another dialect,
 * Elevate's customer payments): one event per ledger allocation of a payment to the document, seen
 * as `invoicePaymentEventIdBase + allocation id`. Events created through the endpoints keep their
 * payment's id; payment ids stay far below this base (and below `debitIdBase`, the ids of debits).
 */
export const invoicePaymentEventIdBase = 2_000_000_000_000

/**
 * The status of an invoice payment made outside Elevate's invoice-payment endpoints: reversals
 * first (`UNPAID` when fully reversed, `PARTIALLY_PAID` when partly), then as {@link invoicePaymentStatusOf}
 * (`NA` for a posted payment without a provider, `PAID` through one, `REFUNDED`/`PART_REFUNDED`).
 */
export const derivedInvoicePaymentStatusOf = (payment: Payment): InvoicePaymentStatus => {
  if (payment.state === "posted" && payment.reversedAmount > 0n) {
    return payment.reversedAmount >= payment.amount ? "UNPAID" : "PARTIALLY_PAID"
  }
  return invoicePaymentStatusOf(payment)
}

/**
 * An invoice payment created through the invoice-payment endpoints, as Elevate shows it: its payment's
 * id and the invoice its record names (else the payment's first allocation); `null` without an invoice.
 */
export const invoicePaymentBody = (detail: PaymentDetail, record: DialectRecord | null) =>
  Effect.gen(function* () {
    const recorded = recordedDocumentOf(record)
    const invoice =
      recorded !== null
        ? yield* Effect.flatMap(Documents, (documents) => documents.getDocument(recorded))
        : yield* firstInvoiceOf(detail)
    if (invoice === null) return null
    const attributes = paymentAttributesOf(record?.data)
    const payment = detail.payment
    return {
      id: payment.id,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: payment.customerId,
      customerPaymentId: shownNumericId(dialectId, payment),
      customerPaymentType: attributes.customerPaymentType,
      amountInMajorCurrency: formatPositiveAmount(detail.allocations[0]?.amount ?? payment.amount, payment.currency),
      currencyId: currencyIdOf(payment.currency),
      paymentDate: payment.paymentDate,
      type: attributes.type,
      status: invoicePaymentStatusOf(payment),
      paymentProviderId: payment.gatewayId,
      reference: payment.references.thirdPartyReference,
      description: payment.references.description,
      billRunType: billRunTypeOf(invoice),
      errorInfo: payment.rejectionReason
    }
  })

/** The invoice-payment fields, as the list grammar sees them. */
export const invoicePaymentFields: FieldSpecs = {
  id: { kind: "integer" },
  invoiceId: { kind: "integer" },
  invoiceNumber: { kind: "text" },
  customerId: { kind: "integer" },
  customerPaymentId: { kind: "integer" },
  customerPaymentType: { kind: "enum", values: ["CUSTOMER", "INVOICE"] },
  amountInMajorCurrency: { kind: "decimal" },
  currencyId: { kind: "integer" },
  paymentDate: { kind: "date" },
  type: { kind: "enum", values: paymentMethods },
  status: {
    kind: "enum",
    values: [
      "NA",
      "PAID",
      "UNPAID",
      "PENDING",
      "REFUNDED",
      "PART_REFUNDED",
      "REFUND_PENDING",
      "WRITTEN_OFF",
      "DISPUTED",
      "PARTIALLY_PAID"
    ]
  },
  paymentProviderId: { kind: "integer" },
  reference: { kind: "text" },
  description: { kind: "text" },
  billRunType: { kind: "enum", values: ["NORMAL", "ADHOC"] },
  errorInfo: { kind: "text" }
}

/**
 * The invoice an Elevate-created invoice payment (a record of `customerPaymentType: INVOICE`) was
 * made for, when the record belongs to the `billRunType` list; `null` for every other record.
 */
export const elevateEventDocumentOf = (record: DialectRecord | null, billRunType: BillRunType): DocumentId | null => {
  if (record === null) return null
  const attributes = paymentAttributesOf(record.data)
  if (attributes.customerPaymentType !== "INVOICE" || attributes.billRunType !== billRunType) return null
  return recordedDocumentOf(record)
}

/** The invoice an Elevate payment record names (`documentId` in its data), if any. */
const recordedDocumentOf = (record: DialectRecord | null): DocumentId | null =>
  Option.getOrNull(Schema.decodeUnknownOption(DocumentId)(record?.data.documentId))

/**
 * An invoice payment made outside Elevate's invoice-payment endpoints: one payment's allocation to
 * one document (see `invoicePaymentEventIdBase` and `derivedInvoicePaymentStatusOf`).
 */
export const allocationEventBody = (
  detail: PaymentDetail,
  allocation: Allocation,
  document: Document,
  record: DialectRecord | null
) => {
  const payment = detail.payment
  return {
    id: invoicePaymentEventIdBase + allocation.id,
    invoiceId: document.id,
    invoiceNumber: document.number,
    customerId: payment.customerId,
    customerPaymentId: shownNumericId(dialectId, payment),
    customerPaymentType: "CUSTOMER" as const,
    amountInMajorCurrency: formatPositiveAmount(allocation.amount, payment.currency),
    currencyId: currencyIdOf(payment.currency),
    paymentDate: payment.paymentDate,
    type: paymentAttributesOf(record?.data).type,
    status: derivedInvoicePaymentStatusOf(payment),
    paymentProviderId: payment.gatewayId,
    reference: payment.references.thirdPartyReference,
    description: payment.references.description,
    billRunType: billRunTypeOf(document),
    errorInfo: payment.rejectionReason
  }
}

/**
 * Every invoice-payment event of `documents` (all of one kind): the ledger's allocations to each
 * document, whatever protocol made the payment, merged with the Elevate-created events of
 * `records` (the Elevate payment records of the documents' customers). An allocation made by an
 * Elevate-created invoice payment for that document shows as that event, exactly as it was
 * created; an Elevate-created event without an allocation (a pending or declined provider payment)
 * still shows.
 */
export const invoicePaymentEventsOf = (
  documents: ReadonlyArray<Document>,
  records: ReadonlyArray<DialectRecord>,
  billRunType: BillRunType
) =>
  Effect.gen(function* () {
    const paymentsService = yield* Payments
    const documentsService = yield* Documents
    const recordByPayment = new Map<PaymentId, DialectRecord>()
    for (const record of records) if (record.paymentId !== null) recordByPayment.set(record.paymentId, record)
    const details = new Map<PaymentId, PaymentDetail>()
    const detailOf = (id: PaymentId) =>
      Effect.gen(function* () {
        const known = details.get(id)
        if (known !== undefined) return known
        const detail = yield* paymentsService.getPayment({ id })
        details.set(id, detail)
        return detail
      })
    const rows: Array<WireRow> = []
    const shownElevateEvents = new Set<PaymentId>()
    for (const document of documents) {
      if (document.allocated === 0n) continue
      const allocations = yield* documentsService.listDocumentAllocations(document.id)
      for (const allocation of allocations) {
        const record = recordByPayment.get(allocation.paymentId) ?? null
        const detail = yield* detailOf(allocation.paymentId)
        if (elevateEventDocumentOf(record, billRunType) === document.id) {
          if (shownElevateEvents.has(allocation.paymentId)) continue
          shownElevateEvents.add(allocation.paymentId)
          const body = yield* invoicePaymentBody(detail, record)
          if (body !== null) rows.push(body)
        } else {
          rows.push(allocationEventBody(detail, allocation, document, record))
        }
      }
    }
    const documentIds = new Set(documents.map((document) => document.id))
    for (const record of records) {
      const documentId = elevateEventDocumentOf(record, billRunType)
      if (record.paymentId === null || documentId === null || !documentIds.has(documentId)) continue
      if (shownElevateEvents.has(record.paymentId)) continue
      shownElevateEvents.add(record.paymentId)
      const body = yield* invoicePaymentBody(yield* detailOf(record.paymentId), record)
      if (body !== null) rows.push(body)
    }
    return rows
  })

/**
 * An invoice payment created through Elevate's invoice-payment endpoints of `billRunType` (its
 * payment's id): the ledger payment, its Elevate record and its wire body; 404 (as `label`) for an
 * id that is not one.
 */
export const elevateInvoicePayment = (id: number, billRunType: BillRunType, label: string) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const record = yield* recordOf(kinds.payment, String(id))
    const attributes = paymentAttributesOf(record?.data)
    if (record === null || attributes.customerPaymentType !== "INVOICE" || attributes.billRunType !== billRunType) {
      return yield* Effect.fail(missing(label, id))
    }
    const detail = yield* payments.getPayment({ id: ledgerIdOf(PaymentId, id) })
    const body = yield* invoicePaymentBody(detail, record)
    if (body === null) return yield* Effect.fail(missing(label, id))
    return { detail, record, body }
  })
