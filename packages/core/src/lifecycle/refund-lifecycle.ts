/**
 * The refund lifecycle. A refund is a negative movement linked to the payment it refunds; it is
 * booked against the customer's balance when it is requested and booked back if it is cancelled
 * or fails (bounces), so the balance chain never needs rewriting.
 *
 *   requested ──submit──▶ submitted ──settle──▶ settled
 *   requested|submitted ──cancel──▶ cancelled;  submitted ──fail──▶ failed;  requested ──settle──▶ settled
 */
import { Result, Schema } from "effect"

export const refundStates = ["requested", "submitted", "settled", "cancelled", "failed"] as const
export type RefundState = (typeof refundStates)[number]
export const RefundState = Schema.Literals(refundStates)

export const refundActions = ["submit", "settle", "cancel", "fail"] as const
export type RefundAction = (typeof refundActions)[number]
export const RefundAction = Schema.Literals(refundActions)

export const refundTransitions: { readonly [S in RefundState]: { readonly [A in RefundAction]: RefundState | null } } =
  {
    requested: { submit: "submitted", settle: "settled", cancel: "cancelled", fail: null },
    submitted: { submit: null, settle: "settled", cancel: "cancelled", fail: "failed" },
    settled: { submit: null, settle: null, cancel: null, fail: null },
    cancelled: { submit: null, settle: null, cancel: null, fail: null },
    failed: { submit: null, settle: null, cancel: null, fail: null }
  }

/** A refund in these states no longer takes money from the customer's balance. */
export const isVoidRefundState = (state: RefundState): boolean => state === "cancelled" || state === "failed"

export const nextRefundState = (from: RefundState, action: RefundAction): Result.Result<RefundState, string> => {
  const to = refundTransitions[from][action]
  return to === null ? Result.fail(`cannot ${action} a ${from} refund`) : Result.succeed(to)
}
