/**
 * Inputs of the ledger's commands and queries, as Effect schemas. Protocol edges decode their
 * own wire formats into these (tRPC uses them directly through Standard Schema). Amounts are
 * major-unit decimals (`"12.50"` or a JSON number) parsed exactly against the currency, so a
 * command never carries a float; the ledger converts them to minor units.
 */
import { Schema } from "effect"
import { PaymentState } from "../lifecycle/payment-lifecycle.ts"
import { RefundAction, RefundState } from "../lifecycle/refund-lifecycle.ts"
import { BusinessDate, CustomFields, ExternalRef, Origin, Timestamp } from "../model/common.ts"
import {
  AllocationId,
  BillingEntityId,
  CustomerId,
  DocumentId,
  GatewayId,
  PaymentId,
  PresetId,
  RefundId,
  ReversalId
} from "../model/ids.ts"
import {
  CollectionMethod,
  DialectRecordListColumns,
  DocumentKind,
  GatewayDriverName,
  LedgerEventType
} from "../model/records.ts"
import { hasWellFormedText, TextOfLength, WellFormedText, WellFormedUnknown } from "../model/text.ts"
import { CurrencyCode } from "../money/currency.ts"
import { type CustomerRef, paymentSortFields, paymentTermFields } from "../ports/ledger-store.ts"

/** A major-unit amount as text or JSON number; validated exactly against the currency later. */
export const AmountInput = Schema.Union([WellFormedText, Schema.Finite]).annotate({
  identifier: "AmountInput",
  description: 'major-unit decimal, e.g. "12.50"'
})
export type AmountInput = typeof AmountInput.Type

const optional = Schema.optional
const Text = (max: number) => TextOfLength(max)
const Name = TextOfLength(200, 1)
const Cursor = optional(Schema.NullOr(WellFormedText))
const Limit = optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })))

export const CreateBillingEntityInput = Schema.Struct({
  name: Name,
  email: optional(Schema.NullOr(Text(254))),
  flow: optional(Schema.Literals(["proforma", "invoice"])),
  defaultCurrency: optional(CurrencyCode)
})
export type CreateBillingEntityInput = typeof CreateBillingEntityInput.Type

export const CreateCustomerInput = Schema.Struct({
  name: Name,
  currency: CurrencyCode,
  /** Account number; assigned from a sequence when omitted. */
  number: optional(TextOfLength(40, 1)),
  email: optional(Schema.NullOr(Text(254))),
  creditLimit: optional(Schema.NullOr(AmountInput)),
  billingEntityId: optional(Schema.NullOr(BillingEntityId)),
  externalRef: optional(Schema.NullOr(ExternalRef)),
  customFields: optional(CustomFields)
})
export type CreateCustomerInput = typeof CreateCustomerInput.Type

export const UpdateCustomerInput = Schema.Struct({
  customerId: CustomerId,
  name: optional(Name),
  email: optional(Schema.NullOr(Text(254))),
  creditLimit: optional(Schema.NullOr(AmountInput)),
  billingEntityId: optional(Schema.NullOr(BillingEntityId)),
  customFields: optional(CustomFields)
})
export type UpdateCustomerInput = typeof UpdateCustomerInput.Type

/** A driver secret as entered: printable, no spaces, 8-512 characters (the driver checks its own format). */
const DriverSecret = Schema.String.check(Schema.isPattern(/^[\x21-\x7e]{8,512}$/))
/** Scheme, host and port of a driver's API when not at the vendor (a local stand-in). */
const DriverApiBase = Schema.String.check(Schema.isPattern(/^https?:\/\/[A-Za-z0-9.\-[\]:]{1,200}\/?$/))

/** A real driver's settings for a gateway; the secrets are stored encrypted and never answered. */
export const GatewayDriverSettingsInput = Schema.Struct({
  driver: GatewayDriverName,
  secretKey: DriverSecret,
  webhookSecret: DriverSecret,
  apiBase: optional(Schema.NullOr(DriverApiBase))
})
export type GatewayDriverSettingsInput = typeof GatewayDriverSettingsInput.Type

export const CreateGatewayInput = Schema.Struct({
  code: Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_.-]{1,40}$/)),
  name: Name,
  driver: optional(Schema.Literals(["test"])),
  enabled: optional(Schema.Boolean),
  /** Stores a real driver's settings (encrypted) with the gateway. */
  settings: optional(GatewayDriverSettingsInput)
})
export type CreateGatewayInput = typeof CreateGatewayInput.Type

/** Rename a gateway, or enable / disable it (a disabled gateway takes no new payments or links). */
export const UpdateGatewayInput = Schema.Struct({
  id: GatewayId,
  name: optional(Name),
  enabled: optional(Schema.Boolean)
})
export type UpdateGatewayInput = typeof UpdateGatewayInput.Type

/**
 * Replaces a gateway's driver secret(s) (admins). A gateway without stored settings needs `driver`
 * and both secrets; afterwards either secret alone may be replaced. The previous webhook secret
 * keeps verifying webhooks for a grace period (the server's `GATEWAY_WEBHOOK_GRACE`).
 */
export const RotateGatewaySecretInput = Schema.Struct({
  id: GatewayId,
  driver: optional(GatewayDriverName),
  secretKey: optional(DriverSecret),
  webhookSecret: optional(DriverSecret),
  apiBase: optional(Schema.NullOr(DriverApiBase))
})
export type RotateGatewaySecretInput = typeof RotateGatewaySecretInput.Type

export const CreatePresetInput = Schema.Struct({
  kind: Schema.Literals(["method", "type"]),
  code: Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_.-]{1,40}$/)),
  name: Name,
  available: optional(Schema.Boolean),
  gatewayId: optional(Schema.NullOr(GatewayId))
})
export type CreatePresetInput = typeof CreatePresetInput.Type

export const UpdatePresetInput = Schema.Struct({
  presetId: PresetId,
  name: optional(Name),
  available: optional(Schema.Boolean),
  gatewayId: optional(Schema.NullOr(GatewayId))
})
export type UpdatePresetInput = typeof UpdatePresetInput.Type

export const IssueDocumentInput = Schema.Struct({
  kind: DocumentKind,
  customerId: CustomerId,
  total: AmountInput,
  /** Defaults to the customer's currency; must equal it. */
  currency: optional(CurrencyCode),
  number: optional(TextOfLength(40, 1)),
  billingEntityId: optional(Schema.NullOr(BillingEntityId)),
  relatedDocumentId: optional(Schema.NullOr(DocumentId)),
  issueDate: optional(BusinessDate),
  dueDate: optional(Schema.NullOr(BusinessDate)),
  externalRef: optional(Schema.NullOr(ExternalRef))
})
export type IssueDocumentInput = typeof IssueDocumentInput.Type

export const DocumentQueryInput = Schema.Struct({
  /** Only these documents (at most a page of them). */
  ids: optional(Schema.Array(DocumentId).check(Schema.isMaxLength(1000))),
  customerId: optional(CustomerId),
  kinds: optional(Schema.Array(DocumentKind)),
  unpaidOnly: optional(Schema.Boolean),
  cursor: Cursor,
  limit: Limit
})
export type DocumentQueryInput = typeof DocumentQueryInput.Type

const PaymentReferencesInput = {
  description: optional(Schema.NullOr(Text(1000))),
  notes: optional(Schema.NullOr(Text(4000))),
  reference: optional(Schema.NullOr(Text(200))),
  customerReference: optional(Schema.NullOr(Text(200))),
  checkNumber: optional(Schema.NullOr(Text(60))),
  thirdPartyReference: optional(Schema.NullOr(Text(200)))
}

export const CreatePaymentInput = Schema.Struct({
  customerId: CustomerId,
  amount: AmountInput,
  /** Defaults to the customer's currency; must equal it. */
  currency: optional(CurrencyCode),
  /** `posted` (default) books it at once; `draft` waits for post/reject/cancel. */
  initialState: optional(Schema.Literals(["draft", "posted"])),
  /** Created posted on this business day (defaults to the UTC day of `postedAt`, else today); not for drafts or gateways. */
  postedOn: optional(BusinessDate),
  /** Created posted at this instant, when the client states one (defaults to now); not for drafts or gateways. */
  postedAt: optional(Schema.Date),
  /** Defaults to the UTC day of `receivedAt`, else today. */
  paymentDate: optional(BusinessDate),
  /** The instant the payment was made, when the client states one (kept exactly). */
  receivedAt: optional(Schema.NullOr(Schema.Date)),
  methodId: optional(Schema.NullOr(PresetId)),
  typeId: optional(Schema.NullOr(PresetId)),
  /** Charge through this gateway (approved → posted, declined → rejected, pending → pending). */
  gatewayId: optional(Schema.NullOr(GatewayId)),
  /** Card number/token/mandate for gateway payments (required when the method is gateway-linked). */
  cardToken: optional(Schema.NullOr(Text(200))),
  billingEntityId: optional(Schema.NullOr(BillingEntityId)),
  /** Allocate to these documents right away (all or nothing with the payment). */
  allocations: optional(Schema.Array(Schema.Struct({ documentId: DocumentId, amount: AmountInput }))),
  /**
   * After `allocations`, apply what is left of the payment to the customer's unpaid invoices and
   * bills, oldest first (issue date, then id), under the customer lock; the rest stays as credit.
   */
  allocateOldestFirst: optional(Schema.Boolean),
  ...PaymentReferencesInput,
  customFields: optional(CustomFields),
  externalRef: optional(Schema.NullOr(ExternalRef)),
  sourceRecord: optional(Schema.NullOr(WellFormedUnknown)),
  /**
   * The customer as a vendor's path names it: the create is refused (`NotFound` customer) when the
   * locked customer was migrated from `system` under another id (it is known there by that id), so a
   * dialect can name a customer by a path id without reading it first.
   */
  customerKnownAs: optional(ExternalRef)
})
export type CreatePaymentInput = typeof CreatePaymentInput.Type

/** A dialect record written with a new payment: keyed by its public id, of its customer and payment. */
export interface NewPaymentRecord {
  readonly dialect: string
  readonly kind: string
  readonly data: Readonly<Record<string, unknown>>
}

/**
 * `CreatePaymentInput` naming the customer by one of its unique keys (`CustomerRef`: id, number or
 * public id) instead of its id, for a protocol that names customers so: the customer is found by
 * the command's own lock, with no read before it. `records`: a dialect's records of the new payment
 * (its vendor attributes), each inserted in the command's unit in one statement — the new payment
 * vouches for its customer and scope, and its fresh public id for the key being free.
 */
export type CreatePaymentForInput = Omit<CreatePaymentInput, "customerId"> & {
  readonly customer: CustomerRef
  readonly records?: ReadonlyArray<NewPaymentRecord> | undefined
}

/** Changes to a payment: amount, date, method, type only while draft; references any time. */
export const UpdatePaymentInput = Schema.Struct({
  paymentId: PaymentId,
  amount: optional(AmountInput),
  paymentDate: optional(BusinessDate),
  /** The instant the payment was made (draft only, like `paymentDate`). */
  receivedAt: optional(Schema.NullOr(Schema.Date)),
  methodId: optional(Schema.NullOr(PresetId)),
  typeId: optional(Schema.NullOr(PresetId)),
  ...PaymentReferencesInput,
  customFields: optional(CustomFields)
})
export type UpdatePaymentInput = typeof UpdatePaymentInput.Type

export const PaymentLookup = Schema.Union([
  Schema.Struct({ id: PaymentId }),
  Schema.Struct({ publicId: TextOfLength(200) }),
  Schema.Struct({ referenceNumber: TextOfLength(200) }),
  Schema.Struct({ number: TextOfLength(200) }),
  Schema.Struct({ externalRef: ExternalRef })
])
export type PaymentLookup = typeof PaymentLookup.Type

export const PaymentSortKeyInput = Schema.Struct({
  field: Schema.Literals(paymentSortFields),
  direction: Schema.Literals(["asc", "desc"])
})

const ColumnTermsInput = Schema.Array(
  Schema.Struct({
    field: Schema.Literals(paymentTermFields),
    operator: Schema.Literals(["eq", "notEq", "lt", "ltEq", "gt", "gtEq"]),
    // The range of the integer columns on both databases (a larger value is the caller's to decide).
    value: Schema.NullOr(Schema.Int.check(Schema.isBetween({ minimum: -2_147_483_648, maximum: 2_147_483_647 })))
  })
).check(Schema.isMaxLength(50))

const WithoutDialectRecordInput = Schema.Struct({ dialect: TextOfLength(40, 1), kind: TextOfLength(60, 1) })

export const PaymentQueryInput = Schema.Struct({
  customerId: optional(CustomerId),
  states: optional(Schema.Array(PaymentState)),
  currency: optional(CurrencyCode),
  paymentDateFrom: optional(BusinessDate),
  paymentDateTo: optional(BusinessDate),
  reversal: optional(Schema.Literals(["any", "none", "some", "standing"])),
  /** Listed whatever `reversal` says (see `PaymentQuery.reversalExcept`). */
  reversalExcept: optional(PaymentId),
  reversalDateFrom: optional(BusinessDate),
  reversalDateTo: optional(BusinessDate),
  eventSince: optional(Schema.Struct({ types: Schema.Array(LedgerEventType), since: Timestamp })),
  idAfter: optional(PaymentId),
  createdSince: optional(Timestamp),
  updatedSince: optional(Timestamp),
  methodId: optional(PresetId),
  typeId: optional(PresetId),
  gatewayId: optional(GatewayId),
  /** Amount range in major units of `currency` (required with either bound). */
  amountMin: optional(AmountInput),
  amountMax: optional(AmountInput),
  /** The protocol the payment was created through: `trpc`, `cli`, `dialect:<id>`… */
  origin: optional(Origin),
  /** Text in any reference of the payment (case-insensitive). */
  search: optional(TextOfLength(200, 1)),
  order: optional(Schema.Literals(["newest", "id"])),
  /** Sorts by these ledger columns instead of `order` (the list then pages by offset; see `PaymentQuery.sort`). */
  sort: optional(Schema.Array(PaymentSortKeyInput).check(Schema.isMaxLength(8))),
  /** Skips this many matches first (page-number lists), in SQL. */
  offset: optional(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Also counts every match as the page's `total`. */
  withTotal: optional(Schema.Boolean),
  /** Comparisons on integer ledger columns (see `PaymentColumnTerm`): vendor search terms. */
  columnTerms: optional(ColumnTermsInput),
  /** Only payments without a dialect record of this dialect and kind. */
  withoutDialectRecord: optional(WithoutDialectRecordInput),
  /** Also each active reversal of the payments these filters match, as a row of its own (see `PaymentQuery.reversalRows`). */
  reversalRows: optional(
    Schema.Struct({
      states: optional(Schema.Array(PaymentState)),
      columnTerms: optional(ColumnTermsInput),
      withoutDialectRecord: optional(WithoutDialectRecordInput),
      reversedSince: optional(Timestamp)
    })
  ),
  /** What each row of an offset page brings along in the same statement (see `PaymentAnnexRequest`). */
  annex: optional(
    Schema.Struct({
      customer: optional(Schema.Boolean),
      presetNames: optional(Schema.Boolean),
      creationEvent: optional(Schema.Boolean),
      firstAndLastActors: optional(Schema.Boolean),
      record: optional(
        Schema.Struct({
          dialect: TextOfLength(40, 1),
          kind: TextOfLength(60, 1),
          key: optional(Schema.Literals(["payment-id", "payment-public-id"]))
        })
      ),
      customerRecord: optional(Schema.Struct({ dialect: TextOfLength(40, 1), kind: TextOfLength(60, 1) })),
      latestCollection: optional(Schema.Boolean),
      settings: optional(
        Schema.Struct({ dialect: TextOfLength(40, 1), kind: TextOfLength(60, 1), key: TextOfLength(200, 1) })
      ),
      children: optional(Schema.Boolean),
      allocations: optional(Schema.Boolean),
      documentNumbers: optional(Schema.Boolean),
      events: optional(Schema.Array(LedgerEventType).check(Schema.isMaxLength(20))),
      reversalRecords: optional(Schema.Struct({ dialect: TextOfLength(40, 1), kind: TextOfLength(60, 1) }))
    })
  ),
  cursor: Cursor,
  limit: Limit
})
export type PaymentQueryInput = typeof PaymentQueryInput.Type

export const PostPaymentInput = Schema.Struct({
  paymentId: PaymentId,
  /** Defaults to the UTC day of `postedAt`, else today. */
  postedOn: optional(BusinessDate),
  /** The instant the payment is shown as posted, when the client states one; defaults to now. */
  postedAt: optional(Schema.Date)
})
export type PostPaymentInput = typeof PostPaymentInput.Type

export const RejectPaymentInput = Schema.Struct({
  paymentId: PaymentId,
  reason: TextOfLength(500, 1)
})
export type RejectPaymentInput = typeof RejectPaymentInput.Type

export const CancelPaymentInput = Schema.Struct({ paymentId: PaymentId, reason: optional(Schema.NullOr(Text(500))) })
export type CancelPaymentInput = typeof CancelPaymentInput.Type

export const ReversePaymentInput = Schema.Struct({
  paymentId: PaymentId,
  /** Defaults to the whole unreversed amount. */
  amount: optional(AmountInput),
  /** Business date the reversal takes effect; defaults to today. */
  effectiveDate: optional(BusinessDate),
  reason: optional(Schema.NullOr(Text(500))),
  /**
   * The document the reversal concerns: after the payment's unallocated credit, its allocation to
   * this document is released first (then the newest others), partially (docs/money-model.md).
   */
  documentId: optional(Schema.NullOr(DocumentId))
})
export type ReversePaymentInput = typeof ReversePaymentInput.Type

export const ReinstateReversalInput = Schema.Struct({
  paymentId: PaymentId,
  /** Defaults to the latest active reversal. */
  reversalId: optional(ReversalId)
})
export type ReinstateReversalInput = typeof ReinstateReversalInput.Type

export const RequestCollectionInput = Schema.Struct({
  paymentId: PaymentId,
  method: CollectionMethod,
  gatewayReference: optional(Schema.NullOr(Text(200)))
})
export type RequestCollectionInput = typeof RequestCollectionInput.Type

export const CollectionOutcomeInput = Schema.Struct({
  paymentId: PaymentId,
  gatewayReference: optional(Schema.NullOr(Text(200))),
  reason: optional(Schema.NullOr(Text(500))),
  /**
   * A collected payment's day on the books (`markCollected`: the bank statement's day, a migrated
   * vendor's posting day); defaults to the UTC day of `collectedAt`, else today.
   */
  collectedOn: optional(BusinessDate),
  /** The instant the money was collected, when the client states one (`markCollected`); defaults to now. */
  collectedAt: optional(Schema.Date)
})
export type CollectionOutcomeInput = typeof CollectionOutcomeInput.Type

export const AllocatePaymentInput = Schema.Struct({
  paymentId: PaymentId,
  allocations: Schema.Array(Schema.Struct({ documentId: DocumentId, amount: AmountInput })).check(Schema.isMinLength(1))
})
export type AllocatePaymentInput = typeof AllocatePaymentInput.Type

export const DeallocateInput = Schema.Struct({ allocationId: AllocationId })
export type DeallocateInput = typeof DeallocateInput.Type

/** A new amount for an allocation (greater than zero), changed in place. */
export const AdjustAllocationInput = Schema.Struct({ allocationId: AllocationId, amount: AmountInput })
export type AdjustAllocationInput = typeof AdjustAllocationInput.Type

/** Pay a document: by default its whole outstanding amount, as one new posted payment allocated to it. */
export const PayDocumentInput = Schema.Struct({
  documentId: DocumentId,
  amount: optional(AmountInput),
  paymentDate: optional(BusinessDate),
  /** The instant the payment was made, when the client states one (kept exactly). */
  receivedAt: optional(Schema.NullOr(Schema.Date)),
  methodId: optional(Schema.NullOr(PresetId)),
  typeId: optional(Schema.NullOr(PresetId)),
  gatewayId: optional(Schema.NullOr(GatewayId)),
  cardToken: optional(Schema.NullOr(Text(200))),
  ...PaymentReferencesInput,
  customFields: optional(CustomFields),
  externalRef: optional(Schema.NullOr(ExternalRef))
})
export type PayDocumentInput = typeof PayDocumentInput.Type

export const RefundPaymentInput = Schema.Struct({
  paymentId: PaymentId,
  /** Defaults to what is left to refund (amount − reversed − refunded). */
  amount: optional(AmountInput),
  /** The document the refund concerns: released first after the payment's credit (docs/money-model.md). */
  documentId: optional(Schema.NullOr(DocumentId)),
  reason: optional(Schema.NullOr(Text(500)))
})
export type RefundPaymentInput = typeof RefundPaymentInput.Type

/** A refund for a document; the ledger chooses the payment it draws from (`Refunds.refundDocument`). */
export const RefundDocumentInput = Schema.Struct({
  documentId: DocumentId,
  /** Defaults to what the chosen payment allocated to the document (or all it has left). */
  amount: optional(AmountInput),
  reason: optional(Schema.NullOr(Text(500)))
})
export type RefundDocumentInput = typeof RefundDocumentInput.Type

/** Apply what a posted payment has unallocated to one document, as much as the document still owes. */
export const SettleDocumentInput = Schema.Struct({ paymentId: PaymentId, documentId: DocumentId })
export type SettleDocumentInput = typeof SettleDocumentInput.Type

/**
 * A refund of customer credit: money paid back to the customer without the caller naming what it
 * pays back, so the ledger chooses the payment(s) it draws from (see `Ledger.refundCustomerCredit`).
 */
export const RefundCustomerCreditInput = Schema.Struct({
  customerId: CustomerId,
  /** Major-unit amount paid back, greater than zero, in the customer's currency. */
  amount: AmountInput,
  /** Draw from this payment of the customer only, instead of letting the ledger choose. */
  paymentId: optional(Schema.NullOr(PaymentId)),
  reason: optional(Schema.NullOr(Text(500))),
  /** The money has already been paid back: settle the refund(s) at once instead of leaving them requested. */
  settle: optional(Schema.Boolean)
})
export type RefundCustomerCreditInput = typeof RefundCustomerCreditInput.Type

export const TransitionRefundInput = Schema.Struct({
  refundId: RefundId,
  action: RefundAction,
  gatewayReference: optional(Schema.NullOr(Text(200)))
})
export type TransitionRefundInput = typeof TransitionRefundInput.Type

export const RefundQueryInput = Schema.Struct({
  customerId: optional(CustomerId),
  paymentId: optional(PaymentId),
  states: optional(Schema.Array(RefundState)),
  /** Refunds made at or after this instant. */
  createdSince: optional(Timestamp),
  /** Refunds made or moved (submitted, settled, cancelled, failed) at or after this instant. */
  changedSince: optional(Timestamp),
  /** Also brings each refund's dialect record of this kind (keyed by refund id) in the same read. */
  record: optional(Schema.Struct({ dialect: TextOfLength(40, 1), kind: TextOfLength(60, 1) })),
  cursor: Cursor,
  limit: Limit
})
export type RefundQueryInput = typeof RefundQueryInput.Type

export const AdjustBalanceInput = Schema.Struct({
  customerId: CustomerId,
  /** Signed major-unit amount: positive credits the customer, negative debits. */
  amount: AmountInput,
  description: TextOfLength(500, 1)
})
export type AdjustBalanceInput = typeof AdjustBalanceInput.Type

export const EventQueryInput = Schema.Struct({
  types: optional(Schema.Array(LedgerEventType)),
  since: optional(Timestamp),
  customerId: optional(CustomerId),
  paymentId: optional(PaymentId),
  /** Events of any of these payments (at most 1000: one page of a list, read in one query). */
  paymentIds: optional(Schema.Array(PaymentId).check(Schema.isMaxLength(1000))),
  /** Only each payment's first and last event (a list shows who made and who last changed each row). */
  firstAndLastPerPayment: optional(Schema.Boolean),
  cursor: Cursor,
  limit: Limit
})
export type EventQueryInput = typeof EventQueryInput.Type

export const PageInput = Schema.Struct({ cursor: Cursor, limit: Limit })

/** The window of the overview figures (default: the 30 days up to today) and how many top debtors. */
export const OverviewInput = Schema.Struct({
  from: optional(BusinessDate),
  to: optional(BusinessDate),
  topDebtors: optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })))
})
export type OverviewInput = typeof OverviewInput.Type
export type PageInput = typeof PageInput.Type

/** Create or replace a dialect's vendor-only object, found by (dialect, kind, key). */
const DialectName = Schema.String.check(Schema.isPattern(/^[a-z0-9-]{1,40}$/))
const DialectKind = Schema.String.check(Schema.isPattern(/^[a-z0-9-]{1,60}$/))
const DialectKey = TextOfLength(200, 1)

/** What a new dialect record is: its identity, owners, data and list columns. */
const dialectRecordFields = {
  dialect: DialectName,
  kind: DialectKind,
  key: DialectKey,
  customerId: optional(Schema.NullOr(CustomerId)),
  paymentId: optional(Schema.NullOr(PaymentId)),
  data: Schema.Record(Schema.String, Schema.Unknown).check(hasWellFormedText()),
  /**
   * The record's list columns (indexed, for a dialect list's filters and sorts in SQL), written in
   * the same statement as the record. Default: none (a merge keeps the stored ones).
   */
  listColumns: optional(Schema.NullOr(DialectRecordListColumns))
}

export const SaveDialectRecordInput = Schema.Struct({
  ...dialectRecordFields,
  /**
   * `true`: `data` changes only the top-level fields it names, and the rest of the stored data
   * stays. The record's customer (`customerId`) is locked before the stored data is read, so two
   * concurrent partial saves of one record both land. Default: `data` replaces the stored data.
   */
  merge: optional(Schema.Boolean),
  /**
   * A change of configuration worth an event (a dialect preset created, renamed or retired): the
   * save appends it in the same transaction, on the record (`entity: "dialect-record"`), with the
   * record's dialect, kind and key added to `data`. Default: no event.
   */
  event: optional(
    Schema.Struct({
      type: Schema.Literals(["dialect-preset.created", "dialect-preset.renamed", "dialect-preset.retired"]),
      data: Schema.Record(Schema.String, Schema.Unknown)
    })
  )
})
export type SaveDialectRecordInput = typeof SaveDialectRecordInput.Type

/** New records (no merge, no event) to insert together: all of them or none (`insertDialectRecords`). */
export const InsertDialectRecordsInput = Schema.Struct({
  records: Schema.Array(Schema.Struct(dialectRecordFields)).check(Schema.isMaxLength(5000))
})
export type InsertDialectRecordsInput = typeof InsertDialectRecordsInput.Type

export const DialectRecordKey = Schema.Struct({ dialect: DialectName, kind: DialectKind, key: DialectKey })
export type DialectRecordKey = typeof DialectRecordKey.Type

export const DialectRecordQueryInput = Schema.Struct({
  dialect: DialectName,
  kind: DialectKind,
  /** Records of any of these kinds instead of `kind` alone (at most 20). */
  kinds: optional(Schema.Array(DialectKind).check(Schema.isMaxLength(20))),
  customerId: optional(CustomerId),
  paymentId: optional(PaymentId),
  /** Records with any of these keys (at most 1000: one page of a list, read in one query). */
  keys: optional(Schema.Array(DialectKey).check(Schema.isMaxLength(1000))),
  cursor: Cursor,
  limit: Limit
})
export type DialectRecordQueryInput = typeof DialectRecordQueryInput.Type
