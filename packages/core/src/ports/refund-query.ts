/**
 * The refund list's query and page, part of the `LedgerStore` port (`refunds.list`): refunds of a
 * customer, a payment or the principal's customers, in states, made or moved since an instant; with
 * `record`, each refund's dialect record of that kind (keyed by the refund's id) comes along in the
 * list's own statement.
 */
import type { RefundState } from "../lifecycle/refund-lifecycle.ts"
import type { Page } from "../model/common.ts"
import type { CustomerId, PaymentId, RefundId } from "../model/ids.ts"
import type { Refund } from "../model/records.ts"

/** (The `Paging` fields of `ledger-store.ts`, written out: that module re-exports this one.) */
export interface RefundQuery {
  readonly cursor: string | null
  readonly limit: number
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
