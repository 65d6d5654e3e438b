/**
 * Silver's unpaid payments of open documents (issue 12.8). In Silver, issuing a proforma or an
 * invoice creates an `unpaid` payment for what the document asks; a Silver client lists those to
 * see what is due. Here they are derived from the ledger, never stored (as Elevate's invoice
 * payments are): every issued proforma or invoice of the customer with something outstanding shows
 * as one `unpaid` payment for its outstanding amount — so it shrinks as the document is paid,
 * grows back when a payment to it is reversed or refunded, and disappears when the document is
 * paid in full or cancelled. Its id is {@link unpaidPaymentIdOffset} + the document id (documents
 * and payments are separate ledger sequences; the offset keeps the two apart) — the Silver id of a
 * document migrated from Silver, so its row keeps Silver's id and order (issue 16.2). Not derived: a
 * proforma whose invoice is issued (Silver moved the payment to the invoice), and a document that
 * already carries a Silver payment still unpaid or pending (that payment is the document's).
 */
import { migratedIdOf, migratedLedgerId } from "@paybridge/adapter-kit"
import type { BillingEntity, CustomerId, Document, DocumentId, Payment } from "@paybridge/core"
import { DialectRecords, DocumentId as DocumentIdSchema, Documents } from "@paybridge/core"
import { Effect, Option, Schema } from "effect"
import { customerOfPath, type PaymentRecord } from "./payments.transformers.ts"
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

/** The document id a derived payment id carries (a ledger id, or a migrated document's Silver id), or `null`. */
export const documentIdOfUnpaid = (paymentId: number): DocumentId | null =>
  paymentId <= unpaidPaymentIdOffset
    ? null
    : Option.getOrNull(Schema.decodeUnknownOption(DocumentIdSchema)(paymentId - unpaidPaymentIdOffset))

/**
 * The Silver id of a document migrated from Silver (issue 16.2: its external ref is
 * `invoice:<id>` / `proforma:<id>`, Silver's two id sequences), else `null`.
 */
export const migratedDocumentId = (document: Pick<Document, "kind" | "externalRef">): number | null => {
  const migrated = migratedIdOf(dialectId, document)
  const match = migrated === null ? null : /^(invoice|proforma):(\d{1,15})$/u.exec(migrated)
  return match?.[1] === document.kind ? Number(match[2]) : null
}

/**
 * A document's unpaid payment id: {@link unpaidPaymentIdOffset} + the document's Silver id when it
 * was migrated from Silver (so the row keeps the id and the place Silver listed it at), else + its
 * ledger id (`pnpm migrate` moves the ledger's document ids past the Silver ids it booked).
 */
export const unpaidPaymentIdOf = (document: Pick<Document, "id" | "kind" | "externalRef">): number =>
  unpaidPaymentIdOffset + (migratedDocumentId(document) ?? document.id)

/**
 * The document a derived payment id names: one migrated from Silver under that Silver id (invoice
 * first), else the ledger's document of that id unless it was migrated from Silver (it is known
 * under its Silver id) — or `null`.
 */
const documentOfUnpaid = (paymentId: number): Program<Document | null> =>
  Effect.gen(function* () {
    const id = documentIdOfUnpaid(paymentId)
    if (id === null) return null
    const migrated =
      (yield* migratedLedgerId(dialectId, "document", `invoice:${id}`)) ??
      (yield* migratedLedgerId(dialectId, "document", `proforma:${id}`))
    const ledgerId = migrated === null ? id : Option.getOrNull(Schema.decodeUnknownOption(DocumentIdSchema)(migrated))
    if (ledgerId === null) return null
    const document = yield* maybe(Documents.use((service) => service.getDocument(ledgerId)))
    if (document === null || (migrated === null && migratedDocumentId(document) !== null)) return null
    return document
  })

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
    const document = yield* documentOfUnpaid(Number(paymentIdText))
    if (document === null || !isOpen(document)) return null
    // The path names the customer as its URLs show it (a customer migrated from Silver: its Silver id).
    if ((yield* customerOfPath(customerIdText)) !== document.customerId) return null
    const shown = yield* unpaidDocumentPayments(document.customerId, yield* payments(document.customerId))
    return shown.find((unpaid) => unpaid.document.id === document.id) ?? null
  })

/**
 * A derived unpaid payment in Silver's payment representation; `customerShownId` is the id its
 * customer's URLs show (the path's: a customer migrated from Silver shows its Silver id).
 */
export const toSilverUnpaidPayment = (
  { document, provider }: UnpaidDocumentPayment,
  links: Links,
  customerShownId: number = document.customerId
): SilverPayment => ({
  id: unpaidPaymentIdOf(document),
  url: links.payment(customerShownId, unpaidPaymentIdOf(document)),
  customer: links.customer(customerShownId),
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
