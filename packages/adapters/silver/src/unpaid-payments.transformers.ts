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
 * already carries a Silver payment still unpaid or pending (that payment is the document's). The
 * ledger derives them in SQL with the customer's payments (`Payments.listCustomerRows`, see
 * `payment-list.transformers.ts`: the list, and a get by id narrowed to one document); this module
 * keeps their ids and the refusal of a PATCH.
 */
import type { Document, DocumentId } from "@paybridge/core"
import { DocumentId as DocumentIdSchema } from "@paybridge/core"
import { Option, Schema } from "effect"

/** Ids of derived unpaid payments start here: `unpaidPaymentIdOffset + document id`. */
export const unpaidPaymentIdOffset = 1_000_000_000_000

/** The document id a derived payment id carries (a ledger id, or a migrated document's Silver id), or `null`. */
export const documentIdOfUnpaid = (paymentId: number): DocumentId | null =>
  paymentId <= unpaidPaymentIdOffset
    ? null
    : Option.getOrNull(Schema.decodeUnknownOption(DocumentIdSchema)(paymentId - unpaidPaymentIdOffset))

/** A PATCH of a derived unpaid payment: it follows its document, so Silver's transitions are refused (400). */
export const unpaidPatchRefusal = ({ document }: { readonly document: Document }) => ({
  non_field_errors: [
    `This payment is what ${document.kind} ${document.number} still asks and follows it; pay the ${document.kind} by creating a payment for it.`
  ]
})
