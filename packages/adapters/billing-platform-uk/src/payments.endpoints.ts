/**
 * The Billing Platform (UK) `payments` resource: `GET payments/ID` (a payment, or a refund row
 * `R<n>`), `GET payments/` (every matching row, bare array ordered by id), `PATCH payments/ID`
 * (changes, reversal and reinstatement, as one unit) and `DELETE payments/ID` (cancels what is not
 * posted yet; posted money and settled refunds are refused), with the handlers' ledger programs.
 */
import { type Endpoint, endpoint, noContent, ok, paymentByVendorId } from "@paybridge/adapter-kit"
import {
  authorize,
  CommandContext,
  InvalidTransition,
  type NotFound,
  notFound,
  PaymentId,
  Payments,
  parseMinorUnits,
  type ReadFailure,
  RefundId,
  Refunds,
  type UpdatePaymentInput,
  validationFailed
} from "@paybridge/core"
import { Effect, Result } from "effect"
import {
  BpukListQuery,
  type BpukModifyPayment,
  BpukPaymentList,
  BpukPaymentPath,
  ledgerIdOf,
  BpukModifyPayment as ModifyBody,
  paymentResponse
} from "./billing-platform-uk.schemas.ts"
import {
  dialectId,
  isWhollyReversed,
  isZeroAmount,
  lifecycleStatusesOf,
  loadRenderContext,
  type PaymentDisplay,
  type RefundDetails,
  resolveMethod,
  rowSourceOf,
  sameNames,
  statusReadOnly,
  toBpukRefundRow,
  vendorFields
} from "./billing-platform-uk.transformers.ts"
import {
  applyReversal,
  asOneUnit,
  displayOf,
  listRows,
  type ReversalIntent,
  type RowRef,
  readPayment,
  readPaymentByPathId,
  readRefundRow,
  readReversedPart,
  refundDetailsOf,
  renderRow,
  saveDisplay,
  saveRefundDetails,
  visibleDetail,
  visibleRefund
} from "./payments.transformers.ts"

/** Test files whose tests prove these endpoints (docs/compatibility.md). */
const suite = "billing-platform-uk.test.ts"
const filters = "billing-platform-uk.filters.test.ts"

/**
 * A path id: a ledger payment id, `N-R` for the reversed part of a partly reversed payment, or
 * `R<n>` for a refund row. One beyond the ledger's id range names nothing: 404 with the id as the
 * client wrote it (never a rounded `Number` of it).
 */
type PathTarget =
  | { readonly kind: "refund"; readonly id: RefundId }
  | { readonly kind: "payment"; readonly id: PaymentId }
  | { readonly kind: "reversed-part"; readonly id: PaymentId }
const pathTarget = (text: string): Effect.Effect<PathTarget, NotFound | ReadFailure, CommandContext | Payments> => {
  if (text.startsWith("R")) {
    const id = ledgerIdOf(RefundId, text.slice(1))
    return id === null ? Effect.fail(notFound("payment", text)) : Effect.succeed({ kind: "refund", id })
  }
  if (text.endsWith("-R")) {
    // The reversed part of a migrated payment goes by its vendor id too (`N-R`, issue 16.2).
    const paymentText = text.slice(0, -2)
    return paymentByVendorId(dialectId, paymentText, ledgerIdOf(PaymentId, paymentText)).pipe(
      Effect.map((detail): PathTarget => ({ kind: "reversed-part", id: detail.payment.id })),
      Effect.catchTag("NotFound", () => Effect.fail(notFound("payment", text)))
    )
  }
  // A payment migrated from Billing Platform (UK) answers its vendor id (issue 16.2).
  return paymentByVendorId(dialectId, text, ledgerIdOf(PaymentId, text)).pipe(
    Effect.map((detail): PathTarget => ({ kind: "payment", id: detail.payment.id })),
    Effect.catchTag("NotFound", () => Effect.fail(notFound("payment", text)))
  )
}

/** PATCH of a payment: field changes, display ids and a reversal intent, in this order. */
const modifyPayment = (id: PaymentId, body: BpukModifyPayment) =>
  Effect.gen(function* () {
    const payments = yield* Payments
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
      // Only a change of the reversed name is an intent: the row echoed back unchanged changes nothing.
      const asksReversed = body.status.includes(context.presets.reversed)
      const shownReversed = isWhollyReversed(payment)
      intent =
        asksReversed === shownReversed
          ? null
          : asksReversed
            ? { kind: "reverse", date: undefined }
            : { kind: "reinstate" }
    }
    if (body.status !== undefined) {
      const willBeReversed = intent === null ? isWhollyReversed(payment) : intent.kind === "reverse"
      const expected = [
        ...(willBeReversed ? [context.presets.reversed] : []),
        ...lifecycleStatusesOf(rowSourceOf(detail), context.presets)
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
      yield* payments.updatePayment({ paymentId: id, ...changes })
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

/** The reversed part of a partly reversed payment is changed through the payment itself (409). */
const refuseReversedPart = (id: PaymentId, action: string) =>
  Effect.gen(function* () {
    yield* readReversedPart(id)
    return yield* new InvalidTransition({
      entity: "payment",
      id: `${id}-R`,
      from: "reversed",
      action,
      message: `Payment ${id}-R is the reversed part of payment ${id}; change payment ${id} (clear its paymentReversedDate to reinstate)`
    })
  })

/** PATCH of a refund row: only its details; its amount and reversal are refused. */
const modifyRefundRow = (id: RefundId, body: BpukModifyPayment) =>
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

/** The key's permission to delete (cancel) comes first: a read-only key gets 403 whatever the record's state. */
const mayDelete = (operation: "cancelPayment" | "transitionRefund") =>
  Effect.flatMap(CommandContext, (context) => authorize(context.principal, operation))

/** DELETE of a payment: cancels one not posted yet; posted money is refused. */
const deletePayment = (id: PaymentId) =>
  Effect.gen(function* () {
    yield* mayDelete("cancelPayment")
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
    yield* Payments.use((payments) =>
      payments.cancelPayment({ paymentId: id, reason: "deleted through Billing Platform (UK)" })
    )
  })

/** DELETE of a refund row: cancels one not settled yet; a settled refund is refused. */
const deleteRefundRow = (id: RefundId) =>
  Effect.gen(function* () {
    yield* mayDelete("transitionRefund")
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
    yield* Refunds.use((refunds) => refunds.transitionRefund({ refundId: id, action: "cancel" }))
  })

export const paymentsEndpoints: ReadonlyArray<Endpoint> = [
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
      Effect.gen(function* () {
        // A payment: found, with what its row shows, in one read.
        if (!params.id.startsWith("R") && !params.id.endsWith("-R")) return yield* readPaymentByPathId(params.id)
        const target = yield* pathTarget(params.id)
        return target.kind === "refund"
          ? yield* readRefundRow(target.id)
          : target.kind === "reversed-part"
            ? yield* readReversedPart(target.id)
            : yield* readPayment(target.id)
      }).pipe(Effect.map((row) => ok(row)))
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
      `${filters} › idAfter, createdSince and updatedSince give an incremental sync in the one row sequence`,
      `${filters} › idAfter pages payment and refund rows as one sequence, so a sync by the last id seen misses no row (issue 12.5)`,
      `${filters} › combines filters (every one restricts the result)`
    ],
    implemented: true,
    handler: ({ query }) => Effect.map(listRows(query, undefined), ({ rows }) => ok(rows))
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
              Effect.gen(function* () {
                return target.kind === "refund"
                  ? yield* modifyRefundRow(target.id, body)
                  : target.kind === "reversed-part"
                    ? yield* refuseReversedPart(target.id, "modify")
                    : yield* modifyPayment(target.id, body)
              })
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
      "cancelled in the ledger and answers 404 afterwards. Posted money is reversed, not deleted (409). The key's " +
      "permission is checked first: a read-only key gets 403 whatever the payment's state.",
    tags: ["payments"],
    request: { params: BpukPaymentPath },
    responses: { 204: { description: "The payment was deleted" } },
    tests: [
      `${suite} › DELETE removes a payment not yet posted and refuses posted money with 409`,
      "billing-platform-uk.permissions.test.ts › Billing Platform (UK) permissions before state › answers 403 to a read-only key deleting a posted payment, a draft or a refund row, and changes nothing"
    ],
    implemented: true,
    handler: ({ params }) =>
      pathTarget(params.id).pipe(
        Effect.flatMap((target) =>
          Effect.gen(function* () {
            if (target.kind === "refund") yield* deleteRefundRow(target.id)
            else if (target.kind === "reversed-part") yield* refuseReversedPart(target.id, "delete")
            else yield* deletePayment(target.id)
            return noContent()
          })
        )
      )
  })
]
