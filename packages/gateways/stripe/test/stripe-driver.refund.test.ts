/**
 * Refunds through the driver against the stand-in: the Refund request (the charge's PaymentIntent,
 * Stripe's units, the attempt key as Idempotency-Key and metadata tag), Stripe's refusals as
 * declines, a refund whose answer never arrived as `unknown` and its lookup among the charge's
 * refunds (lists are exact, refunds have no search), and no second refund on a re-send.
 */
import { describe, expect, it } from "vitest"
import type { DriverRefundRequest } from "../src/gateway-driver.ts"
import { cardCharge, run, useStandIn } from "./support/driver-fixture.ts"

describe("refund", () => {
  const t = useStandIn()

  const charged = async (currency: "EUR" | "ISK" = "EUR", amount = 1050n) => {
    const outcome = await run(t.driver.charge(cardCharge({ currency, amount })))
    if (outcome.status !== "approved") throw new Error(`charge not approved: ${outcome.status}`)
    return outcome.reference
  }
  const refundOf = (chargeReference: string, overrides: Partial<DriverRefundRequest> = {}): DriverRefundRequest => ({
    attemptKey: "rfd_0001:attempt:1",
    chargeReference,
    amount: 400n,
    currency: "EUR",
    ...overrides
  })

  it("refunds part of a charge as a Refund keyed by the attempt key", async () => {
    const reference = await charged()
    const outcome = await run(t.driver.refund(refundOf(reference, { reason: "requested_by_customer" })))
    expect(outcome).toEqual({ status: "approved", reference: "re_standin00000001" })
    const [request] = t.standIn.requestsTo("POST /v1/refunds")
    expect(request?.idempotencyKey).toBe("rfd_0001:attempt:1")
    expect(request?.params).toEqual({
      payment_intent: reference,
      amount: "400",
      reason: "requested_by_customer",
      metadata: { paybridge_attempt: "rfd_0001:attempt:1" }
    })
  })

  it("converts the refunded amount to Stripe's units (ISK: whole krónur as two decimals)", async () => {
    const reference = await charged("ISK", 100n)
    await run(t.driver.refund(refundOf(reference, { currency: "ISK", amount: 30n })))
    expect(t.standIn.requestsTo("POST /v1/refunds")[0]?.params.amount).toBe("3000")
  })

  it("declines a refund larger than what is left, with Stripe's code", async () => {
    const reference = await charged()
    await run(t.driver.refund(refundOf(reference, { amount: 1000n })))
    const outcome = await run(t.driver.refund(refundOf(reference, { attemptKey: "rfd_2", amount: 100n })))
    expect(outcome).toMatchObject({ status: "declined", code: "amount_too_large" })
  })

  it("maps a failed refund to declined with Stripe's failure reason", async () => {
    const reference = await charged()
    t.standIn.script("POST /v1/refunds", { kind: "decline", code: "lost_or_stolen_card" })
    const outcome = await run(t.driver.refund(refundOf(reference)))
    expect(outcome).toMatchObject({ status: "declined", code: "lost_or_stolen_card", reference: "re_standin00000001" })
  })

  it("declines a refund of a charge Stripe does not know", async () => {
    expect(await run(t.driver.refund(refundOf("pi_unknown")))).toMatchObject({
      status: "declined",
      code: "resource_missing"
    })
  })

  it("times out after refunding: unknown, lookup finds it, a re-send refunds nothing more", async () => {
    const reference = await charged()
    t.standIn.script("POST /v1/refunds", { kind: "hang", commit: true })
    expect(await run(t.driver.refund(refundOf(reference)))).toMatchObject({ status: "unknown", reason: "timeout" })
    const found = await run(
      t.driver.lookup({ attemptKey: "rfd_0001:attempt:1", kind: "refund", chargeReference: reference })
    )
    expect(found).toEqual({
      status: "approved",
      reference: "re_standin00000001",
      amount: 400n,
      currency: "EUR",
      alsoFound: []
    })
    expect(await run(t.driver.refund(refundOf(reference)))).toEqual({
      status: "approved",
      reference: "re_standin00000001"
    })
    expect(t.standIn.state.refunds.size).toBe(1)
  })

  it("looks a refund up as not-found when the charge has no refund with that key", async () => {
    const reference = await charged()
    await run(t.driver.refund(refundOf(reference, { attemptKey: "other" })))
    expect(
      await run(t.driver.lookup({ attemptKey: "rfd_0001:attempt:1", kind: "refund", chargeReference: reference }))
    ).toEqual({ status: "not-found" })
  })
})
