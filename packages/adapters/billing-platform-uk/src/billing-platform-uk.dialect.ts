/**
 * The Billing Platform (UK) dialect: the vendor's `/backend/api/v1` payments API over the
 * Paybridge ledger — get, list (all, or one customer's), create, modify (including reversal and
 * reinstatement) and delete payments, authenticated with a static bearer API key (one per user,
 * scoped to the user's customers). Every handler calls only the `Ledger`; see the README for the
 * contract decisions (status presets, refunds as negative payments, PATCH reversal, DELETE).
 */
import { bearerApiKey, created, defineDialect, endpoint, noContent, ok } from "@paybridge/adapter-kit"
import {
  type CommandContext,
  Conflict,
  type Customer,
  InvalidTransition,
  Ledger,
  type LedgerError,
  NotFound,
  notFound,
  type Page,
  type PaymentDetail,
  type PaymentPreset,
  parseMinorUnits,
  type RecordId,
  type UpdatePaymentInput,
  ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Effect, Result, Schema } from "effect"
import { billingPlatformUkErrors } from "./billing-platform-uk.errors.ts"
import {
  type BpukCreatePayment,
  BpukCustomerPath,
  BpukError,
  BpukListQuery,
  type BpukModifyPayment,
  type BpukPayment,
  BpukPaymentList,
  BpukPaymentPath,
  BpukCreatePayment as CreateBody,
  ledgerIdOf,
  BpukModifyPayment as ModifyBody,
  BpukPayment as PaymentSchema
} from "./billing-platform-uk.schemas.ts"
import {
  absoluteAmountText,
  collectionStatusesOf,
  customerDefaultMethod,
  dialectId,
  type EventFilter,
  eventFilters,
  idAfterOf,
  isZeroAmount,
  type PaymentDisplay,
  type PaymentRowSource,
  paymentDisplayFrom,
  paymentOnlyFilter,
  type RefundDetails,
  recordKinds,
  refundDetailsFrom,
  refundMatches,
  type StatusPresets,
  statusPresetsFrom,
  toBpukPayment,
  toBpukRefundRow,
  toPaymentQuery,
  visiblePaymentStates,
  visibleRefundStates,
  withVendorFieldNames
} from "./billing-platform-uk.transformers.ts"

const suite = "billing-platform-uk.test.ts"
const contract = "billing-platform-uk.contract.test.ts › Billing Platform (UK): dialect contract"
const filters = "billing-platform-uk.filters.test.ts"

// ---------------------------------------------------------------------------------------------
// Ledger programs shared by the handlers

/** Every page of a ledger list. */
const allPages = <A, R>(next: (cursor: string | null) => Effect.Effect<Page<A>, LedgerError, R>) =>
  Effect.gen(function* () {
    const items: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* next(cursor)
      items.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
    return items
  })

/** What a create or modify unit stores for replays: which row it made or changed. */
const RowRef = Schema.Struct({ kind: Schema.Literals(["payment", "refund"]), id: Schema.Int })
type RowRef = typeof RowRef.Type

/**
 * A request made of several ledger commands, run as one all-or-nothing unit: the request's
 * idempotency key is claimed once for the whole unit, and a retry replays which row it touched.
 */
const asOneUnit = (
  operation: string,
  input: unknown,
  work: Effect.Effect<RowRef, LedgerError, Ledger | CommandContext>
) => Ledger.use((ledger) => ledger.atomically({ operation: `${dialectId}:${operation}`, input, result: RowRef }, work))

/** The current wire form of a row a unit touched. */
const renderRow = (row: RowRef) => (row.kind === "refund" ? readRefundRow(row.id) : readPayment(row.id))

const recordKey = (kind: string, key: string) => ({ dialect: dialectId, kind, key })

const readRecordData = (kind: string, key: string) =>
  Ledger.use((ledger) => ledger.getDialectRecord(recordKey(kind, key))).pipe(
    Effect.map((record): Readonly<Record<string, unknown>> | null => record.data),
    Effect.catchTag("NotFound", () => Effect.succeed(null))
  )

/** What rendering needs besides the payment: status names and method presets. */
interface RenderContext {
  readonly presets: StatusPresets
  readonly methods: ReadonlyArray<PaymentPreset>
  readonly methodName: (methodId: RecordId) => string
}

const loadRenderContext = Effect.gen(function* () {
  const ledger = yield* Ledger
  const presets = statusPresetsFrom(yield* readRecordData(recordKinds.settings, "status-presets"))
  const methods = yield* allPages((cursor) => ledger.listPresets("method", { cursor, limit: 1000 }))
  const names = new Map(methods.map((method) => [method.id, method.name]))
  return {
    presets,
    methods,
    methodName: (methodId: RecordId) => names.get(methodId) ?? `Method ${methodId}`
  } satisfies RenderContext
})

/** A payment method name → its preset id; `Customer Default` (or none) → `null`. */
const resolveMethod = (name: string | undefined, context: RenderContext) => {
  if (name === undefined || name.trim().toLowerCase() === customerDefaultMethod.toLowerCase()) {
    return Effect.succeed(null)
  }
  const wanted = name.trim().toLowerCase()
  const found = context.methods.find(
    (method) => method.name.toLowerCase() === wanted || method.code.toLowerCase() === wanted
  )
  if (found === undefined) {
    const known = [customerDefaultMethod, ...context.methods.filter((m) => m.available).map((m) => m.name)]
    return Effect.fail(
      validationFailed(["paymentMethod"], `unknown payment method "${name}"; known methods: ${known.join(", ")}`)
    )
  }
  return Effect.succeed(found)
}

const displayOf = (paymentId: RecordId) =>
  Effect.map(readRecordData(recordKinds.paymentDisplay, String(paymentId)), paymentDisplayFrom)

/** A payment this dialect shows (cancelled = deleted, rejected = never valid → NotFound). */
const visibleDetail = (id: RecordId) =>
  Effect.gen(function* () {
    const detail = yield* Ledger.use((ledger) => ledger.getPayment({ id }))
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

const renderPayment = (detail: PaymentRowSource, context: RenderContext, display: PaymentDisplay) =>
  toBpukPayment(detail, { presets: context.presets, methodName: context.methodName, display })

const readPayment = (id: RecordId) =>
  Effect.gen(function* () {
    const detail = yield* visibleDetail(id)
    return renderPayment(detail, yield* loadRenderContext, yield* displayOf(id))
  })

const refundDetailsOf = (refundId: RecordId) =>
  Effect.map(readRecordData(recordKinds.refundDetails, String(refundId)), refundDetailsFrom)

/** A refund row this dialect shows (cancelled or failed refunds took no money → NotFound). */
const visibleRefund = (id: RecordId) =>
  Effect.gen(function* () {
    const refund = yield* Ledger.use((ledger) => ledger.getRefund(id))
    if (!visibleRefundStates[refund.state]) {
      return yield* new NotFound({
        entity: "payment",
        id: `R${id}`,
        message: `Payment R${id} (a refund) was ${refund.state === "cancelled" ? "deleted" : refund.state}`
      })
    }
    return refund
  })

const readRefundRow = (id: RecordId) =>
  Effect.gen(function* () {
    const refund = yield* visibleRefund(id)
    return toBpukRefundRow(refund, yield* refundDetailsOf(id))
  })

/**
 * A path id: a ledger payment id, or `R<n>` for a refund row. One beyond the ledger's id range
 * names nothing: 404 with the id as the client wrote it (never a rounded `Number` of it).
 */
type PathTarget = { readonly kind: "refund" | "payment"; readonly id: RecordId }
const pathTarget = (text: string): Effect.Effect<PathTarget, NotFound> => {
  const refund = text.startsWith("R")
  const id = ledgerIdOf(refund ? text.slice(1) : text)
  if (id === null) return Effect.fail(notFound("payment", text))
  return Effect.succeed({ kind: refund ? "refund" : "payment", id })
}

/** A customer id from the path; 404 with the id as written when it is beyond the ledger's range. */
const pathCustomerId = (text: string): Effect.Effect<RecordId, NotFound> => {
  const id = ledgerIdOf(text)
  return id === null ? Effect.fail(notFound("customer", text)) : Effect.succeed(id)
}

/** Ledger validation messages with the vendor's field names. */
const vendorFields = <A, R>(program: Effect.Effect<A, LedgerError, R>) =>
  Effect.mapError(program, (error) => (error instanceof ValidationFailed ? withVendorFieldNames(error) : error))

// ---------------------------------------------------------------------------------------------
// Lists

const listRows = (query: BpukListQuery, customerId: RecordId | undefined) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const base = toPaymentQuery(query, customerId)
    const given = (Object.keys(eventFilters) as Array<EventFilter>).flatMap((filter) => {
      const since = query[filter]
      return since === undefined ? [] : [{ types: eventFilters[filter], since }]
    })
    const fetch = (eventSince: (typeof given)[number] | undefined) =>
      allPages((cursor) =>
        ledger.listPayments({ ...base, ...(eventSince === undefined ? {} : { eventSince }), cursor, limit: 1000 })
      )
    // `idAfter=R<n>` pages refund rows only. The ledger takes one event filter per query;
    // further ones intersect by id.
    let payments = idAfterOf(query.idAfter)?.kind === "refund" ? [] : yield* fetch(given[0])
    for (const eventSince of given.slice(1)) {
      const ids = new Set((yield* fetch(eventSince)).map((payment) => payment.id))
      payments = payments.filter((payment) => ids.has(payment.id))
    }
    const context = yield* loadRenderContext
    const displays = new Map(
      (yield* allPages((cursor) =>
        ledger.listDialectRecords({
          dialect: dialectId,
          kind: recordKinds.paymentDisplay,
          ...(customerId === undefined ? {} : { customerId }),
          cursor,
          limit: 1000
        })
      )).map((record) => [record.key, paymentDisplayFrom(record.data)])
    )
    // A row is the listed payment plus its latest collection. Only payments that ever had a
    // collection (one `collection.requested` event each) need their detail read; the rest render
    // from the list itself, so a list costs its pages plus one read per collected payment.
    const collected =
      payments.length === 0
        ? new Set<RecordId>()
        : new Set(
            (yield* allPages((cursor) =>
              ledger.listEvents({
                types: ["collection.requested"],
                ...(customerId === undefined ? {} : { customerId }),
                cursor,
                limit: 1000
              })
            )).flatMap((event) => (event.paymentId === null ? [] : [event.paymentId]))
          )
    const rows: Array<BpukPayment> = yield* Effect.forEach(payments, (payment) =>
      Effect.map(
        collected.has(payment.id)
          ? ledger.getPayment({ id: payment.id })
          : Effect.succeed<PaymentRowSource>({ payment, collections: [] }),
        (source) => renderPayment(source, context, displays.get(String(payment.id)) ?? paymentDisplayFrom(null))
      )
    )
    if (paymentOnlyFilter(query)) return rows
    const refunds = yield* allPages((cursor) =>
      ledger.listRefunds({
        ...(customerId === undefined ? {} : { customerId }),
        states: ["requested", "submitted", "settled"],
        cursor,
        limit: 1000
      })
    )
    const details = new Map(
      (yield* allPages((cursor) =>
        ledger.listDialectRecords({
          dialect: dialectId,
          kind: recordKinds.refundDetails,
          ...(customerId === undefined ? {} : { customerId }),
          cursor,
          limit: 1000
        })
      )).map((record) => [record.key, refundDetailsFrom(record.data)])
    )
    const refundRows = [...refunds]
      .sort((a, b) => a.id - b.id)
      .flatMap((refund) => {
        const refundDetails = details.get(String(refund.id)) ?? refundDetailsFrom(null)
        return refundMatches(refund, refundDetails, query) ? [toBpukRefundRow(refund, refundDetails)] : []
      })
    return [...rows, ...refundRows]
  })

// ---------------------------------------------------------------------------------------------
// Reversal and reinstatement

type ReversalIntent = { readonly kind: "reverse"; readonly date: string | undefined } | { readonly kind: "reinstate" }

const reinstateAll = (detail: PaymentDetail) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const active = detail.reversals.filter((reversal) => reversal.reinstatedAt === null)
    for (const reversal of active) {
      yield* ledger.reinstateReversal({ paymentId: detail.payment.id, reversalId: reversal.id })
    }
  })

const applyReversal = (detail: PaymentDetail, intent: ReversalIntent) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const reversed = detail.payment.reversedAmount > 0n
    if (intent.kind === "reinstate") {
      if (reversed) yield* reinstateAll(detail)
      return
    }
    if (reversed) {
      if (intent.date === undefined || intent.date === detail.payment.reversalDate) return
      // A new reversal date moves the reversal: reinstated, then reversed again on that date.
      yield* reinstateAll(detail)
    }
    yield* ledger.reversePayment({
      paymentId: detail.payment.id,
      ...(intent.date === undefined ? {} : { effectiveDate: intent.date })
    })
  })

const sameNames = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && [...a].sort().every((name, index) => name === [...b].sort()[index])

const statusReadOnly = (expected: ReadonlyArray<string>, presets: StatusPresets) =>
  validationFailed(
    ["status"],
    `status is read-only apart from "${presets.reversed}": reverse by setting paymentReversedDate (or adding ` +
      `"${presets.reversed}"), reinstate by clearing it; collection statuses follow the collection. ` +
      `Expected ${JSON.stringify(expected)}`
  )

// ---------------------------------------------------------------------------------------------
// Create

const saveDisplay = (paymentId: RecordId, customerId: RecordId, display: PaymentDisplay) =>
  Ledger.use((ledger) =>
    ledger.saveDialectRecord({
      ...recordKey(recordKinds.paymentDisplay, String(paymentId)),
      customerId,
      paymentId,
      data: { invoiceID: display.invoiceID, invoiceIDReversed: display.invoiceIDReversed }
    })
  )

const createPaymentRow = (customer: Customer, body: BpukCreatePayment, context: RenderContext) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const method = yield* resolveMethod(body.paymentMethod, context)
    const detail = yield* ledger.createPayment({
      customerId: customer.id,
      amount: body.paymentAmount,
      ...(body.paymentDate === undefined ? {} : { paymentDate: body.paymentDate }),
      methodId: method?.id ?? null,
      reference: body.ourReference ?? null,
      customerReference: body.customerReference ?? null
    })
    const id = detail.payment.id
    const display = { invoiceID: body.invoiceID ?? null, invoiceIDReversed: body.invoiceIDReversed ?? null }
    if (display.invoiceID !== null || display.invoiceIDReversed !== null) yield* saveDisplay(id, customer.id, display)
    if (body.paymentReversedDate !== undefined && body.paymentReversedDate !== null) {
      yield* applyReversal(detail, { kind: "reverse", date: body.paymentReversedDate })
    }
    return { kind: "payment", id } satisfies RowRef
  })

/**
 * A refund paid back to the customer (negative `paymentAmount`): the ledger books and settles it,
 * drawing from `refundOfPaymentID` when the client names a payment and otherwise from the payment
 * the ledger chooses. Every refund booked gets the row's details; the row shown is the first.
 */
const createRefundRow = (customer: Customer, body: BpukCreatePayment, context: RenderContext) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    if (body.paymentReversedDate !== undefined && body.paymentReversedDate !== null) {
      return yield* validationFailed(["paymentReversedDate"], "a refund (negative paymentAmount) cannot be reversed")
    }
    if (body.invoiceIDReversed !== undefined && body.invoiceIDReversed !== null) {
      return yield* validationFailed(["invoiceIDReversed"], "a refund (negative paymentAmount) cannot be reversed")
    }
    const method = yield* resolveMethod(body.paymentMethod, context)
    const amountText = absoluteAmountText(body.paymentAmount)
    const amount = parseMinorUnits(amountText, customer.currency)
    if (Result.isFailure(amount)) return yield* validationFailed(["paymentAmount"], amount.failure.message)

    const named = body.refundOfPaymentID !== undefined
    const { refunds } = yield* ledger
      .refundCustomerCredit({
        customerId: customer.id,
        amount: amountText,
        // The schema let through only ids within the ledger's range, so this conversion is exact.
        ...(named ? { paymentId: Number(body.refundOfPaymentID) } : {}),
        reason: "refund paid back to the customer (Billing Platform UK negative payment)",
        settle: true
      })
      .pipe(
        Effect.mapError((error) =>
          error instanceof ValidationFailed
            ? new ValidationFailed({
                message: error.message,
                issues: error.issues.map((issue) => ({
                  ...issue,
                  path: issue.path.map((segment) => (segment === "paymentId" ? "refundOfPaymentID" : segment))
                }))
              })
            : !named && error instanceof Conflict && error.reason === "insufficient-amount"
              ? new Conflict({
                  reason: "insufficient-amount",
                  message:
                    `No posted payment of customer ${customer.id} has enough left to pay back this refund; ` +
                    "name the payment it comes from with refundOfPaymentID"
                })
              : error
        )
      )
    const details: RefundDetails = {
      paymentDate: body.paymentDate ?? null,
      ourReference: body.ourReference ?? null,
      customerReference: body.customerReference ?? null,
      paymentMethod: method === null ? null : method.name,
      invoiceID: body.invoiceID ?? null
    }
    for (const refund of refunds) yield* saveRefundDetails(refund.id, customer.id, refund.paymentId, details)
    const [shown] = refunds
    if (shown === undefined) return yield* Effect.die("refundCustomerCredit booked no refund")
    return { kind: "refund", id: shown.id } satisfies RowRef
  })

const saveRefundDetails = (refundId: RecordId, customerId: RecordId, paymentId: RecordId, details: RefundDetails) =>
  Ledger.use((ledger) =>
    ledger.saveDialectRecord({
      ...recordKey(recordKinds.refundDetails, String(refundId)),
      customerId,
      paymentId,
      data: { ...details }
    })
  )

// ---------------------------------------------------------------------------------------------
// Modify

const modifyPayment = (id: RecordId, body: BpukModifyPayment) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const detail = yield* visibleDetail(id)
    const context = yield* loadRenderContext
    const { payment } = detail
    if (body.id !== undefined && body.id !== String(id)) {
      return yield* validationFailed(["id"], `id ${body.id} does not match the payment in the path (${id})`)
    }

    let intent: ReversalIntent | null = null
    if (body.paymentReversedDate !== undefined) {
      intent =
        body.paymentReversedDate === null || body.paymentReversedDate === ""
          ? { kind: "reinstate" }
          : { kind: "reverse", date: body.paymentReversedDate }
    } else if (body.status !== undefined) {
      intent = body.status.includes(context.presets.reversed)
        ? { kind: "reverse", date: undefined }
        : { kind: "reinstate" }
    }
    if (body.status !== undefined) {
      const willBeReversed = intent === null ? payment.reversedAmount > 0n : intent.kind === "reverse"
      const expected = [
        ...(willBeReversed ? [context.presets.reversed] : []),
        ...collectionStatusesOf(detail, context.presets)
      ]
      if (!sameNames(body.status, expected)) return yield* statusReadOnly(expected, context.presets)
    }

    const changes: { -readonly [K in keyof UpdatePaymentInput]?: UpdatePaymentInput[K] } = {}
    if (body.paymentAmount !== undefined) {
      if (body.paymentAmount.startsWith("-") || isZeroAmount(body.paymentAmount)) {
        return yield* validationFailed(
          ["paymentAmount"],
          "a payment's amount must stay positive; record a refund as a new payment with a negative amount"
        )
      }
      const amount = parseMinorUnits(body.paymentAmount, payment.currency)
      if (Result.isFailure(amount)) return yield* validationFailed(["paymentAmount"], amount.failure.message)
      if (amount.success !== payment.amount) changes.amount = body.paymentAmount
    }
    if (body.paymentDate !== undefined && body.paymentDate !== payment.paymentDate) {
      changes.paymentDate = body.paymentDate
    }
    if (body.paymentMethod !== undefined) {
      const method = yield* resolveMethod(body.paymentMethod, context)
      if ((method?.id ?? null) !== payment.methodId) changes.methodId = method?.id ?? null
    }
    if (body.ourReference !== undefined && body.ourReference !== payment.references.reference) {
      changes.reference = body.ourReference
    }
    if (body.customerReference !== undefined && body.customerReference !== payment.references.customerReference) {
      changes.customerReference = body.customerReference
    }
    if (Object.keys(changes).length > 0) {
      yield* ledger.updatePayment({ paymentId: id, ...changes })
    }

    const display = yield* displayOf(id)
    const nextDisplay: PaymentDisplay = {
      invoiceID: body.invoiceID === undefined ? display.invoiceID : body.invoiceID,
      invoiceIDReversed: body.invoiceIDReversed === undefined ? display.invoiceIDReversed : body.invoiceIDReversed
    }
    if (nextDisplay.invoiceID !== display.invoiceID || nextDisplay.invoiceIDReversed !== display.invoiceIDReversed) {
      yield* saveDisplay(id, payment.customerId, nextDisplay)
    }
    if (intent !== null) yield* applyReversal(detail, intent)
    return { kind: "payment", id } satisfies RowRef
  })

const modifyRefundRow = (id: RecordId, body: BpukModifyPayment) =>
  Effect.gen(function* () {
    const refund = yield* visibleRefund(id)
    const context = yield* loadRenderContext
    const details = yield* refundDetailsOf(id)
    const current = toBpukRefundRow(refund, details)
    const refuse = (action: string, message: string) =>
      new InvalidTransition({ entity: "payment", id: `R${id}`, from: refund.state, action, message })
    if (body.id !== undefined && body.id !== `R${id}`) {
      return yield* validationFailed(["id"], `id ${body.id} does not match the payment in the path (R${id})`)
    }
    if (body.paymentAmount !== undefined) {
      const amount = parseMinorUnits(body.paymentAmount, refund.currency)
      if (Result.isFailure(amount) || amount.success !== -refund.amount) {
        return yield* refuse("change-amount", `Payment R${id} is a refund already paid back; its amount cannot change`)
      }
    }
    if (
      (body.paymentReversedDate !== undefined &&
        body.paymentReversedDate !== null &&
        body.paymentReversedDate !== "") ||
      (body.invoiceIDReversed !== undefined && body.invoiceIDReversed !== null)
    ) {
      return yield* refuse("reverse", `Payment R${id} is a refund; a refund cannot be reversed`)
    }
    if (body.status !== undefined && body.status.length > 0) return yield* statusReadOnly([], context.presets)
    const method = body.paymentMethod === undefined ? undefined : yield* resolveMethod(body.paymentMethod, context)
    const next: RefundDetails = {
      paymentDate: body.paymentDate ?? current.paymentDate,
      ourReference: body.ourReference === undefined ? details.ourReference : body.ourReference,
      customerReference: body.customerReference === undefined ? details.customerReference : body.customerReference,
      paymentMethod: method === undefined ? details.paymentMethod : method === null ? null : method.name,
      invoiceID: body.invoiceID === undefined ? details.invoiceID : body.invoiceID
    }
    yield* saveRefundDetails(id, refund.customerId, refund.paymentId, next)
    return { kind: "refund", id } satisfies RowRef
  })

// ---------------------------------------------------------------------------------------------
// Delete

const deletePayment = (id: RecordId) =>
  Effect.gen(function* () {
    const detail = yield* visibleDetail(id)
    if (detail.payment.state === "posted") {
      return yield* new InvalidTransition({
        entity: "payment",
        id: String(id),
        from: "posted",
        action: "delete",
        message:
          `Payment ${id} is posted and cannot be deleted: posted money is reversed, not deleted. ` +
          "Reverse it with PATCH payments/ID and a paymentReversedDate"
      })
    }
    yield* Ledger.use((ledger) =>
      ledger.cancelPayment({ paymentId: id, reason: "deleted through Billing Platform (UK)" })
    )
  })

const deleteRefundRow = (id: RecordId) =>
  Effect.gen(function* () {
    const refund = yield* visibleRefund(id)
    if (refund.state === "settled") {
      return yield* new InvalidTransition({
        entity: "payment",
        id: `R${id}`,
        from: refund.state,
        action: "delete",
        message: `Payment R${id} is a refund already paid back to the customer and cannot be deleted`
      })
    }
    yield* Ledger.use((ledger) => ledger.transitionRefund({ refundId: id, action: "cancel" }))
  })

// ---------------------------------------------------------------------------------------------
// The dialect

const paymentResponse = { description: "The payment", schema: PaymentSchema }

export const billingPlatformUkDialect = defineDialect({
  id: dialectId,
  title: "Billing Platform (UK)",
  vendorDocs: [
    {
      title: "Billing Platform (UK): payments endpoint",
      url: "https://documentation.billingplatform.uk/api/endpoints/payments"
    },
    { title: "Billing Platform (UK): API overview", url: "https://documentation.billingplatform.uk/api" }
  ],
  description:
    "`Authorization: Bearer <API key>` (one key per user, limited to the user's customers). Amounts are major-unit " +
    "JSON numbers with the currency's decimals (decimal strings accepted on input); a negative amount records a " +
    "refund paid back to the customer (row id `R<n>`). `status` lists the active status names from a configurable " +
    "preset list. PATCH reverses with `paymentReversedDate` and reinstates by clearing it. Lists are bare arrays " +
    "ordered by id. Errors: `{ error: { code, message, fields?, requestId } }`.",
  version: "v1",
  defaultBasePath: "/backend/api/v1",
  // The admin console's view: exactly what GET payments/ID answers (a deleted payment is a 404 there too).
  renderPayment: (detail) => readPayment(detail.payment.id),
  authenticate: bearerApiKey("Authorization: Bearer <API key> (a Paybridge API key; one per user)"),
  renderError: billingPlatformUkErrors,
  errorSchema: BpukError,
  endpoints: [
    endpoint({
      method: "GET",
      path: "/payments/:id",
      operationId: "getPayment",
      summary: "Retrieve a single payment",
      tags: ["payments"],
      request: { params: BpukPaymentPath },
      responses: { 200: paymentResponse },
      tests: [
        `${suite} › replays the vendor doc: GET payments/ID answers every documented field`,
        `${suite} › answers an unknown, deleted or out-of-scope payment with 404 or 403 in the dialect's error shape`
      ],
      implemented: true,
      handler: ({ params }) =>
        pathTarget(params.id).pipe(
          Effect.flatMap((target) => (target.kind === "refund" ? readRefundRow(target.id) : readPayment(target.id))),
          Effect.map((row) => ok(row))
        )
    }),
    endpoint({
      method: "GET",
      path: "/payments/",
      operationId: "listPayments",
      summary: "List all payments (by default only valid, non-reversed ones)",
      tags: ["payments"],
      request: { query: BpukListQuery },
      responses: { 200: { description: "Every matching payment, ordered by id", schema: BpukPaymentList } },
      tests: [
        `${filters} › by default lists only valid payments; reversed and includeReversed widen or narrow it`,
        `${filters} › minDate and maxDate filter on the payment date`,
        `${filters} › minReversedDate/maxReversedDate use the shown reversal date, reversedSince the time of the reversal`,
        `${filters} › reinstatedSince finds a reinstated payment, which is valid again`,
        `${filters} › collectedSince and cancelledSince follow the collection events`,
        `${filters} › idAfter, createdSince and updatedSince give an incremental sync ordered by id`,
        `${filters} › combines filters (every one restricts the result)`
      ],
      implemented: true,
      handler: ({ query }) => Effect.map(listRows(query, undefined), (rows) => ok(rows))
    }),
    endpoint({
      method: "GET",
      path: "/customers/:customerId/payments/",
      operationId: "listCustomerPayments",
      summary: "List the valid payments of one customer",
      tags: ["payments"],
      request: { params: BpukCustomerPath, query: BpukListQuery },
      responses: { 200: { description: "The customer's matching payments, ordered by id", schema: BpukPaymentList } },
      tests: [
        `${suite} › lists one customer's valid payments, refund rows included`,
        `${suite} › a key scoped to some customers reads and writes only those (403 elsewhere)`
      ],
      implemented: true,
      handler: ({ params, query }) =>
        Effect.gen(function* () {
          const customerId = yield* pathCustomerId(params.customerId)
          yield* Ledger.use((ledger) => ledger.getCustomer(customerId))
          return ok(yield* listRows(query, customerId))
        })
    }),
    endpoint({
      method: "POST",
      path: "/customers/:customerId/payments/",
      operationId: "createCustomerPayment",
      summary: "Add a payment to a customer; the new payment is returned",
      description:
        "A positive `paymentAmount` records a posted payment. A negative one records a refund paid back to the " +
        "customer: a settled ledger refund of the customer's newest posted payment that can cover it (or of " +
        "`refundOfPaymentID`), shown as a payment row `R<n>` with a negative amount.",
      tags: ["payments"],
      request: { params: BpukCustomerPath, body: CreateBody },
      responses: { 201: paymentResponse },
      tests: [
        `${contract} › creates exactly one payment and answers with a body matching the declared response schema`,
        `${contract} › returns the same result for a create retried with the same idempotency key and creates one payment`,
        `${suite} › replays the vendor doc: POST customers/ID/payments/ returns the new payment`,
        `${suite} › a negative paymentAmount records a refund paid back to the customer`
      ],
      implemented: true,
      handler: ({ params, body }) =>
        vendorFields(
          Effect.gen(function* () {
            const customerId = yield* pathCustomerId(params.customerId)
            const customer = yield* Ledger.use((ledger) => ledger.getCustomer(customerId))
            const context = yield* loadRenderContext
            if (isZeroAmount(body.paymentAmount)) {
              return yield* validationFailed(["paymentAmount"], "paymentAmount must not be zero")
            }
            const refund = body.paymentAmount.startsWith("-")
            if (body.status !== undefined) {
              const expected =
                !refund && body.paymentReversedDate !== undefined && body.paymentReversedDate !== null
                  ? [context.presets.reversed]
                  : []
              if (!sameNames(body.status, expected)) return yield* statusReadOnly(expected, context.presets)
            }
            const row = yield* asOneUnit(
              "createCustomerPayment",
              { customerId: customer.id, body },
              refund ? createRefundRow(customer, body, context) : createPaymentRow(customer, body, context)
            )
            return created(yield* renderRow(row))
          })
        )
    }),
    endpoint({
      method: "PATCH",
      path: "/payments/:id",
      operationId: "modifyPayment",
      summary: "Update a payment; the modified payment is returned",
      description:
        "Send only what changes (echoing unchanged fields is harmless). `paymentReversedDate` set to a date " +
        'reverses the payment on that date (a different date moves the reversal); `null` or `""` reinstates it. ' +
        "Amount, date and method change only while the payment is not yet posted; references and invoice ids " +
        "any time. `status` is read-only apart from the reversed status name.",
      tags: ["payments"],
      request: { params: BpukPaymentPath, body: ModifyBody },
      responses: { 200: paymentResponse },
      tests: [
        `${suite} › replays the vendor doc: PATCH payments/ID returns the modified payment`,
        `${suite} › PATCH reverses with paymentReversedDate and invoiceIDReversed, and clearing it reinstates`,
        `${suite} › PATCH refuses a status change the payment's lifecycle does not allow`
      ],
      implemented: true,
      handler: ({ params, body }) =>
        pathTarget(params.id).pipe(
          Effect.flatMap((target) =>
            vendorFields(
              asOneUnit(
                "modifyPayment",
                { id: params.id, body },
                target.kind === "refund" ? modifyRefundRow(target.id, body) : modifyPayment(target.id, body)
              ).pipe(
                Effect.flatMap(renderRow),
                Effect.map((row) => ok(row))
              )
            )
          )
        )
    }),
    endpoint({
      method: "DELETE",
      path: "/payments/:id",
      operationId: "deletePayment",
      summary: "Delete a payment",
      description:
        "Only a payment that is not posted yet (a draft, or one awaiting collection) can be deleted; it is " +
        "cancelled in the ledger and answers 404 afterwards. Posted money is reversed, not deleted (409).",
      tags: ["payments"],
      request: { params: BpukPaymentPath },
      responses: { 204: { description: "The payment was deleted" } },
      tests: [`${suite} › DELETE removes a payment not yet posted and refuses posted money with 409`],
      implemented: true,
      handler: ({ params }) =>
        pathTarget(params.id).pipe(
          Effect.flatMap((target) =>
            Effect.as(target.kind === "refund" ? deleteRefundRow(target.id) : deletePayment(target.id), noContent())
          )
        )
    })
  ]
})

/**
 * Saves the status names this dialect shows (an operator's configuration; needs a role that may
 * write). Names not given keep their defaults.
 */
export const saveStatusPresets = (names: Partial<StatusPresets>) =>
  Ledger.use((ledger) =>
    ledger.saveDialectRecord({ ...recordKey(recordKinds.settings, "status-presets"), data: { ...names } })
  ).pipe(Effect.map((record) => statusPresetsFrom(record.data)))
