/**
 * Mandates and hosted payment pages through the driver against the stand-in: SetupIntents that
 * create direct-debit mandates (SEPA active at once, BACS pending until approved), reading a
 * mandate the way Elevate's `payment-provider-mandates/{paymentMethod}/{mandateReference}` asks,
 * and single-use Checkout Sessions for exact amounts whose payment `lookup` finds by attempt key.
 */
import { describe, expect, it } from "vitest"
import type { DriverSetupRequest } from "../src/gateway-driver.ts"
import { driverFor, run, runFailure, useStandIn } from "./support/driver-fixture.ts"

const sepaSetup: DriverSetupRequest = {
  attemptKey: "mandate_0001:attempt:1",
  paymentMethod: "pm_sepa_debit_DE",
  customer: { id: "C-7", gatewayCustomerId: "cus_7" },
  acceptance: { type: "offline" },
  description: "Direct debit for site 7"
}

describe("createSetupIntent and getMandate", () => {
  const t = useStandIn()

  it("sets up a SEPA debit off-session with offline acceptance and returns the active mandate", async () => {
    const outcome = await run(t.driver.createSetupIntent(sepaSetup))
    expect(outcome).toEqual({
      status: "succeeded",
      reference: "seti_standin00000001",
      paymentMethod: "pm_sepa_debit_DE",
      mandateReference: "mandate_standin00000001"
    })
    const [request] = t.standIn.requestsTo("POST /v1/setup_intents")
    expect(request?.idempotencyKey).toBe("mandate_0001:attempt:1")
    expect(request?.params).toMatchObject({
      confirm: "true",
      payment_method: "pm_sepa_debit_DE",
      customer: "cus_7",
      usage: "off_session",
      description: "Direct debit for site 7",
      mandate_data: { customer_acceptance: { type: "offline" } },
      metadata: { paybridge_attempt: "mandate_0001:attempt:1", paybridge_customer: "C-7" }
    })
    expect(
      await run(t.driver.getMandate({ mandateReference: "mandate_standin00000001", paymentMethod: "pm_sepa_debit_DE" }))
    ).toMatchObject({ status: "found", state: "active", type: "multi_use", paymentMethod: "pm_sepa_debit_DE" })
  })

  it("leaves a BACS setup pending with a pending mandate until Stripe activates it", async () => {
    const outcome = await run(
      t.driver.createSetupIntent({
        ...sepaSetup,
        paymentMethod: "pm_bacs_debit_GB",
        acceptance: { type: "online", ipAddress: "203.0.113.9", userAgent: "Mozilla/5.0" }
      })
    )
    expect(outcome).toMatchObject({ status: "pending", waitingFor: "processing" })
    expect(t.standIn.requestsTo("POST /v1/setup_intents")[0]?.params.mandate_data).toEqual({
      customer_acceptance: { type: "online", online: { ip_address: "203.0.113.9", user_agent: "Mozilla/5.0" } }
    })
    expect(await run(t.driver.getMandate({ mandateReference: "mandate_standin00000001" }))).toMatchObject({
      state: "pending"
    })
    t.standIn.state.updateMandate("mandate_standin00000001", "active")
    expect(await run(t.driver.getMandate({ mandateReference: "mandate_standin00000001" }))).toMatchObject({
      state: "active"
    })
  })

  it("declines a setup Stripe refuses, naming the SetupIntent", async () => {
    const outcome = await run(t.driver.createSetupIntent({ ...sepaSetup, paymentMethod: "pm_card_chargeDeclined" }))
    expect(outcome).toEqual({
      status: "declined",
      reference: "seti_standin00000001",
      code: "generic_decline",
      message: "Your card was declined."
    })
  })

  it("finds no mandate under another payment method, nor an unknown one", async () => {
    await run(t.driver.createSetupIntent(sepaSetup))
    expect(
      await run(t.driver.getMandate({ mandateReference: "mandate_standin00000001", paymentMethod: "pm_other" }))
    ).toEqual({ status: "not-found" })
    expect(await run(t.driver.getMandate({ mandateReference: "mandate_nope" }))).toEqual({ status: "not-found" })
  })

  it("fails a mandate read Stripe answers with 500 as GatewayUnreachable", async () => {
    t.standIn.script("GET /v1/mandates/:id", { kind: "server-error" })
    expect(await runFailure(t.driver.getMandate({ mandateReference: "mandate_x" }))).toMatchObject({
      _tag: "GatewayUnreachable",
      reason: "gateway-error"
    })
  })
})

describe("createPaymentLink", () => {
  const t = useStandIn()
  const link = {
    attemptKey: "link_0001:attempt:1",
    amount: 250000n,
    currency: "JPY",
    description: "Invoice INV-9"
  } as const

  it("creates a single-use Checkout Session for the exact amount, tagged with the attempt key", async () => {
    const outcome = await run(t.driver.createPaymentLink(link))
    expect(outcome).toMatchObject({
      status: "created",
      reference: "cs_test_standin00000001",
      url: `${t.standIn.url.origin}/c/pay/cs_test_standin00000001`
    })
    expect(outcome.status === "created" && outcome.expiresAt.getTime()).toBeGreaterThan(Date.now())
    const [request] = t.standIn.requestsTo("POST /v1/checkout/sessions")
    expect(request?.idempotencyKey).toBe("link_0001:attempt:1")
    expect(request?.params).toEqual({
      mode: "payment",
      line_items: [
        {
          quantity: "1",
          price_data: { currency: "jpy", unit_amount: "250000", product_data: { name: "Invoice INV-9" } }
        }
      ],
      metadata: { paybridge_attempt: "link_0001:attempt:1" },
      payment_intent_data: { metadata: { paybridge_attempt: "link_0001:attempt:1" }, description: "Invoice INV-9" }
    })
  })

  it("returns the same session for the same attempt key, and lookup finds the payment made on it", async () => {
    const first = await run(t.driver.createPaymentLink(link))
    const again = await run(t.driver.createPaymentLink(link))
    expect(again).toEqual(first)
    expect(t.standIn.state.checkoutSessions.size).toBe(1)
    expect(await run(t.driver.lookup({ attemptKey: link.attemptKey, kind: "charge" }))).toEqual({ status: "not-found" })
    t.standIn.state.payCheckoutSession("cs_test_standin00000001")
    expect(await run(t.driver.lookup({ attemptKey: link.attemptKey, kind: "charge" }))).toMatchObject({
      status: "approved",
      amount: 250000n,
      currency: "JPY"
    })
  })

  it("sends the configured success URL", async () => {
    const driver = await driverFor(t.standIn, { checkoutSuccessUrl: new URL("https://pay.example.com/thanks") })
    await run(driver.createPaymentLink(link))
    expect(t.standIn.requestsTo("POST /v1/checkout/sessions")[0]?.params.success_url).toBe(
      "https://pay.example.com/thanks"
    )
  })

  it("refuses an amount Stripe cannot represent, and a timeout is unknown", async () => {
    expect(await run(t.driver.createPaymentLink({ ...link, currency: "MGA", amount: 150n }))).toMatchObject({
      status: "refused",
      code: "amount_not_representable"
    })
    t.standIn.script("POST /v1/checkout/sessions", { kind: "hang", commit: true })
    expect(await run(t.driver.createPaymentLink(link))).toMatchObject({ status: "unknown", reason: "timeout" })
    expect((await run(t.driver.createPaymentLink(link))).status).toBe("created")
    expect(t.standIn.state.checkoutSessions.size).toBe(1)
  })
})
