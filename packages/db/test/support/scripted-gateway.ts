/**
 * A gateway for the boundary tests that behaves like a real one (each attempt key acts once; a
 * re-send repeats the first answer; `lookup` reports what it holds) and can be told how to fail:
 * `lose-request` (the request never arrives: nothing done, `unknown`), `lose-answer` (it acts but
 * the answer is lost: `unknown`), `decline`, `pend` (it holds the charge pending, e.g. awaiting the
 * customer's action: only such a charge can be cancelled, which turns it into a decline). `hold` makes every call wait until released, and
 * `onCall` runs inside each call, so a test can look at the ledger while the gateway "thinks".
 */
import type {
  AttemptLookupOutcome,
  ChargeOutcome,
  Gateway,
  GatewayCancelOutcome,
  GatewayRefundOutcome,
  PaymentGatewaysShape
} from "@paybridge/core"
import { Deferred, Effect } from "effect"

export type ScriptedMode = "approve" | "decline" | "pend" | "lose-request" | "lose-answer"

export interface GatewayMovement {
  readonly kind: "charge" | "refund"
  readonly attemptKey: string
  readonly amount: bigint
  readonly outcome: ChargeOutcome
}

export const makeScriptedGateway = () => {
  let counter = 0
  let mode: ScriptedMode = "approve"
  let gate: Deferred.Deferred<void> | null = null
  let onCall: Effect.Effect<void> = Effect.void
  /** Everything the gateway did, by `<kind>:<attempt key>` (what moved money, at most once per key). */
  const held = new Map<string, GatewayMovement>()
  /** Every money-moving request that reached it (re-sends included). */
  const requests: Array<{ readonly kind: "charge" | "refund"; readonly attemptKey: string }> = []

  const act = (kind: "charge" | "refund", attemptKey: string, amount: bigint) =>
    Effect.gen(function* () {
      if (gate !== null) yield* Deferred.await(gate)
      yield* onCall
      if (mode === "lose-request") return { status: "unknown", message: "timed out" } satisfies ChargeOutcome
      requests.push({ kind, attemptKey })
      const key = `${kind}:${attemptKey}`
      let movement = held.get(key)
      if (movement === undefined) {
        counter += 1
        const gatewayReference = `SGW_${counter}`
        const outcome: ChargeOutcome =
          mode === "decline"
            ? { status: "declined", gatewayReference, message: "do not honour" }
            : mode === "pend"
              ? { status: "pending", gatewayReference }
              : { status: "approved", gatewayReference }
        movement = { kind, attemptKey, amount, outcome }
        held.set(key, movement)
      }
      return mode === "lose-answer"
        ? ({ status: "unknown", message: "timed out" } satisfies ChargeOutcome)
        : movement.outcome
    })

  /** Every cancel request, by attempt key. */
  const cancels: Array<string> = []

  const shape: PaymentGatewaysShape = {
    refusal: (_gateway: Gateway) => null,
    charge: (request) => act("charge", request.attemptKey, request.amount),
    refund: (request) => act("refund", request.attemptKey, request.amount) as Effect.Effect<GatewayRefundOutcome>,
    cancel: (request) =>
      Effect.sync((): GatewayCancelOutcome => {
        cancels.push(request.attemptKey)
        const movement = held.get(`charge:${request.attemptKey}`)
        if (movement === undefined) return { status: "not-found" }
        if (movement.outcome.status !== "pending") {
          return { status: "not-cancellable", message: `the charge is ${movement.outcome.status}` }
        }
        const gatewayReference = movement.outcome.gatewayReference
        held.set(`charge:${request.attemptKey}`, {
          ...movement,
          outcome: { status: "declined", gatewayReference, message: "cancelled" }
        })
        return { status: "cancelled", gatewayReference }
      }),
    lookup: (request) =>
      Effect.sync(
        (): AttemptLookupOutcome =>
          held.get(`${request.kind}:${request.attemptKey}`)?.outcome ?? { status: "not-found" }
      ),
    createPaymentLink: (request) =>
      Effect.succeed({ url: `https://pay.invalid/${request.attemptKey}`, gatewayReference: request.attemptKey })
  }

  return {
    shape,
    held,
    requests,
    cancels,
    setMode: (next: ScriptedMode) => {
      mode = next
    },
    setOnCall: (effect: Effect.Effect<void>) => {
      onCall = effect
    },
    /** Every call waits until `release` (or until `hold` is called again with a new gate). */
    hold: () =>
      Effect.map(Deferred.make<void>(), (deferred) => {
        gate = deferred
        return deferred
      }),
    release: () =>
      Effect.suspend(() => {
        const current = gate
        gate = null
        return current === null ? Effect.void : Effect.asVoid(Deferred.succeed(current, undefined))
      }),
    /** Approved charges the gateway holds for these attempt keys' payments. */
    approvedCharges: () => [...held.values()].filter((m) => m.kind === "charge" && m.outcome.status === "approved")
  }
}
export type ScriptedGateway = ReturnType<typeof makeScriptedGateway>
