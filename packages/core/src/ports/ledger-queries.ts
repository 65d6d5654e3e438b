import type { CollectionState } from "../lifecycle/collection-lifecycle.ts"
import type { PaymentState } from "../lifecycle/payment-lifecycle.ts"
import type { RefundState } from "../lifecycle/refund-lifecycle.ts"
import type { ActorId, BusinessDate, Page } from "../model/common.ts"
import type {
  BillingEntityId,
  CustomerId,
  DocumentId,
  GatewayId,
  PaymentId,
  PresetId,
  RefundId,
  ReversalId
} from "../model/ids.ts"
import type {
  Allocation,
  Collection,
  Customer,
  DialectRecord,
  DocumentKind,
  DocumentState,
  LedgerEvent,
  LedgerEventType,
  Payment,
  PaymentOverview,
  Refund,
  Reversal
} from "../model/records.ts"
import type { CurrencyCode } from "../money/currency.ts"

/** The records that hang off one payment (see `payments.children`). */
export interface PaymentChildren {
  readonly allocations: ReadonlyArray<Allocation>
  readonly reversals: ReadonlyArray<Reversal>
  readonly collections: ReadonlyArray<Collection>
  readonly refunds: ReadonlyArray<Refund>
}

export interface Paging {
  readonly cursor: string | null
  readonly limit: number
}

/**
 * Page-number paging of a list ordered by id (vendors' numbered pages): skips `offset` rows in SQL
 * (never read) and, with `withTotal`, counts every match in the same statement as the page's `total`.
 * A cursor of such a page resumes at the next offset.
 */
export interface OffsetPaging {
  readonly offset?: number | undefined
  readonly withTotal?: boolean | undefined
}

export interface CustomerQuery extends Paging, OffsetPaging {
  readonly ids?: ReadonlyArray<CustomerId> | undefined
  /** Exactly this public id / customer number (unique keys: at most one row, found by index). */
  readonly publicId?: string | undefined
  readonly number?: string | undefined
  readonly search?: string | undefined
  readonly billingEntityId?: BillingEntityId | undefined
}

export interface DocumentQuery extends Paging {
  /** Only these documents (the invoices a page of payment rows names). */
  readonly ids?: ReadonlyArray<DocumentId> | undefined
  readonly customerId?: CustomerId | undefined
  readonly customerIds?: ReadonlyArray<CustomerId> | undefined
  readonly kinds?: ReadonlyArray<DocumentKind> | undefined
  readonly states?: ReadonlyArray<DocumentState> | undefined
  /** Only documents with something left to pay. */
  readonly unpaidOnly?: boolean | undefined
  /** `oldest`: issue date then id ascending (pay-oldest-first); `id`: id ascending. */
  readonly order: "oldest" | "id"
}

/** The ledger columns a payment list can be sorted on (the columns vendors' lists sort on). */
export const paymentSortFields = [
  "id",
  "paymentDate",
  "createdAt",
  "updatedAt",
  "postedAt",
  "receivedAt",
  "amount",
  "customerId",
  "currency",
  "state",
  "methodId",
  "typeId",
  "reversedAmount",
  "reversalDate",
  "referenceNumber",
  "number"
] as const
export type PaymentSortField = (typeof paymentSortFields)[number]

/** One key of a payment list's order; a missing value (`null`) sorts before every value. */
export interface PaymentSortKey {
  readonly field: PaymentSortField
  readonly direction: "asc" | "desc"
}

/** The integer ledger columns a payment list compares in vendor search terms ({@link PaymentColumnTerm}). */
export const paymentTermFields = [
  "id",
  "customerId",
  "typeId",
  "methodId",
  "gatewayId",
  "billingEntityId",
  "allocatedAmount",
  "reversedAmount"
] as const
export type PaymentTermField = (typeof paymentTermFields)[number]

/**
 * A comparison of a ledger column with a value, as vendors' search terms state them: `eq null` is
 * "has no value", `notEq` also holds for a payment without a value (and `notEq null` is "has a
 * value"), and an ordering comparison never holds for a missing value (nor with a `null` one).
 */
export interface PaymentColumnTerm {
  readonly field: PaymentTermField
  readonly operator: "eq" | "notEq" | "lt" | "ltEq" | "gt" | "gtEq"
  /** A 32-bit integer (the columns' range on both databases). */
  readonly value: number | null
}

export interface PaymentQuery extends Paging {
  readonly customerId?: CustomerId | undefined
  /** Restricts to these customers (a principal's visibility scope). */
  readonly customerIds?: ReadonlyArray<CustomerId> | undefined
  readonly states?: ReadonlyArray<PaymentState> | undefined
  readonly currency?: CurrencyCode | undefined
  readonly paymentDateFrom?: BusinessDate | undefined
  readonly paymentDateTo?: BusinessDate | undefined
  /**
   * `none`: nothing reversed; `some`: any amount reversed; `standing`: not wholly reversed (some of
   * the amount still stands); `any`: no filter.
   */
  readonly reversal?: "any" | "none" | "some" | "standing" | undefined
  /**
   * This payment is listed whatever `reversal` says, when the other filters take it: a list after a
   * payment (a dialect's `idAfter`) reads its bound even when wholly reversed, with what it brings along.
   */
  readonly reversalExcept?: PaymentId | undefined
  readonly reversalDateFrom?: BusinessDate | undefined
  readonly reversalDateTo?: BusinessDate | undefined
  /** Payments with an event of one of these types at or after `since` (from the event log). */
  readonly eventSince?: { readonly types: ReadonlyArray<LedgerEventType>; readonly since: Date } | undefined
  readonly idAfter?: PaymentId | undefined
  readonly createdSince?: Date | undefined
  readonly updatedSince?: Date | undefined
  readonly methodId?: PresetId | undefined
  readonly typeId?: PresetId | undefined
  readonly gatewayId?: GatewayId | undefined
  readonly externalSystem?: string | undefined
  /** Amount at least / at most, in minor units of the payment's currency. */
  readonly amountMin?: bigint | undefined
  readonly amountMax?: bigint | undefined
  /** Only payments created through this origin (`trpc`, `dialect:<id>`…). */
  readonly origin?: string | undefined
  /** Case-insensitive text in a reference: reference number, number, our/customer/third-party reference, check number, gateway reference, description. */
  readonly search?: string | undefined
  /** `newest`: payment date then id, descending; `id`: id ascending (incremental sync). */
  readonly order: "newest" | "id"
  /**
   * Sorts by these columns instead of `order` (id ascending added as the last tie-breaker unless
   * listed). With `sort`, `offset` or `withTotal` the list pages by offset: the rows before the page
   * are skipped in SQL (never read), and `nextCursor` resumes at the next offset.
   */
  readonly sort?: ReadonlyArray<PaymentSortKey> | undefined
  /** Skips this many matches first (page-number vendor lists); a cursor of an offset-paged list takes precedence. */
  readonly offset?: number | undefined
  /** Also counts every match (in the same statement) as the page's `total`. */
  readonly withTotal?: boolean | undefined
  /** Every one of these column comparisons holds (vendor search terms compiled to SQL). */
  readonly columnTerms?: ReadonlyArray<PaymentColumnTerm> | undefined
  /** Only payments with no dialect record of this dialect and kind (e.g. those a vendor deleted). */
  readonly withoutDialectRecord?: { readonly dialect: string; readonly kind: string } | undefined
  /** What each row of an offset page brings along in the page's own statement (offset-paged lists only). */
  readonly annex?: PaymentAnnexRequest | undefined
  /**
   * Offset pages only: also each active reversal of the payments these filters match (in the
   * customer scope) as a row of its own, in the same order and total. A reversal row repeats its
   * payment, its `createdAt` key is the reversal's `reversedAt` (`reversedSince` bounds it), and a
   * payment's row comes before its reversals' rows (by id); the page's `reversalIds` marks them.
   */
  readonly reversalRows?:
    | {
        readonly states?: ReadonlyArray<PaymentState> | undefined
        readonly columnTerms?: ReadonlyArray<PaymentColumnTerm> | undefined
        readonly withoutDialectRecord?: { readonly dialect: string; readonly kind: string } | undefined
        readonly reversedSince?: Date | undefined
      }
    | undefined
}

/**
 * What a vendor list shows beside each payment of a page, read in the page's statement (no row of
 * its own, nothing per row): the payment's customer, its preset names, who created it (its `payment.created` event),
 * who made and who last changed it (the actors of its first and last event), the data of a dialect
 * record keyed by the payment's id (or public id) and of one keyed by its customer's public id; and,
 * as lists within the payment's row, what hangs off it (its children, the numbers of the documents
 * it is allocated to, its events of some types, the dialect records keyed by its reversals' ids).
 */
export interface PaymentAnnexRequest {
  readonly customer?: boolean | undefined
  /** The names of the payment's type and method presets. */
  readonly presetNames?: boolean | undefined
  readonly creationEvent?: boolean | undefined
  /** The actors of the payment's first and last event (by event id; the same event when it has one). */
  readonly firstAndLastActors?: boolean | undefined
  /** A dialect record keyed by the payment's ledger id (`payment-id`, the default) or its public id. */
  readonly record?: (DialectRecordKind & { readonly key?: "payment-id" | "payment-public-id" | undefined }) | undefined
  /** A dialect record keyed by the payment's customer's public id (a dialect's per-customer record). */
  readonly customerRecord?: DialectRecordKind | undefined
  /** The state of the payment's newest collection (by request time, then id). */
  readonly latestCollection?: boolean | undefined
  /** The data of one dialect record (a dialect's settings), the same on every row: read with the page. */
  readonly settings?: (DialectRecordKind & { readonly key: string }) | undefined
  /** Its allocations, reversals, collections and refunds (as `payments.children` reads them). */
  readonly children?: boolean | undefined
  /** Its allocations alone (oldest first), for a list that shows no other child: one look-up per row, not four. */
  readonly allocations?: boolean | undefined
  /** The numbers of the documents its allocations name. */
  readonly documentNumbers?: boolean | undefined
  /** Its events of these types. */
  readonly events?: ReadonlyArray<LedgerEventType> | undefined
  /** The dialect records of this dialect and kind whose key is the id of one of its reversals. */
  readonly reversalRecords?: DialectRecordKind | undefined
}

/**
 * A customer's payment totals, summed in one statement (a vendor's balance summary that shows
 * totals, never the payments): the payments of `states` (amount less what was reversed), the part
 * of that total posted at or after the newest of the customer's documents of `sinceLatestDocument`
 * kinds that is not cancelled (every such payment when there is none), and the newest such
 * payment's (highest id) dialect record of `latestRecord`'s kind, keyed by its ledger id — with
 * the customer's own row, read by the same statement.
 */
export interface PaymentTotalsQuery {
  readonly customerId: CustomerId
  readonly states: ReadonlyArray<PaymentState>
  readonly sinceLatestDocument: { readonly kinds: ReadonlyArray<DocumentKind> }
  readonly latestRecord?: DialectRecordKind | undefined
}

/** What `PaymentTotalsQuery` sums (minor units of the customer's currency). */
export interface PaymentTotals {
  /** `null`: no such customer (every total is then zero). */
  readonly customer: Customer | null
  readonly count: number
  /** Amounts less what was reversed. */
  readonly net: bigint
  readonly netSinceLatestDocument: bigint
  readonly latestPaymentId: PaymentId | null
  /** The newest payment's record data (`null`: not asked, no payment, or it has none). */
  readonly latestRecord: Readonly<Record<string, unknown>> | null
}

/** A kind of dialect record. */
export type DialectRecordKind = { readonly dialect: string; readonly kind: string }

/** An event's actor as the event log keeps it. */
export type EventActor = { readonly actorId: ActorId; readonly actorName: string }

/** What `PaymentAnnexRequest` brought along for one payment (`null`: not asked, or there is none). */
export interface PaymentAnnex {
  readonly customer: Customer | null
  /** `undefined`: not asked; `null`: the payment has no such preset. */
  readonly typeName?: string | null | undefined
  readonly methodName?: string | null | undefined
  readonly creator: EventActor | null
  /** `undefined`: not asked; `null`: the payment has no event. */
  readonly firstActor?: EventActor | null | undefined
  readonly lastActor?: EventActor | null | undefined
  readonly record: Readonly<Record<string, unknown>> | null
  /** `undefined`: not asked; `null`: the customer has no such record. */
  readonly customerRecord?: Readonly<Record<string, unknown>> | null | undefined
  /** `undefined`: not asked; `null`: never collected. */
  readonly latestCollectionState?: CollectionState | null | undefined
  /** `undefined`: not asked; `null`: no such record. */
  readonly settings?: Readonly<Record<string, unknown>> | null | undefined
  /** Asked for (lists oldest first): its children, the number of each document they name, its events. */
  readonly children?: PaymentChildren | undefined
  /** `undefined`: not asked (or asked with `children`, which holds them). */
  readonly allocations?: ReadonlyArray<Allocation> | undefined
  readonly documentNumbers?: ReadonlyMap<DocumentId, string> | undefined
  readonly events?: ReadonlyArray<LedgerEvent> | undefined
  readonly reversalRecords?: ReadonlyArray<DialectRecord> | undefined
}

/** A page of payments, with each one's annex by payment id when the query asked for one. */
export interface PaymentPage extends Page<Payment> {
  readonly annex?: ReadonlyMap<PaymentId, PaymentAnnex> | undefined
  /** With `reversalRows`: for each item (same order), the reversal the row shows, `null` for a payment's own row. */
  readonly reversalIds?: ReadonlyArray<ReversalId | null> | undefined
}

export interface RefundQuery extends Paging {
  readonly customerId?: CustomerId | undefined
  /** Restricts to these customers (a principal's visibility scope). */
  readonly customerIds?: ReadonlyArray<CustomerId> | undefined
  readonly paymentId?: PaymentId | undefined
  readonly states?: ReadonlyArray<RefundState> | undefined
  /** Refunds made at or after this instant. */
  readonly createdSince?: Date | undefined
  /** Refunds made or moved (submitted, settled, cancelled, failed) at or after this instant. */
  readonly changedSince?: Date | undefined
  /** Also brings the data of each refund's dialect record of this kind (keyed by refund id), in the list's statement. */
  readonly record?: DialectRecordKind | undefined
}

/** A page of refunds, with each one's dialect record data by refund id when the query asked for it. */
export interface RefundPage extends Page<Refund> {
  readonly records?: ReadonlyMap<RefundId, Readonly<Record<string, unknown>> | null> | undefined
}

export interface EventQuery extends Paging {
  readonly types?: ReadonlyArray<LedgerEventType> | undefined
  readonly since?: Date | undefined
  readonly customerId?: CustomerId | undefined
  /** Restricts to events of these customers (a principal's visibility scope); customer-less events drop out. */
  readonly customerIds?: ReadonlyArray<CustomerId> | undefined
  readonly paymentId?: PaymentId | undefined
  /** Events of any of these payments. */
  readonly paymentIds?: ReadonlyArray<PaymentId> | undefined
  /** Only each payment's first and last event (who made it, who changed it last), picked in SQL. */
  readonly firstAndLastPerPayment?: boolean | undefined
}

export interface DialectRecordQuery extends Paging {
  readonly dialect: string
  readonly kind: string
  /** Records of any of these kinds instead of `kind` alone (names of several kinds of reference in one read). */
  readonly kinds?: ReadonlyArray<string> | undefined
  readonly customerId?: CustomerId | undefined
  readonly customerIds?: ReadonlyArray<CustomerId> | undefined
  readonly paymentId?: PaymentId | undefined
  /** Records with any of these keys. */
  readonly keys?: ReadonlyArray<string> | undefined
}

/** The window and scope of {@link PaymentOverview} figures. */
export interface OverviewQuery {
  /** Payment dates / reversal effective dates from and to (inclusive). */
  readonly from: BusinessDate
  readonly to: BusinessDate
  /** Restricts to these customers (a principal's visibility scope). */
  readonly customerIds?: ReadonlyArray<CustomerId> | undefined
  /** How many debtors to list. */
  readonly topDebtors: number
}
