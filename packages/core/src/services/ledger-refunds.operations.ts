/**
 * Ledger operations on refunds, manual balance adjustments, the balance chain and the event log.
 * A refund is requested from a posted payment for at most what is left of it (amount − reversed −
 * refunded); requesting it debits the customer's balance and cancelling or failing it books the
 * amount back, so the balance chain is only ever appended to. A refund of customer credit
 * (`refundCustomerCredit`) is the ledger's policy for which payment a refund nobody tied to a
 * payment draws from: today the customer's newest posted payment with enough left.
 */
import { Effect, Result } from "effect"
import { scopedCustomerIds } from "../auth/permissions.ts"
import { Conflict, type LedgerError, validationFailed } from "../errors.ts"
import {
  isVoidRefundState,
  nextRefundState,
  type RefundAction,
  type RefundState
} from "../lifecycle/refund-lifecycle.ts"
import { newPublicId, type RecordId } from "../model/common.ts"
import { BalanceEntry, type Customer, type LedgerEventType, type Payment, Refund } from "../model/records.ts"
import { now } from "./clock.ts"
import type { CommandContext } from "./command-context.ts"
import { CustomerCreditRefund, type LedgerShape } from "./ledger.ts"
import { effectiveAmount, makeAllocationBook, newestFirst } from "./ledger-allocations.ts"
import type * as C from "./ledger-commands.ts"
import { type LedgerKit, minor } from "./ledger-kit.ts"

type RefundOperations = Pick<
  LedgerShape,
  | "refundPayment"
  | "transitionRefund"
  | "refundCustomerCredit"
  | "getRefund"
  | "listRefunds"
  | "adjustBalance"
  | "listBalanceEntries"
  | "listEvents"
>

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

export const makeRefundOperations = (kit: LedgerKit): RefundOperations => {
  const { store } = kit
  const { fitAllocations } = makeAllocationBook(kit)

  const refundEvent = (refund: Refund, data: Record<string, unknown>) =>
    kit.recordEvent({
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
          kit.refused(
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
  const bookRefund = (
    target: Payment,
    amount: bigint,
    documentId: RecordId | null,
    reason: string | null
  ): Effect.Effect<Refund, LedgerError, CommandContext> =>
    Effect.gen(function* () {
      const left = effectiveAmount(target)
      if (left === 0n || amount > left) {
        return yield* new Conflict({
          reason: "insufficient-amount",
          message: `only ${minor(left)} minor units of payment ${target.id} can still be refunded`
        })
      }
      if (documentId !== null) {
        const document = yield* Effect.flatMap(store.documents.get(documentId), kit.found("document", documentId))
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
      const refunded: Payment = yield* kit.savePayment(target, { refundedAmount: target.refundedAmount + amount })
      const entry = yield* kit.moveBalance(target.customerId, {
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
  const moveRefund = (
    refund: Refund,
    action: RefundAction,
    gatewayReference: string | null | undefined
  ): Effect.Effect<Refund, LedgerError, CommandContext> =>
    Effect.gen(function* () {
      const next = nextRefundState(refund.state, action)
      if (Result.isFailure(next)) {
        return yield* kit.refused("refund", refund.id, refund.state, action, next.failure)
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
        const target = yield* Effect.flatMap(
          store.payments.get(refund.paymentId),
          kit.found("payment", refund.paymentId)
        )
        const restored = yield* kit.savePayment(target, { refundedAmount: target.refundedAmount - refund.amount })
        const entry = yield* kit.moveBalance(refund.customerId, {
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
      const posted = yield* kit.allPages((paging) =>
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
  const namedSource = (customer: Customer, paymentId: RecordId) =>
    Effect.gen(function* () {
      const payment = yield* kit.visiblePayment(paymentId)
      if (payment.customerId !== customer.id) {
        return yield* validationFailed(
          ["paymentId"],
          `payment ${paymentId} belongs to another customer than ${customer.id}`
        )
      }
      return payment
    })

  return {
    refundPayment: Effect.fn("Ledger.refundPayment")(function* (input: C.RefundPaymentInput) {
      return yield* kit.paymentMutation("refundPayment", input, Refund, (target) =>
        Effect.gen(function* () {
          yield* ensureRefundable(target)
          const amount =
            input.amount === undefined
              ? effectiveAmount(target)
              : yield* kit.parsePositiveAmount(input.amount, target.currency, ["amount"])
          return yield* bookRefund(target, amount, input.documentId ?? null, input.reason ?? null)
        })
      )
    }),

    transitionRefund: Effect.fn("Ledger.transitionRefund")(function* (input: C.TransitionRefundInput) {
      return yield* kit.mutation(
        "transitionRefund",
        input,
        Refund,
        Effect.flatMap(kit.lockRefund(input.refundId), ({ refund }) =>
          moveRefund(refund, input.action, input.gatewayReference)
        )
      )
    }),

    refundCustomerCredit: Effect.fn("Ledger.refundCustomerCredit")(function* (input: C.RefundCustomerCreditInput) {
      return yield* kit.mutation(
        "refundCustomerCredit",
        input,
        CustomerCreditRefund,
        Effect.gen(function* () {
          const customer = yield* kit.lockCustomer(input.customerId)
          const amount = yield* kit.parsePositiveAmount(input.amount, customer.currency, ["amount"])
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
    }),

    getRefund: Effect.fn("Ledger.getRefund")(function* (id: RecordId) {
      return yield* kit.query("getRefund", kit.visibleRefund(id))
    }),

    listRefunds: Effect.fn("Ledger.listRefunds")(function* (input: C.RefundQueryInput) {
      return yield* kit.query(
        "listRefunds",
        Effect.gen(function* () {
          if (input.customerId !== undefined) yield* kit.inScope(input.customerId)
          if (input.paymentId !== undefined) yield* kit.visiblePayment(input.paymentId)
          return yield* store.refunds.list({
            ...kit.paging(input),
            customerId: input.customerId,
            customerIds: scopedCustomerIds(yield* kit.principal),
            paymentId: input.paymentId,
            states: input.states
          })
        })
      )
    }),

    adjustBalance: Effect.fn("Ledger.adjustBalance")(function* (input: C.AdjustBalanceInput) {
      return yield* kit.mutation(
        "adjustBalance",
        input,
        BalanceEntry,
        Effect.gen(function* () {
          const customer = yield* kit.lockCustomer(input.customerId)
          const amount = yield* kit.parseAmount(input.amount, customer.currency, ["amount"])
          if (amount === 0n) return yield* validationFailed(["amount"], "an adjustment must not be zero")
          const entry = yield* kit.moveBalance(customer.id, {
            delta: amount,
            kind: "adjustment",
            description: input.description
          })
          yield* kit.recordEvent({
            type: "balance.adjusted",
            entity: "balance",
            entityId: entry.id,
            customerId: customer.id,
            data: {
              amount: minor(amount),
              currency: customer.currency,
              description: input.description,
              balanceAfter: minor(entry.balanceAfter)
            }
          })
          return entry
        })
      )
    }),

    listBalanceEntries: Effect.fn("Ledger.listBalanceEntries")(function* (customerId: RecordId, input: C.PageInput) {
      return yield* kit.query(
        "listBalanceEntries",
        Effect.andThen(kit.visibleCustomer(customerId), store.balance.list(customerId, kit.paging(input)))
      )
    }),

    listEvents: Effect.fn("Ledger.listEvents")(function* (input: C.EventQueryInput) {
      return yield* kit.query(
        "listEvents",
        Effect.gen(function* () {
          if (input.customerId !== undefined) yield* kit.inScope(input.customerId)
          if (input.paymentId !== undefined) yield* kit.visiblePayment(input.paymentId)
          return yield* store.events.list({
            ...kit.paging(input),
            types: input.types,
            since: input.since,
            customerId: input.customerId,
            customerIds: scopedCustomerIds(yield* kit.principal),
            paymentId: input.paymentId
          })
        })
      )
    })
  }
}
