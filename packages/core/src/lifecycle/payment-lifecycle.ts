/**
 * The payment lifecycle as a declared transition table. `paymentTransitions[state][action]` is
 * the state a payment moves to, or `null` when the action is refused from that state; the table
 * is total (every state × action pair is written out) so the type checker forces a decision for
 * every new state or action. Amount rules (a reversal may not exceed the unreversed amount, only a
 * reversed amount can be reinstated) are checked by the ledger service on top of the table.
 *
 *   draft ──post──▶ posted ──reverse/reinstate──▶ posted
 *     │ ╲ ╲reject▶ rejected
 *     │  ╲cancel▶ cancelled ◀─cancel── pending
 *     └submit▶ pending ──post──▶ posted
 *              pending ──fail-collection──▶ draft
 */
import { Result, Schema } from "effect"

export const paymentStates = ["draft", "pending", "posted", "rejected", "cancelled"] as const
export type PaymentState = (typeof paymentStates)[number]
export const PaymentState = Schema.Literals(paymentStates)

export const paymentActions = ["post", "reject", "cancel", "submit", "fail-collection", "reverse", "reinstate"] as const
export type PaymentAction = (typeof paymentActions)[number]
export const PaymentAction = Schema.Literals(paymentActions)

export const paymentTransitions: {
  readonly [S in PaymentState]: { readonly [A in PaymentAction]: PaymentState | null }
} = {
  draft: {
    post: "posted",
    reject: "rejected",
    cancel: "cancelled",
    submit: "pending",
    "fail-collection": null,
    reverse: null,
    reinstate: null
  },
  pending: {
    post: "posted",
    reject: null,
    cancel: "cancelled",
    submit: null,
    "fail-collection": "draft",
    reverse: null,
    reinstate: null
  },
  posted: {
    post: null,
    reject: null,
    cancel: null,
    submit: null,
    "fail-collection": null,
    reverse: "posted",
    reinstate: "posted"
  },
  rejected: {
    post: null,
    reject: null,
    cancel: null,
    submit: null,
    "fail-collection": null,
    reverse: null,
    reinstate: null
  },
  cancelled: {
    post: null,
    reject: null,
    cancel: null,
    submit: null,
    "fail-collection": null,
    reverse: null,
    reinstate: null
  }
}

/** States from which no action is possible. */
export const isFinalPaymentState = (state: PaymentState): boolean =>
  paymentActions.every((action) => paymentTransitions[state][action] === null)

/** Does the payment count towards the customer's balance in this state? */
export const isEffectivePaymentState = (state: PaymentState): boolean => state === "posted"

export interface RefusedTransition {
  readonly from: PaymentState
  readonly action: PaymentAction
  readonly message: string
}

export const nextPaymentState = (
  from: PaymentState,
  action: PaymentAction
): Result.Result<PaymentState, RefusedTransition> => {
  const to = paymentTransitions[from][action]
  return to === null ? Result.fail({ from, action, message: `cannot ${action} a ${from} payment` }) : Result.succeed(to)
}
