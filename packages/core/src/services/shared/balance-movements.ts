/**
 * The customer's running balance: every money-moving command books its movement here, as a
 * version-guarded update of `customer.balance` and the next entry of the customer's balance chain
 * (gap-free sequence, balance after), both made by one store statement (`balance.move`). The caller
 * holds the customer lock.
 */
import { Effect } from "effect"
import type { CustomerId, DocumentId, PaymentId, RefundId, ReversalId } from "../../model/ids.ts"
import type { BalanceEntryKind, Customer } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import { existingCustomer } from "./record-access.ts"

/** What one balance movement books. */
export interface BalanceMovement {
  readonly delta: bigint
  readonly kind: BalanceEntryKind
  readonly description: string
  readonly paymentId?: PaymentId | null | undefined
  readonly documentId?: DocumentId | null | undefined
  readonly refundId?: RefundId | null | undefined
  readonly reversalId?: ReversalId | null | undefined
}

/** Moves the customer's balance by `movement.delta` and appends the entry; returns the entry. */
export const moveBalance = Effect.fnUntraced(function* (customerId: CustomerId, movement: BalanceMovement) {
  return yield* moveBalanceOf(yield* existingCustomer(customerId), movement)
})

/**
 * {@link moveBalance} for a customer row the caller read under the customer lock and has not
 * changed since (no second read; the update is still guarded by the row's version).
 */
export const moveBalanceOf = Effect.fnUntraced(function* (customer: Customer, movement: BalanceMovement) {
  const store = yield* LedgerStore
  const customerId = customer.id
  const at = yield* now
  const balanceAfter = customer.balance + movement.delta
  // The customer's guarded update (balance, updatedAt, version) is made by the entry's insert.
  return yield* store.balance.move(
    {
      customerId,
      kind: movement.kind,
      delta: movement.delta,
      balanceAfter,
      paymentId: movement.paymentId ?? null,
      documentId: movement.documentId ?? null,
      refundId: movement.refundId ?? null,
      reversalId: movement.reversalId ?? null,
      description: movement.description,
      occurredAt: at
    },
    customer.version
  )
})
