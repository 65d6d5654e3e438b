/**
 * The canonical ledger records, as domain types (Effect schemas). Persistence rows and vendor
 * wire shapes are separate types converted to and from these. Money fields are integer minor
 * units (bigint) in the record's `currency`; timestamps are `Date`; business dates are
 * `YYYY-MM-DD`. `Schema.toCodecJson(X)` gives the JSON form used for idempotent replays and APIs.
 */
import { Schema } from "effect"
import { CollectionState } from "../lifecycle/collection-lifecycle.ts"
import { PaymentState } from "../lifecycle/payment-lifecycle.ts"
import { RefundState } from "../lifecycle/refund-lifecycle.ts"
import { CurrencyCode } from "../money/currency.ts"
import { ActorId, BusinessDate, CustomFields, ExternalRef, Origin, PublicId } from "./common.ts"
import {
  AllocationId,
  AllocationReleaseId,
  BalanceEntryId,
  BillingEntityId,
  CollectionId,
  CustomerId,
  DialectRecordId,
  DocumentId,
  EntityId,
  GatewayAttemptId,
  GatewayId,
  LedgerEventId,
  PaymentId,
  PresetId,
  RefundId,
  ReversalId
} from "./ids.ts"

const Nullable = Schema.NullOr
const Text = Schema.String
const Amount = Schema.BigInt

/** The business that issues documents (Silver's "provider"). */
export const BillingEntity = Schema.Struct({
  id: BillingEntityId,
  publicId: PublicId,
  name: Text,
  email: Nullable(Text),
  /** Silver: documents are issued first as proformas, or directly as invoices. */
  flow: Schema.Literals(["proforma", "invoice"]),
  defaultCurrency: CurrencyCode,
  createdAt: Schema.Date
})
export type BillingEntity = typeof BillingEntity.Type

/** An account that pays and is billed. `balance` < 0 means the customer owes. */
export const Customer = Schema.Struct({
  id: CustomerId,
  publicId: PublicId,
  number: Text,
  name: Text,
  email: Nullable(Text),
  currency: CurrencyCode,
  balance: Amount,
  /** Credit threshold (Elevate credit status): how far below zero the balance may go; null = none. */
  creditLimit: Nullable(Amount),
  billingEntityId: Nullable(BillingEntityId),
  externalRef: Nullable(ExternalRef),
  customFields: CustomFields,
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  version: Schema.Int
})
export type Customer = typeof Customer.Type

/** A payment gateway configured on the platform (Elevate payment provider, CRM.COM gateway, LogiSense vendor). */
export const Gateway = Schema.Struct({
  id: GatewayId,
  publicId: PublicId,
  code: Text,
  name: Text,
  /** Which gateway port implementation serves it; `test` is the built-in deterministic gateway. */
  driver: Schema.Literals(["test"]),
  enabled: Schema.Boolean,
  createdAt: Schema.Date
})
export type Gateway = typeof Gateway.Type

/** The real drivers whose settings a gateway can store (encrypted at rest; see `GatewaySettingsStore`). */
export const GatewayDriverName = Schema.Literals(["stripe"])
export type GatewayDriverName = typeof GatewayDriverName.Type

/**
 * What may be said about a gateway's stored driver settings: that the secrets are set, their last
 * four characters, when and by whom — never a secret. `version` grows by one per change.
 */
export const GatewaySecretSummary = Schema.Struct({
  gatewayId: GatewayId,
  driver: GatewayDriverName,
  secretSet: Schema.Boolean,
  secretKeyLast4: Schema.String,
  webhookSecretLast4: Schema.String,
  /** Where the driver's API lives when not at the vendor (a stand-in); not a secret. */
  apiBase: Schema.NullOr(Schema.String),
  setAt: Schema.Date,
  setBy: Schema.String,
  /** When the webhook secret was last replaced (the previous one is accepted for a grace period), or `null`. */
  webhookRotatedAt: Schema.NullOr(Schema.Date),
  /** The id of the encryption key the secrets are sealed with (not the key). */
  keyId: Schema.String,
  version: Schema.Int
})
export type GatewaySecretSummary = typeof GatewaySecretSummary.Type

/** A configurable preset: a payment method (cash, card, direct debit…) or a payment type. */
export const PaymentPreset = Schema.Struct({
  id: PresetId,
  publicId: PublicId,
  kind: Schema.Literals(["method", "type"]),
  code: Text,
  name: Text,
  available: Schema.Boolean,
  /** Methods only: the gateway that collects payments of this method (card identifier required then). */
  gatewayId: Nullable(GatewayId),
  createdAt: Schema.Date
})
export type PaymentPreset = typeof PaymentPreset.Type

export const DocumentKind = Schema.Literals(["invoice", "bill", "proforma"])
export type DocumentKind = typeof DocumentKind.Type
export const DocumentState = Schema.Literals(["issued", "paid", "cancelled"])
export type DocumentState = typeof DocumentState.Type

/** An invoice, bill or proforma. `outstanding = total - allocated`; issuing one debits the customer. */
export const Document = Schema.Struct({
  id: DocumentId,
  publicId: PublicId,
  kind: DocumentKind,
  number: Text,
  customerId: CustomerId,
  billingEntityId: Nullable(BillingEntityId),
  /** Silver: the proforma an invoice was issued from (or the invoice a proforma became). */
  relatedDocumentId: Nullable(DocumentId),
  currency: CurrencyCode,
  total: Amount,
  allocated: Amount,
  outstanding: Amount,
  state: DocumentState,
  issueDate: BusinessDate,
  dueDate: Nullable(BusinessDate),
  externalRef: Nullable(ExternalRef),
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  version: Schema.Int
})
export type Document = typeof Document.Type

/** Free-text references a payment can carry, each vendor naming a subset. */
export const PaymentReferences = Schema.Struct({
  description: Nullable(Text),
  notes: Nullable(Text),
  /** Our reference (e.g. a bank statement line). */
  reference: Nullable(Text),
  customerReference: Nullable(Text),
  checkNumber: Nullable(Text),
  thirdPartyReference: Nullable(Text)
})
export type PaymentReferences = typeof PaymentReferences.Type

export const Payment = Schema.Struct({
  id: PaymentId,
  publicId: PublicId,
  /** Assigned at creation from a sequence, numeric string. */
  referenceNumber: Text,
  /** Document number assigned when the payment is posted, numeric string. */
  number: Nullable(Text),
  customerId: CustomerId,
  currency: CurrencyCode,
  /** Always > 0; refunds and reversals are separate records. */
  amount: Amount,
  state: PaymentState,
  /** The business date the payment was made (received). */
  paymentDate: BusinessDate,
  /**
   * The instant the payment was made, when the client stated one (LogiSense `date`, CRM.COM
   * `received_on`); `null` when only a business date was given. `paymentDate` is its UTC day.
   */
  receivedAt: Nullable(Schema.Date),
  /** The business date the payment is shown as posted. */
  postedOn: Nullable(BusinessDate),
  /** The instant the payment is shown as posted: when it was posted, or the instant the client stated. */
  postedAt: Nullable(Schema.Date),
  /** The customer's balance right after this payment posted. */
  balanceAfterPosting: Nullable(Amount),
  methodId: Nullable(PresetId),
  typeId: Nullable(PresetId),
  gatewayId: Nullable(GatewayId),
  gatewayReference: Nullable(Text),
  billingEntityId: Nullable(BillingEntityId),
  /** Sum of reversals not reinstated. */
  reversedAmount: Amount,
  /** Sum of allocations to documents. */
  allocatedAmount: Amount,
  /** Sum of refunds that are not cancelled or failed. */
  refundedAmount: Amount,
  rejectionReason: Nullable(Text),
  rejectedAt: Nullable(Schema.Date),
  cancelledAt: Nullable(Schema.Date),
  /** Effective date of the latest active reversal (what Billing Platform UK shows on the payment). */
  reversalDate: Nullable(BusinessDate),
  references: PaymentReferences,
  customFields: CustomFields,
  externalRef: Nullable(ExternalRef),
  /** The raw record a migrated payment was imported from, kept verbatim. */
  sourceRecord: Nullable(Schema.Unknown),
  origin: Origin,
  createdBy: ActorId,
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  version: Schema.Int
})
export type Payment = typeof Payment.Type

/**
 * Part of a payment applied to a document (a disbursement). While the payment is not posted
 * (draft, pending) the allocation only *reserves* the document (`booked` false): the document's
 * allocated/outstanding amounts and state do not count it. Posting books it (as much as the
 * document can still take, the rest stays credit on the payment). See docs/money-model.md.
 */
export const Allocation = Schema.Struct({
  id: AllocationId,
  paymentId: PaymentId,
  documentId: DocumentId,
  amount: Amount,
  /** true: counted on the document (the payment is posted); false: a draft's reservation. */
  booked: Schema.Boolean,
  createdAt: Schema.Date
})
export type Allocation = typeof Allocation.Type

/** The kinds of movement that reduce what a payment carries, and so release parts of it. */
export const releaseMovementKinds = ["reversal", "refund", "rejection", "cancellation", "deallocation"] as const
export const ReleaseMovementKind = Schema.Literals(releaseMovementKinds)
export type ReleaseMovementKind = typeof ReleaseMovementKind.Type

/**
 * One part of what a movement released, to the minor unit: either the payment's unallocated
 * credit (`documentId` null) or part of an allocation to a document. `movementId` is the id of
 * the reversal, refund, payment (rejection, cancellation) or allocation (deallocation). Reinstating
 * the reversal or voiding the refund restores it: `restoredAmount` is what went back onto the
 * document (the rest stayed credit on the payment), `restoredAt` when.
 */
export const AllocationRelease = Schema.Struct({
  id: AllocationReleaseId,
  movementKind: ReleaseMovementKind,
  movementId: Schema.Int,
  paymentId: PaymentId,
  /** The allocation the amount came from (it may since have been deleted); null for credit. */
  allocationId: Nullable(AllocationId),
  documentId: Nullable(DocumentId),
  amount: Amount,
  /** Whether the released allocation was booked (a reservation's release changes no document). */
  booked: Schema.Boolean,
  createdAt: Schema.Date,
  restoredAmount: Nullable(Amount),
  restoredAt: Nullable(Schema.Date)
})
export type AllocationRelease = typeof AllocationRelease.Type

/** A full or partial reversal of a posted payment; can be reinstated later. */
export const Reversal = Schema.Struct({
  id: ReversalId,
  paymentId: PaymentId,
  amount: Amount,
  /** The business date the reversal takes effect (shown on the payment). */
  effectiveDate: BusinessDate,
  /** When the reversal was recorded. */
  reversedAt: Schema.Date,
  reason: Nullable(Text),
  reinstatedAt: Nullable(Schema.Date)
})
export type Reversal = typeof Reversal.Type

export const CollectionMethod = Schema.Literals(["direct-debit", "card"])
export type CollectionMethod = typeof CollectionMethod.Type

export const Collection = Schema.Struct({
  id: CollectionId,
  paymentId: PaymentId,
  method: CollectionMethod,
  state: CollectionState,
  gatewayReference: Nullable(Text),
  failureReason: Nullable(Text),
  requestedAt: Schema.Date,
  collectedAt: Nullable(Schema.Date),
  cancelledAt: Nullable(Schema.Date),
  failedAt: Nullable(Schema.Date)
})
export type Collection = typeof Collection.Type

export const GatewayAttemptKind = Schema.Literals(["charge", "refund"])
export type GatewayAttemptKind = typeof GatewayAttemptKind.Type
/**
 * `pending` until the gateway's answer is recorded; `needs-attention` when the reconciler gave up
 * asking (the gateway never answered after `maxReconcileTries`): still open (a gateway's answer, e.g.
 * a webhook, settles it; its payment cannot be cancelled while the charge may exist) but no longer
 * retried on its own. `cancelled`: voided at the gateway before it completed (no money moved). The
 * others are final.
 */
export const GatewayAttemptState = Schema.Literals([
  "pending",
  "approved",
  "declined",
  "abandoned",
  "cancelled",
  "needs-attention"
])
export type GatewayAttemptState = typeof GatewayAttemptState.Type

/**
 * One request to a payment gateway that can move money (a charge of a payment, or a refund of part
 * of a charged payment), booked and committed before the gateway is called. `attemptKey` derives
 * from the ledger's own ids and is the gateway's idempotency key, so re-sending it never moves money
 * twice; the reconciler settles attempts still `pending` after a crash or a timeout by asking the
 * gateway for that key. `sentAt` is set when the request first left for the gateway.
 */
export const GatewayAttempt = Schema.Struct({
  id: GatewayAttemptId,
  attemptKey: Text,
  kind: GatewayAttemptKind,
  gatewayId: GatewayId,
  customerId: CustomerId,
  paymentId: PaymentId,
  currency: CurrencyCode,
  /** > 0, minor units of `currency`. */
  amount: Amount,
  state: GatewayAttemptState,
  /** Charges: the card number, token or mandate the gateway charges (re-sent with the same key). */
  token: Nullable(Text),
  /** Refunds: the charge's gateway reference. */
  chargeReference: Nullable(Text),
  /** Refunds: what the reversal is booked with once the gateway approves. */
  reason: Nullable(Text),
  effectiveDate: Nullable(BusinessDate),
  /** Refunds: the document whose allocation the reversal releases first (see `bookReversal`). */
  documentId: Nullable(DocumentId),
  gatewayReference: Nullable(Text),
  /** The gateway's decline message, or why the attempt was abandoned. */
  message: Nullable(Text),
  /** The reversal booked for an approved refund. */
  reversalId: Nullable(ReversalId),
  /** How many times the gateway was asked (sends and lookups). */
  tries: Schema.Int,
  createdAt: Schema.Date,
  sentAt: Nullable(Schema.Date),
  settledAt: Nullable(Schema.Date),
  /** When the reconciler may ask again (exponential back-off); null: as soon as it is old enough. */
  nextTryAt: Nullable(Schema.Date),
  updatedAt: Schema.Date
})
export type GatewayAttempt = typeof GatewayAttempt.Type

export const Refund = Schema.Struct({
  id: RefundId,
  publicId: PublicId,
  /** The payment it pays back; null for a refund of balance-adjustment credit (no payment carries it). */
  paymentId: Nullable(PaymentId),
  customerId: CustomerId,
  documentId: Nullable(DocumentId),
  currency: CurrencyCode,
  /** > 0; the movement it books on the balance is negative. */
  amount: Amount,
  state: RefundState,
  reason: Nullable(Text),
  gatewayReference: Nullable(Text),
  createdAt: Schema.Date,
  submittedAt: Nullable(Schema.Date),
  settledAt: Nullable(Schema.Date),
  cancelledAt: Nullable(Schema.Date),
  failedAt: Nullable(Schema.Date)
})
export type Refund = typeof Refund.Type

export const BalanceEntryKind = Schema.Literals([
  "document-issued",
  "document-cancelled",
  "payment-posted",
  "payment-reversed",
  "payment-reinstated",
  "refund",
  "refund-voided",
  "adjustment"
])
export type BalanceEntryKind = typeof BalanceEntryKind.Type

/** One movement of a customer's running balance; `sequence` is gap-free per customer from 1. */
export const BalanceEntry = Schema.Struct({
  id: BalanceEntryId,
  customerId: CustomerId,
  sequence: Schema.Int,
  kind: BalanceEntryKind,
  /** Signed: + credits the customer (a payment), - debits (an invoice, a reversal, a refund). */
  delta: Amount,
  balanceAfter: Amount,
  paymentId: Nullable(PaymentId),
  documentId: Nullable(DocumentId),
  refundId: Nullable(RefundId),
  reversalId: Nullable(ReversalId),
  description: Nullable(Text),
  occurredAt: Schema.Date
})
export type BalanceEntry = typeof BalanceEntry.Type

export const LedgerEventType = Schema.Literals([
  "customer.created",
  "customer.updated",
  "billing-entity.created",
  "gateway.created",
  "gateway.updated",
  "gateway.secret-rotated",
  "gateway.attempt-booked",
  "gateway.attempt-settled",
  "gateway.attempt-needs-attention",
  "preset.created",
  "preset.updated",
  "document.issued",
  "document.cancelled",
  "payment.created",
  "payment.updated",
  "payment.posted",
  "payment.rejected",
  "payment.cancelled",
  "payment.submitted",
  "payment.collection-failed",
  "payment.reversed",
  "payment.reinstated",
  "payment.allocated",
  "payment.deallocated",
  "payment.allocation-adjusted",
  "collection.requested",
  "collection.collected",
  "collection.cancelled",
  "collection.failed",
  "refund.requested",
  "refund.submitted",
  "refund.settled",
  "refund.cancelled",
  "refund.failed",
  "balance.adjusted",
  "dialect-preset.created",
  "dialect-preset.renamed",
  "dialect-preset.retired"
])
export type LedgerEventType = typeof LedgerEventType.Type

/** An entry of the append-only event log: every state change, who made it and through what. */
export const LedgerEvent = Schema.Struct({
  id: LedgerEventId,
  type: LedgerEventType,
  entity: Schema.Literals([
    "customer",
    "billing-entity",
    "gateway",
    "preset",
    "document",
    "payment",
    "collection",
    "refund",
    "balance",
    "dialect-record"
  ]),
  entityId: EntityId,
  customerId: Nullable(CustomerId),
  paymentId: Nullable(PaymentId),
  occurredAt: Schema.Date,
  actorId: ActorId,
  actorName: Text,
  origin: Origin,
  requestId: Nullable(Text),
  idempotencyKey: Nullable(Text),
  /** Event details (amounts as strings of minor units). */
  data: Schema.Record(Schema.String, Schema.Unknown)
})
export type LedgerEvent = typeof LedgerEvent.Type

/**
 * A vendor-only object a dialect keeps beside the ledger (an Elevate site payment mandate, a
 * CRM.COM unit, a Silver provider's address…): keyed by (dialect, kind, key), optionally tied to
 * a customer or payment, with free JSON `data`. Money and lifecycle never live here — only in
 * the ledger records above — so every protocol sees the same money.
 */
/**
 * What a dialect record keeps in indexed columns besides its JSON `data`, so a dialect's list can
 * filter and sort on its own attributes of a payment in SQL: a date, a flag, and the proforma and
 * invoice the payment carries (Silver's `due_date`, `visible`, `proforma`, `invoice`).
 */
export const DialectRecordListColumns = Schema.Struct({
  date: Nullable(BusinessDate),
  flag: Nullable(Schema.Boolean),
  proformaId: Nullable(DocumentId),
  invoiceId: Nullable(DocumentId)
})
export type DialectRecordListColumns = typeof DialectRecordListColumns.Type

export const DialectRecord = Schema.Struct({
  id: DialectRecordId,
  dialect: Schema.String.check(Schema.isPattern(/^[a-z0-9-]{1,40}$/)),
  kind: Schema.String.check(Schema.isPattern(/^[a-z0-9-]{1,60}$/)),
  /** Unique per (dialect, kind): the vendor-side key of the object. */
  key: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200)),
  customerId: Nullable(CustomerId),
  paymentId: Nullable(PaymentId),
  data: Schema.Record(Schema.String, Schema.Unknown),
  /** Its list columns, when the dialect keeps any (`null`/absent: none). */
  listColumns: Schema.optionalKey(Schema.NullOr(DialectRecordListColumns)),
  createdAt: Schema.Date,
  updatedAt: Schema.Date
})
export type DialectRecord = typeof DialectRecord.Type

/**
 * Figures of the admin overview over a window of business dates: posted payment volume per day,
 * currency and method; what is pending collection; active reversals per day and currency; and
 * the customers who owe the most. Sums are minor units of the row's currency.
 */
export const PaymentOverview = Schema.Struct({
  from: BusinessDate,
  to: BusinessDate,
  volumeByDay: Schema.Array(
    Schema.Struct({
      date: BusinessDate,
      currency: CurrencyCode,
      methodId: Nullable(PresetId),
      count: Schema.Int,
      amount: Amount
    })
  ),
  pendingCollection: Schema.Array(Schema.Struct({ currency: CurrencyCode, count: Schema.Int, amount: Amount })),
  reversalsByDay: Schema.Array(
    Schema.Struct({ date: BusinessDate, currency: CurrencyCode, count: Schema.Int, amount: Amount })
  ),
  topDebtors: Schema.Array(
    Schema.Struct({ customerId: CustomerId, number: Text, name: Text, currency: CurrencyCode, balance: Amount })
  )
})
export type PaymentOverview = typeof PaymentOverview.Type
