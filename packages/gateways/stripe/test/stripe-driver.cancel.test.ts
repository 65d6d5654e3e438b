/**
 * Cancelling (voiding) a charge through the driver against the Stripe stand-in: a PaymentIntent
 * waiting for the customer's authentication is cancelled by its id or, when the ledger has no
 * reference, found by its attempt key first; the request carries its own idempotency key (a retry
 * replays the cancellation); a charge that succeeded or is processing is not cancellable (Stripe's
 * `payment_intent_unexpected_state`), and an attempt key Stripe never saw is `not-found`.
 */
import { describe, expect, it } from "vitest"
import { cardCharge, run, useStandIn } from "./support/driver-fixture.ts"

type Intent = { status: string; cancellation_reason: string | null }

describe("cancel", () => {
  const t = useStandIn()
  const needsAuthentication = (attemptKey: string) =>
    run(
      t.driver.charge(
        cardCharge({ attemptKey, paymentMethod: { kind: "card-token", value: "tok_authenticationRequired" } })
      )
    )

  it("cancels a PaymentIntent that requires the customer's action, by its reference, once", async () => {
    const charged = await needsAuthentication("a-cancel-1")
    if (charged.status !== "pending") throw new Error("expected a pending charge")
    const cancelled = await run(t.driver.cancel({ attemptKey: "a-cancel-1", reference: charged.reference }))
    expect(cancelled).toEqual({ status: "cancelled", reference: charged.reference })
    const intent = t.standIn.state.paymentIntents.get(charged.reference) as unknown as Intent
    expect(intent).toMatchObject({ status: "canceled", cancellation_reason: "requested_by_customer" })
    const [request] = t.standIn.requestsTo("POST /v1/payment_intents/:id/cancel")
    expect(request?.idempotencyKey).toBe("a-cancel-1:cancel")
    expect(t.standIn.state.events.map((event) => event.type)).toContain("payment_intent.canceled")

    // A retry (same key) replays the cancellation.
    expect(await run(t.driver.cancel({ attemptKey: "a-cancel-1", reference: charged.reference }))).toEqual(cancelled)
  })

  it("finds the PaymentIntent by its attempt key when the ledger holds no reference", async () => {
    const charged = await needsAuthentication("a-cancel-2")
    if (charged.status !== "pending") throw new Error("expected a pending charge")
    expect(await run(t.driver.cancel({ attemptKey: "a-cancel-2", reference: null }))).toEqual({
      status: "cancelled",
      reference: charged.reference
    })
  })

  it("refuses to cancel a succeeded or processing charge, and knows no charge it never saw", async () => {
    const paid = await run(t.driver.charge(cardCharge({ attemptKey: "a-paid" })))
    if (paid.status !== "approved") throw new Error("expected an approved charge")
    const refused = await run(t.driver.cancel({ attemptKey: "a-paid", reference: paid.reference }))
    expect(refused).toMatchObject({ status: "not-cancellable", reference: paid.reference })
    expect(refused.status === "not-cancellable" ? refused.message : "").toContain("status of succeeded")
    expect((t.standIn.state.paymentIntents.get(paid.reference) as unknown as Intent).status).toBe("succeeded")

    const debit = await run(
      t.driver.charge(
        cardCharge({ attemptKey: "a-debit", paymentMethod: { kind: "payment-method", value: "pm_sepa_debit_de" } })
      )
    )
    if (debit.status !== "pending") throw new Error("expected a processing debit")
    expect(await run(t.driver.cancel({ attemptKey: "a-debit", reference: debit.reference }))).toMatchObject({
      status: "not-cancellable"
    })

    expect(await run(t.driver.cancel({ attemptKey: "a-never-sent", reference: null }))).toEqual({
      status: "not-found"
    })
  })
})
