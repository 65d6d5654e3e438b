/**
 * Charges through the driver against the Stripe stand-in: what goes over the wire (a confirmed
 * PaymentIntent, the attempt key as Idempotency-Key and metadata tag, Stripe's units), how Stripe's
 * answers map to approved / declined / pending / unknown, and the failures that are
 * `GatewayUnreachable` (Stripe did not act: nothing charged).
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "vitest"
import { cardCharge, driverFor, run, runFailure, useStandIn } from "./support/driver-fixture.ts"

describe("charge", () => {
  const t = useStandIn()

  it("approves a card-token charge sent as a confirmed PaymentIntent keyed by the attempt key", async () => {
    const outcome = await run(
      t.driver.charge(cardCharge({ customer: { id: "C-42", name: "Ada", email: "ada@example.com" } }))
    )
    expect(outcome).toEqual({ status: "approved", reference: "pi_standin00000001" })
    const [request] = t.standIn.requestsTo("POST /v1/payment_intents")
    expect(request?.idempotencyKey).toBe("pay_0001:attempt:1")
    expect(request?.authorization).toBe(`Bearer ${t.standIn.secretKey}`)
    expect(request?.params).toMatchObject({
      amount: "1050",
      currency: "eur",
      confirm: "true",
      description: "Invoice INV-1",
      metadata: { invoice: "INV-1", paybridge_attempt: "pay_0001:attempt:1", paybridge_customer: "C-42" },
      payment_method_data: {
        type: "card",
        card: { token: "tok_visa" },
        billing_details: { name: "Ada", email: "ada@example.com" }
      },
      automatic_payment_methods: { enabled: "true", allow_redirects: "never" }
    })
    expect(request?.params).not.toHaveProperty("off_session")
  })

  it("keeps the driver's metadata tags: a caller's paybridge_* keys are dropped", async () => {
    await run(t.driver.charge(cardCharge({ metadata: { paybridge_attempt: "forged", note: "x" } })))
    expect(t.standIn.requestsTo("POST /v1/payment_intents")[0]?.params.metadata).toEqual({
      note: "x",
      paybridge_attempt: "pay_0001:attempt:1"
    })
  })

  it("sends amounts in Stripe's units: JPY as is, ISK with two zero decimals, KWD in thousandths", async () => {
    await run(t.driver.charge(cardCharge({ attemptKey: "a-jpy", currency: "JPY", amount: 5000n })))
    await run(t.driver.charge(cardCharge({ attemptKey: "a-isk", currency: "ISK", amount: 5n })))
    await run(t.driver.charge(cardCharge({ attemptKey: "a-kwd", currency: "KWD", amount: 5120n })))
    const sent = t.standIn.requestsTo("POST /v1/payment_intents").map((r) => [r.params.currency, r.params.amount])
    expect(sent).toEqual([
      ["jpy", "5000"],
      ["isk", "500"],
      ["kwd", "5120"]
    ])
  })

  it("refuses an amount Stripe cannot represent without sending anything", async () => {
    const outcome = await run(t.driver.charge(cardCharge({ currency: "KWD", amount: 5124n })))
    expect(outcome).toMatchObject({ status: "declined", code: "amount_not_representable" })
    expect(outcome.status === "declined" && outcome.message).toContain("multiples of 10")
    expect(t.standIn.requests).toHaveLength(0)
  })

  it("maps a card decline to declined with Stripe's decline code, message and the PaymentIntent", async () => {
    const outcome = await run(
      t.driver.charge(
        cardCharge({ paymentMethod: { kind: "card-token", value: "tok_chargeDeclinedInsufficientFunds" } })
      )
    )
    expect(outcome).toEqual({
      status: "declined",
      reference: "pi_standin00000001",
      code: "insufficient_funds",
      message: "Your card has insufficient funds."
    })
  })

  it("maps a scripted decline with its own decline code", async () => {
    t.standIn.script("POST /v1/payment_intents", {
      kind: "decline",
      declineCode: "do_not_honor",
      message: "Do not honor."
    })
    const outcome = await run(t.driver.charge(cardCharge()))
    expect(outcome).toMatchObject({ status: "declined", code: "do_not_honor", message: "Do not honor." })
  })

  it("charges a saved payment method off-session; one needing 3-D Secure is declined, not left hanging", async () => {
    const approved = await run(
      t.driver.charge(
        cardCharge({
          paymentMethod: { kind: "payment-method", value: "pm_card_visa" },
          customer: { id: "C-1", gatewayCustomerId: "cus_1" }
        })
      )
    )
    expect(approved.status).toBe("approved")
    expect(t.standIn.requests[0]?.params).toMatchObject({
      payment_method: "pm_card_visa",
      off_session: "true",
      customer: "cus_1"
    })
    const declined = await run(
      t.driver.charge(
        cardCharge({
          attemptKey: "a-3ds",
          paymentMethod: { kind: "payment-method", value: "pm_card_authenticationRequired" }
        })
      )
    )
    expect(declined).toMatchObject({ status: "declined", code: "authentication_required" })
  })

  it("leaves a card-token charge that needs the customer's authentication pending", async () => {
    const outcome = await run(
      t.driver.charge(cardCharge({ paymentMethod: { kind: "card-token", value: "tok_authenticationRequired" } }))
    )
    expect(outcome).toEqual({ status: "pending", reference: "pi_standin00000001", waitingFor: "customer-action" })
  })

  it("declines an unknown payment method with Stripe's resource_missing", async () => {
    const outcome = await run(t.driver.charge(cardCharge({ paymentMethod: { kind: "payment-method", value: "nope" } })))
    expect(outcome).toMatchObject({
      status: "declined",
      code: "resource_missing",
      message: "No such PaymentMethod: 'nope'"
    })
  })

  it("maps a 500 to unknown: the charge may or may not exist", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "server-error" })
    const outcome = await run(t.driver.charge(cardCharge()))
    expect(outcome).toMatchObject({ status: "unknown", reason: "gateway-error" })
    expect(outcome.status === "unknown" && outcome.message).toMatch(/Stripe answered 500.*request req_/)
  })

  it("answers an attempt key re-sent with other parameters as GatewayUnreachable, charging nothing new", async () => {
    await run(t.driver.charge(cardCharge()))
    const error = await runFailure(t.driver.charge(cardCharge({ amount: 9999n })))
    expect(error).toMatchObject({ _tag: "GatewayUnreachable", reason: "idempotency-mismatch", gateway: "stripe-test" })
    expect(t.standIn.paymentIntentCount).toBe(1)
  })

  it("answers a rate limit as GatewayUnreachable", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "rate-limit" })
    const error = await runFailure(t.driver.charge(cardCharge()))
    expect(error).toMatchObject({ _tag: "GatewayUnreachable", reason: "rate-limited" })
    expect(t.standIn.paymentIntentCount).toBe(0)
  })

  it("waits for a slow answer within the timeout", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "delay", ms: 100 })
    expect((await run(t.driver.charge(cardCharge()))).status).toBe("approved")
  })

  it("answers a refused connection as GatewayUnreachable (the request never left)", async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const driver = await driverFor(t.standIn, { apiBase: new URL(`http://127.0.0.1:${port}`) })
    const error = await runFailure(driver.charge(cardCharge()))
    expect(error).toMatchObject({ _tag: "GatewayUnreachable", reason: "connection-refused" })
  })
})

describe("charge against a mandate", () => {
  const t = useStandIn()

  it("reads the mandate's payment method, charges off-session and stays pending until the debit settles", async () => {
    const setup = await run(
      t.driver.createSetupIntent({
        attemptKey: "setup-1",
        paymentMethod: "pm_sepa_debit_DE",
        customer: { id: "C-7", gatewayCustomerId: "cus_7" },
        acceptance: { type: "offline" }
      })
    )
    if (setup.status !== "succeeded" || setup.mandateReference === null) throw new Error("no mandate")
    const request = cardCharge({
      attemptKey: "debit-1",
      paymentMethod: { kind: "mandate", value: setup.mandateReference }
    })
    const outcome = await run(t.driver.charge(request))
    expect(outcome).toMatchObject({ status: "pending", waitingFor: "processing" })
    expect(t.standIn.requestsTo("POST /v1/payment_intents")[0]?.params).toMatchObject({
      payment_method: "pm_sepa_debit_DE",
      mandate: setup.mandateReference,
      off_session: "true",
      customer: "cus_7"
    })
    if (outcome.status !== "pending") throw new Error("not pending")
    t.standIn.state.settlePaymentIntent(outcome.reference, "succeeded")
    // A re-send replays the first (pending) answer; the driver reads the current state instead.
    expect(await run(t.driver.charge(request))).toEqual({ status: "approved", reference: outcome.reference })
    expect(t.standIn.paymentIntentCount).toBe(1)
  })

  it("declines a charge on a mandate Stripe does not know, without creating a PaymentIntent", async () => {
    const outcome = await run(
      t.driver.charge(cardCharge({ paymentMethod: { kind: "mandate", value: "mandate_missing" } }))
    )
    expect(outcome).toMatchObject({ status: "declined", code: "mandate_not_found" })
    expect(t.standIn.paymentIntentCount).toBe(0)
  })
})
