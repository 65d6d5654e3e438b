/**
 * Ledger operations on documents (invoices, bills and proformas). Issuing an invoice or bill
 * debits the customer's running balance by its total; a proforma books nothing. Cancelling an
 * issued document with nothing allocated to it credits its outstanding amount back.
 */
import { Effect } from "effect"
import { scopedCustomerIds } from "../auth/permissions.ts"
import { Conflict, validationFailed } from "../errors.ts"
import { newPublicId } from "../model/common.ts"
import { Document } from "../model/records.ts"
import { now, today } from "./clock.ts"
import type { LedgerShape } from "./ledger.ts"
import type * as C from "./ledger-commands.ts"
import { type LedgerKit, minor } from "./ledger-kit.ts"

type DocumentOperations = Pick<
  LedgerShape,
  "issueDocument" | "cancelDocument" | "getDocument" | "listDocuments" | "listDocumentAllocations" | "getAllocation"
>

export const makeDocumentOperations = (kit: LedgerKit): DocumentOperations => {
  const { store } = kit

  return {
    issueDocument: Effect.fn("Ledger.issueDocument")(function* (input: C.IssueDocumentInput) {
      return yield* kit.mutation(
        "issueDocument",
        input,
        Document,
        Effect.gen(function* () {
          const customer = yield* kit.lockCustomer(input.customerId)
          const currency = yield* kit.ensureCurrency(input.currency, customer)
          const total = yield* kit.parsePositiveAmount(input.total, currency, ["total"])
          const billingEntityId = input.billingEntityId === undefined ? customer.billingEntityId : input.billingEntityId
          if (billingEntityId !== null) {
            yield* Effect.flatMap(
              store.billingEntities.get(billingEntityId),
              kit.found("billing-entity", billingEntityId)
            )
          }
          const relatedDocumentId = input.relatedDocumentId ?? null
          if (relatedDocumentId !== null) {
            const related = yield* Effect.flatMap(
              store.documents.get(relatedDocumentId),
              kit.found("document", relatedDocumentId)
            )
            if (related.customerId !== customer.id) {
              return yield* validationFailed(["relatedDocumentId"], "the related document belongs to another customer")
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
            yield* kit.moveBalance(customer.id, {
              delta: -total,
              kind: "document-issued",
              documentId: document.id,
              description: `${document.kind} ${document.number} issued`
            })
          }
          yield* kit.recordEvent({
            type: "document.issued",
            entity: "document",
            entityId: document.id,
            customerId: customer.id,
            data: { kind: document.kind, number: document.number, currency, total: minor(total) }
          })
          return document
        })
      )
    }),

    cancelDocument: Effect.fn("Ledger.cancelDocument")(function* (documentId: number) {
      return yield* kit.mutation(
        "cancelDocument",
        { documentId },
        Document,
        Effect.gen(function* () {
          const { document } = yield* kit.lockDocument(documentId)
          if (document.state !== "issued") {
            return yield* kit.refused(
              "document",
              document.id,
              document.state,
              "cancel",
              `cannot cancel a ${document.state} document`
            )
          }
          if (document.allocated > 0n) {
            return yield* kit.refused(
              "document",
              document.id,
              document.state,
              "cancel",
              "payments are allocated to this document; remove the allocations first"
            )
          }
          const cancelled = yield* kit.saveDocument(document, { state: "cancelled" })
          if (document.kind !== "proforma") {
            yield* kit.moveBalance(document.customerId, {
              delta: document.outstanding,
              kind: "document-cancelled",
              documentId: document.id,
              description: `${document.kind} ${document.number} cancelled`
            })
          }
          yield* kit.recordEvent({
            type: "document.cancelled",
            entity: "document",
            entityId: document.id,
            customerId: document.customerId,
            data: { kind: document.kind, number: document.number, outstanding: minor(document.outstanding) }
          })
          return cancelled
        })
      )
    }),

    getDocument: Effect.fn("Ledger.getDocument")(function* (id: number) {
      return yield* kit.query("getDocument", kit.visibleDocument(id))
    }),

    listDocumentAllocations: Effect.fn("Ledger.listDocumentAllocations")(function* (documentId: number) {
      return yield* kit.query(
        "listDocumentAllocations",
        Effect.andThen(kit.visibleDocument(documentId), store.allocations.listByDocument(documentId))
      )
    }),

    getAllocation: Effect.fn("Ledger.getAllocation")(function* (id: number) {
      return yield* kit.query(
        "getAllocation",
        Effect.tap(Effect.flatMap(store.allocations.get(id), kit.found("allocation", id)), (allocation) =>
          kit.visiblePayment(allocation.paymentId)
        )
      )
    }),

    listDocuments: Effect.fn("Ledger.listDocuments")(function* (input: C.DocumentQueryInput) {
      return yield* kit.query(
        "listDocuments",
        Effect.gen(function* () {
          if (input.customerId !== undefined) yield* kit.inScope(input.customerId)
          return yield* store.documents.list({
            ...kit.paging(input),
            customerId: input.customerId,
            customerIds: scopedCustomerIds(yield* kit.principal),
            kinds: input.kinds,
            unpaidOnly: input.unpaidOnly,
            order: "id"
          })
        })
      )
    })
  }
}
