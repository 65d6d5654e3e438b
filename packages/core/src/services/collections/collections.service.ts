/**
 * The `Collections` service: money moved through a payment gateway or a collection run. The
 * collection sub-lifecycle of a payment (requested → collected, cancelled or failed), reversals
 * pushed to the gateway first (booked only when the gateway approves), and payment links (a
 * gateway's hosted page where a customer pays; no money moves until they do). Each method's error
 * union is what it can really fail with. The implementation is `collectionsLayer`.
 */
import { Context, type Effect, Schema } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { Forbidden, InvalidTransition, NotFound, StorageUnavailable, ValidationFailed } from "../../errors.ts"
import { CustomerId, DocumentId, GatewayId, ReversalId } from "../../model/ids.ts"
import { type GatewayAttempt, GatewayAttemptState } from "../../model/records.ts"
import { TextOfLength } from "../../model/text.ts"
import { CurrencyCode } from "../../money/currency.ts"
import type { CommandContext } from "../command-context.ts"
import type * as C from "../ledger-commands.ts"
import { AmountInput } from "../ledger-commands.ts"
import { PaymentDetail } from "../payments/payments.service.ts"
import type { GatewayNotice, NoticeResult } from "../shared/gateway-attempts.ts"
import type { ReconcileReport } from "../shared/gateway-reconciler.ts"
import type { CommandFailure } from "../shared/ledger-command.ts"

/**
 * A reversal pushed to the gateway: the payment after it and, once the gateway approved
 * (`approved`), the new reversal and the gateway's reference; `pending` when the gateway has not
 * answered yet (the reconciler books the reversal when it approves).
 */
export const GatewayReversal = Schema.Struct({
  detail: PaymentDetail,
  state: Schema.Literals(["approved", "pending"]),
  reversalId: Schema.NullOr(ReversalId),
  gatewayReference: Schema.NullOr(Schema.String),
  attemptKey: Schema.String
})
export type GatewayReversal = typeof GatewayReversal.Type

/** Ask a gateway for a payment link for a customer, optionally towards one of their documents. */
export const CreatePaymentLinkInput = Schema.Struct({
  gatewayId: GatewayId,
  /** Whose link it is; may be omitted when `documentId` is given (the document's customer). */
  customerId: Schema.optional(CustomerId),
  /** The invoice or bill the link pays towards; its customer must be `customerId` when both are given. */
  documentId: Schema.optional(Schema.NullOr(DocumentId)),
  /** Major units in the customer's currency; > 0. */
  amount: AmountInput,
  /** Shown to the payer by the gateway (defaults to the document number or the customer number). */
  reference: Schema.optional(Schema.NullOr(TextOfLength(200, 1)))
})
export type CreatePaymentLinkInput = typeof CreatePaymentLinkInput.Type

/** A link the gateway issued. `amount` is in minor units of `currency`. */
export const PaymentLink = Schema.Struct({
  gatewayId: GatewayId,
  customerId: CustomerId,
  documentId: Schema.NullOr(DocumentId),
  currency: CurrencyCode,
  amount: Schema.BigInt,
  reference: Schema.String,
  url: Schema.String,
  gatewayReference: Schema.String,
  createdAt: Schema.Date
})
export type PaymentLink = typeof PaymentLink.Type

/** One reconciler pass: attempts pending for at least `minimumAgeMs` (default 30 s), at most `limit`. */
export interface ReconcileInput {
  readonly minimumAgeMs?: number | undefined
  readonly limit?: number | undefined
  /** Unanswered tries after which an attempt is given up to `needs-attention` (default 12). */
  readonly maxTries?: number | undefined
  /** The first back-off (default 30 s), doubled per unanswered try up to 1 hour. */
  readonly backoffBaseMs?: number | undefined
  /** Who runs the pass (the cluster lease's holder), e.g. the process; a new id per pass when absent. */
  readonly holder?: string | undefined
  /** How long the pass holds the cluster lease without renewing it (default 120 s). */
  readonly leaseMs?: number | undefined
}

/** Gateway attempts in one state (e.g. `needs-attention`), oldest first. */
export const ListGatewayAttemptsInput = Schema.Struct({
  state: GatewayAttemptState,
  limit: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 500 })))
})
export type ListGatewayAttemptsInput = typeof ListGatewayAttemptsInput.Type

type Method<A, E> = Effect.Effect<A, E, CommandContext>

export interface CollectionsShape {
  readonly requestCollection: (
    input: C.RequestCollectionInput
  ) => Method<PaymentDetail, CommandFailure | NotFound | InvalidTransition>
  readonly markCollected: (
    input: C.CollectionOutcomeInput
  ) => Method<PaymentDetail, CommandFailure | NotFound | InvalidTransition>
  readonly cancelCollection: (
    input: C.CollectionOutcomeInput
  ) => Method<PaymentDetail, CommandFailure | NotFound | InvalidTransition>
  readonly failCollection: (
    input: C.CollectionOutcomeInput
  ) => Method<PaymentDetail, CommandFailure | NotFound | InvalidTransition>
  /** Refunds through the payment's gateway first; books the reversal only when the gateway approves. */
  readonly reverseThroughGateway: (
    input: C.ReversePaymentInput
  ) => Method<GatewayReversal, CommandFailure | ValidationFailed | NotFound | InvalidTransition>
  /** A gateway's payment link for a customer or document; books nothing. */
  readonly createPaymentLink: (
    input: CreatePaymentLinkInput
  ) => Method<PaymentLink, CommandFailure | ValidationFailed | NotFound>
  /** Settles gateway attempts left pending (a crash, a timeout) by asking their gateways. */
  readonly reconcileGatewayAttempts: (input: ReconcileInput) => Method<ReconcileReport, StorageUnavailable | Forbidden>
  /** Attempts in a state, e.g. those the reconciler gave up on (`needs-attention`). */
  readonly listGatewayAttempts: (
    input: ListGatewayAttemptsInput
  ) => Method<ReadonlyArray<GatewayAttempt>, StorageUnavailable | Forbidden>
  /** A gateway's verified notice (a webhook event) about one of our attempts, recorded like its own answer. */
  readonly recordGatewayNotice: (input: GatewayNotice) => Method<NoticeResult, StorageUnavailable | Forbidden>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<CollectionsShape>

export class Collections extends Context.Service<Collections, CollectionsShape>()(
  "@paybridge/core/services/Collections"
) {}
