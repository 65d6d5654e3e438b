/**
 * The implementation of `Documents` on the `LedgerStore`, `IdempotencyStore` and `PaymentGateways`
 * ports (paying a document may charge a gateway). Every method is an
 * `Effect.fn("Documents.<method>")`; the allocation book (`../shared/allocation-book.ts`) checks and
 * books allocations on both sides, and paying a document opens a payment exactly as
 * `Payments.createPayment` does (`../shared/payment-opening.ts`).
 */
import { Effect, Layer } from "effect"
import { scopedCustomerIds } from "../../auth/permissions.ts"
import { Conflict, validationFailed } from "../../errors.ts"
import { newPublicId } from "../../model/common.ts"
import type { AllocationId, DocumentId } from "../../model/ids.ts"
import { Document } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import type { PaymentGateways } from "../../ports/payment-gateway.ts"
import { now, today } from "../clock.ts"
import type * as C from "../ledger-commands.ts"
import { PaymentDetail } from "../payments/payments.service.ts"
import {
  adjustAllocation as adjustAllocationInPlace,
  applyAllocations,
  documentRoom,
  effectiveAmount,
  planAllocations,
  smaller,
  unallocatedCredit
} from "../shared/allocation-book.ts"
import { releaseAllocations } from "../shared/allocation-releases.ts"
import { moveBalance } from "../shared/balance-movements.ts"
import { ensureCurrency, parsePositiveAmount } from "../shared/exact-amounts.ts"
import { saveDocument } from "../shared/guarded-saves.ts"
import { mutation, paging, paymentMutation, query } from "../shared/ledger-command.ts"
import { minor, recordEvent } from "../shared/ledger-events.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import { refused } from "../shared/lifecycle-steps.ts"
import { afterGatewayCall, paymentDetail } from "../shared/payment-detail.ts"
import { openedDetail, openPayment, parseAllocationRequests } from "../shared/payment-opening.ts"
import {
  currentPrincipal,
  existingBillingEntity,
  existingDocument,
  found,
  inScope,
  lockCustomer,
  lockDocument,
  lockPayment,
  visibleDocument,
  visiblePayment
} from "../shared/record-access.ts"
import { Documents } from "./documents.service.ts"

export const documentsLayer: Layer.Layer<Documents, never, LedgerStore | IdempotencyStore | PaymentGateways> =
  Layer.effect(
    Documents,
    Effect.gen(function* () {
      const store = yield* LedgerStore
      const ports = yield* capturePorts<LedgerStore | IdempotencyStore | PaymentGateways>()

      const issueDocument = Effect.fn("Documents.issueDocument")(function* (input: C.IssueDocumentInput) {
        return yield* mutation(
          "issueDocument",
          input,
          Document,
          Effect.gen(function* () {
            const customer = yield* lockCustomer(input.customerId)
            const currency = yield* ensureCurrency(input.currency, customer)
            const total = yield* parsePositiveAmount(input.total, currency, ["total"])
            const billingEntityId =
              input.billingEntityId === undefined ? customer.billingEntityId : input.billingEntityId
            if (billingEntityId !== null) yield* existingBillingEntity(billingEntityId)
            const relatedDocumentId = input.relatedDocumentId ?? null
            if (relatedDocumentId !== null) {
              const related = yield* existingDocument(relatedDocumentId)
              if (related.customerId !== customer.id) {
                return yield* validationFailed(
                  ["relatedDocumentId"],
                  "the related document belongs to another customer"
                )
              }
            }
            let number = input.number
            if (number === undefined) {
              do {
                number = String(yield* store.nextSequence("document-number"))
              } while ((yield* store.documents.getByNumber(input.kind, number)) !== null)
            } else if ((yield* store.documents.getByNumber(input.kind, number)) !== null) {
              return yield* new Conflict({ reason: "duplicate", message: `${input.kind} number ${number} is taken` })
            }
            const at = yield* now
            const document = yield* store.documents.insert({
              publicId: newPublicId(),
              kind: input.kind,
              number,
              customerId: customer.id,
              billingEntityId,
              relatedDocumentId,
              currency,
              total,
              allocated: 0n,
              outstanding: total,
              state: "issued",
              issueDate: input.issueDate ?? (yield* today),
              dueDate: input.dueDate ?? null,
              externalRef: input.externalRef ?? null,
              createdAt: at,
              updatedAt: at,
              version: 1
            })
            if (document.kind !== "proforma") {
              yield* moveBalance(customer.id, {
                delta: -total,
                kind: "document-issued",
                documentId: document.id,
                description: `${document.kind} ${document.number} issued`
              })
            }
            yield* recordEvent({
              type: "document.issued",
              entity: "document",
              entityId: document.id,
              customerId: customer.id,
              data: { kind: document.kind, number: document.number, currency, total: minor(total) }
            })
            return document
          })
        )
      }, ports)

      const cancelDocument = Effect.fn("Documents.cancelDocument")(function* (documentId: DocumentId) {
        return yield* mutation(
          "cancelDocument",
          { documentId },
          Document,
          Effect.gen(function* () {
            const { document } = yield* lockDocument(documentId)
            if (document.state !== "issued") {
              return yield* refused(
                "document",
                document.id,
                document.state,
                "cancel",
                `cannot cancel a ${document.state} document`
              )
            }
            if (document.allocated > 0n) {
              return yield* refused(
                "document",
                document.id,
                document.state,
                "cancel",
                "payments are allocated to this document; remove the allocations first"
              )
            }
            const cancelled = yield* saveDocument(document, { state: "cancelled" })
            if (document.kind !== "proforma") {
              yield* moveBalance(document.customerId, {
                delta: document.outstanding,
                kind: "document-cancelled",
                documentId: document.id,
                description: `${document.kind} ${document.number} cancelled`
              })
            }
            yield* recordEvent({
              type: "document.cancelled",
              entity: "document",
              entityId: document.id,
              customerId: document.customerId,
              data: { kind: document.kind, number: document.number, outstanding: minor(document.outstanding) }
            })
            return cancelled
          })
        )
      }, ports)

      const getDocument = Effect.fn("Documents.getDocument")(function* (id: DocumentId) {
        return yield* query("getDocument", visibleDocument(id))
      }, ports)

      const listDocumentAllocations = Effect.fn("Documents.listDocumentAllocations")(function* (
        documentId: DocumentId
      ) {
        return yield* query(
          "listDocumentAllocations",
          Effect.gen(function* () {
            yield* visibleDocument(documentId)
            return yield* store.allocations.listByDocument(documentId)
          })
        )
      }, ports)

      const getAllocation = Effect.fn("Documents.getAllocation")(function* (id: AllocationId) {
        return yield* query(
          "getAllocation",
          Effect.gen(function* () {
            const allocation = yield* found("allocation", id)(yield* store.allocations.get(id))
            yield* visiblePayment(allocation.paymentId)
            return allocation
          })
        )
      }, ports)

      const listDocuments = Effect.fn("Documents.listDocuments")(function* (input: C.DocumentQueryInput) {
        return yield* query(
          "listDocuments",
          Effect.gen(function* () {
            if (input.customerId !== undefined) yield* inScope(input.customerId)
            return yield* store.documents.list({
              ...paging(input),
              ids: input.ids,
              customerId: input.customerId,
              customerIds: scopedCustomerIds(yield* currentPrincipal),
              kinds: input.kinds,
              unpaidOnly: input.unpaidOnly,
              order: "id"
            })
          })
        )
      }, ports)

      const allocatePayment = Effect.fn("Documents.allocatePayment")(function* (input: C.AllocatePaymentInput) {
        return yield* paymentMutation("allocatePayment", input, PaymentDetail, (target) =>
          Effect.gen(function* () {
            if (target.state !== "draft" && target.state !== "posted") {
              return yield* refused(
                "payment",
                target.id,
                target.state,
                "allocate",
                `cannot allocate a ${target.state} payment`
              )
            }
            const requests = yield* parseAllocationRequests(input.allocations, target.currency)
            yield* planAllocations(target, effectiveAmount(target) - target.allocatedAmount, requests)
            const allocated = yield* applyAllocations(target, requests)
            return yield* paymentDetail(allocated)
          })
        )
      }, ports)

      const deallocate = Effect.fn("Documents.deallocate")(function* (input: C.DeallocateInput) {
        return yield* mutation(
          "deallocate",
          input,
          PaymentDetail,
          Effect.gen(function* () {
            const allocationOf = Effect.flatMap(
              store.allocations.get(input.allocationId),
              found("allocation", input.allocationId)
            )
            const seen = yield* allocationOf
            const { payment: target } = yield* lockPayment(seen.paymentId)
            const allocation = yield* allocationOf
            const released = yield* releaseAllocations(
              target,
              [allocation],
              { kind: "deallocation", id: allocation.id },
              "deallocated"
            )
            return yield* paymentDetail(released)
          })
        )
      }, ports)

      const adjustAllocation = Effect.fn("Documents.adjustAllocation")(function* (input: C.AdjustAllocationInput) {
        return yield* mutation(
          "adjustAllocation",
          input,
          PaymentDetail,
          Effect.gen(function* () {
            const allocationOf = Effect.flatMap(
              store.allocations.get(input.allocationId),
              found("allocation", input.allocationId)
            )
            const seen = yield* allocationOf
            const { payment: target } = yield* lockPayment(seen.paymentId)
            if (target.state !== "draft" && target.state !== "posted") {
              return yield* refused(
                "payment",
                target.id,
                target.state,
                "allocate",
                `cannot allocate a ${target.state} payment`
              )
            }
            const amount = yield* parsePositiveAmount(input.amount, target.currency, ["amount"])
            const adjusted = yield* adjustAllocationInPlace(target, yield* allocationOf, amount)
            return yield* paymentDetail(adjusted)
          })
        )
      }, ports)

      const settleDocument = Effect.fn("Documents.settleDocument")(function* (input: C.SettleDocumentInput) {
        return yield* paymentMutation("settleDocument", input, PaymentDetail, (target) =>
          Effect.gen(function* () {
            const document = yield* existingDocument(input.documentId)
            if (document.customerId !== target.customerId) {
              return yield* validationFailed(["documentId"], `document ${document.id} belongs to another customer`)
            }
            const free = unallocatedCredit(target)
            const room = document.state === "issued" ? documentRoom(document) : 0n
            const amount = smaller(free, room)
            if (target.state !== "posted" || document.currency !== target.currency || amount <= 0n) {
              return yield* paymentDetail(target)
            }
            const allocated = yield* applyAllocations(target, [
              { documentId: document.id, amount, documentPath: ["documentId"] }
            ])
            return yield* paymentDetail(allocated)
          })
        )
      }, ports)

      const payDocument = Effect.fn("Documents.payDocument")(function* (input: C.PayDocumentInput) {
        return yield* afterGatewayCall(
          yield* mutation(
            "payDocument",
            input,
            PaymentDetail,
            Effect.gen(function* () {
              const { customer, document } = yield* lockDocument(input.documentId)
              if (document.state !== "issued") {
                return yield* refused(
                  "document",
                  document.id,
                  document.state,
                  "pay",
                  `cannot pay a ${document.state} document`
                )
              }
              const amount =
                input.amount === undefined
                  ? document.outstanding
                  : yield* parsePositiveAmount(input.amount, document.currency, ["amount"])
              const { documentId, amount: _amount, ...rest } = input
              // The document as read under its customer's lock is not read again.
              const created = yield* openPayment(
                customer,
                {
                  ...rest,
                  amount,
                  initialState: "posted",
                  allocations: [{ documentId, amount, documentPath: ["documentId"] }]
                },
                [],
                undefined,
                [document]
              )
              return yield* openedDetail(created)
            })
          )
        )
      }, ports)

      return Documents.of({
        issueDocument,
        cancelDocument,
        getDocument,
        listDocuments,
        listDocumentAllocations,
        getAllocation,
        allocatePayment,
        deallocate,
        adjustAllocation,
        settleDocument,
        payDocument
      })
    })
  )
