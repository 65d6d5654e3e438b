/**
 * How the money movements after a payment become ledger commands: a reversal → `reversePayment`; a
 * reinstatement → `reinstateReversal`; a refund → `refundPayment` (or `refundCustomerCredit` when the
 * vendor names no payment) and the transitions to its state; an adjustment → `adjustBalance`; a
 * balance snapshot → an adjustment "brought forward" only when the ledger's balance still differs.
 * Dispatched by `book-records.ts`.
 */
import { Balances, formatMinorUnits, Parties, Payments, type RefundState, Refunds } from "@paybridge/core"
import { Effect } from "effect"
import type {
  AdjustmentRecord,
  BalanceRecord,
  RefundRecord,
  ReinstatementRecord,
  ReversalRecord
} from "../sources/source-model.ts"
import { minorUnits } from "../sources/source-model.ts"
import {
  type Booked,
  type BookingContext,
  clip,
  customerId,
  documentId,
  ledgerIdOf,
  optionalLedgerIdOf,
  paymentId,
  refundId,
  reversalId
} from "./booking-context.ts"
import type { Migrated } from "./migrated-records.ts"

export const bookReversal = Effect.fnUntraced(function* (
  context: BookingContext,
  record: ReversalRecord,
  before: Migrated | null
) {
  const target = yield* ledgerIdOf(context, `payment/${record.paymentSourceId}`, `reversal ${record.sourceId}`)
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `reversal ${record.sourceId}`)
  if (before !== null) {
    return {
      ledgerKind: before.data.ledgerKind,
      ledgerId: before.data.ledgerId,
      customerId: owner,
      paymentId: target,
      skipped: "the reversal changed at the source; the ledger keeps the reversal booked first"
    } satisfies Booked
  }
  const payments = yield* Payments
  const detail = yield* payments.reversePayment({
    paymentId: paymentId(target),
    ...(record.amount === null ? {} : { amount: record.amount }),
    ...(record.effectiveDate === null ? {} : { effectiveDate: record.effectiveDate }),
    reason: clip(record.reason, 500)
  })
  const reversal = detail.reversals.at(-1)
  return {
    ledgerKind: "reversal",
    ledgerId: reversal?.id ?? null,
    customerId: owner,
    paymentId: target,
    skipped: null
  } satisfies Booked
})

/** A reversal undone at the source → `reinstateReversal` (of the reversal it names, else the latest active one). */
export const bookReinstatement = Effect.fnUntraced(function* (
  context: BookingContext,
  record: ReinstatementRecord,
  before: Migrated | null
) {
  const target = yield* ledgerIdOf(context, `payment/${record.paymentSourceId}`, `reinstatement ${record.sourceId}`)
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `reinstatement ${record.sourceId}`)
  const reversal =
    record.reversalSourceId === null
      ? null
      : yield* ledgerIdOf(context, `reversal/${record.reversalSourceId}`, `reinstatement ${record.sourceId}`)
  if (before !== null) {
    return {
      ledgerKind: before.data.ledgerKind,
      ledgerId: before.data.ledgerId,
      customerId: owner,
      paymentId: target,
      skipped: before.data.skipped ?? null
    } satisfies Booked
  }
  const detail = yield* (yield* Payments).reinstateReversal({
    paymentId: paymentId(target),
    ...(reversal === null ? {} : { reversalId: reversalId(reversal) })
  })
  // The reversal undone: the one named, else the one reinstated last.
  const undone =
    reversal ??
    [...detail.reversals]
      .filter((item) => item.reinstatedAt !== null)
      .sort((a, b) => (b.reinstatedAt?.getTime() ?? 0) - (a.reinstatedAt?.getTime() ?? 0) || b.id - a.id)[0]?.id ??
    null
  return {
    ledgerKind: "reversal",
    ledgerId: undone,
    customerId: owner,
    paymentId: target,
    skipped: null
  } satisfies Booked
})

const refundActions: Readonly<Record<RefundState, ReadonlyArray<"submit" | "settle" | "cancel" | "fail">>> = {
  requested: [],
  submitted: ["submit"],
  settled: ["settle"],
  cancelled: ["cancel"],
  failed: ["submit", "fail"]
}

const advanceRefund = Effect.fnUntraced(function* (id: number, from: RefundState, to: RefundState) {
  if (from === to) return null
  const refunds = yield* Refunds
  const path =
    from === "requested"
      ? refundActions[to]
      : from === "submitted" && to !== "requested"
        ? refundActions[to].filter((action) => action !== "submit")
        : null
  if (path === null) return `the ledger cannot move a ${from} refund to ${to}`
  for (const action of path) yield* refunds.transitionRefund({ refundId: refundId(id), action })
  return null
})

export const bookRefund = Effect.fnUntraced(function* (
  context: BookingContext,
  record: RefundRecord,
  before: Migrated | null
) {
  const refunds = yield* Refunds
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `refund ${record.sourceId}`)
  if (before !== null && before.data.ledgerId !== null) {
    const current = yield* refunds.getRefund(refundId(before.data.ledgerId))
    const refused = yield* advanceRefund(current.id, current.state, record.state)
    return {
      ledgerKind: "refund",
      ledgerId: current.id,
      customerId: owner,
      paymentId: current.paymentId,
      skipped: refused
    } satisfies Booked
  }
  const target =
    record.paymentSourceId === null
      ? null
      : yield* ledgerIdOf(context, `payment/${record.paymentSourceId}`, `refund ${record.sourceId}`)
  const document =
    record.documentSourceId === null ? null : yield* optionalLedgerIdOf(context, `document/${record.documentSourceId}`)
  const booked =
    target === null
      ? (yield* refunds.refundCustomerCredit({
          customerId: customerId(owner),
          amount: record.amount,
          reason: clip(record.reason, 500)
        })).refunds
      : [
          yield* refunds.refundPayment({
            paymentId: paymentId(target),
            amount: record.amount,
            documentId: document === null ? null : documentId(document),
            reason: clip(record.reason, 500)
          })
        ]
  const notes: Array<string> = []
  for (const refund of booked) {
    const refused = yield* advanceRefund(refund.id, refund.state, record.state)
    if (refused !== null) notes.push(refused)
  }
  const first = booked[0]
  return {
    ledgerKind: "refund",
    ledgerId: first?.id ?? null,
    ledgerIds: booked.map((refund) => refund.id),
    customerId: owner,
    paymentId: first?.paymentId ?? null,
    skipped: notes.length === 0 ? null : notes.join("; ")
  } satisfies Booked
})

export const bookAdjustment = Effect.fnUntraced(function* (
  context: BookingContext,
  record: AdjustmentRecord,
  before: Migrated | null
) {
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `adjustment ${record.sourceId}`)
  if (before !== null) {
    return {
      ledgerKind: before.data.ledgerKind,
      ledgerId: before.data.ledgerId,
      customerId: owner,
      paymentId: null,
      skipped: "the adjustment changed at the source; the ledger keeps the one booked first"
    } satisfies Booked
  }
  const balances = yield* Balances
  const entry = yield* balances.adjustBalance({
    customerId: customerId(owner),
    amount: record.amount,
    description:
      (record.description ?? `${context.vendorTitle} adjustment ${record.sourceId}`).slice(0, 500) || "adjustment"
  })
  return {
    ledgerKind: "adjustment",
    ledgerId: entry.id,
    customerId: owner,
    paymentId: null,
    skipped: null
  } satisfies Booked
})

/**
 * A vendor's balance snapshot (read after everything else of the customer): when the ledger's
 * balance differs — the vendor shows no document totals, so what its invoices owe never came over —
 * one adjustment "brought forward" makes the ledger's balance the vendor's, and says so.
 */
export const bookBalance = Effect.fnUntraced(function* (context: BookingContext, record: BalanceRecord) {
  const owner = yield* ledgerIdOf(context, `customer/${record.customerSourceId}`, `balance ${record.sourceId}`)
  const customer = yield* (yield* Parties).getCustomer(customerId(owner))
  const delta = minorUnits(record.balance, customer.currency) - customer.balance
  if (delta === 0n)
    return { ledgerKind: "none", ledgerId: null, customerId: owner, paymentId: null, skipped: null } satisfies Booked
  const entry = yield* (yield* Balances).adjustBalance({
    customerId: customer.id,
    amount: formatMinorUnits(delta, customer.currency),
    description: `Balance brought forward from ${context.vendorTitle} (what its documents owe is not shown)`
  })
  return {
    ledgerKind: "adjustment",
    ledgerId: entry.id,
    customerId: owner,
    paymentId: null,
    skipped: null,
    extra: { broughtForward: formatMinorUnits(delta, customer.currency) }
  } satisfies Booked
})
