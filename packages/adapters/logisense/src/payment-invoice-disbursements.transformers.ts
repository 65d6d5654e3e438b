/**
 * The `paymentInvoiceDisbursement` child of a LogiSense Payment (an allocation of the payment to
 * an invoice), as PATCH Payment/{id} creates, updates and deletes it (`details.
 * paymentInvoiceDisbursements.items` or top-level `paymentInvoiceDisbursements.items`), and the
 * disbursement instance PATCH answers with. An update re-allocates, so the disbursement gets a new
 * identity. The `Detail` form's `invoiceDisbursements` are built in `payment-rows.transformers.ts`.
 */
import {
  type Allocation,
  type CommandContext,
  type DocumentId,
  Documents,
  type FieldIssue,
  type LedgerError,
  type LedgerServices,
  type PaymentDetail
} from "@paybridge/core"
import { Effect } from "effect"
import { doesNotExist, invalid, limitsAsValidation, referencesAsValidation } from "./logisense.errors.ts"
import type { LogisenseDisbursementPatchItem } from "./logisense.schemas.ts"
import { toLogisenseDisbursement } from "./logisense.transformers.ts"
import { findRow, orNull, type Resolver } from "./payment-rows.transformers.ts"

type Path = ReadonlyArray<string | number>

/** One `paymentInvoiceDisbursement` PATCH item → the allocation it leaves (none for a delete). */
export const patchDisbursement = (
  resolver: Resolver,
  urlIdentity: number,
  item: LogisenseDisbursementPatchItem,
  path: Path
) =>
  Effect.gen(function* () {
    const documents = yield* Documents
    const at = (field: string) => [...path, field]
    const allocate = (paymentId: number, documentId: DocumentId, amount: string) =>
      Effect.gen(function* () {
        const found = yield* Effect.catchTag(findRow(resolver, paymentId), "NotFound", () =>
          Effect.fail(invalid([doesNotExist(at("paymentId"), paymentId, "Payment")]))
        )
        const before = found.detail.allocations
        const after = yield* limitsAsValidation(at("amount"))(
          referencesAsValidation(at("invoiceId"))(
            documents.allocatePayment({ paymentId: found.detail.payment.id, allocations: [{ documentId, amount }] })
          )
        )
        const known = new Set(before.map((allocation) => allocation.id))
        const created = after.allocations.find((allocation) => !known.has(allocation.id))
        if (created === undefined) return yield* Effect.die(new Error("the allocation just made is missing"))
        return { detail: after, allocation: created }
      })
    const existing = (identity: number | undefined) =>
      Effect.gen(function* () {
        if (identity === undefined) return yield* invalid([{ path: at("identity"), message: "is required" }])
        const owner = yield* findAllocationOwner(resolver, identity, urlIdentity, item.paymentId)
        if (owner === null)
          return yield* invalid([doesNotExist(at("identity"), identity, "PaymentInvoiceDisbursement")])
        return owner
      })
    switch (item.patchType) {
      case "create": {
        const issues: Array<FieldIssue> = []
        if (item.invoiceId === undefined) issues.push({ path: at("invoiceId"), message: "is required" })
        if (item.amount === undefined) issues.push({ path: at("amount"), message: "is required" })
        if (issues.length > 0 || item.invoiceId === undefined || item.amount === undefined)
          return yield* invalid(issues)
        const made = yield* allocate(item.paymentId ?? urlIdentity, item.invoiceId, item.amount)
        return { action: "created" as const, ...made }
      }
      case "update": {
        const { allocation } = yield* existing(item.identity)
        if (item.amount === undefined) return yield* invalid([{ path: at("amount"), message: "is required" }])
        yield* documents.deallocate({ allocationId: allocation.id })
        const made = yield* allocate(allocation.paymentId, item.invoiceId ?? allocation.documentId, item.amount)
        return { action: "updated" as const, ...made }
      }
      case "delete": {
        const { allocation } = yield* existing(item.identity)
        const detail = yield* documents.deallocate({ allocationId: allocation.id })
        return { action: "deleted" as const, detail, allocation }
      }
    }
  })

const findAllocationOwner = (
  resolver: Resolver,
  allocationId: number,
  urlIdentity: number,
  paymentId: number | undefined
): Effect.Effect<
  { allocation: Allocation; detail: PaymentDetail } | null,
  LedgerError,
  LedgerServices | CommandContext
> =>
  Effect.gen(function* () {
    const owner = paymentId ?? urlIdentity
    const found = yield* orNull(findRow(resolver, owner))
    if (found === null || found.kind !== "payment") return null
    const allocation = found.detail.allocations.find((candidate) => candidate.id === allocationId)
    return allocation === undefined ? null : { allocation, detail: found.detail }
  })

/** A disbursement as LogiSense shows it, for PATCH results. */
export const disbursementInstance = (resolver: Resolver, detail: PaymentDetail, allocation: Allocation) =>
  Effect.gen(function* () {
    const customer = yield* resolver.customer(detail.payment.customerId)
    const ownerCurrency = yield* resolver.ownerCurrency(detail.payment, customer)
    const extras = yield* resolver.extras("payment", detail.payment.id)
    return toLogisenseDisbursement(allocation, detail.payment, yield* resolver.documentName(allocation.documentId), {
      ownerCurrency,
      extras
    })
  })
