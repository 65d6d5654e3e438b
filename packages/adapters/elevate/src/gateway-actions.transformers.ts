/**
 * Shared steps of Elevate's reprocess and cancel endpoints: which declined payment may be charged
 * again, and the one-reprocess-per-payment claim. A reprocess is a new ledger payment with its own
 * gateway attempt (key `pb_ch_<new payment>`), so the declined charge is never re-sent; the claim
 * (a dialect record keyed by the declined payment, written in the same unit as the new payment,
 * after the customer lock) makes a second reprocess of the same payment a 400 naming the first,
 * while a retry with the same `Idempotency-Key` replays the first answer.
 */
import { formatMinorUnits, type Payment, type PaymentId, validationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { kinds, recordOf, saveRecord } from "./elevate.transformers.ts"

/** 400 unless `payment` went through a provider and was declined (rejected) by it. */
export const ensureDeclined = (payment: Payment, field: string, label: string) =>
  Effect.gen(function* () {
    if (payment.gatewayId === null) {
      return yield* validationFailed([field], `${label} ${payment.id} was not submitted to a payment provider`)
    }
    if (payment.state !== "rejected") {
      return yield* validationFailed(
        [field],
        `only a declined ${label} can be reprocessed; ${label} ${payment.id} is ${payment.state}`
      )
    }
  })

/** The declined payment's amount as the major-unit decimal a new payment is made with. */
export const amountOf = (payment: Payment) => formatMinorUnits(payment.amount, payment.currency)

/** 400 naming the payment that replaced `declined` when it was already reprocessed. */
export const ensureNotReprocessed = (declined: Payment, field: string) =>
  Effect.gen(function* () {
    const earlier = yield* recordOf(kinds.reprocess, String(declined.id))
    if (earlier !== null) {
      return yield* validationFailed(
        [field],
        `payment ${declined.id} was already reprocessed as payment ${String(earlier.data.reprocessedBy)}`
      )
    }
  })

/**
 * Records that `reprocessed` replaced `declined` (inside the unit, after the new payment locked the
 * customer, so a concurrent reprocess of the same payment sees the first one's claim and fails).
 */
export const claimReprocess = (declined: Payment, reprocessed: PaymentId, field: string) =>
  Effect.gen(function* () {
    yield* ensureNotReprocessed(declined, field)
    yield* saveRecord(
      kinds.reprocess,
      String(declined.id),
      { reprocessedBy: reprocessed },
      { customerId: declined.customerId, paymentId: declined.id }
    )
  })
