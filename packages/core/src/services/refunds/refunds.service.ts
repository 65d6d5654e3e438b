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
import type { RefundId } from "../../model/ids.ts"
import { Refund } from "../../model/records.ts"
import type { RefundPage } from "../../ports/ledger-store.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import type { CommandFailure, ReadFailure } from "../shared/ledger-command.ts"

/**
 * What `refundCustomerCredit` booked: every refund it drew, in the order drawn, each tied to the
 * payment it pays back (oldest payment's credit first), the last possibly tied to no payment (balance
 * credit no payment holds, e.g. from adjustments).
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
   * A refund for a document, the payment chosen by the ledger: the newest posted payment that paid
   * the document (else the newest already refunded for it) with something left; by default what
   * it allocated to the document. The release rule frees that document's allocation first.
   */
  readonly refundDocument: (
    input: C.RefundDocumentInput
  ) => Method<Refund, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  /**
   * Pays customer credit back: the ledger draws it from the customer's posted payments'
   * unallocated credit, oldest payment first, then from balance credit no payment holds (one
   * refund with no payment); refused only when the customer's balance is smaller than the amount.
   * `paymentId` names one payment instead. Booked under the customer's lock, settled at once when
   * `settle` is set.
   */
  readonly refundCustomerCredit: (
    input: C.RefundCustomerCreditInput
  ) => Method<CustomerCreditRefund, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  readonly transitionRefund: (
    input: C.TransitionRefundInput
  ) => Method<Refund, CommandFailure | NotFound | InvalidTransition>
  readonly getRefund: (id: RefundId) => Method<Refund, ReadFailure | NotFound>
  readonly listRefunds: (input: C.RefundQueryInput) => Method<RefundPage, ReadFailure | ValidationFailed | NotFound>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<RefundsShape>

export class Refunds extends Context.Service<Refunds, RefundsShape>()("@paybridge/core/services/Refunds") {}
