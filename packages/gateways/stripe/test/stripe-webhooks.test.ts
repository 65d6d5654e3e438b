/**
 * Webhook deliveries: events the stand-in recorded (Stripe's shapes), signed with the endpoint's
 * secret, verified by the driver into typed `GatewayEvent`s; every way a delivery can be untrusted
 * (no header, a malformed one, a wrong secret, a tampered body, a timestamp outside 300 s either
 * way); and, over HTTP, duplicates recognised by event id and out-of-order deliveries resolved by
 * the event-order rule.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import type { StripeEventRecord } from "../src/testing/stripe-stand-in.state.ts"
import { cardCharge, run, runFailure, useStandIn } from "./support/driver-fixture.ts"
import { WebhookReceiver } from "./support/webhook-receiver.ts"

describe("verifyWebhook", () => {
  const t = useStandIn()
  const now = () => new Date()
  const eventOf = (type: string): StripeEventRecord => {
    const event = t.standIn.state.events.find((candidate) => candidate.type === type)
    if (event === undefined) throw new Error(`no ${type} event recorded`)
    return event
  }
  const verify = (event: StripeEventRecord, at = now()) => {
    const payload = JSON.stringify(event, null, 2)
    return run(t.driver.verifyWebhook(payload, t.standIn.sign(payload), at))
  }

  it("decodes payment_intent.succeeded into an approved charge with its attempt key and ledger amount", async () => {
    await run(t.driver.charge(cardCharge({ currency: "JPY", amount: 5000n })))
    const event = eventOf("payment_intent.succeeded")
    expect(await verify(event)).toEqual({
      kind: "charge",
      eventId: event.id,
      eventType: "payment_intent.succeeded",
      createdAt: new Date(event.created * 1000),
      livemode: false,
      reference: "pi_standin00000001",
      attemptKey: "pay_0001:attempt:1",
      objectStatus: "succeeded",
      final: true,
      outcome: { status: "approved", reference: "pi_standin00000001" },
      amount: 5000n,
      currency: "JPY"
    })
  })

  it("decodes payment_intent.payment_failed into a decline that is not final (a hosted page may retry)", async () => {
    await run(t.driver.charge(cardCharge({ paymentMethod: { kind: "card-token", value: "tok_chargeDeclined" } })))
    expect(await verify(eventOf("payment_intent.payment_failed"))).toMatchObject({
      kind: "charge",
      final: false,
      outcome: { status: "declined", code: "generic_decline", message: "Your card was declined." }
    })
  })

  it("decodes refunds, charge.refunded, setup intents and mandate updates", async () => {
    const charged = await run(t.driver.charge(cardCharge()))
    if (charged.status !== "approved") throw new Error("not approved")
    await run(
      t.driver.refund({ attemptKey: "rfd-1", chargeReference: charged.reference, amount: 1050n, currency: "EUR" })
    )
    expect(await verify(eventOf("refund.created"))).toMatchObject({
      kind: "refund",
      reference: "re_standin00000001",
      chargeReference: charged.reference,
      attemptKey: "rfd-1",
      final: true,
      outcome: { status: "approved" },
      amount: 1050n
    })
    expect(await verify(eventOf("charge.refunded"))).toMatchObject({
      kind: "charge-refunded",
      chargeReference: charged.reference,
      amountRefunded: 1050n,
      currency: "EUR",
      fullyRefunded: true
    })
    await run(
      t.driver.createSetupIntent({
        attemptKey: "setup-1",
        paymentMethod: "pm_sepa_debit_FR",
        acceptance: { type: "offline" }
      })
    )
    expect(await verify(eventOf("setup_intent.succeeded"))).toMatchObject({
      kind: "setup",
      attemptKey: "setup-1",
      final: true,
      paymentMethod: "pm_sepa_debit_FR",
      mandateReference: "mandate_standin00000001"
    })
    t.standIn.state.updateMandate("mandate_standin00000001", "inactive")
    expect(await verify(eventOf("mandate.updated"))).toMatchObject({
      kind: "mandate",
      reference: "mandate_standin00000001",
      state: "inactive",
      paymentMethod: "pm_sepa_debit_FR",
      final: false
    })
  })

  it("verifies but ignores event types the ledger does not act on", async () => {
    await run(t.driver.createPaymentLink({ attemptKey: "l-1", amount: 100n, currency: "EUR", description: "x" }))
    t.standIn.state.payCheckoutSession("cs_test_standin00000001")
    expect(await verify(eventOf("checkout.session.completed"))).toMatchObject({ kind: "ignored" })
  })

  it("accepts a header carrying several v1 signatures when one matches (secret rotation)", async () => {
    await run(t.driver.charge(cardCharge()))
    const payload = JSON.stringify(eventOf("payment_intent.succeeded"))
    const genuine = t.standIn.sign(payload)
    const header = `${genuine},v1=${"0".repeat(64)}`
    expect((await run(t.driver.verifyWebhook(payload, header, now()))).kind).toBe("charge")
  })

  it("rejects every untrustworthy delivery with a reason", async () => {
    await run(t.driver.charge(cardCharge()))
    const payload = JSON.stringify(eventOf("payment_intent.succeeded"))
    const seconds = Math.floor(Date.now() / 1000)
    const reasonOf = async (body: string, header: string) =>
      (await runFailure(t.driver.verifyWebhook(body, header, now()))).reason
    expect(await reasonOf(payload, "")).toBe("missing-header")
    expect(await reasonOf(payload, "sha256=abc")).toBe("malformed-header")
    expect(await reasonOf(payload, `t=${seconds}`)).toBe("malformed-header")
    expect(await reasonOf(payload, t.standIn.sign(payload, seconds, "whsec_someone_else"))).toBe("signature-mismatch")
    const tampered = payload.replace('"amount":1050', '"amount":1')
    expect(tampered).not.toBe(payload)
    expect(await reasonOf(tampered, t.standIn.sign(payload))).toBe("signature-mismatch")
    expect(await reasonOf("not json", t.standIn.sign("not json"))).toBe("unreadable-payload")
  })

  it("accepts a delivery signed up to 300 s before or after now, and no further", async () => {
    await run(t.driver.charge(cardCharge()))
    const payload = JSON.stringify(eventOf("payment_intent.succeeded"))
    const signedAt = Math.floor(Date.now() / 1000)
    const at = (offsetSeconds: number) => new Date((signedAt + offsetSeconds) * 1000)
    const header = t.standIn.sign(payload, signedAt)
    expect((await run(t.driver.verifyWebhook(payload, header, at(300)))).kind).toBe("charge")
    expect((await run(t.driver.verifyWebhook(payload, header, at(-300)))).kind).toBe("charge")
    const late = await runFailure(t.driver.verifyWebhook(payload, header, at(301)))
    expect(late).toMatchObject({ reason: "timestamp-outside-tolerance", message: expect.stringContaining("301 s ago") })
    const early = await runFailure(t.driver.verifyWebhook(payload, header, at(-301)))
    expect(early).toMatchObject({
      reason: "timestamp-outside-tolerance",
      message: expect.stringContaining("in the future")
    })
  })
})

describe("webhook delivery over HTTP", () => {
  const t = useStandIn()
  let receiver: WebhookReceiver
  beforeEach(async () => {
    receiver = await WebhookReceiver.start(t.driver)
  })
  afterEach(async () => {
    await receiver.close()
  })

  it("answers 200 to each duplicate and recognises it by event id", async () => {
    await run(t.driver.charge(cardCharge()))
    const statuses = await t.standIn.deliverAll(receiver.url, t.standIn.state.events, { duplicates: true })
    expect(statuses).toEqual([200, 200])
    expect(receiver.deliveries.map((delivery) => delivery.decision)).toEqual(["apply", "duplicate"])
  })

  it("resolves out-of-order delivery by the object's state: the final state stands", async () => {
    const setup = await run(
      t.driver.createSetupIntent({
        attemptKey: "s-1",
        paymentMethod: "pm_sepa_debit_NL",
        acceptance: { type: "offline" }
      })
    )
    if (setup.status !== "succeeded" || setup.mandateReference === null) throw new Error("no mandate")
    const pending = await run(
      t.driver.charge(cardCharge({ paymentMethod: { kind: "mandate", value: setup.mandateReference } }))
    )
    if (pending.status !== "pending") throw new Error("not pending")
    t.standIn.state.settlePaymentIntent(pending.reference, "succeeded")
    const chargeEvents = t.standIn.state.events.filter((event) => event.type.startsWith("payment_intent."))
    expect(chargeEvents.map((event) => event.type)).toEqual(["payment_intent.processing", "payment_intent.succeeded"])
    await t.standIn.deliverAll(receiver.url, chargeEvents, { order: "reversed", duplicates: true })
    expect(receiver.deliveries.map((delivery) => [delivery.event?.eventType, delivery.decision])).toEqual([
      ["payment_intent.succeeded", "apply"],
      ["payment_intent.succeeded", "duplicate"],
      ["payment_intent.processing", "stale"],
      ["payment_intent.processing", "duplicate"]
    ])
    expect(receiver.applied.get(pending.reference)).toMatchObject({ objectStatus: "succeeded", final: true })
  })

  it("answers 400 to a delivery signed with another secret or too old", async () => {
    await run(t.driver.charge(cardCharge()))
    const [event] = t.standIn.state.events
    if (event === undefined) throw new Error("no event")
    expect(await t.standIn.deliver(receiver.url, event, { secret: "whsec_wrong_secret" })).toBe(400)
    expect(await t.standIn.deliver(receiver.url, event, { timestamp: Math.floor(Date.now() / 1000) - 600 })).toBe(400)
    expect(receiver.deliveries.map((delivery) => delivery.reason)).toEqual([
      "signature-mismatch",
      "timestamp-outside-tolerance"
    ])
  })
})
