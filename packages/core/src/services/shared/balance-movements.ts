/**
 * The customer's running balance: every money-moving command books its movement here, as a
 * version-guarded update of `customer.balance` and the next entry of the customer's balance chain
 * (gap-free sequence, balance after), both made by one store statement (`balance.move`; with a
 * command's events, `balance.moveWithEvents`). The caller holds the customer lock.
 */
import { Effect } from "effect"
import type { CustomerId, DocumentId, PaymentId, RefundId, ReversalId } from "../../model/ids.ts"
import type { BalanceEntryKind, Customer } from "../../model/records.ts"
import { LedgerStore, type LedgerStoreShape } from "../../ports/ledger-store.ts"
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
  // The customer's guarded update (balance, updatedAt, version) is made by the entry's insert.
  return yield* store.balance.move(yield* entryOf(customer, movement), customer.version)
})

/** {@link moveBalanceOf}, and the command's event rows appended with it (`balance.moveWithEvents`). */
export const moveBalanceWithEvents = Effect.fnUntraced(function* (
  customer: Customer,
  movement: BalanceMovement,
  events: Parameters<LedgerStoreShape["balance"]["moveWithEvents"]>[2]
) {
  const store = yield* LedgerStore
  return yield* store.balance.moveWithEvents(yield* entryOf(customer, movement), customer.version, events)
})

const entryOf = Effect.fnUntraced(function* (customer: Customer, movement: BalanceMovement) {
  const at = yield* now
  return {
    customerId: customer.id,
    kind: movement.kind,
    delta: movement.delta,
    balanceAfter: customer.balance + movement.delta,
    paymentId: movement.paymentId ?? null,
    documentId: movement.documentId ?? null,
    refundId: movement.refundId ?? null,
    reversalId: movement.reversalId ?? null,
    description: movement.description,
    occurredAt: at
  }
})
