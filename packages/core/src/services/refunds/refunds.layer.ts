/**
 * The implementation of `Refunds` on the `LedgerStore` and `IdempotencyStore` ports. Every method
 * is an `Effect.fn("Refunds.<method>")`. Booking a refund debits the customer's balance, logs the
 * event and releases exactly its amount from the payment by the release rule (credit first, then
 * the document the refund names, then the newest allocations, partially); moving a refund along
 * its lifecycle table to cancelled or failed books the amount back and restores what it released,
 * so the balance chain is only ever appended to. A refund of customer credit draws from the
 * customer's posted payments' unallocated credit oldest first, then from balance credit no payment
 * holds (balance adjustments), refused only when the customer's balance is too small; a refund for
 * a document draws from the newest posted payment that paid it (docs/money-model.md).
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
import type { CustomerId, DocumentId, PaymentId, RefundId } from "../../model/ids.ts"
import { type Customer, type LedgerEventType, type Payment, Refund } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import type * as C from "../ledger-commands.ts"
import { effectiveAmount, newestFirst, oldestFirst, smaller, unallocatedCredit } from "../shared/allocation-book.ts"
import { releaseForMovement, restoreReleases } from "../shared/allocation-releases.ts"
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
  visibleDocument,
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

/** A new requested refund's row. */
const newRefund = (
  owner: { readonly customerId: CustomerId; readonly currency: Payment["currency"] },
  paymentId: PaymentId | null,
  amount: bigint,
  documentId: DocumentId | null,
  reason: string | null
) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    return yield* store.refunds.insert({
      publicId: newPublicId(),
      paymentId,
      customerId: owner.customerId,
      documentId,
      currency: owner.currency,
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
  })

/**
 * Books a requested refund of `amount` from `target` (posted, its customer locked): at most what
 * is left of the payment; releases that amount by the release rule, debits the customer's balance
 * and logs the event.
 */
const bookRefund = (target: Payment, amount: bigint, documentId: DocumentId | null, reason: string | null) =>
  Effect.gen(function* () {
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
    const refund = yield* newRefund(target, target.id, amount, documentId, reason)
    const released = yield* releaseForMovement(
      target,
      { kind: "refund", id: refund.id },
      amount,
      documentId,
      "payment refunded"
    )
    const refunded: Payment = yield* savePayment(released, { refundedAmount: released.refundedAmount + amount })
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
    return refund
  })

/** Books a requested refund of balance credit no payment holds (e.g. from balance adjustments). */
const bookBalanceCreditRefund = (customer: Customer, amount: bigint, reason: string | null) =>
  Effect.gen(function* () {
    const refund = yield* newRefund(
      { customerId: customer.id, currency: customer.currency },
      null,
      amount,
      null,
      reason
    )
    const entry = yield* moveBalance(customer.id, {
      delta: -amount,
      kind: "refund",
      refundId: refund.id,
      description: "refund of balance credit"
    })
    yield* refundEvent(refund, { reason: refund.reason, balanceAfter: minor(entry.balanceAfter) })
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
      const target = refund.paymentId === null ? null : yield* existingPayment(refund.paymentId)
      const restored =
        target === null ? null : yield* savePayment(target, { refundedAmount: target.refundedAmount - refund.amount })
      const entry = yield* moveBalance(refund.customerId, {
        delta: refund.amount,
        kind: "refund-voided",
        paymentId: refund.paymentId,
        documentId: refund.documentId,
        refundId: refund.id,
        description:
          restored === null
            ? `refund of balance credit ${state}`
            : `refund of payment ${restored.number ?? restored.referenceNumber} ${state}`
      })
      balanceAfter = entry.balanceAfter
      if (restored !== null) yield* restoreReleases(restored, { kind: "refund", id: refund.id })
    }
    yield* refundEvent(updated, {
      previousState: refund.state,
      gatewayReference: updated.gatewayReference,
      ...(balanceAfter === null ? {} : { balanceAfter: minor(balanceAfter) })
    })
    return updated
  })

/**
 * Draws a credit refund of `amount` for a locked customer (the rule of docs/money-model.md): the
 * customer's balance must cover it; it comes from the unallocated credit of the customer's posted
 * payments, oldest payment first, one refund per payment, and what no payment holds as credit
 * (balance-adjustment credit) becomes one refund tied to no payment. Allocations are never
 * touched, so no document reopens.
 */
const drawCustomerCredit = (customer: Customer, amount: bigint, reason: string | null) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    if (customer.balance < amount) {
      return yield* new Conflict({
        reason: "insufficient-amount",
        message:
          `customer ${customer.id} has ${amountText(customer.balance > 0n ? customer.balance : 0n, customer.currency)} of ` +
          `credit, less than the ${amountText(amount, customer.currency)} asked to pay back`
      })
    }
    const posted = yield* allPages((paging) =>
      store.payments.list({ ...paging, customerId: customer.id, states: ["posted"], order: "id" })
    )
    const booked: Array<Refund> = []
    let left = amount
    for (const payment of oldestFirst(posted)) {
      if (left === 0n) break
      const credit = unallocatedCredit(payment)
      if (credit <= 0n) continue
      const take = smaller(credit, left)
      booked.push(yield* bookRefund(payment, take, null, reason))
      left -= take
    }
    if (left > 0n) booked.push(yield* bookBalanceCreditRefund(customer, left, reason))
    return booked
  })

/**
 * A refund for a document nobody tied to a payment (Elevate's `POST /refunds` with `invoiceId`):
 * drawn from the newest posted payment that paid the document (booked allocation to it), else the
 * newest one already refunded for it, that still has something left. By default it refunds what
 * that payment allocated to the document (or all it has left when that is less or nothing).
 */
const documentRefundSource = (documentId: DocumentId) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const document = yield* existingDocument(documentId)
    const allocations = (yield* store.allocations.listByDocument(document.id)).filter((row) => row.booked)
    const earlier = yield* allPages((paging) => store.refunds.list({ ...paging, customerId: document.customerId }))
    const ids = new Set<PaymentId>(allocations.map((row) => row.paymentId))
    const refundedIds = earlier.flatMap((refund) =>
      refund.documentId === document.id && refund.paymentId !== null ? [refund.paymentId] : []
    )
    const ordered = [
      ...newestFirst([...ids].map((id) => ({ id }))),
      ...newestFirst([...new Set(refundedIds)].filter((id) => !ids.has(id)).map((id) => ({ id })))
    ]
    for (const { id } of ordered) {
      const payment = yield* existingPayment(id)
      const left = effectiveAmount(payment)
      if (payment.state !== "posted" || left <= 0n) continue
      const allocated = allocations.filter((row) => row.paymentId === id).reduce((sum, row) => sum + row.amount, 0n)
      return { document, payment, byDefault: allocated > 0n && allocated < left ? allocated : left }
    }
    return yield* validationFailed(
      ["documentId"],
      `nothing has been paid on document ${document.id} that can be refunded`
    )
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

      refundDocument: Effect.fn("Refunds.refundDocument")(function* (input: C.RefundDocumentInput) {
        return yield* mutation(
          "refundDocument",
          input,
          Refund,
          Effect.gen(function* () {
            const seen = yield* visibleDocument(input.documentId)
            yield* lockCustomer(seen.customerId)
            const { document, payment, byDefault } = yield* documentRefundSource(input.documentId)
            const amount =
              input.amount === undefined
                ? byDefault
                : yield* parsePositiveAmount(input.amount, payment.currency, ["amount"])
            return yield* bookRefund(payment, amount, document.id, input.reason ?? null)
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
            const reason = input.reason ?? null
            let requested: ReadonlyArray<Refund>
            if (input.paymentId === undefined || input.paymentId === null) {
              requested = yield* drawCustomerCredit(customer, amount, reason)
            } else {
              const source = yield* namedSource(customer, input.paymentId)
              yield* ensureRefundable(source)
              requested = [yield* bookRefund(source, amount, null, reason)]
            }
            const refunds =
              input.settle === true
                ? yield* Effect.forEach(requested, (refund) => moveRefund(refund, "settle", undefined))
                : requested
            return { refunds }
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
              states: input.states,
              createdSince: input.createdSince,
              changedSince: input.changedSince,
              record: input.record
            })
          })
        )
      }, ports)
    })
  })
)
