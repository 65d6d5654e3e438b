/**
 * The Ledger service: every command and query of the canonical ledger. Protocol edges (tRPC and
 * each vendor dialect) call only this; it enforces the lifecycle tables, exact money, allocation
 * limits, the per-customer running balance, the event log, idempotency (when the command context
 * carries a key) and the principal's role and customer scope. Its implementation is
 * `Ledger.layer`, built on the `LedgerStore` and `PaymentGateways` ports.
 */
import { Context, type Effect, Schema } from "effect"
import type { LedgerError } from "../errors.ts"
import { type Page, RecordId } from "../model/common.ts"
import {
  Allocation,
  type BalanceEntry,
  type BillingEntity,
  Collection,
  type Customer,
  type DialectRecord,
  type Document,
  type Gateway,
  type LedgerEvent,
  Payment,
  type PaymentOverview,
  type PaymentPreset,
  Refund,
  Reversal
} from "../model/records.ts"
import type { CommandContext } from "./command-context.ts"
import type * as C from "./ledger-commands.ts"
import type { ResultSchema } from "./ledger-idempotency.ts"
import type { CreatePaymentLinkInput, PaymentLink } from "./ledger-payment-links.operations.ts"

/** A payment with everything that hangs off it. */
export const PaymentDetail = Schema.Struct({
  payment: Payment,
  allocations: Schema.Array(Allocation),
  reversals: Schema.Array(Reversal),
  collections: Schema.Array(Collection),
  refunds: Schema.Array(Refund)
})
export type PaymentDetail = typeof PaymentDetail.Type

/** A reversal pushed to the gateway: the payment after it, the new reversal and the gateway's reference. */
export const GatewayReversal = Schema.Struct({
  detail: PaymentDetail,
  reversalId: RecordId,
  gatewayReference: Schema.String
})
export type GatewayReversal = typeof GatewayReversal.Type

/**
 * What `refundCustomerCredit` booked: every refund it drew, in the order drawn, each tied to the
 * payment it pays back. Today always one refund; callers should not rely on that.
 */
export const CustomerCreditRefund = Schema.Struct({
  refunds: Schema.Array(Refund)
})
export type CustomerCreditRefund = typeof CustomerCreditRefund.Type

/** What `atomically` needs to claim the request's idempotency key for the whole unit. */
export interface AtomicRequest<A> {
  /** Names the unit in idempotency claims, e.g. `logisense:patchPayment`. */
  readonly operation: string
  /** The request as the caller received it (hashed to detect a key reused for another request). */
  readonly input: unknown
  /** Codec of the unit's result, stored for replays. */
  readonly result: ResultSchema<A>
}

type Cmd<A> = Effect.Effect<A, LedgerError, CommandContext>

export interface LedgerShape {
  // Parties and configuration
  readonly createBillingEntity: (input: C.CreateBillingEntityInput) => Cmd<BillingEntity>
  readonly getBillingEntity: (id: RecordId) => Cmd<BillingEntity>
  readonly listBillingEntities: (input: C.PageInput) => Cmd<Page<BillingEntity>>
  readonly createCustomer: (input: C.CreateCustomerInput) => Cmd<Customer>
  readonly updateCustomer: (input: C.UpdateCustomerInput) => Cmd<Customer>
  readonly getCustomer: (id: RecordId) => Cmd<Customer>
  readonly listCustomers: (input: C.PageInput & { readonly search?: string | undefined }) => Cmd<Page<Customer>>
  readonly createGateway: (input: C.CreateGatewayInput) => Cmd<Gateway>
  readonly getGateway: (id: RecordId) => Cmd<Gateway>
  readonly listGateways: (input: C.PageInput) => Cmd<Page<Gateway>>
  readonly createPreset: (input: C.CreatePresetInput) => Cmd<PaymentPreset>
  readonly updatePreset: (input: C.UpdatePresetInput) => Cmd<PaymentPreset>
  readonly listPresets: (kind: PaymentPreset["kind"], input: C.PageInput) => Cmd<Page<PaymentPreset>>

  // Documents
  readonly issueDocument: (input: C.IssueDocumentInput) => Cmd<Document>
  readonly cancelDocument: (documentId: RecordId) => Cmd<Document>
  readonly getDocument: (id: RecordId) => Cmd<Document>
  /** The payments' allocations to one document (what paid it), oldest first. */
  readonly listDocumentAllocations: (documentId: RecordId) => Cmd<ReadonlyArray<Allocation>>
  /** One allocation (part of a payment applied to a document), visible when its payment is. */
  readonly getAllocation: (id: RecordId) => Cmd<Allocation>
  readonly listDocuments: (input: C.DocumentQueryInput) => Cmd<Page<Document>>

  // Payments
  readonly createPayment: (input: C.CreatePaymentInput) => Cmd<PaymentDetail>
  readonly updatePayment: (input: C.UpdatePaymentInput) => Cmd<Payment>
  readonly getPayment: (lookup: C.PaymentLookup) => Cmd<PaymentDetail>
  readonly listPayments: (input: C.PaymentQueryInput) => Cmd<Page<Payment>>
  /** Figures for the admin overview (volume, pending collection, reversals, top debtors). */
  readonly paymentOverview: (input: C.OverviewInput) => Cmd<PaymentOverview>
  readonly postPayment: (input: C.PostPaymentInput) => Cmd<Payment>
  readonly rejectPayment: (input: C.RejectPaymentInput) => Cmd<Payment>
  readonly cancelPayment: (input: C.CancelPaymentInput) => Cmd<Payment>
  readonly reversePayment: (input: C.ReversePaymentInput) => Cmd<PaymentDetail>
  readonly reinstateReversal: (input: C.ReinstateReversalInput) => Cmd<PaymentDetail>
  /** Refunds through the payment's gateway first; books the reversal only when the gateway approves. */
  readonly reverseThroughGateway: (input: C.ReversePaymentInput) => Cmd<GatewayReversal>
  readonly requestCollection: (input: C.RequestCollectionInput) => Cmd<PaymentDetail>
  readonly markCollected: (input: C.CollectionOutcomeInput) => Cmd<PaymentDetail>
  readonly cancelCollection: (input: C.CollectionOutcomeInput) => Cmd<PaymentDetail>
  readonly failCollection: (input: C.CollectionOutcomeInput) => Cmd<PaymentDetail>
  readonly allocatePayment: (input: C.AllocatePaymentInput) => Cmd<PaymentDetail>
  readonly deallocate: (input: C.DeallocateInput) => Cmd<PaymentDetail>
  readonly payDocument: (input: C.PayDocumentInput) => Cmd<PaymentDetail>

  // Refunds
  readonly refundPayment: (input: C.RefundPaymentInput) => Cmd<Refund>
  readonly transitionRefund: (input: C.TransitionRefundInput) => Cmd<Refund>
  /**
   * Pays customer credit back: the ledger picks the payment(s) the refund draws from (today the
   * customer's newest posted payment with enough left; `paymentId` names one instead) and books
   * the refund(s) under the customer's lock, settled at once when `settle` is set.
   */
  readonly refundCustomerCredit: (input: C.RefundCustomerCreditInput) => Cmd<CustomerCreditRefund>
  readonly getRefund: (id: RecordId) => Cmd<Refund>
  readonly listRefunds: (input: C.RefundQueryInput) => Cmd<Page<Refund>>

  // Balances and the event log
  readonly adjustBalance: (input: C.AdjustBalanceInput) => Cmd<BalanceEntry>
  readonly listBalanceEntries: (customerId: RecordId, input: C.PageInput) => Cmd<Page<BalanceEntry>>
  readonly listEvents: (input: C.EventQueryInput) => Cmd<Page<LedgerEvent>>

  // Vendor-only objects of the dialects (never money or lifecycle; see `DialectRecord`)
  readonly saveDialectRecord: (input: C.SaveDialectRecordInput) => Cmd<DialectRecord>
  readonly getDialectRecord: (key: C.DialectRecordKey) => Cmd<DialectRecord>
  readonly listDialectRecords: (input: C.DialectRecordQueryInput) => Cmd<Page<DialectRecord>>
  readonly deleteDialectRecord: (key: C.DialectRecordKey) => Cmd<void>

  // Payment links through a gateway (no money moves until the customer pays)
  readonly createPaymentLink: (input: CreatePaymentLinkInput) => Cmd<PaymentLink>

  // Several commands as one all-or-nothing unit with one idempotency claim (see ledger-atomic.operations.ts)
  readonly atomically: <A, E, R>(
    request: AtomicRequest<A>,
    work: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | LedgerError, R | CommandContext>
}

export class Ledger extends Context.Service<Ledger, LedgerShape>()("@paybridge/core/services/Ledger") {}
