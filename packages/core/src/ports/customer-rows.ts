/**
 * A customer's payments and open documents as one list, filtered, sorted and paged in SQL (the
 * `LedgerStore.payments.listCustomerRows` read): for a vendor list that shows a customer's open
 * invoices and proformas as payments still to be made (Silver's unpaid payments of issue 12.8) and
 * filters and sorts on the vendor's own attributes of a payment, kept in the list columns of the
 * dialect's attribute record (`DialectRecordListColumns`). Each row is what the list shows: the
 * payment's status as it stands (a posted payment reversed in full is `reversed`), the amount that
 * stands (a posted payment's amount less what was reversed, unless reversed in full; a document's
 * outstanding amount), its id as the dialect shows it, and its list columns (for a payment without
 * an attribute record: no date, flag `true`, and — made elsewhere than the dialect — the first
 * proforma and invoice it is allocated to while anything is allocated; for a document: its due date, `true`, and itself and its proforma).
 * One statement: the page in the requested order with the count of every match.
 */
import type { BusinessDate } from "../model/common.ts"
import type { BillingEntityId, CustomerId, DocumentId } from "../model/ids.ts"
import type { CurrencyCode } from "../money/currency.ts"

/** A row's status: a payment's state (`reversed`: posted and reversed in full), or an open document. */
export const customerRowStatuses = [
  "draft",
  "pending",
  "posted",
  "reversed",
  "cancelled",
  "rejected",
  "open-document"
] as const
export type CustomerRowStatus = (typeof customerRowStatuses)[number]

/** The columns a customer row list sorts on. */
export const customerRowSortFields = [
  "shownId",
  "billingEntityId",
  "amount",
  "currency",
  "listDate",
  "status",
  "listFlag",
  "proformaId",
  "invoiceId"
] as const
export type CustomerRowSortField = (typeof customerRowSortFields)[number]

export interface CustomerRowQuery {
  readonly customerId: CustomerId
  /** The dialect: payments migrated from it show their vendor id (when numeric); its records below. */
  readonly dialect: string
  /** The kind of the dialect's per-payment attribute record (keyed by payment id) whose list columns rows carry. */
  readonly attributeKind: string
  /**
   * The origin of payments made through the dialect: one of those without an attribute record has
   * the defaults (no proforma or invoice); only a payment made elsewhere takes them from its allocations.
   */
  readonly ownOrigin: string
  /**
   * Open documents (invoices, and proformas no issued invoice was made from, not cancelled, with
   * something outstanding) are rows too, shown as `idOffset + document id` (a document migrated from
   * the dialect under external ref `<kind>:<number>`: `idOffset + number`) — except a document
   * that a payment still `draft` or `pending` carries (the dialect's `carrierKind` record keyed
   * `<kind>:<document id>`, attached to that payment).
   */
  readonly documents: { readonly idOffset: number; readonly carrierKind: string }
  // A document migrated from the dialect (external ref `<kind>:<number>` of `dialect`) is shown under
  // that number instead of its ledger id, so its row keeps the vendor's id and order (issue 16.2).
  /** Only the open document shown under this id (without `idOffset`), if there is one: a get by id of its row. */
  readonly documentShownId?: number | undefined
  /** Only rows of these statuses (an empty list: none). */
  readonly statuses?: ReadonlyArray<CustomerRowStatus> | undefined
  readonly listFlag?: boolean | undefined
  /**
   * `overdue: true`: open rows (draft, pending, open documents) with a list date before `today`;
   * `false`: the other rows, and open rows with a list date on or after `today` (an open row
   * without a date is in neither set).
   */
  readonly due?: { readonly today: BusinessDate; readonly overdue: boolean } | undefined
  /** The row's billing entity has this flow / this name (case-insensitive). */
  readonly billingEntityFlow?: string | undefined
  readonly billingEntityName?: string | undefined
  /** The amount the row shows, at least / at most (minor units). */
  readonly amountMin?: bigint | undefined
  readonly amountMax?: bigint | undefined
  readonly currency?: CurrencyCode | undefined
  /** The order; `shownId` ascending is added as the last tie-breaker. A missing value sorts first ascending, last descending. */
  readonly sort: ReadonlyArray<{ readonly field: CustomerRowSortField; readonly direction: "asc" | "desc" }>
  /** Where each status sorts (the dialect's order of its own status names). */
  readonly statusRank: Readonly<Record<CustomerRowStatus, number>>
  /** 1-based page of `limit` rows, or the last page. */
  readonly page: number | "last"
  readonly limit: number
}

export interface CustomerRow {
  readonly source: "payment" | "document"
  /** The payment's or the document's ledger id. */
  readonly ledgerId: number
  readonly shownId: number
  readonly billingEntityId: BillingEntityId | null
  readonly amount: bigint
  readonly currency: CurrencyCode
  readonly listDate: BusinessDate | null
  readonly listFlag: boolean
  readonly status: CustomerRowStatus
  readonly proformaId: DocumentId | null
  readonly invoiceId: DocumentId | null
}

/** A page of customer rows: `total` counts every match (0 when the page is empty, which only page 1 can be validly). */
export interface CustomerRowPage {
  readonly rows: ReadonlyArray<CustomerRow>
  readonly total: number
  /** The page read (the last page's number for `last`). */
  readonly page: number
}
