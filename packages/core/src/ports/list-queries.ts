/**
 * List queries of the `LedgerStore` port (re-exported by `ledger-store.ts`): paging, and the refund,
 * event and dialect-record lists' filters. The refund list's `record` brings each refund's dialect
 * record of that kind (keyed by the refund's id) along in the list's own statement (`RefundPage`).
 */
import type { RefundState } from "../lifecycle/refund-lifecycle.ts"
import type { Page } from "../model/common.ts"
import type { CustomerId, PaymentId, RefundId } from "../model/ids.ts"
import type { LedgerEventType, Refund } from "../model/records.ts"

export interface Paging {
  readonly cursor: string | null
  readonly limit: number
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
  readonly record?: { readonly dialect: string; readonly kind: string } | undefined
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
  readonly customerId?: CustomerId | undefined
  readonly customerIds?: ReadonlyArray<CustomerId> | undefined
  readonly paymentId?: PaymentId | undefined
  /** Records with any of these keys. */
  readonly keys?: ReadonlyArray<string> | undefined
}
