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
  type RowExtras,
  toLogisenseDisbursement,
  toLogisensePayment,
  toLogisenseReversal,
  type VendorReferenceField,
  vendorReferenceFields
} from "./logisense.transformers.ts"
import {
  type Actor,
  type Lookups,
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

/** What a row is built from besides the payment: its allocations, whose vendor attributes, who made it. */
interface RowSource {
  readonly allocations: ReadonlyArray<Allocation> | null
  readonly extrasOf: { readonly kind: "payment" | "reversal"; readonly id: number }
  readonly creator: {
    readonly now: (known: Lookups) => Actor | null | undefined
    /** Built only when the row must read (a row built from what is held never makes this Effect). */
    readonly read: () => Read<Actor | null>
  }
}

const paymentSource = (
  resolver: Resolver,
  payment: Payment,
  allocations: ReadonlyArray<Allocation> | null
): RowSource => ({
  allocations,
  extrasOf: { kind: "payment", id: payment.id },
  creator: { now: (known) => known.createdBy(payment), read: () => resolver.createdBy(payment) }
})

const reversalSource = (resolver: Resolver, payment: Payment, reversal: Reversal): RowSource => ({
  allocations: null,
  extrasOf: { kind: "reversal", id: reversal.id },
  creator: {
    now: (known) => known.reversedBy(payment, reversal.id),
    read: () => resolver.reversedBy(payment, reversal.id)
  }
})

/** A reversal row shows its payment's references (card type…) unless it has its own, `isManual`, `noBaseAmount`. */
const rowExtras = (own: RowExtras, ofPayment: RowExtras | null): RowExtras => {
  if (ofPayment === null) return { ...own, references: { ...own.references } }
  const { paymentTransactionId: _transaction, ...inheritable } = ofPayment.references
  return {
    ...own,
    references: { ...inheritable, ...own.references },
    isManual: own.isManual ?? ofPayment.isManual ?? null,
    noBaseAmount: own.noBaseAmount || ofPayment.noBaseAmount
  }
}

/**
 * A row's context from what the resolver already holds (`Lookups`), with no Effect; `undefined`
 * when something it names has not been looked up yet (`rowContext` then reads it first).
 */
const contextNow = (known: Lookups, payment: Payment, level: RowLevel, source: RowSource): RowContext | undefined => {
  const customer = known.customer(payment.customerId)
  if (customer === undefined) return undefined
  const ownerCurrency = known.ownerCurrency(payment, customer)
  const typeName = known.presetName("type", payment.typeId)
  const methodName = known.presetName("method", payment.methodId)
  if (ownerCurrency === undefined || typeName === undefined || methodName === undefined) return undefined
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
  const invoiceRef = source.allocations === null ? null : firstInvoice(source.allocations)
  const invoiceName = invoiceRef === null ? null : known.documentName(invoiceRef.id)
  if (invoiceName === undefined) return undefined
  const own = known.extras(source.extrasOf.kind, source.extrasOf.id)
  const ofPayment = source.extrasOf.kind === "reversal" ? known.extras("payment", payment.id) : null
  if (own === undefined || ofPayment === undefined) return undefined
  const extras = rowExtras(own, ofPayment)
  const referenceNames: Partial<Record<VendorReferenceField, string | null>> = {}
  for (const field of vendorReferenceFields) {
    const id = extras.references[field]
    if (id === undefined || id === null) continue
    const name = known.referenceName(field, id)
    if (name === undefined) return undefined
    referenceNames[field] = name
  }
  const createdBy = source.creator.now(known)
  if (createdBy === undefined) return undefined
  return {
    customer,
    ownerCurrency,
    typeName,
    methodName,
    invoice: invoiceRef === null ? null : { ...invoiceRef, name: invoiceName },
    createdBy,
    extras,
    referenceNames
  }
}

/** Reads (once each, through the resolver) everything `contextNow` needs for this row. */
const loadContext = (resolver: Resolver, payment: Payment, level: RowLevel, source: RowSource): Read<void> =>
  Effect.gen(function* () {
    const customer = yield* resolver.customer(payment.customerId)
    yield* resolver.ownerCurrency(payment, customer)
    yield* resolver.presetName("type", payment.typeId)
    yield* resolver.presetName("method", payment.methodId)
    if (level === "cheap") return
    const invoiceRef = source.allocations === null ? null : firstInvoice(source.allocations)
    if (invoiceRef !== null) yield* resolver.documentName(invoiceRef.id)
    const own = yield* resolver.extras(source.extrasOf.kind, source.extrasOf.id)
    const ofPayment = source.extrasOf.kind === "reversal" ? yield* resolver.extras("payment", payment.id) : null
    const extras = rowExtras(own, ofPayment)
    for (const field of vendorReferenceFields) {
      const id = extras.references[field]
      if (id !== undefined && id !== null) yield* resolver.referenceName(field, id)
    }
    yield* source.creator.read()
  })

/** A row's context: from what the resolver holds, else after reading what is missing. */
const rowContext = (resolver: Resolver, payment: Payment, level: RowLevel, source: RowSource): Read<RowContext> =>
  Effect.suspend(() => {
    const now = contextNow(resolver.known, payment, level, source)
    if (now !== undefined) return Effect.succeed(now)
    return Effect.flatMap(loadContext(resolver, payment, level, source), () => {
      const loaded = contextNow(resolver.known, payment, level, source)
      return loaded === undefined
        ? Effect.die(new Error(`LogiSense row ${payment.id}: a look-up was read but not kept`))
        : Effect.succeed(loaded)
    })
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

/** A payment's allocations when known without reading (`undefined`: they must be read). */
const allocationsNow = (payment: Payment, detail: PaymentDetail | null): ReadonlyArray<Allocation> | undefined =>
  detail !== null ? detail.allocations : payment.allocatedAmount === 0n ? [] : undefined

/**
 * A payment's row from what the resolver already holds, with no Effect (lists build their pages
 * this way); `undefined` when something must be read first (`paymentRow` does that).
 */
export const paymentRowNow = (
  resolver: Resolver,
  payment: Payment,
  level: RowLevel = "full",
  detail: PaymentDetail | null = null
): LogisenseRow | undefined => {
  const allocations = level === "full" ? allocationsNow(payment, detail) : null
  if (allocations === undefined) return undefined
  const context = contextNow(resolver.known, payment, level, paymentSource(resolver, payment, allocations))
  return context === undefined ? undefined : toLogisensePayment(payment, context)
}

export const paymentRow = (
  resolver: Resolver,
  payment: Payment,
  level: RowLevel = "full",
  detail: PaymentDetail | null = null
): Read<LogisenseRow> =>
  Effect.suspend(() => {
    const now = paymentRowNow(resolver, payment, level, detail)
    if (now !== undefined) return Effect.succeed(now)
    return Effect.gen(function* () {
      const allocations = level === "full" ? yield* allocationsOf(payment, detail) : null
      const context = yield* rowContext(resolver, payment, level, paymentSource(resolver, payment, allocations))
      return toLogisensePayment(payment, context)
    })
  })

/** A reversal row from what the resolver already holds (see `paymentRowNow`). */
export const reversalRowNow = (
  resolver: Resolver,
  payment: Payment,
  reversal: Reversal,
  level: RowLevel = "full"
): LogisenseRow | undefined => {
  const context = contextNow(resolver.known, payment, level, reversalSource(resolver, payment, reversal))
  return context === undefined ? undefined : toLogisenseReversal(payment, reversal, context)
}

export const reversalRow = (
  resolver: Resolver,
  payment: Payment,
  reversal: Reversal,
  level: RowLevel = "full"
): Read<LogisenseRow> =>
  Effect.map(rowContext(resolver, payment, level, reversalSource(resolver, payment, reversal)), (context) =>
    toLogisenseReversal(payment, reversal, context)
  )

/** The reversals LogiSense shows as rows: those not reinstated. */
export const activeReversals = (detail: PaymentDetail): ReadonlyArray<Reversal> =>
  detail.reversals.filter((reversal) => reversal.reinstatedAt === null)

/** The `Detail` form from what the resolver already holds (see `paymentRowNow`). */
export const paymentDetailRowNow = (resolver: Resolver, detail: PaymentDetail): Record<string, unknown> | undefined => {
  const { known } = resolver
  const row = paymentRowNow(resolver, detail.payment, "full", detail)
  const customer = known.customer(detail.payment.customerId)
  const ownerCurrency = customer === undefined ? undefined : known.ownerCurrency(detail.payment, customer)
  const extras = known.extras("payment", detail.payment.id)
  if (row === undefined || ownerCurrency === undefined || extras === undefined) return undefined
  const invoiceDisbursements: Array<ReturnType<typeof toLogisenseDisbursement>> = []
  for (const allocation of detail.allocations) {
    const name = known.documentName(allocation.documentId)
    if (name === undefined) return undefined
    invoiceDisbursements.push(toLogisenseDisbursement(allocation, detail.payment, name, { ownerCurrency, extras }))
  }
  const paymentReversals: Array<LogisenseRow> = []
  for (const reversal of activeReversals(detail)) {
    const reversalRowShown = reversalRowNow(resolver, detail.payment, reversal)
    if (reversalRowShown === undefined) return undefined
    paymentReversals.push(reversalRowShown)
  }
  return { ...row, details: { invoiceDisbursements, paymentReversals } }
}

/** The `Detail` form: the row plus `details.invoiceDisbursements` and `details.paymentReversals`. */
export const paymentDetailRow = (resolver: Resolver, detail: PaymentDetail): Read<Record<string, unknown>> =>
  Effect.suspend(() => {
    const now = paymentDetailRowNow(resolver, detail)
    return now !== undefined ? Effect.succeed(now) : paymentDetailRowRead(resolver, detail)
  })

const paymentDetailRowRead = (resolver: Resolver, detail: PaymentDetail): Read<Record<string, unknown>> =>
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
