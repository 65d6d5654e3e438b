/**
 * The `Documents` service: invoices, bills and proformas and the allocations of payments to them.
 * Issuing an invoice or bill debits the customer's running balance by its total (a proforma books
 * nothing); cancelling one with nothing allocated credits it back. Allocating applies parts of a
 * payment to documents (never more than a document has outstanding or a payment has left),
 * deallocating gives them back, and paying a document books one new posted payment allocated to
 * it. Each method's error union is what it can really fail with. The implementation is
 * `documentsLayer` (`documents.layer.ts`).
 */
import { Context, type Effect } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { InvalidTransition, NotFound, ValidationFailed } from "../../errors.ts"
import type { Page } from "../../model/common.ts"
import type { AllocationId, DocumentId } from "../../model/ids.ts"
import type { Allocation, Document } from "../../model/records.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import type { PaymentDetail } from "../payments/payments.service.ts"
import type { CommandFailure, ReadFailure } from "../shared/ledger-command.ts"

type Method<A, E> = Effect.Effect<A, E, CommandContext>

export interface DocumentsShape {
  readonly issueDocument: (
    input: C.IssueDocumentInput
  ) => Method<Document, CommandFailure | ValidationFailed | NotFound>
  readonly cancelDocument: (documentId: DocumentId) => Method<Document, CommandFailure | NotFound | InvalidTransition>
  readonly getDocument: (id: DocumentId) => Method<Document, ReadFailure | NotFound>
  readonly listDocuments: (input: C.DocumentQueryInput) => Method<Page<Document>, ReadFailure | ValidationFailed>
  /** The payments' allocations to one document (what paid it), oldest first. */
  readonly listDocumentAllocations: (
    documentId: DocumentId
  ) => Method<ReadonlyArray<Allocation>, ReadFailure | NotFound>
  /** One allocation (part of a payment applied to a document), visible when its payment is. */
  readonly getAllocation: (id: AllocationId) => Method<Allocation, ReadFailure | NotFound>
  readonly allocatePayment: (
    input: C.AllocatePaymentInput
  ) => Method<PaymentDetail, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  readonly deallocate: (input: C.DeallocateInput) => Method<PaymentDetail, CommandFailure | NotFound>
  /**
   * Changes an allocation's amount in place: the allocation keeps its id, the document and the
   * payment take the difference (within the document's outstanding and the payment's room), and a
   * `payment.allocation-adjusted` event records it.
   */
  readonly adjustAllocation: (
    input: C.AdjustAllocationInput
  ) => Method<PaymentDetail, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  /**
   * Applies what a posted payment has unallocated to one document, as much as the document still
   * owes (Silver's "a paid payment settles its invoice/proforma"); books nothing when the payment
   * is not posted, the document is not issued, or either has nothing left. The ledger decides.
   */
  readonly settleDocument: (
    input: C.SettleDocumentInput
  ) => Method<PaymentDetail, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  /** Pays a document (by default its whole outstanding amount) with one new posted payment allocated to it. */
  readonly payDocument: (
    input: C.PayDocumentInput
  ) => Method<PaymentDetail, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<DocumentsShape>

export class Documents extends Context.Service<Documents, DocumentsShape>()("@paybridge/core/services/Documents") {}
