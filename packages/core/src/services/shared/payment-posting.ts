/**
 * Posting a payment (from draft, pending or a fresh gateway approval): the posting-time number
 * from its sequence, the posting dates, the customer's balance credited and the `payment.posted`
 * event, then its reservations booked on their documents (as much as each can still take); and `paymentEvent`, how every payment command logs what happened to a payment.
 */
import { Effect } from "effect"
import type { BusinessDate } from "../../model/common.ts"
import type { LedgerEventType, Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import { bookReservations } from "./allocation-book.ts"
import { moveBalance } from "./balance-movements.ts"
import { savePayment } from "./guarded-saves.ts"
import { minor, type NewEvent, recordEvent } from "./ledger-events.ts"
import { paymentTransition } from "./lifecycle-steps.ts"

/** Logs an event about `owner` (a payment event of its customer). */
export const paymentEvent = (type: LedgerEventType, owner: Payment, data: Record<string, unknown>) =>
  recordEvent(paymentEventOf(type, owner, data))

/** The event {@link paymentEvent} logs, for writing with others in one go (`recordEvents`). */
export const paymentEventOf = (type: LedgerEventType, owner: Payment, data: Record<string, unknown>): NewEvent => ({
  type,
  entity: "payment",
  entityId: owner.id,
  customerId: owner.customerId,
  paymentId: owner.id,
  data
})

/**
 * Posts a draft or pending payment: number, posting dates, balance movement, event. `postedAt` is
 * the instant the client stated for the posting (default: now).
 */
export const bookPosting = Effect.fnUntraced(function* (
  target: Payment,
  postedOn: BusinessDate,
  changes: Partial<Payment> = {},
  postedAt?: Date
) {
  const store = yield* LedgerStore
  const state = yield* paymentTransition(target, "post")
  let number: string
  do {
    number = String(yield* store.nextSequence("payment-number"))
  } while ((yield* store.payments.getByNumber(number)) !== null)
  const entry = yield* moveBalance(target.customerId, {
    delta: target.amount,
    kind: "payment-posted",
    paymentId: target.id,
    description: `payment ${number} posted`
  })
  const posted = yield* savePayment(target, {
    ...changes,
    state,
    number,
    postedOn,
    postedAt: postedAt ?? (yield* now),
    balanceAfterPosting: entry.balanceAfter
  })
  yield* recordEvent(postedEvent(posted, entry.balanceAfter, postedAt))
  return yield* bookReservations(posted)
})

/** The `payment.posted` event of a payment just posted (`postedAt`: the instant the client stated, if any). */
export const postedEvent = (posted: Payment, balanceAfter: bigint, postedAt?: Date): NewEvent => ({
  type: "payment.posted",
  entity: "payment",
  entityId: posted.id,
  customerId: posted.customerId,
  paymentId: posted.id,
  data: {
    number: posted.number,
    amount: minor(posted.amount),
    currency: posted.currency,
    postedOn: posted.postedOn,
    ...(postedAt === undefined ? {} : { postedAt: postedAt.toISOString() }),
    balanceAfter: minor(balanceAfter)
  }
})
