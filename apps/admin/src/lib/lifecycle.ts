/**
 * Which actions the console offers for a payment: the ledger's lifecycle table (the same table
 * as `@paybridge/core`'s `paymentTransitions`, checked equal by a test) plus the amount rules the
 * ledger adds on top — a reversal needs something left to reverse, a reinstatement an active
 * reversal, a refund something left to refund, an allocation something left to allocate. The
 * server enforces all of it; this only avoids offering buttons that can only fail.
 */
export const paymentLifecycle = {
  draft: ["post", "reject", "cancel", "submit"],
  pending: ["post", "cancel", "fail-collection"],
  posted: ["reverse", "reinstate"],
  rejected: [],
  cancelled: []
} as const satisfies Record<string, ReadonlyArray<string>>

export type PaymentStateName = keyof typeof paymentLifecycle

export type ConsoleAction =
  | "post"
  | "reject"
  | "cancel"
  | "request-collection"
  | "mark-collected"
  | "cancel-collection"
  | "fail-collection"
  | "reverse"
  | "reinstate"
  | "allocate"
  | "refund"

export interface PaymentFacts {
  readonly state: PaymentStateName
  readonly amount: string
  readonly reversedAmount: string
  readonly allocatedAmount: string
  readonly refundedAmount: string
  /** Is a collection requested and not yet settled? */
  readonly collectionOpen: boolean
}

export const allowedActions = (payment: PaymentFacts): ReadonlyArray<ConsoleAction> => {
  const table: ReadonlyArray<string> = paymentLifecycle[payment.state]
  const amount = BigInt(payment.amount)
  const reversed = BigInt(payment.reversedAmount)
  const refunded = BigInt(payment.refundedAmount)
  const allocated = BigInt(payment.allocatedAmount)
  const actions: Array<ConsoleAction> = []
  if (table.includes("post") && !payment.collectionOpen) actions.push("post")
  if (table.includes("reject")) actions.push("reject")
  if (table.includes("cancel") && !payment.collectionOpen) actions.push("cancel")
  if (table.includes("submit")) actions.push("request-collection")
  if (payment.state === "pending" && payment.collectionOpen)
    actions.push("mark-collected", "cancel-collection", "fail-collection")
  if (table.includes("reverse") && amount - reversed - refunded > 0n) actions.push("reverse")
  if (table.includes("reinstate") && reversed > 0n) actions.push("reinstate")
  if (payment.state !== "rejected" && payment.state !== "cancelled" && amount - reversed - refunded - allocated > 0n) {
    actions.push("allocate")
  }
  if (payment.state === "posted" && amount - reversed - refunded > 0n) actions.push("refund")
  return actions
}
