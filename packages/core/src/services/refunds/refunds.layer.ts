/**
 * The implementation of `Refunds` on the `LedgerStore` and `IdempotencyStore` ports. Every method
 * is an `Effect.fn("Refunds.<method>")`. Booking a refund debits the customer's balance, logs the
 * event and releases the payment's newest allocations that no longer fit; moving a refund along
 * its lifecycle table to cancelled or failed books the amount back, so the balance chain is only
 * ever appended to. A refund of customer credit draws from the customer's newest posted payment
 * with enough left, unless the caller names the payment.
 */
import { Effect, Layer, Result } from "effect"
import { scopedCustomerIds } from "../../auth/permissions.ts"
import { Conflict, validationFailed } from "../../errors.ts"
import {
  isVoidRefundState,
  nextRefundState,
  type RefundAction,
  type RefundState
} from "../../lifecycle/refund-lifecycle.ts"
import { newPublicId } from "../../model/common.ts"
import type { DocumentId, PaymentId, RefundId } from "../../model/ids.ts"
import { type Customer, type LedgerEventType, type Payment, Refund } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import type * as C from "../ledger-commands.ts"
import { effectiveAmount, fitAllocations, newestFirst } from "../shared/allocation-book.ts"
import { moveBalance } from "../shared/balance-movements.ts"
import { amountText, parsePositiveAmount } from "../shared/exact-amounts.ts"
import { savePayment } from "../shared/guarded-saves.ts"
import { allPages, mutation, paging, paymentMutation, query } from "../shared/ledger-command.ts"
import { minor, recordEvent } from "../shared/ledger-events.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import { refused } from "../shared/lifecycle-steps.ts"
import {
  currentPrincipal,
  existingDocument,
  existingPayment,
  inScope,
  lockCustomer,
  lockRefund,
  visiblePayment,
  visibleRefund
} from "../shared/record-access.ts"
import { CustomerCreditRefund, Refunds } from "./refunds.service.ts"

const refundEventTypes: { readonly [S in RefundState]: LedgerEventType } = {
  requested: "refund.requested",
  submitted: "refund.submitted",
  settled: "refund.settled",
  cancelled: "refund.cancelled",
  failed: "refund.failed"
}

const refundTimestamps: { readonly [S in RefundState]: keyof Refund | null } = {
  requested: null,
  submitted: "submittedAt",
  settled: "settledAt",
  cancelled: "cancelledAt",
  failed: "failedAt"
}

const refundEvent = (refund: Refund, data: Record<string, unknown>) =>
  recordEvent({
    type: refundEventTypes[refund.state],
    entity: "refund",
    entityId: refund.id,
    customerId: refund.customerId,
    paymentId: refund.paymentId,
    data: { amount: minor(refund.amount), currency: refund.currency, state: refund.state, ...data }
  })

/** A payment can only be refunded while posted. */
const ensureRefundable = (target: Payment) =>
  target.state === "posted"
    ? Effect.void
    : Effect.fail(
        refused(
          "payment",
          target.id,
          target.state,
          "refund",
          `only posted payments can be refunded, this one is ${target.state}`
        )
      )

/**
 * Books a requested refund of `amount` from `target` (posted, its customer locked): at most what
 * is left of the payment; debits the customer's balance and logs the event.
 */
const bookRefund = (target: Payment, amount: bigint, documentId: DocumentId | null, reason: string | null) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const left = effectiveAmount(target)
    if (left === 0n || amount > left) {
      return yield* new Conflict({
        reason: "insufficient-amount",
        message: `only ${amountText(left, target.currency)} of payment ${target.id} can still be refunded`
      })
    }
    if (documentId !== null) {
      const document = yield* existingDocument(documentId)
      if (document.customerId !== target.customerId) {
        return yield* validationFailed(["documentId"], `document ${documentId} belongs to another customer`)
      }
    }
    const refund = yield* store.refunds.insert({
      publicId: newPublicId(),
      paymentId: target.id,
      customerId: target.customerId,
      documentId,
      currency: target.currency,
      amount,
      state: "requested",
      reason,
      gatewayReference: null,
      createdAt: yield* now,
      submittedAt: null,
      settledAt: null,
      cancelledAt: null,
      failedAt: null
    })
    const refunded: Payment = yield* savePayment(target, { refundedAmount: target.refundedAmount + amount })
    const entry = yield* moveBalance(target.customerId, {
      delta: -amount,
      kind: "refund",
      paymentId: target.id,
      documentId,
      refundId: refund.id,
      description: `refund of payment ${target.number ?? target.referenceNumber}`
    })
    yield* refundEvent(refund, {
      reason: refund.reason,
      refundedAmount: minor(refunded.refundedAmount),
      balanceAfter: minor(entry.balanceAfter)
    })
    yield* fitAllocations(refunded, "payment refunded")
    return refund
  })

/**
 * Moves a refund (its customer locked) along the refund lifecycle table; cancelling or failing
 * it books the amount back to the balance and frees it on the payment.
 */
const moveRefund = (refund: Refund, action: RefundAction, gatewayReference: string | null | undefined) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const next = nextRefundState(refund.state, action)
    if (Result.isFailure(next)) {
      return yield* refused("refund", refund.id, refund.state, action, next.failure)
    }
    const state = next.success
    const stamp = refundTimestamps[state]
    const updated = yield* store.refunds.update({
      ...refund,
      ...(stamp === null ? {} : { [stamp]: yield* now }),
      state,
      gatewayReference: gatewayReference ?? refund.gatewayReference
    })
    let balanceAfter: bigint | null = null
    if (isVoidRefundState(state)) {
      const target = yield* existingPayment(refund.paymentId)
      const restored = yield* savePayment(target, { refundedAmount: target.refundedAmount - refund.amount })
      const entry = yield* moveBalance(refund.customerId, {
        delta: refund.amount,
        kind: "refund-voided",
        paymentId: refund.paymentId,
        documentId: refund.documentId,
        refundId: refund.id,
        description: `refund of payment ${restored.number ?? restored.referenceNumber} ${state}`
      })
      balanceAfter = entry.balanceAfter
    }
    yield* refundEvent(updated, {
      previousState: refund.state,
      gatewayReference: updated.gatewayReference,
      ...(balanceAfter === null ? {} : { balanceAfter: minor(balanceAfter) })
    })
    return updated
  })

/**
 * The payment a credit refund of `amount` draws from: the customer's newest posted payment
 * (highest id) that still has at least `amount` left (amount − reversed − refunded).
 */
const creditSource = (customer: Customer, amount: bigint) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const posted = yield* allPages((paging) =>
      store.payments.list({ ...paging, customerId: customer.id, states: ["posted"], order: "id" })
    )
    const source = newestFirst(posted).find((payment) => effectiveAmount(payment) >= amount)
    if (source === undefined) {
      return yield* new Conflict({
        reason: "insufficient-amount",
        message:
          `No posted payment of customer ${customer.id} has enough left to pay back this refund; ` +
          "name the payment it comes from"
      })
    }
    return source
  })

/** A payment the caller named as the source: visible, and the customer's own. */
const namedSource = (customer: Customer, paymentId: PaymentId) =>
  Effect.gen(function* () {
    const payment = yield* visiblePayment(paymentId)
    if (payment.customerId !== customer.id) {
      return yield* validationFailed(
        ["paymentId"],
        `payment ${paymentId} belongs to another customer than ${customer.id}`
      )
    }
    return payment
  })

export const refundsLayer: Layer.Layer<Refunds, never, LedgerStore | IdempotencyStore> = Layer.effect(
  Refunds,
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const ports = yield* capturePorts<LedgerStore | IdempotencyStore>()
    return Refunds.of({
      refundPayment: Effect.fn("Refunds.refundPayment")(function* (input: C.RefundPaymentInput) {
        return yield* paymentMutation("refundPayment", input, Refund, (target) =>
          Effect.gen(function* () {
            yield* ensureRefundable(target)
            const amount =
              input.amount === undefined
                ? effectiveAmount(target)
                : yield* parsePositiveAmount(input.amount, target.currency, ["amount"])
            return yield* bookRefund(target, amount, input.documentId ?? null, input.reason ?? null)
          })
        )
      }, ports),

      transitionRefund: Effect.fn("Refunds.transitionRefund")(function* (input: C.TransitionRefundInput) {
        return yield* mutation(
          "transitionRefund",
          input,
          Refund,
          Effect.flatMap(lockRefund(input.refundId), ({ refund }) =>
            moveRefund(refund, input.action, input.gatewayReference)
          )
        )
      }, ports),

      refundCustomerCredit: Effect.fn("Refunds.refundCustomerCredit")(function* (input: C.RefundCustomerCreditInput) {
        return yield* mutation(
          "refundCustomerCredit",
          input,
          CustomerCreditRefund,
          Effect.gen(function* () {
            const customer = yield* lockCustomer(input.customerId)
            const amount = yield* parsePositiveAmount(input.amount, customer.currency, ["amount"])
            const source =
              input.paymentId === undefined || input.paymentId === null
                ? yield* creditSource(customer, amount)
                : yield* namedSource(customer, input.paymentId)
            yield* ensureRefundable(source)
            const requested = yield* bookRefund(source, amount, null, input.reason ?? null)
            const refund = input.settle === true ? yield* moveRefund(requested, "settle", undefined) : requested
            return { refunds: [refund] }
          })
        )
      }, ports),

      getRefund: Effect.fn("Refunds.getRefund")(function* (id: RefundId) {
        return yield* query("getRefund", visibleRefund(id))
      }, ports),

      listRefunds: Effect.fn("Refunds.listRefunds")(function* (input: C.RefundQueryInput) {
        return yield* query(
          "listRefunds",
          Effect.gen(function* () {
            if (input.customerId !== undefined) yield* inScope(input.customerId)
            if (input.paymentId !== undefined) yield* visiblePayment(input.paymentId)
            return yield* store.refunds.list({
              ...paging(input),
              customerId: input.customerId,
              customerIds: scopedCustomerIds(yield* currentPrincipal),
              paymentId: input.paymentId,
              states: input.states
            })
          })
        )
      }, ports)
    })
  })
)
