/**
 * Booking a reversal of a posted payment, as `reversePayment` does and `reverseThroughGateway`
 * does once the gateway gave the money back: at most what is left of the payment (amount −
 * reversed − refunded), the reversal row, the payment's reversed amount and reversal date, the
 * customer's balance debited, the `payment.reversed` event, and exactly the amount released from
 * the payment by the release rule (`allocation-releases.ts`: credit first, then the named
 * document, then the newest allocations, partially). Reinstating restores what it released.
 */
import { Effect } from "effect"
import { Conflict } from "../../errors.ts"
import type { BusinessDate } from "../../model/common.ts"
import type { DocumentId } from "../../model/ids.ts"
import type { Payment } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import { effectiveAmount } from "./allocation-book.ts"
import { releaseForMovement } from "./allocation-releases.ts"
import { moveBalance } from "./balance-movements.ts"
import { amountText } from "./exact-amounts.ts"
import { savePayment } from "./guarded-saves.ts"
import { minor } from "./ledger-events.ts"
import { paymentEvent } from "./payment-posting.ts"

/** What can still be reversed (or refunded) of `target`, or `Conflict("insufficient-amount")` when `amount` exceeds it. */
export const ensureLeftToReverse = (target: Payment, amount: bigint) => {
  const left = effectiveAmount(target)
  return left === 0n || amount > left
    ? Effect.fail(
        new Conflict({
          reason: "insufficient-amount",
          message: `only ${amountText(left, target.currency)} of payment ${target.id} can still be reversed`
        })
      )
    : Effect.void
}

/** Books a reversal of `amount` of `target` (posted, its customer locked); returns it and the payment after it. */
export const bookReversal = Effect.fnUntraced(function* (
  target: Payment,
  amount: bigint,
  effectiveDate: BusinessDate,
  reason: string | null,
  documentId: DocumentId | null = null
) {
  const store = yield* LedgerStore
  yield* ensureLeftToReverse(target, amount)
  const reversal = yield* store.reversals.insert({
    paymentId: target.id,
    amount,
    effectiveDate,
    reversedAt: yield* now,
    reason,
    reinstatedAt: null
  })
  const released = yield* releaseForMovement(
    target,
    { kind: "reversal", id: reversal.id },
    amount,
    documentId,
    "payment reversed"
  )
  const reversed = yield* savePayment(released, {
    reversedAmount: target.reversedAmount + amount,
    reversalDate: effectiveDate
  })
  const entry = yield* moveBalance(target.customerId, {
    delta: -amount,
    kind: "payment-reversed",
    paymentId: target.id,
    reversalId: reversal.id,
    description: `payment ${target.number ?? target.referenceNumber} reversed`
  })
  yield* paymentEvent("payment.reversed", reversed, {
    reversalId: reversal.id,
    amount: minor(amount),
    effectiveDate,
    reason: reversal.reason,
    reversedAmount: minor(reversed.reversedAmount),
    balanceAfter: minor(entry.balanceAfter)
  })
  return { reversal, payment: reversed }
})
