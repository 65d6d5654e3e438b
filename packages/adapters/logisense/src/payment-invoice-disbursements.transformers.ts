/**
 * The `paymentInvoiceDisbursement` child of a LogiSense Payment (an allocation of the payment to
 * an invoice), as PATCH Payment/{id} creates, updates and deletes it (`details.
 * paymentInvoiceDisbursements.items` or top-level `paymentInvoiceDisbursements.items`), and the
 * disbursement instance PATCH answers with. An update changes the ledger allocation in place
 * (`Documents.adjustAllocation`, with a `payment.allocation-adjusted` event), so the disbursement
 * keeps its identity and the client's next update of it still finds it; moving it to another
 * invoice is refused (delete it and create another). The `Detail` form's `invoiceDisbursements`
 * are built in `payment-rows.transformers.ts`.
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
import {
  doesNotExist,
  invalid,
  limitsAsValidation,
  referencesAsValidation,
  withoutInvalid
} from "./logisense.errors.ts"
import type { LogisenseDisbursementPatchItem } from "./logisense.schemas.ts"
import { toLogisenseDisbursement } from "./logisense.transformers.ts"
import { orNull, type Resolver } from "./payment-resolver.transformers.ts"
import { findRow } from "./payment-rows.transformers.ts"

type Path = ReadonlyArray<string | number>

/** One `paymentInvoiceDisbursement` PATCH item → the allocation it leaves (none for a delete). */
export const patchDisbursement = (
  resolver: Resolver,
  urlIdentity: number,
  written: LogisenseDisbursementPatchItem,
  path: Path
) =>
  Effect.gen(function* () {
    const documents = yield* Documents
    const at = (field: string) => [...path, field]
    const { body: item, issues: refused } = withoutInvalid(written, path)
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
    const existing = (identity: number | undefined, issues: Array<FieldIssue>) =>
      Effect.gen(function* () {
        if (identity === undefined) {
          if (!refused.some((issue) => issue.path[path.length] === "identity")) {
            issues.push({ path: at("identity"), message: "is required" })
          }
          return null
        }
        const owner = yield* findAllocationOwner(resolver, identity, urlIdentity, item.paymentId)
        if (owner === null) issues.push(doesNotExist(at("identity"), identity, "PaymentInvoiceDisbursement"))
        return owner
      })
    const required = (field: "invoiceId" | "amount", issues: Array<FieldIssue>) => {
      if (item[field] === undefined && !refused.some((issue) => issue.path[path.length] === field)) {
        issues.push({ path: at(field), message: "is required" })
      }
    }
    const issues: Array<FieldIssue> = [...refused]
    switch (item.patchType) {
      case "create": {
        required("invoiceId", issues)
        required("amount", issues)
        if (issues.length > 0 || item.invoiceId === undefined || item.amount === undefined)
          return yield* invalid(issues)
        const made = yield* allocate(item.paymentId ?? urlIdentity, item.invoiceId, item.amount)
        return { action: "created" as const, ...made }
      }
      case "update": {
        const owner = yield* existing(item.identity, issues)
        required("amount", issues)
        if (owner !== null && item.invoiceId !== undefined && item.invoiceId !== owner.allocation.documentId) {
          issues.push({
            path: at("invoiceId"),
            message: `cannot change (the disbursement is to invoice ${owner.allocation.documentId}); delete it and create another`
          })
        }
        if (issues.length > 0 || owner === null || item.amount === undefined) return yield* invalid(issues)
        const { allocation } = owner
        const detail = yield* limitsAsValidation(at("amount"))(
          documents.adjustAllocation({ allocationId: allocation.id, amount: item.amount })
        )
        const adjusted = detail.allocations.find((candidate) => candidate.id === allocation.id)
        if (adjusted === undefined) return yield* Effect.die(new Error("the adjusted allocation is missing"))
        return { action: "updated" as const, detail, allocation: adjusted }
      }
      case "delete": {
        const owner = yield* existing(item.identity, issues)
        if (issues.length > 0 || owner === null) return yield* invalid(issues)
        const detail = yield* documents.deallocate({ allocationId: owner.allocation.id })
        return { action: "deleted" as const, detail, allocation: owner.allocation }
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
