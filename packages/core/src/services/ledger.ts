/**
 * The Ledger service: every command and query of the canonical ledger. Protocol edges (tRPC and
 * each vendor dialect) call only this; it enforces the lifecycle tables, exact money, allocation
 * limits, the per-customer running balance, the event log, idempotency (when the command context
 * carries a key) and the principal's role and customer scope. Its implementation is
 * `Ledger.layer`, built on the `LedgerStore` and `PaymentGateways` ports.
 */
import { Context, type Effect, Schema } from "effect"
import type { LedgerError } from "../errors.ts"
import type { Page, RecordId } from "../model/common.ts"
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
  type PaymentPreset,
  Refund,
  Reversal
} from "../model/records.ts"
import type { CommandContext } from "./command-context.ts"
import type * as C from "./ledger-commands.ts"

/** A payment with everything that hangs off it. */
export const PaymentDetail = Schema.Struct({
  payment: Payment,
  allocations: Schema.Array(Allocation),
  reversals: Schema.Array(Reversal),
  collections: Schema.Array(Collection),
  refunds: Schema.Array(Refund)
})
export type PaymentDetail = typeof PaymentDetail.Type

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
  readonly listDocuments: (input: C.DocumentQueryInput) => Cmd<Page<Document>>

  // Payments
  readonly createPayment: (input: C.CreatePaymentInput) => Cmd<PaymentDetail>
  readonly updatePayment: (input: C.UpdatePaymentInput) => Cmd<Payment>
  readonly getPayment: (lookup: C.PaymentLookup) => Cmd<PaymentDetail>
  readonly listPayments: (input: C.PaymentQueryInput) => Cmd<Page<Payment>>
  readonly postPayment: (input: C.PostPaymentInput) => Cmd<Payment>
  readonly rejectPayment: (input: C.RejectPaymentInput) => Cmd<Payment>
  readonly cancelPayment: (input: C.CancelPaymentInput) => Cmd<Payment>
  readonly reversePayment: (input: C.ReversePaymentInput) => Cmd<PaymentDetail>
  readonly reinstateReversal: (input: C.ReinstateReversalInput) => Cmd<PaymentDetail>
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
}

export class Ledger extends Context.Service<Ledger, LedgerShape>()("@paybridge/core/services/Ledger") {}
