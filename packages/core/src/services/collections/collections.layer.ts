/**
 * The implementation of `Collections` on the `LedgerStore`, `IdempotencyStore` and
 * `PaymentGateways` ports. Every method is an `Effect.fn("Collections.<method>")`. Collections
 * move through their lifecycle table (`../shared/collection-steps.ts`) and a collected payment
 * posts exactly as `Payments.postPayment` posts it. A reversal through the gateway books a refund
 * attempt (its amount reserved) and commits, then asks the gateway outside any transaction
 * (`../shared/gateway-attempts.ts`); an approval books the reversal exactly as
 * `Payments.reversePayment` does, a decline changes nothing and is a `ValidationFailed` carrying the
 * gateway's message, no answer leaves it pending for the reconciler (`reconcileGatewayAttempts`).
 * A payment link checks the gateway, scope and amount and asks the gateway for the link outside
 * any transaction; it books nothing and writes no event (with an idempotency key a retry gets the
 * same link: the gateway's key derives from it).
 */
import { Effect, Layer } from "effect"
import { validationFailed } from "../../errors.ts"
import { newPublicId, toBusinessDate } from "../../model/common.ts"
import { GatewayAttempt } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { PaymentGateways } from "../../ports/payment-gateway.ts"
import { now, today } from "../clock.ts"
import { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import { PaymentDetail } from "../payments/payments.service.ts"
import { effectiveAmount } from "../shared/allocation-book.ts"
import { advanceCollection, collectionEvent, openCollection, submitForCollection } from "../shared/collection-steps.ts"
import { parsePositiveAmount } from "../shared/exact-amounts.ts"
import {
  bookRefundAttempt,
  type GatewayNotice,
  pendingRefundAmount,
  recordNotice,
  voidAtGateway,
  withdrawUnsentCharge
} from "../shared/gateway-attempts.ts"
import { reconcileAttempts } from "../shared/gateway-reconciler.ts"
import { savePayment } from "../shared/guarded-saves.ts"
import { requestHash } from "../shared/idempotency.ts"
import { mutation, paymentMutation, query } from "../shared/ledger-command.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import { paymentTransition, refused } from "../shared/lifecycle-steps.ts"
import { paymentDetail } from "../shared/payment-detail.ts"
import { bookPosting, paymentEvent } from "../shared/payment-posting.ts"
import {
  existingGateway,
  existingPayment,
  lockPayment,
  visibleCustomer,
  visibleDocument
} from "../shared/record-access.ts"
import { ensureLeftToReverse } from "../shared/reversal-booking.ts"
import {
  Collections,
  type CreatePaymentLinkInput,
  type ListGatewayAttemptsInput,
  PaymentLink,
  type ReconcileInput
} from "./collections.service.ts"

/** Shared body of cancelCollection and failCollection: the collection ends, the payment returns to draft. */
const unwindCollection = (input: C.CollectionOutcomeInput, action: "cancel" | "fail") =>
  Effect.gen(function* () {
    const { payment: target } = yield* lockPayment(input.paymentId)
    const collection = yield* openCollection(target)
    if (collection === null) {
      return yield* refused(
        "payment",
        target.id,
        target.state,
        `${action}-collection`,
        "the payment has no requested collection"
      )
    }
    yield* withdrawUnsentCharge(target, `${action}-collection`)
    const at = yield* now
    const reason = input.reason ?? null
    const ended = yield* advanceCollection(
      collection,
      action,
      action === "cancel"
        ? { cancelledAt: at, gatewayReference: input.gatewayReference ?? collection.gatewayReference }
        : {
            failedAt: at,
            failureReason: reason,
            gatewayReference: input.gatewayReference ?? collection.gatewayReference
          }
    )
    const state = yield* paymentTransition(target, "fail-collection")
    const draft = yield* savePayment(target, { state })
    if (action === "cancel") {
      yield* collectionEvent("collection.cancelled", ended, draft, { reason })
      yield* paymentEvent("payment.updated", draft, {
        state,
        previousState: target.state,
        reason: "collection cancelled"
      })
    } else {
      yield* collectionEvent("collection.failed", ended, draft, { reason })
      yield* paymentEvent("payment.collection-failed", draft, { collectionId: ended.id, reason })
    }
    return yield* paymentDetail(draft)
  })

export const collectionsLayer: Layer.Layer<Collections, never, LedgerStore | IdempotencyStore | PaymentGateways> =
  Layer.effect(
    Collections,
    Effect.gen(function* () {
      const gateways = yield* PaymentGateways
      const store = yield* LedgerStore
      const ports = yield* capturePorts<LedgerStore | IdempotencyStore | PaymentGateways>()

      const requestCollection = Effect.fn("Collections.requestCollection")(function* (input: C.RequestCollectionInput) {
        return yield* paymentMutation("requestCollection", input, PaymentDetail, (target) =>
          Effect.gen(function* () {
            const submitted = yield* submitForCollection(target, input.method, input.gatewayReference ?? null)
            return yield* paymentDetail(submitted)
          })
        )
      }, ports)

      const markCollected = Effect.fn("Collections.markCollected")(function* (input: C.CollectionOutcomeInput) {
        return yield* paymentMutation("markCollected", input, PaymentDetail, (target) =>
          Effect.gen(function* () {
            const collection = yield* openCollection(target)
            if (collection === null) {
              return yield* refused(
                "payment",
                target.id,
                target.state,
                "collect",
                "the payment has no requested collection"
              )
            }
            yield* paymentTransition(target, "post")
            const gatewayReference = input.gatewayReference ?? collection.gatewayReference
            const collectedAt = input.collectedAt ?? (yield* now)
            const collected = yield* advanceCollection(collection, "collect", { collectedAt, gatewayReference })
            yield* collectionEvent("collection.collected", collected, target)
            const postedOn =
              input.collectedOn ?? (input.collectedAt === undefined ? yield* today : toBusinessDate(input.collectedAt))
            const posted = yield* bookPosting(
              target,
              postedOn,
              { gatewayReference: target.gatewayReference ?? gatewayReference },
              input.collectedAt
            )
            return yield* paymentDetail(posted)
          })
        )
      }, ports)

      const cancelCollection = Effect.fn("Collections.cancelCollection")(function* (input: C.CollectionOutcomeInput) {
        yield* voidAtGateway("cancelCollection", input.paymentId)
        return yield* mutation("cancelCollection", input, PaymentDetail, unwindCollection(input, "cancel"))
      }, ports)

      const failCollection = Effect.fn("Collections.failCollection")(function* (input: C.CollectionOutcomeInput) {
        yield* voidAtGateway("failCollection", input.paymentId)
        return yield* mutation("failCollection", input, PaymentDetail, unwindCollection(input, "fail"))
      }, ports)

      const reverseThroughGateway = Effect.fn("Collections.reverseThroughGateway")(function* (
        input: C.ReversePaymentInput
      ) {
        const booked = yield* paymentMutation("reverseThroughGateway", input, GatewayAttempt, (target) =>
          Effect.gen(function* () {
            yield* paymentTransition(target, "reverse")
            if (target.gatewayId === null) {
              return yield* validationFailed(
                ["paymentId"],
                `payment ${target.id} was not charged through a gateway; reverse it without the gateway`
              )
            }
            const gateway = yield* existingGateway(target.gatewayId)
            const refusal = gateways.refusal(gateway)
            if (refusal !== null) return yield* validationFailed(["paymentId"], refusal)
            const amount =
              input.amount === undefined
                ? effectiveAmount(target) - (yield* pendingRefundAmount(target))
                : yield* parsePositiveAmount(input.amount, target.currency, ["amount"])
            yield* ensureLeftToReverse(target, amount + (yield* pendingRefundAmount(target)))
            const effectiveDate = input.effectiveDate ?? (yield* today)
            return yield* bookRefundAttempt(
              target,
              gateway,
              amount,
              effectiveDate,
              input.reason ?? null,
              input.documentId ?? null
            )
          })
        )
        // The gateway was called after the commit; answer with what it said.
        const attempt = (yield* store.gatewayAttempts.get(booked.id)) ?? booked
        if (attempt.state === "declined") {
          return yield* validationFailed(
            ["paymentId"],
            `gateway declined the reversal (${attempt.gatewayReference ?? attempt.attemptKey}): ${attempt.message ?? ""}`
          )
        }
        const payment = yield* store.payments.get(attempt.paymentId)
        return {
          detail: yield* paymentDetail(payment ?? (yield* existingPayment(attempt.paymentId))),
          reversalId: attempt.reversalId,
          gatewayReference: attempt.gatewayReference,
          attemptKey: attempt.attemptKey,
          state: attempt.state === "approved" ? ("approved" as const) : ("pending" as const)
        }
      }, ports)

      const createPaymentLink = Effect.fn("Collections.createPaymentLink")(function* (input: CreatePaymentLinkInput) {
        const context = yield* CommandContext
        // Checked and asked for outside any transaction; a retry with the idempotency key gets the same link.
        const checked = yield* query(
          "createPaymentLink",
          Effect.gen(function* () {
            const document = input.documentId == null ? null : yield* visibleDocument(input.documentId)
            const customerId = input.customerId ?? document?.customerId
            if (customerId === undefined) {
              return yield* validationFailed(["customerId"], "name the customer or the document the link pays")
            }
            if (document !== null && document.customerId !== customerId) {
              return yield* validationFailed(["documentId"], `document ${document.id} belongs to another customer`)
            }
            if (document !== null && document.state !== "issued") {
              return yield* validationFailed(["documentId"], `document ${document.id} is ${document.state}`)
            }
            const customer = yield* visibleCustomer(customerId)
            const gateway = yield* existingGateway(input.gatewayId)
            if (!gateway.enabled) return yield* validationFailed(["gatewayId"], `gateway ${gateway.code} is disabled`)
            const refusal = gateways.refusal(gateway)
            if (refusal !== null) return yield* validationFailed(["gatewayId"], refusal)
            const amount = yield* parsePositiveAmount(input.amount, customer.currency, ["amount"])
            const reference = input.reference ?? (document === null ? customer.number : document.number)
            return { document, customer, gateway, amount, reference }
          })
        )
        const { document, customer, gateway, amount, reference } = checked
        const attemptKey =
          context.idempotencyKey === null
            ? `pb_pl_${newPublicId()}`
            : `pb_pl_${requestHash(`${context.principal.id}:${context.idempotencyKey}`, input).slice(0, 40)}`
        const link = yield* gateways.createPaymentLink({
          gateway,
          attemptKey,
          amount,
          currency: customer.currency,
          reference
        })
        if ("refused" in link) {
          return yield* validationFailed(["gatewayId"], `gateway ${gateway.code} refused the link: ${link.refused}`)
        }
        return yield* mutation(
          "createPaymentLink",
          input,
          PaymentLink,
          Effect.gen(function* () {
            return {
              gatewayId: gateway.id,
              customerId: customer.id,
              documentId: document?.id ?? null,
              currency: customer.currency,
              amount,
              reference,
              url: link.url,
              gatewayReference: link.gatewayReference,
              createdAt: yield* now
            }
          })
        )
      }, ports)

      const reconcileGatewayAttempts = Effect.fn("Collections.reconcileGatewayAttempts")(function* (
        input: ReconcileInput
      ) {
        return yield* query(
          "reconcileGatewayAttempts",
          reconcileAttempts({
            minimumAgeMs: input.minimumAgeMs ?? 30_000,
            limit: input.limit ?? 500,
            maxTries: input.maxTries,
            backoffBaseMs: input.backoffBaseMs,
            holder: input.holder,
            leaseMs: input.leaseMs
          })
        )
      }, ports)

      const listGatewayAttempts = Effect.fn("Collections.listGatewayAttempts")(function* (
        input: ListGatewayAttemptsInput
      ) {
        return yield* query("listGatewayAttempts", store.gatewayAttempts.listInState(input.state, input.limit ?? 100))
      }, ports)

      const recordGatewayNotice = Effect.fn("Collections.recordGatewayNotice")(function* (input: GatewayNotice) {
        return yield* query("recordGatewayNotice", recordNotice(input))
      }, ports)

      return Collections.of({
        requestCollection,
        markCollected,
        cancelCollection,
        failCollection,
        reverseThroughGateway,
        createPaymentLink,
        reconcileGatewayAttempts,
        listGatewayAttempts,
        recordGatewayNotice
      })
    })
  )
