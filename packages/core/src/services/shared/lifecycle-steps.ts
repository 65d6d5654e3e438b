/**
 * Refusals of the lifecycle tables as errors: the state a payment moves to (or
 * `InvalidTransition` when its table says no), and `refused` for any other record's refusal.
 */
import { Effect, Result } from "effect"
import { InvalidTransition } from "../../errors.ts"
import { nextPaymentState, type PaymentAction, type PaymentState } from "../../lifecycle/payment-lifecycle.ts"
import type { Payment } from "../../model/records.ts"

/**
 * The state a payment moves to, from the lifecycle table; a refusal is `InvalidTransition`. A
 * payment not inserted yet has no id (the refusal then names it `new`).
 */
export const paymentTransition = (
  payment: Pick<Payment, "state"> & { readonly id?: Payment["id"] },
  action: PaymentAction
): Effect.Effect<PaymentState, InvalidTransition> => {
  const next = nextPaymentState(payment.state, action)
  return Result.isFailure(next)
    ? Effect.fail(
        new InvalidTransition({
          entity: "payment",
          id: payment.id === undefined ? "new" : String(payment.id),
          from: payment.state,
          action,
          message: next.failure.message
        })
      )
    : Effect.succeed(next.success)
}

/** An `InvalidTransition` of any record: `entity` `id` may not `action` from `from`. */
export const refused = (entity: string, id: number, from: string, action: string, message: string) =>
  new InvalidTransition({ entity, id: String(id), from, action, message })
