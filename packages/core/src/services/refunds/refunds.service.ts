/**
 * The `Refunds` service: money paid back to a customer. A refund is requested from a posted
 * payment for at most what is left of it (amount − reversed − refunded); requesting it debits the
 * customer's balance, and cancelling or failing it books the amount back. A refund of customer
 * credit (`refundCustomerCredit`) is the ledger's policy for which payment a refund nobody tied to
 * a payment draws from. Each method's error union is what it can really fail with. The
 * implementation is `refundsLayer` (`refunds.layer.ts`).
 */
import { Context, type Effect, Schema } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { InvalidTransition, NotFound, ValidationFailed } from "../../errors.ts"
import type { Page } from "../../model/common.ts"
import type { RefundId } from "../../model/ids.ts"
import { Refund } from "../../model/records.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import type { CommandFailure, ReadFailure } from "../shared/ledger-command.ts"

/**
 * What `refundCustomerCredit` booked: every refund it drew, in the order drawn, each tied to the
 * payment it pays back. Today always one refund; callers should not rely on that.
 */
export const CustomerCreditRefund = Schema.Struct({
  refunds: Schema.Array(Refund)
})
export type CustomerCreditRefund = typeof CustomerCreditRefund.Type

type Method<A, E> = Effect.Effect<A, E, CommandContext>

export interface RefundsShape {
  readonly refundPayment: (
    input: C.RefundPaymentInput
  ) => Method<Refund, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  /**
   * Pays customer credit back: the ledger picks the payment(s) the refund draws from (today the
   * customer's newest posted payment with enough left; `paymentId` names one instead) and books
   * the refund(s) under the customer's lock, settled at once when `settle` is set.
   */
  readonly refundCustomerCredit: (
    input: C.RefundCustomerCreditInput
  ) => Method<CustomerCreditRefund, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  readonly transitionRefund: (
    input: C.TransitionRefundInput
  ) => Method<Refund, CommandFailure | NotFound | InvalidTransition>
  readonly getRefund: (id: RefundId) => Method<Refund, ReadFailure | NotFound>
  readonly listRefunds: (input: C.RefundQueryInput) => Method<Page<Refund>, ReadFailure | ValidationFailed | NotFound>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<RefundsShape>

export class Refunds extends Context.Service<Refunds, RefundsShape>()("@paybridge/core/services/Refunds") {}
