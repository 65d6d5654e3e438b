/**
 * Silver's unpaid payments of open documents (issue 12.8). In Silver, issuing a proforma or an
 * invoice creates an `unpaid` payment for what the document asks; a Silver client lists those to
 * see what is due. Here they are derived from the ledger, never stored (as Elevate's invoice
 * payments are): every issued proforma or invoice of the customer with something outstanding shows
 * as one `unpaid` payment for its outstanding amount — so it shrinks as the document is paid,
 * grows back when a payment to it is reversed or refunded, and disappears when the document is
 * paid in full or cancelled. Its id is {@link unpaidPaymentIdOffset} + the document id (documents
 * and payments are separate ledger sequences; the offset keeps the two apart). Not derived: a
 * proforma whose invoice is issued (Silver moved the payment to the invoice), and a document that
 * already carries a Silver payment still unpaid or pending (that payment is the document's).
 */
import type { BillingEntity, CustomerId, Document, DocumentId, Payment } from "@paybridge/core"
import { DialectRecords, DocumentId as DocumentIdSchema, Documents } from "@paybridge/core"
import { Effect, Option, Schema } from "effect"
import type { PaymentRecord } from "./payments.transformers.ts"
import { type SilverPayment, silverMoney } from "./silver.schemas.ts"
import {
  dialectId,
  documentPaymentKind,
  type Links,
  maybe,
  type Program,
  providerCache,
  readAll
} from "./silver.transformers.ts"

/** Ids of derived unpaid payments start here: `unpaidPaymentIdOffset + document id`. */
export const unpaidPaymentIdOffset = 1_000_000_000_000

/** A derived unpaid payment: the open document it stands for and the document's provider. */
export interface UnpaidDocumentPayment {
  readonly document: Document
  readonly provider: BillingEntity | null
}

/** The document a derived payment id names, or `null` when the id is not one. */
export const documentIdOfUnpaid = (paymentId: number): DocumentId | null =>
  paymentId <= unpaidPaymentIdOffset
    ? null
    : Option.getOrNull(Schema.decodeUnknownOption(DocumentIdSchema)(paymentId - unpaidPaymentIdOffset))

const isOpen = (document: Document) =>
  (document.kind === "invoice" || document.kind === "proforma") &&
  document.state !== "cancelled" &&
  document.outstanding > 0n

/** The Silver payments still unpaid or pending (they stand for the document they carry). */
const isOpenSilverPayment = (payment: Payment) => payment.state === "draft" || payment.state === "pending"

/**
 * The customer's open documents shown as unpaid payments, given the customer's payments as the
 * list loaded them (to leave out documents a Silver payment still unpaid or pending carries).
 */
export const unpaidDocumentPayments = (
  customerId: CustomerId,
  payments: ReadonlyArray<PaymentRecord>
): Program<ReadonlyArray<UnpaidDocumentPayment>> =>
  Effect.gen(function* () {
    const documents = yield* readAll((cursor) =>
      Documents.use((service) =>
        service.listDocuments({ customerId, kinds: ["invoice", "proforma"], cursor, limit: 1000 })
      )
    )
    const carriers = yield* readAll((cursor) =>
      DialectRecords.use((dialectRecords) =>
        dialectRecords.listDialectRecords({
          dialect: dialectId,
          kind: documentPaymentKind,
          customerId,
          cursor,
          limit: 1000
        })
      )
    )
    const openPayments = new Set(
      payments.filter((record) => isOpenSilverPayment(record.payment)).map((r) => r.payment.id)
    )
    const carried = new Set(
      carriers.flatMap((record) =>
        typeof record.data.paymentId === "number" && openPayments.has(record.data.paymentId as Payment["id"])
          ? [record.key]
          : []
      )
    )
    const invoicedProformas = new Set(
      documents.flatMap((document) =>
        document.kind === "invoice" && document.state !== "cancelled" && document.relatedDocumentId !== null
          ? [document.relatedDocumentId]
          : []
      )
    )
    const providerOf = providerCache()
    const open = documents.filter(
      (document) =>
        isOpen(document) &&
        !carried.has(`${document.kind}:${document.id}`) &&
        !(document.kind === "proforma" && invoicedProformas.has(document.id))
    )
    return yield* Effect.forEach(open, (document) =>
      Effect.map(providerOf(document.billingEntityId), (provider) => ({ document, provider }))
    )
  })

/** The derived unpaid payment the path's ids name, when its document is that customer's and still open. */
export const findUnpaidDocumentPayment = (
  customerIdText: string,
  paymentIdText: string,
  payments: (customerId: CustomerId) => Program<ReadonlyArray<PaymentRecord>>
): Program<UnpaidDocumentPayment | null> =>
  Effect.gen(function* () {
    const documentId = documentIdOfUnpaid(Number(paymentIdText))
    if (documentId === null) return null
    const document = yield* maybe(Documents.use((service) => service.getDocument(documentId)))
    if (document === null || String(document.customerId) !== customerIdText || !isOpen(document)) return null
    const shown = yield* unpaidDocumentPayments(document.customerId, yield* payments(document.customerId))
    return shown.find((unpaid) => unpaid.document.id === document.id) ?? null
  })

/** A derived unpaid payment in Silver's payment representation. */
export const toSilverUnpaidPayment = ({ document, provider }: UnpaidDocumentPayment, links: Links): SilverPayment => ({
  id: unpaidPaymentIdOffset + document.id,
  url: links.payment(document.customerId, unpaidPaymentIdOffset + document.id),
  customer: links.customer(document.customerId),
  provider: provider === null ? null : links.provider(provider.id),
  amount: silverMoney.format(document.outstanding, document.currency),
  currency: document.currency,
  due_date: document.dueDate,
  status: "unpaid",
  visible: true,
  proforma:
    document.kind === "proforma"
      ? links.proforma(document.id)
      : document.relatedDocumentId === null
        ? null
        : links.proforma(document.relatedDocumentId),
  invoice: document.kind === "invoice" ? links.invoice(document.id) : null
})

/** A PATCH of a derived unpaid payment: it follows its document, so Silver's transitions are refused (400). */
export const unpaidPatchRefusal = ({ document }: UnpaidDocumentPayment) => ({
  non_field_errors: [
    `This payment is what ${document.kind} ${document.number} still asks and follows it; pay the ${document.kind} by creating a payment for it.`
  ]
})
