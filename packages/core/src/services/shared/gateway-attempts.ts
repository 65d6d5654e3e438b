/**
 * The gateway boundary: money moves at a gateway only through an attempt the ledger booked and
 * committed first. Booking (inside the command's transaction, customer locked) writes the attempt
 * with a key derived from the ledger's own ids (`pb_ch_<payment public id>` for a charge,
 * `pb_rf_<payment public id>_<n>` for a refund) and queues its call for after the commit. The call
 * runs outside any transaction (no lock is held while the gateway answers) and its outcome is
 * recorded in a new transaction: a charge approved → the payment posts, declined → it is rejected
 * with the gateway's reason (its allocations released), pending or unknown → it stays pending; a
 * refund approved → the reversal is booked, declined → nothing changes. A gateway's verified notice
 * (webhook) settles an attempt still open the same way. Attempts left pending (a crash, a timeout)
 * are settled by the reconciler (`gateway-reconciler.ts`) through `sendAttempt` and `recordOutcome`.
 */
import { Context, Effect } from "effect"
import { authorize, type LedgerOperation } from "../../auth/permissions.ts"
import type { BusinessDate } from "../../model/common.ts"
import type { DocumentId, GatewayAttemptId, PaymentId } from "../../model/ids.ts"
import type { Gateway, GatewayAttempt, Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { type AttemptLookupOutcome, type ChargeOutcome, PaymentGateways } from "../../ports/payment-gateway.ts"
import { now, today } from "../clock.ts"
import { CommandContext } from "../command-context.ts"
import { afterCommit } from "./after-commit.ts"
import { releaseAllocations } from "./allocation-releases.ts"
import { advanceCollection, collectionEvent, openCollection } from "./collection-steps.ts"
import { savePayment } from "./guarded-saves.ts"
import { minor, recordEvent } from "./ledger-events.ts"
import { paymentTransition, refused } from "./lifecycle-steps.ts"
import { bookPosting, paymentEvent } from "./payment-posting.ts"
import { currentPrincipal, visiblePayment } from "./record-access.ts"
import { bookReversal } from "./reversal-booking.ts"

/** The ports the queued call and its settlement use, captured from the booking command. */
const capturedPorts = Effect.gen(function* () {
  const store = yield* LedgerStore
  const gateways = yield* PaymentGateways
  const context = yield* CommandContext
  return Context.make(LedgerStore, store).pipe(
    Context.add(PaymentGateways, gateways),
    Context.add(CommandContext, context)
  )
})

export const attemptEvent = (
  type: "gateway.attempt-booked" | "gateway.attempt-settled" | "gateway.attempt-needs-attention",
  attempt: GatewayAttempt
) =>
  recordEvent({
    type,
    entity: "payment",
    entityId: attempt.paymentId,
    customerId: attempt.customerId,
    paymentId: attempt.paymentId,
    data: {
      attemptId: attempt.id,
      attemptKey: attempt.attemptKey,
      kind: attempt.kind,
      state: attempt.state,
      amount: minor(attempt.amount),
      currency: attempt.currency,
      gatewayReference: attempt.gatewayReference,
      message: attempt.message
    }
  })

const newAttempt = Effect.fnUntraced(function* (
  payment: Payment,
  gateway: Gateway,
  fields: Pick<
    GatewayAttempt,
    "attemptKey" | "kind" | "amount" | "token" | "chargeReference" | "reason" | "effectiveDate" | "documentId"
  >
) {
  const store = yield* LedgerStore
  const at = yield* now
  const attempt = yield* store.gatewayAttempts.insert({
    ...fields,
    gatewayId: gateway.id,
    customerId: payment.customerId,
    paymentId: payment.id,
    currency: payment.currency,
    state: "pending",
    gatewayReference: null,
    message: null,
    reversalId: null,
    tries: 0,
    createdAt: at,
    sentAt: null,
    settledAt: null,
    nextTryAt: null,
    updatedAt: at
  })
  yield* attemptEvent("gateway.attempt-booked", attempt)
  const ports = yield* capturedPorts
  yield* afterCommit(Effect.provideContext(sendAttempt(attempt.id), ports))
  return attempt
})

/** Attempts still waiting for the gateway's answer (the reconciler retries only `pending` ones). */
const isOpen = (attempt: GatewayAttempt) => attempt.state === "pending" || attempt.state === "needs-attention"

/** Books the charge of a pending payment (customer locked, inside the command's transaction). */
export const bookChargeAttempt = (payment: Payment, gateway: Gateway, token: string | null) =>
  newAttempt(payment, gateway, {
    attemptKey: `pb_ch_${payment.publicId}`,
    kind: "charge",
    amount: payment.amount,
    token,
    chargeReference: null,
    reason: null,
    effectiveDate: null,
    documentId: null
  })

/**
 * Before a pending gateway payment is cancelled or returned to draft (outside any transaction, the
 * caller authorised and the payment visible to it): each of its open charge attempts already at the
 * gateway is cancelled (voided) there, and a `cancelled` answer closes the attempt (`cancelled`,
 * in its own transaction under the customer's lock), so the change that follows goes ahead. Any
 * other answer (the charge completed or is settling, the gateway unreachable) leaves the attempt
 * open and `withdrawUnsentCharge` refuses the change: the gateway's answer decides the payment.
 */
export const cancelSentCharges = (payment: Payment) =>
  Effect.gen(function* () {
    if (payment.gatewayId === null || payment.state !== "pending") return
    const store = yield* LedgerStore
    const gateways = yield* PaymentGateways
    const attempts = yield* store.gatewayAttempts.listByPayment(payment.id)
    for (const attempt of attempts) {
      if (attempt.kind !== "charge" || !isOpen(attempt) || attempt.sentAt === null) continue
      const gateway = yield* store.gateways.get(attempt.gatewayId)
      if (gateway === null || gateways.refusal(gateway) !== null) continue
      const outcome = yield* gateways.cancel({
        gateway,
        attemptKey: attempt.attemptKey,
        chargeReference: attempt.gatewayReference ?? payment.gatewayReference
      })
      if (outcome.status !== "cancelled") continue
      yield* store.transaction(
        Effect.gen(function* () {
          yield* store.lockCustomer(attempt.customerId)
          const current = yield* store.gatewayAttempts.get(attempt.id)
          if (current === null || !isOpen(current)) return
          const at = yield* now
          const closed = yield* store.gatewayAttempts.update({
            ...current,
            state: "cancelled",
            gatewayReference: outcome.gatewayReference,
            message: "cancelled at the gateway before it completed",
            settledAt: at,
            updatedAt: at
          })
          yield* attemptEvent("gateway.attempt-settled", closed)
        })
      )
    }
  }).pipe(
    // Not cancelled or not recorded: the attempt stays open, and the change is refused below.
    Effect.ignore,
    Effect.withSpan("GatewayAttempts.cancelSent")
  )

/**
 * Before a pending gateway payment is cancelled or returned to draft (customer locked, inside the
 * command's transaction): its charge attempt not yet sent is abandoned, so it is never sent; one
 * still open at the gateway (which `cancelSentCharges` could not cancel there) refuses the change:
 * the gateway's answer (or the reconciler's) decides the payment — cancelling it here could leave
 * money taken and nothing booked.
 */
export const withdrawUnsentCharge = (payment: Payment, action: string) =>
  Effect.gen(function* () {
    if (payment.gatewayId === null || payment.state !== "pending") return
    const store = yield* LedgerStore
    const attempts = yield* store.gatewayAttempts.listByPayment(payment.id)
    for (const attempt of attempts) {
      if (attempt.kind !== "charge" || !isOpen(attempt)) continue
      if (attempt.sentAt !== null) {
        return yield* Effect.fail(
          refused(
            "payment",
            payment.id,
            payment.state,
            action,
            "the charge is already at the payment gateway, which did not cancel it; its answer decides the payment"
          )
        )
      }
      const at = yield* now
      const abandoned = yield* store.gatewayAttempts.update({
        ...attempt,
        state: "abandoned",
        message: `withdrawn before it was sent (${action})`,
        settledAt: at,
        updatedAt: at
      })
      yield* attemptEvent("gateway.attempt-settled", abandoned)
    }
  })

/** Refund attempts of the payment still waiting for the gateway (their amounts are spoken for). */
export const pendingRefundAmount = (payment: Payment) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const attempts = yield* store.gatewayAttempts.listByPayment(payment.id)
    return attempts
      .filter((attempt) => attempt.kind === "refund" && isOpen(attempt))
      .reduce((sum, attempt) => sum + attempt.amount, 0n)
  })

/** Books a refund of `amount` of a charged payment (customer locked, inside the command's transaction). */
export const bookRefundAttempt = Effect.fnUntraced(function* (
  payment: Payment,
  gateway: Gateway,
  amount: bigint,
  effectiveDate: BusinessDate,
  reason: string | null,
  documentId: DocumentId | null
) {
  const store = yield* LedgerStore
  const earlier = (yield* store.gatewayAttempts.listByPayment(payment.id)).filter((row) => row.kind === "refund")
  return yield* newAttempt(payment, gateway, {
    attemptKey: `pb_rf_${payment.publicId}_${earlier.length + 1}`,
    kind: "refund",
    amount,
    token: null,
    chargeReference: payment.gatewayReference,
    reason,
    effectiveDate,
    documentId
  })
})

/** Sends a pending attempt to its gateway (outside any transaction) and records the answer. */
export const sendAttempt = (id: GatewayAttemptId) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const gateways = yield* PaymentGateways
    const attempt = yield* store.gatewayAttempts.get(id)
    if (attempt === null || attempt.state !== "pending") return
    const gateway = yield* store.gateways.get(attempt.gatewayId)
    if (gateway === null) return
    const payment = yield* store.payments.get(attempt.paymentId)
    const reference = payment?.number ?? payment?.referenceNumber ?? attempt.attemptKey
    // Marked sent under the customer lock, so a cancellation (`withdrawUnsentCharge`) either
    // abandons the attempt before this or sees it sent and refuses.
    const at = yield* now
    const marked = yield* store.transaction(
      Effect.gen(function* () {
        yield* store.lockCustomer(attempt.customerId)
        const current = yield* store.gatewayAttempts.get(id)
        if (current === null || current.state !== "pending") return null
        return yield* store.gatewayAttempts.update({
          ...current,
          tries: current.tries + 1,
          sentAt: current.sentAt ?? at,
          updatedAt: at
        })
      })
    )
    if (marked === null) return
    const outcome =
      attempt.kind === "charge"
        ? yield* gateways.charge({
            gateway,
            attemptKey: attempt.attemptKey,
            amount: attempt.amount,
            currency: attempt.currency,
            token: attempt.token,
            reference
          })
        : yield* gateways.refund({
            gateway,
            attemptKey: attempt.attemptKey,
            amount: attempt.amount,
            currency: attempt.currency,
            chargeReference: attempt.chargeReference,
            reference
          })
    yield* recordOutcome(id, outcome)
  }).pipe(
    // The attempt stays pending for the reconciler when the store is unreachable.
    Effect.ignore,
    Effect.withSpan("GatewayAttempts.send")
  )

/** Records the gateway's answer for an attempt in a new transaction (its customer locked). */
export const recordOutcome = (id: GatewayAttemptId, outcome: AttemptLookupOutcome) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    yield* store.transaction(
      Effect.gen(function* () {
        const first = yield* store.gatewayAttempts.get(id)
        if (first === null || !isOpen(first)) return
        yield* store.lockCustomer(first.customerId)
        const attempt = yield* store.gatewayAttempts.get(id)
        if (attempt === null || !isOpen(attempt)) return
        const at = yield* now
        if (outcome.status === "unknown" || outcome.status === "not-found") {
          yield* store.gatewayAttempts.update({
            ...attempt,
            message: outcome.status === "unknown" ? outcome.message : attempt.message,
            updatedAt: at
          })
          return
        }
        if (outcome.status === "pending") {
          yield* store.gatewayAttempts.update({ ...attempt, gatewayReference: outcome.gatewayReference, updatedAt: at })
          if (attempt.kind === "charge") yield* notePendingCharge(attempt, outcome.gatewayReference)
          return
        }
        const settled = yield* store.gatewayAttempts.update({
          ...attempt,
          state: outcome.status,
          gatewayReference: outcome.gatewayReference,
          message: outcome.status === "declined" ? outcome.message : null,
          settledAt: at,
          updatedAt: at
        })
        const reversalId =
          attempt.kind === "charge" ? yield* settleCharge(settled, outcome) : yield* settleRefund(settled)
        const final = reversalId === null ? settled : yield* store.gatewayAttempts.update({ ...settled, reversalId })
        yield* attemptEvent("gateway.attempt-settled", final)
      })
    )
  }).pipe(
    // Not recorded (the store unreachable, a concurrent change): the attempt stays pending for the reconciler.
    Effect.ignore
  )

/** A charge the gateway holds as pending: the payment and its collection carry the gateway's reference. */
const notePendingCharge = (attempt: GatewayAttempt, gatewayReference: string) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const payment = yield* store.payments.get(attempt.paymentId)
    if (payment === null || payment.state !== "pending" || payment.gatewayReference === gatewayReference) return
    const collection = yield* openCollection(payment)
    if (collection !== null) yield* store.collections.update({ ...collection, gatewayReference })
    yield* savePayment(payment, { gatewayReference })
  })

/** An approved or declined charge: the pending payment posts, or is rejected with the gateway's reason. */
const settleCharge = (attempt: GatewayAttempt, outcome: Extract<ChargeOutcome, { status: "approved" | "declined" }>) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const payment = yield* store.payments.get(attempt.paymentId)
    // Settled another way meanwhile (collected or cancelled by hand): the attempt only records the answer.
    if (payment === null || payment.state !== "pending") return null
    const collection = yield* openCollection(payment)
    const at = yield* now
    if (outcome.status === "approved") {
      if (collection !== null) {
        const collected = yield* advanceCollection(collection, "collect", {
          collectedAt: at,
          gatewayReference: outcome.gatewayReference
        })
        yield* collectionEvent("collection.collected", collected, payment)
      }
      yield* bookPosting(payment, yield* today, { gatewayReference: outcome.gatewayReference })
      return null
    }
    if (collection !== null) {
      const failed = yield* advanceCollection(collection, "fail", {
        failedAt: at,
        failureReason: outcome.message,
        gatewayReference: outcome.gatewayReference
      })
      yield* collectionEvent("collection.failed", failed, payment, { reason: outcome.message })
    }
    const draft = yield* savePayment(payment, { state: yield* paymentTransition(payment, "fail-collection") })
    const released = yield* releaseAllocations(
      draft,
      yield* store.allocations.listByPayment(draft.id),
      { kind: "rejection", id: draft.id },
      "gateway declined the charge"
    )
    const rejected = yield* savePayment(released, {
      state: yield* paymentTransition(released, "reject"),
      rejectionReason: outcome.message,
      rejectedAt: at,
      gatewayReference: outcome.gatewayReference
    })
    yield* paymentEvent("payment.rejected", rejected, {
      reason: outcome.message,
      gatewayReference: outcome.gatewayReference
    })
    return null
  }).pipe(Effect.orDie)

/** An approved refund: the reversal is booked (the amount was reserved when the attempt was booked). */
const settleRefund = (attempt: GatewayAttempt) =>
  Effect.gen(function* () {
    if (attempt.state !== "approved") return null
    const store = yield* LedgerStore
    const payment = yield* store.payments.get(attempt.paymentId)
    if (payment === null) return null
    const { reversal } = yield* bookReversal(
      payment,
      attempt.amount,
      attempt.effectiveDate ?? (yield* today),
      attempt.reason,
      attempt.documentId
    )
    return reversal.id
  }).pipe(Effect.orDie)

/** A gateway's verified notice about the object it made for one of our attempts (a webhook event). */
export interface GatewayNotice {
  /** The code of the gateway whose endpoint received it: an attempt of another gateway is not touched. */
  readonly gatewayCode: string
  readonly attemptKey: string
  readonly kind: "charge" | "refund"
  readonly outcome: Exclude<ChargeOutcome, { readonly status: "unknown" }>
  /** What the gateway's object holds, in minor units (null when not expressible): must be the attempt's. */
  readonly amount: bigint | null
  readonly currency: string
}

/** What a notice did: `settled` (the attempt took this answer), `noted` (still pending), or why not. */
export type NoticeResult = "settled" | "noted" | "already-settled" | "unknown-attempt" | "mismatch"

/**
 * Records a gateway's notice for the attempt booked with its key, exactly like the answer of the
 * call itself (`recordOutcome`): only a pending attempt changes, under its customer's lock, so a
 * duplicate delivery, a notice that arrives after the call's own answer (or after the reconciler)
 * and a stale non-final notice arriving after a final one all leave the ledger as it is. A notice
 * whose gateway, kind, amount or currency is not the attempt's changes nothing.
 */
export const recordNotice = (notice: GatewayNotice) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const attempt = yield* store.gatewayAttempts.getByKey(notice.attemptKey)
    if (attempt === null) return "unknown-attempt" satisfies NoticeResult
    const gateway = yield* store.gateways.get(attempt.gatewayId)
    if (
      gateway === null ||
      gateway.code !== notice.gatewayCode ||
      attempt.kind !== notice.kind ||
      (notice.amount !== null && notice.amount !== attempt.amount) ||
      notice.currency.toUpperCase() !== attempt.currency
    ) {
      return "mismatch" satisfies NoticeResult
    }
    if (!isOpen(attempt)) return "already-settled" satisfies NoticeResult
    yield* recordOutcome(attempt.id, notice.outcome)
    const after = yield* store.gatewayAttempts.get(attempt.id)
    return (after === null || isOpen(after) ? "noted" : "settled") satisfies NoticeResult
  }).pipe(Effect.withSpan("GatewayAttempts.notice"))

/**
 * The step before a command that cancels or unwinds a pending gateway payment: the principal must be
 * allowed `operation` and see the payment; then its charge is voided at the gateway where it can be
 * (`cancelSentCharges`), outside any transaction. Failures of the command itself come afterwards.
 */
export const voidAtGateway = (operation: LedgerOperation, paymentId: PaymentId) =>
  Effect.gen(function* () {
    yield* authorize(yield* currentPrincipal, operation)
    const payment = yield* Effect.option(visiblePayment(paymentId))
    if (payment._tag === "Some") yield* cancelSentCharges(payment.value)
  })
