/**
 * Reversals pushed to the payment gateway (LogiSense's `Payment/Reverse/Vendor`): the gateway is
 * asked to give back the amount first (a refund of the charge, through the `PaymentGateways`
 * port), and only an approval books the reversal in the ledger, exactly as `reversePayment`
 * books it (same limits, balance movement and event). A decline changes nothing and is a
 * `ValidationFailed` carrying the gateway's message. Only posted payments that were charged
 * through a gateway qualify.
 */
import { Effect } from "effect"
import { Conflict, validationFailed } from "../errors.ts"
import { formatMinorUnits } from "../money/money.ts"
import { GatewayReversal, type LedgerShape } from "./ledger.ts"
import { effectiveAmount } from "./ledger-allocations.ts"
import type * as C from "./ledger-commands.ts"
import { type LedgerKit, minor } from "./ledger-kit.ts"

type GatewayReversalOperations = Pick<LedgerShape, "reverseThroughGateway">

export const makeGatewayReversalOperations = (
  kit: LedgerKit,
  reversePayment: LedgerShape["reversePayment"]
): GatewayReversalOperations => ({
  reverseThroughGateway: Effect.fn("Ledger.reverseThroughGateway")(function* (input: C.ReversePaymentInput) {
    return yield* kit.paymentMutation("reverseThroughGateway", input, GatewayReversal, (target) =>
      Effect.gen(function* () {
        yield* kit.paymentTransition(target, "reverse")
        if (target.gatewayId === null) {
          return yield* validationFailed(
            ["paymentId"],
            `payment ${target.id} was not charged through a gateway; reverse it without the gateway`
          )
        }
        const gateway = yield* Effect.flatMap(
          kit.store.gateways.get(target.gatewayId),
          kit.found("gateway", target.gatewayId)
        )
        const left = effectiveAmount(target)
        const amount =
          input.amount === undefined ? left : yield* kit.parsePositiveAmount(input.amount, target.currency, ["amount"])
        if (left === 0n || amount > left) {
          return yield* new Conflict({
            reason: "insufficient-amount",
            message: `only ${minor(left)} minor units of payment ${target.id} can still be reversed`
          })
        }
        const outcome = yield* kit.gateways.refund({
          gateway,
          amount,
          currency: target.currency,
          chargeReference: target.gatewayReference,
          reference: target.number ?? target.referenceNumber
        })
        if (outcome.status === "declined") {
          return yield* validationFailed(
            ["paymentId"],
            `gateway ${gateway.code} declined the reversal (${outcome.gatewayReference}): ${outcome.message}`
          )
        }
        const before = new Set((yield* kit.store.reversals.listByPayment(target.id)).map((reversal) => reversal.id))
        const detail = yield* reversePayment({ ...input, amount: formatMinorUnits(amount, target.currency) })
        const reversal = detail.reversals.find((row) => !before.has(row.id))
        if (reversal === undefined) return yield* Effect.die(new Error("the reversal just booked is missing"))
        return { detail, reversalId: reversal.id, gatewayReference: outcome.gatewayReference }
      })
    )
  })
})
