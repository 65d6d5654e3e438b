/**
 * Billing Platform (UK) payment rows in the ledger, shared by the `payments` and
 * `customer-payments` resources: reading one row (a payment, the reversed part `N-R` of a partly
 * reversed payment, or a refund shown as a negative payment `R<n>`) as the vendor's payment object,
 * listing rows for a list query in their one sequence (the order they were made, which `idAfter`
 * pages) without a read per row, saving the row attributes the ledger has no field for
 * (display invoice ids, a refund row's details), reversing and reinstating a payment, and running
 * a create or modify request as one all-or-nothing unit that replays which row it touched.
 */
import { paymentAloneByVendorId, paymentViewByVendorId } from "@paybridge/adapter-kit"
import {
  type CommandContext,
  type Customer,
  type CustomerId,
  DialectRecords,
  type LedgerError,
  type LedgerServices,
  LedgerUnits,
  NotFound,
  notFound,
  type PaymentDetail,
  PaymentId,
  type PaymentPage,
  Payments,
  RefundId,
  type RefundPage,
  Refunds
} from "@paybridge/core"
import { Effect, Option, Schema } from "effect"
import { type BpukListQuery, type BpukPayment, ledgerIdOf } from "./billing-platform-uk.schemas.ts"
import {
  allPages,
  compareRowKeys,
  defaultStatusPresets,
  dialectId,
  type EventFilter,
  eventFilters,
  idAfterOf,
  isPartlyReversed,
  isWhollyReversed,
  loadMethodContext,
  loadRenderContext,
  type MethodContext,
  type PaymentDisplay,
  type PaymentRowSource,
  paymentDisplayFrom,
  paymentOnlyFilter,
  paymentRowKey,
  type RefundDetails,
  type RenderContext,
  type RowSequenceKey,
  readRecordData,
  recordKey,
  recordKinds,
  refundDetailsFrom,
  refundMatches,
  refundRowKey,
  renderContextWith,
  rowSourceOf,
  type StatusPresets,
  statusesOf,
  statusPresetsFrom,
  statusPresetsRecord,
  toBpukPayment,
  toBpukRefundRow,
  toBpukReversedPart,
  toPaymentQuery,
  visiblePaymentStates,
  visibleRefundStates
} from "./billing-platform-uk.transformers.ts"

/** What a create or modify unit stores for replays: which row it made or changed. */
export const RowRef = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("payment"), id: PaymentId }),
  Schema.Struct({ kind: Schema.Literal("refund"), id: RefundId })
])
export type RowRef = typeof RowRef.Type

/**
 * A request made of several ledger commands, run as one all-or-nothing unit: the request's
 * idempotency key is claimed once for the whole unit, and a retry replays which row it touched.
 */
export const asOneUnit = (
  operation: string,
  input: unknown,
  work: Effect.Effect<RowRef, LedgerError, LedgerServices | CommandContext>
) =>
  LedgerUnits.use((ledgerUnits) =>
    ledgerUnits.atomically({ operation: `${dialectId}:${operation}`, input, result: RowRef }, work)
  )

/** The current wire form of a row a unit touched. */
export const renderRow = (row: RowRef) =>
  Effect.gen(function* () {
    return row.kind === "refund" ? yield* readRefundRow(row.id) : yield* readPayment(row.id)
  })

/** A payment's display invoice ids (none saved → both `null`). */
export const displayOf = (paymentId: PaymentId) =>
  Effect.map(readRecordData(recordKinds.paymentDisplay, String(paymentId)), paymentDisplayFrom)

/** A payment this dialect shows (cancelled = deleted, rejected = never valid → NotFound). */
export const visibleDetail = (id: PaymentId) =>
  Effect.flatMap(
    Payments.use((payments) => payments.getPayment({ id })),
    (detail) => ensureVisible(detail, id)
  )

/** `detail` when this dialect shows it (cancelled = deleted, rejected = never valid → NotFound naming `id`). */
const ensureVisible = (detail: PaymentDetail, id: PaymentId | string) =>
  Effect.gen(function* () {
    const state = detail.payment.state
    if (!visiblePaymentStates[state]) {
      return yield* new NotFound({
        entity: "payment",
        id: String(id),
        message:
          state === "cancelled" ? `Payment ${id} was deleted` : `Payment ${id} was ${state} and is not a valid payment`
      })
    }
    return detail
  })

const renderPayment = (
  detail: Pick<PaymentDetail, "payment" | "collections">,
  context: RenderContext,
  display: PaymentDisplay
) => toBpukPayment(rowSourceOf(detail), { presets: context.presets, methodName: context.methodName, display })

/**
 * A payment's row from the detail a create just returned, with the display ids it saved, when the
 * row shows no status (posted, never collected, not reversed: no status name is needed, and the
 * detail is what a read would find); `null` otherwise (the caller reads the row).
 */
export const rowAsCreated = (detail: PaymentDetail, context: MethodContext, display: PaymentDisplay) =>
  detail.payment.state === "posted" &&
  detail.payment.reversedAmount === 0n &&
  statusesOf(rowSourceOf(detail), defaultStatusPresets).length === 0
    ? toBpukPayment(rowSourceOf(detail), { presets: defaultStatusPresets, methodName: context.methodName, display })
    : null

export const readPayment = (id: PaymentId) =>
  Effect.gen(function* () {
    const detail = yield* visibleDetail(id)
    return renderPayment(detail, yield* loadRenderContext, yield* displayOf(id))
  })

/**
 * A payment by the id in its path (its Billing Platform (UK) id when migrated from it, else the
 * ledger's; issue 16.2) as GET shows it: the payment, its children, its display record and the
 * status names come in one read; the method presets from the presets cache.
 */
export const readPaymentByPathId = (text: string) =>
  Effect.gen(function* () {
    const view = yield* paymentViewByVendorId(dialectId, text, ledgerIdOf(PaymentId, text), {
      records: [statusPresetsRecord],
      keyedRecords: [{ dialect: dialectId, kind: recordKinds.paymentDisplay, key: "payment-id" }]
    }).pipe(Effect.catchTag("NotFound", () => Effect.fail(notFound("payment", text))))
    const { detail } = view
    yield* ensureVisible(detail, detail.payment.id)
    const dataOf = (kind: string, key: string) =>
      view.records.find((record) => record.kind === kind && record.key === key)?.data ?? null
    const context = yield* renderContextWith(dataOf(statusPresetsRecord.kind, statusPresetsRecord.key))
    return renderPayment(
      detail,
      context,
      paymentDisplayFrom(dataOf(recordKinds.paymentDisplay, String(detail.payment.id)))
    )
  })

/** The reversed part `N-R` of a partly reversed payment (any other payment has none → NotFound). */
export const readReversedPart = (id: PaymentId) =>
  Effect.gen(function* () {
    const detail = yield* visibleDetail(id)
    if (!isPartlyReversed(detail.payment)) {
      return yield* new NotFound({
        entity: "payment",
        id: `${id}-R`,
        message: `Payment ${id} has no partly reversed amount, so there is no row ${id}-R`
      })
    }
    const context = yield* loadRenderContext
    return toBpukReversedPart(rowSourceOf(detail), {
      presets: context.presets,
      methodName: context.methodName,
      display: yield* displayOf(id)
    })
  })

/** A refund row's saved details (none saved → all `null`). */
export const refundDetailsOf = (refundId: RefundId) =>
  Effect.map(readRecordData(recordKinds.refundDetails, String(refundId)), refundDetailsFrom)

/** A refund row this dialect shows (cancelled or failed refunds took no money → NotFound). */
export const visibleRefund = (id: RefundId) =>
  Effect.gen(function* () {
    const refund = yield* Refunds.use((refunds) => refunds.getRefund(id))
    if (!visibleRefundStates[refund.state]) {
      return yield* new NotFound({
        entity: "payment",
        id: `R${id}`,
        message: `Payment R${id} (a refund) was ${refund.state === "cancelled" ? "deleted" : refund.state}`
      })
    }
    return refund
  })

export const readRefundRow = (id: RefundId) =>
  Effect.gen(function* () {
    const refund = yield* visibleRefund(id)
    return toBpukRefundRow(refund, yield* refundDetailsOf(id))
  })

/** Saves a payment's display invoice ids (dialect record `payment-display/<payment id>`). */
export const saveDisplay = (paymentId: PaymentId, customerId: CustomerId, display: PaymentDisplay) =>
  DialectRecords.use((dialectRecords) =>
    dialectRecords.saveDialectRecord({
      ...recordKey(recordKinds.paymentDisplay, String(paymentId)),
      customerId,
      paymentId,
      data: { invoiceID: display.invoiceID, invoiceIDReversed: display.invoiceIDReversed }
    })
  )

/** Saves a refund row's details (dialect record `refund-details/<refund id>`). */
export const saveRefundDetails = (
  refundId: RefundId,
  customerId: CustomerId,
  paymentId: PaymentId | null,
  details: RefundDetails
) =>
  DialectRecords.use((dialectRecords) =>
    dialectRecords.saveDialectRecord({
      ...recordKey(recordKinds.refundDetails, String(refundId)),
      customerId,
      paymentId,
      data: { ...details }
    })
  )

// ---------------------------------------------------------------------------------------------
// Reversal and reinstatement

export type ReversalIntent =
  | { readonly kind: "reverse"; readonly date: string | undefined }
  | { readonly kind: "reinstate" }

const reinstateAll = (detail: PaymentDetail) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const active = detail.reversals.filter((reversal) => reversal.reinstatedAt === null)
    for (const reversal of active) {
      yield* payments.reinstateReversal({ paymentId: detail.payment.id, reversalId: reversal.id })
    }
  })

export const applyReversal = (detail: PaymentDetail, intent: ReversalIntent) =>
  Effect.gen(function* () {
    const payments = yield* Payments
    const reversed = detail.payment.reversedAmount > 0n
    if (intent.kind === "reinstate") {
      if (reversed) yield* reinstateAll(detail)
      return
    }
    // A partly reversed payment: reversing it reverses what still stands.
    if (reversed && !isWhollyReversed(detail.payment)) {
      return yield* payments.reversePayment({
        paymentId: detail.payment.id,
        ...(intent.date === undefined ? {} : { effectiveDate: intent.date })
      })
    }
    if (reversed) {
      if (intent.date === undefined || intent.date === detail.payment.reversalDate) return
      // A new reversal date moves the reversal: reinstated, then reversed again on that date.
      yield* reinstateAll(detail)
    }
    yield* payments.reversePayment({
      paymentId: detail.payment.id,
      ...(intent.date === undefined ? {} : { effectiveDate: intent.date })
    })
  })

// ---------------------------------------------------------------------------------------------
// Lists

/**
 * Where `idAfter` starts in the one sequence of rows: the sequence key of the row it names (any
 * customer's: ids are global; a migrated payment's vendor id names that payment), `null` for `0`,
 * `undefined` for no bound. A payment id the ledger never issued sits where its number falls: before
 * the first payment with a higher id.
 */
const idAfterKey = (query: BpukListQuery) =>
  Effect.gen(function* () {
    const idAfter = idAfterOf(query.idAfter)
    if (idAfter === null) return undefined
    if (idAfter.id === 0) return null
    if (idAfter.kind === "refund") {
      const refundId = ledgerIdOf(RefundId, String(idAfter.id))
      const refund =
        refundId === null ? Option.none() : yield* Effect.option(Refunds.use((refunds) => refunds.getRefund(refundId)))
      return Option.isSome(refund)
        ? refundRowKey(refund.value)
        : ({ at: Number.MAX_SAFE_INTEGER, rank: 2, id: 0 } as const)
    }
    const paymentId = ledgerIdOf(PaymentId, String(idAfter.id))
    // The payment the id names on this dialect: a migrated payment's vendor id first (issue 16.3); only its own
    // columns (id, creation time) place the bound, so its children (a reversal …) are not read.
    const payment = yield* Effect.option(paymentAloneByVendorId(dialectId, String(idAfter.id), paymentId))
    if (Option.isSome(payment)) return paymentRowKey(payment.value, idAfter.kind)
    if (paymentId === null) return { at: Number.MAX_SAFE_INTEGER, rank: 2, id: 0 } as const
    const next = yield* Payments.use((payments) => payments.listPayments({ idAfter: paymentId, order: "id", limit: 1 }))
    const first = next.items[0]
    return first === undefined
      ? ({ at: Number.MAX_SAFE_INTEGER, rank: 2, id: 0 } as const)
      : ({ at: first.createdAt.getTime() - 1, rank: 2, id: 0 } as const)
  })

/** Does a row with this shown reversal date pass the reversal filters of the query? */
const reversalMatches = (paymentReversedDate: string | null, query: BpukListQuery): boolean => {
  if (query.reversed === true && paymentReversedDate === null) return false
  if (query.reversed !== true && query.includeReversed !== true) {
    const asksForReversals =
      query.minReversedDate !== undefined || query.maxReversedDate !== undefined || query.reversedSince !== undefined
    if (!asksForReversals && paymentReversedDate !== null) return false
  }
  if (
    query.minReversedDate !== undefined &&
    (paymentReversedDate === null || paymentReversedDate < query.minReversedDate)
  )
    return false
  if (
    query.maxReversedDate !== undefined &&
    (paymentReversedDate === null || paymentReversedDate > query.maxReversedDate)
  )
    return false
  return true
}

/** A payment's display record and the status-presets record, read with each row of a list's page. */
const listAnnex = {
  record: { dialect: dialectId, kind: recordKinds.paymentDisplay },
  latestCollection: true,
  settings: statusPresetsRecord
} as const

/**
 * Every row of a list query, of one customer or of all, in the one sequence `idAfter` pages:
 * payment rows (a partly reversed payment gives its valid row and its reversed part `N-R`) and
 * refund rows, in the order they were made. Two reads besides the `idAfter` row: the payments with
 * what their rows show (display record, newest collection state, status names) in one statement a
 * thousand rows, and the refunds with their details record in another. A customer's list also
 * brings the payments' customer along: `confirmed` says whether a payment read (shown or not)
 * belongs to a customer `names` accepts (the one the path names), so the caller reads the customer
 * only when none did (the payment `idAfter` names is read for that too, whatever the reversal filters).
 */
export const listRows = (
  query: BpukListQuery,
  customerId: CustomerId | undefined,
  names: (customer: Customer) => boolean = () => true
) =>
  Effect.gen(function* () {
    const paymentsService = yield* Payments
    const refundsService = yield* Refunds
    const methods = yield* loadMethodContext
    const after = yield* idAfterKey(query)
    const isAfter = (key: RowSequenceKey) => after == null || compareRowKeys(key, after) > 0
    // The ledger narrows by creation time (a row after the bound was made at or after it); the
    // sequence key decides exactly.
    const createdSince =
      after == null ? query.createdSince : new Date(Math.max(Math.max(after.at, 0), query.createdSince?.getTime() ?? 0))
    // Partial reversals split a payment in a valid and a reversed row: the ledger is asked for the
    // payments that can show a row the query wants (`reversalFilterOf`), each row matched on what it shows.
    // A customer's list reads the payment `idAfter` names (its first row, dropped below) whatever the reversal
    // filter: when it is the customer's and nothing after it is listed (its last payment, wholly reversed), it still
    // brings the customer along to confirm the path's, so the customer is not read on its own.
    const boundPayment = customerId !== undefined && after != null && after.rank !== 2 ? after.id : undefined
    const base = {
      ...toPaymentQuery(query, customerId),
      ...(createdSince === undefined ? {} : { createdSince }),
      ...(boundPayment === undefined ? {} : { reversalExcept: boundPayment as PaymentId })
    }
    const given = (Object.keys(eventFilters) as Array<EventFilter>).flatMap((filter) => {
      const since = query[filter]
      return since === undefined ? [] : [{ types: eventFilters[filter], since }]
    })
    // The first event filter goes to the ledger with the list; further ones intersect by id.
    const [firstEvent, ...otherEvents] = given
    let confirmed = false
    let listed: Array<{ readonly source: PaymentRowSource; readonly display: PaymentDisplay }> = []
    let presets: StatusPresets | null = null
    let cursor: string | null = null
    do {
      const page: PaymentPage = yield* paymentsService.listPayments({
        ...base,
        ...(firstEvent === undefined ? {} : { eventSince: firstEvent }),
        sort: [{ field: "id", direction: "asc" }],
        annex: customerId === undefined ? listAnnex : { ...listAnnex, customer: true },
        cursor,
        limit: 1000
      })
      for (const payment of page.items) {
        const annex = page.annex?.get(payment.id)
        if (!confirmed && annex?.customer != null) confirmed = names(annex.customer)
        presets ??= statusPresetsFrom(annex?.settings ?? null)
        listed.push({
          source: { payment, latestCollectionState: annex?.latestCollectionState ?? null },
          display: paymentDisplayFrom(annex?.record ?? null)
        })
      }
      cursor = page.nextCursor
    } while (cursor !== null)
    for (const eventSince of otherEvents) {
      const ids = new Set(
        (yield* allPages((cursor) => paymentsService.listPayments({ ...base, eventSince, cursor, limit: 1000 }))).map(
          (payment) => payment.id
        )
      )
      listed = listed.filter((entry) => ids.has(entry.source.payment.id))
    }
    const rows: Array<{ readonly key: RowSequenceKey; readonly row: BpukPayment }> = []
    for (const { source, display } of listed) {
      const { payment } = source
      const renderContext = { presets: presets ?? defaultStatusPresets, methodName: methods.methodName, display }
      const own = toBpukPayment(source, renderContext)
      const ownKey = paymentRowKey(payment, "payment")
      if (isAfter(ownKey) && reversalMatches(own.paymentReversedDate, query)) rows.push({ key: ownKey, row: own })
      if (isPartlyReversed(payment)) {
        const part = toBpukReversedPart(source, renderContext)
        const partKey = paymentRowKey(payment, "reversed-part")
        if (isAfter(partKey) && reversalMatches(part.paymentReversedDate, query)) rows.push({ key: partKey, row: part })
      }
    }
    // Refund rows: only those made after the bound (and since `createdSince`) or changed since
    // `updatedSince` are read, each with its details record (the dates a refund row shows).
    if (!paymentOnlyFilter(query) && (after == null || after.at < Number.MAX_SAFE_INTEGER)) {
      let refundCursor: string | null = null
      do {
        const page: RefundPage = yield* refundsService.listRefunds({
          ...(customerId === undefined ? {} : { customerId }),
          states: ["requested", "submitted", "settled"],
          ...(createdSince === undefined ? {} : { createdSince }),
          ...(query.updatedSince === undefined ? {} : { changedSince: query.updatedSince }),
          record: { dialect: dialectId, kind: recordKinds.refundDetails },
          cursor: refundCursor,
          limit: 1000
        })
        for (const refund of page.items) {
          const refundDetails = refundDetailsFrom(page.records?.get(refund.id) ?? null)
          const key = refundRowKey(refund)
          if (isAfter(key) && refundMatches(refund, refundDetails, query))
            rows.push({ key, row: toBpukRefundRow(refund, refundDetails) })
        }
        refundCursor = page.nextCursor
      } while (refundCursor !== null)
    }
    return { rows: rows.sort((a, b) => compareRowKeys(a.key, b.key)).map((entry) => entry.row), confirmed }
  })
