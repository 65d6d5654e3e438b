/**
 * Reading LogiSense Payment rows from the ledger, over the per-request resolver
 * (`payment-resolver.transformers.ts`): finding a row by identity with the dialect's visibility
 * rules (rejected and cancelled payments, payments deleted through LogiSense and reinstated
 * reversals are gone, as they would be at the vendor), and building a row, a reversal row or the
 * `Detail` form with disbursements and reversal rows. Every Payment endpoint file reads through
 * here, and so does the admin console's view (`renderPaymentDetail`).
 */

import { paymentViewByVendorId } from "@paybridge/adapter-kit"
import {
  type Allocation,
  Balances,
  DialectRecords,
  type LedgerEvent,
  type Page,
  type Payment,
  type PaymentDetail,
  type PaymentId,
  Payments,
  type Reversal,
  type ReversalId
} from "@paybridge/core"
import { Effect } from "effect"
import { paymentNotFound } from "./logisense.errors.ts"
import {
  dialectName,
  emptyExtras,
  identityTarget,
  type LogisenseRow,
  paymentStateVisibility,
  type RowContext,
  toLogisenseDisbursement,
  toLogisensePayment,
  toLogisenseReversal,
  type VendorReferenceField,
  vendorReferenceFields
} from "./logisense.transformers.ts"
import {
  makeResolver,
  orNull,
  type Read,
  type Resolver,
  recordKinds,
  rowViewInclude
} from "./payment-resolver.transformers.ts"

/** How much of a row to resolve: `full` rows carry every name; `cheap` rows skip per-row lookups. */
export type RowLevel = "full" | "cheap"

const firstInvoice = (allocations: ReadonlyArray<Allocation>) => {
  const first = [...allocations].sort((a, b) => a.id - b.id)[0]
  if (first === undefined) return null
  const amount = allocations
    .filter((allocation) => allocation.documentId === first.documentId)
    .reduce((sum, allocation) => sum + allocation.amount, 0n)
  return { id: first.documentId, amount }
}

const rowContext = (
  resolver: Resolver,
  payment: Payment,
  level: RowLevel,
  options: {
    readonly allocations: ReadonlyArray<Allocation> | null
    readonly extrasOf: { readonly kind: "payment" | "reversal"; readonly id: number }
    readonly creator: Read<{ id: number; name: string } | null>
  }
): Read<RowContext> =>
  Effect.gen(function* () {
    const customer = yield* resolver.customer(payment.customerId)
    const ownerCurrency = yield* resolver.ownerCurrency(payment, customer)
    const typeName = yield* resolver.presetName("type", payment.typeId)
    const methodName = yield* resolver.presetName("method", payment.methodId)
    if (level === "cheap") {
      return {
        customer,
        ownerCurrency,
        typeName,
        methodName,
        invoice: null,
        createdBy: null,
        extras: emptyExtras,
        referenceNames: {}
      }
    }
    const invoiceRef = options.allocations === null ? null : firstInvoice(options.allocations)
    const invoice = invoiceRef === null ? null : { ...invoiceRef, name: yield* resolver.documentName(invoiceRef.id) }
    const own = yield* resolver.extras(options.extrasOf.kind, options.extrasOf.id)
    // A reversal row shows its payment's references (card type…) unless it has its own, `isManual`, `noBaseAmount`.
    const ofPayment = options.extrasOf.kind === "reversal" ? yield* resolver.extras("payment", payment.id) : null
    const { paymentTransactionId: _transaction, ...inheritable } = ofPayment?.references ?? {}
    const extras = {
      ...own,
      references: { ...inheritable, ...own.references },
      isManual: own.isManual ?? ofPayment?.isManual ?? null,
      noBaseAmount: own.noBaseAmount || (ofPayment?.noBaseAmount ?? false)
    }
    const referenceNames: Partial<Record<VendorReferenceField, string | null>> = {}
    for (const field of vendorReferenceFields) {
      const id = extras.references[field]
      if (id !== undefined && id !== null) referenceNames[field] = yield* resolver.referenceName(field, id)
    }
    return {
      customer,
      ownerCurrency,
      typeName,
      methodName,
      invoice,
      createdBy: yield* options.creator,
      extras,
      referenceNames
    }
  })

/** A payment's allocations, fetched only when it has any. */
const allocationsOf = (payment: Payment, detail: PaymentDetail | null): Read<ReadonlyArray<Allocation>> =>
  detail !== null
    ? Effect.succeed(detail.allocations)
    : payment.allocatedAmount === 0n
      ? Effect.succeed([])
      : Effect.flatMap(Payments, (payments) =>
          Effect.map(payments.getPayment({ id: payment.id }), (fresh) => fresh.allocations)
        )

export const paymentRow = (
  resolver: Resolver,
  payment: Payment,
  level: RowLevel = "full",
  detail: PaymentDetail | null = null
): Read<LogisenseRow> =>
  Effect.gen(function* () {
    const allocations = level === "full" ? yield* allocationsOf(payment, detail) : null
    const context = yield* rowContext(resolver, payment, level, {
      allocations,
      extrasOf: { kind: "payment", id: payment.id },
      creator: resolver.createdBy(payment)
    })
    return toLogisensePayment(payment, context)
  })

export const reversalRow = (
  resolver: Resolver,
  payment: Payment,
  reversal: Reversal,
  level: RowLevel = "full"
): Read<LogisenseRow> =>
  Effect.map(
    rowContext(resolver, payment, level, {
      allocations: null,
      extrasOf: { kind: "reversal", id: reversal.id },
      creator: resolver.reversedBy(payment, reversal.id)
    }),
    (context) => toLogisenseReversal(payment, reversal, context)
  )

/** The reversals LogiSense shows as rows: those not reinstated. */
export const activeReversals = (detail: PaymentDetail): ReadonlyArray<Reversal> =>
  detail.reversals.filter((reversal) => reversal.reinstatedAt === null)

/** The `Detail` form: the row plus `details.invoiceDisbursements` and `details.paymentReversals`. */
export const paymentDetailRow = (resolver: Resolver, detail: PaymentDetail): Read<Record<string, unknown>> =>
  Effect.gen(function* () {
    const row = yield* paymentRow(resolver, detail.payment, "full", detail)
    const customer = yield* resolver.customer(detail.payment.customerId)
    const ownerCurrency = yield* resolver.ownerCurrency(detail.payment, customer)
    const extras = yield* resolver.extras("payment", detail.payment.id)
    const invoiceDisbursements = yield* Effect.forEach(detail.allocations, (allocation) =>
      Effect.map(resolver.documentName(allocation.documentId), (name) =>
        toLogisenseDisbursement(allocation, detail.payment, name, { ownerCurrency, extras })
      )
    )
    const paymentReversals = yield* Effect.forEach(activeReversals(detail), (reversal) =>
      reversalRow(resolver, detail.payment, reversal)
    )
    return { ...row, details: { invoiceDisbursements, paymentReversals } }
  })

/** What an identity resolved to, after the visibility rules. */
export type FoundRow =
  | { readonly kind: "payment"; readonly detail: PaymentDetail }
  | { readonly kind: "reversal"; readonly detail: PaymentDetail; readonly reversal: Reversal }

/** Is this ledger payment a LogiSense Payment (visible, not deleted through LogiSense)? */
export const isVisiblePayment = (resolver: Resolver, payment: Payment): Read<boolean> =>
  paymentStateVisibility[payment.state].visible
    ? Effect.map(resolver.isDeleted(payment.id), (deleted) => !deleted)
    : Effect.succeed(false)

/** The payment or reversal row behind an identity; `NotFound` when LogiSense would not show it. */
export const findRow = (resolver: Resolver, identity: number): Read<FoundRow> =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const dialectRecords = yield* DialectRecords
    const target = identityTarget(identity)
    if (target.kind === "payment") {
      // A payment migrated from LogiSense answers its LogiSense identity (issue 16.2).
      // The payment and what its row shows come in one read.
      const view = yield* Effect.catchTag(
        paymentViewByVendorId(dialectName, String(identity), target.paymentId, rowViewInclude),
        "NotFound",
        () => Effect.fail(paymentNotFound(identity))
      )
      resolver.seedView(view)
      const detail = view.detail
      if (!(yield* isVisiblePayment(resolver, detail.payment))) return yield* paymentNotFound(identity)
      return { kind: "payment", detail }
    }
    const record = yield* orNull(
      dialectRecords.getDialectRecord({
        dialect: dialectName,
        kind: recordKinds.reversal,
        key: String(target.reversalId)
      })
    )
    const owner = record?.paymentId ?? null
    const detail = owner === null ? null : yield* orNull(payments.getPayment({ id: owner }))
    const found = yield* findReversal(resolver, detail, target.reversalId)
    if (found === null) return yield* paymentNotFound(identity)
    return found
  })

/**
 * A reversal's payment: reversals booked through LogiSense have a `reversal` dialect record
 * naming their payment; others are found through the `payment.reversed` event of the ledger.
 */
const findReversal = (resolver: Resolver, known: PaymentDetail | null, reversalId: ReversalId): Read<FoundRow | null> =>
  Effect.gen(function* () {
    const balances = yield* Balances
    const payments = yield* Payments
    let detail = known
    if (detail === null) {
      let paymentId: PaymentId | null = null
      let cursor: string | null = null
      do {
        const page: Page<LedgerEvent> = yield* balances.listEvents({ types: ["payment.reversed"], cursor, limit: 1000 })
        paymentId = page.items.find((candidate) => candidate.data.reversalId === reversalId)?.paymentId ?? null
        cursor = paymentId === null ? page.nextCursor : null
      } while (cursor !== null)
      if (paymentId === null) return null
      detail = yield* orNull(payments.getPayment({ id: paymentId }))
      if (detail === null) return null
    }
    const reversal = activeReversals(detail).find((candidate) => candidate.id === reversalId)
    if (reversal === undefined || !(yield* isVisiblePayment(resolver, detail.payment))) return null
    return { kind: "reversal", detail, reversal }
  })

/** The admin console's view: the body of `GET Payment/{id}/Detail` (a fresh tracking id each time). */
export const renderPaymentDetail = (detail: PaymentDetail) =>
  Effect.gen(function* () {
    const resolver = yield* makeResolver
    return { trackingId: crypto.randomUUID(), instance: yield* paymentDetailRow(resolver, detail) }
  })
