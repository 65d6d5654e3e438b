/**
 * Stripe's webhooks on the real server (`POST /gateways/{code}/webhooks/stripe`), with Stripe
 * configured against the local stand-in and no reconciler running, so only the webhooks settle:
 * a charge whose answer never arrived (Stripe charged, the call timed out) posts once when its
 * events arrive duplicated and in reverse order; a bank debit Stripe still processes posts when it
 * succeeds, and a later-delivered `processing` event does not undo that; a failed debit rejects the
 * payment with the bank's reason; a delivery signed with another secret, or tampered with, answers
 * 400 and changes nothing; an unknown gateway code answers 404. Each time the stand-in holds exactly
 * one PaymentIntent per payment and the customer's balance agrees with it to the minor unit. A
 * charge Stripe never received is re-sent by a reconciler pass (tRPC `gateways.reconcile`) and,
 * still unanswered after its tries, given up to `needs-attention`, which `gateways.attempts` lists.
 */
import { StripeStandIn } from "@paybridge/gateway-stripe/testing"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSqliteTestServer } from "./support/cross-protocol.ts"
import type { TestServer } from "./support/test-server.ts"

type Intent = { readonly id: string; readonly amount: number; readonly status: string }
type StandInEvent = StripeStandIn["state"]["events"][number]

describe("Stripe webhooks settle gateway attempts exactly once", () => {
  let server: TestServer
  let standIn: StripeStandIn
  let endpoint: URL
  beforeAll(async () => {
    standIn = await StripeStandIn.start()
    server = await startSqliteTestServer("paybridge-gw-webhooks-", {
      env: {
        PAYBRIDGE_TEST_GATEWAY: "0",
        PAYBRIDGE_STRIPE_GATEWAYS: "stripe-eu",
        PAYBRIDGE_STRIPE_STRIPE_EU_SECRET_KEY: standIn.secretKey,
        PAYBRIDGE_STRIPE_STRIPE_EU_WEBHOOK_SECRET: standIn.webhookSecret,
        PAYBRIDGE_STRIPE_STRIPE_EU_API_BASE: standIn.url.origin,
        // A hung answer becomes "unknown" quickly; normal answers are far faster than this.
        PAYBRIDGE_STRIPE_STRIPE_EU_TIMEOUT_MS: "1500"
      }
    })
    endpoint = new URL(`${server.url}/gateways/stripe-eu/webhooks/stripe`)
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await standIn?.close()
  })

  const setUp = async (name: string) => {
    const client = server.clientAs("admin")
    const gateway =
      (await client.gateways.list.query({})).items.find((row) => row.code === "stripe-eu") ??
      (await client.gateways.create.mutate({ code: "stripe-eu", name: "Stripe EU" }))
    const customer = await client.customers.create.mutate({ name, currency: "EUR" })
    return { client, gateway, customer }
  }
  const intentsOf = (ids: ReadonlyArray<string>) =>
    ([...standIn.state.paymentIntents.values()] as Array<Intent>).filter((intent) => ids.includes(intent.id))
  const eventsFor = (intentId: string): Array<StandInEvent> =>
    standIn.state.events.filter((event) => (event.data.object as { id?: string }).id === intentId)
  const onlyIntentWithKey = (attemptKey: string): Intent => {
    const found = (
      [...standIn.state.paymentIntents.values()] as Array<Intent & { metadata: Record<string, string> }>
    ).filter((intent) => Object.values(intent.metadata).includes(attemptKey))
    expect(found).toHaveLength(1)
    return found[0] as Intent
  }

  test("a charge Stripe made while the call timed out posts once from duplicated, reversed events", async () => {
    const { client, gateway, customer } = await setUp("Timed Out Ltd")
    standIn.script("POST /v1/payment_intents", { kind: "hang", commit: true })
    const created = await client.payments.create.mutate({
      customerId: customer.id,
      amount: "12.34",
      gatewayId: gateway.id,
      cardToken: "tok_visa"
    })
    expect(created.payment.state).toBe("pending")
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("0")

    const intent = onlyIntentWithKey(`pb_ch_${created.payment.publicId}`)
    expect(intent.status).toBe("succeeded")
    const statuses = await standIn.deliverAll(endpoint, eventsFor(intent.id), { order: "reversed", duplicates: true })
    expect(statuses.every((status) => status === 200)).toBe(true)

    const payment = await client.payments.get.query({ id: created.payment.id })
    expect(payment.payment).toMatchObject({ state: "posted", gatewayReference: intent.id })
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("1234")
    const posted = (await client.events.feed.query({ customerId: customer.id })).items.filter(
      (event) => event.type === "payment.posted"
    )
    expect(posted).toHaveLength(1)
    expect(intentsOf([intent.id]).map((row) => [row.amount, row.status])).toEqual([[1234, "succeeded"]])
  })

  test("a bank debit posts when Stripe's success arrives; a processing event delivered after it changes nothing", async () => {
    const { client, gateway, customer } = await setUp("Debit Ltd")
    const created = await client.payments.create.mutate({
      customerId: customer.id,
      amount: "40.00",
      gatewayId: gateway.id,
      cardToken: "pm_sepa_debit_de"
    })
    expect(created.payment.state).toBe("pending")
    const intent = onlyIntentWithKey(`pb_ch_${created.payment.publicId}`)
    expect(intent.status).toBe("processing")

    standIn.state.settlePaymentIntent(intent.id, "succeeded")
    const events = eventsFor(intent.id)
    expect(events.map((event) => event.type)).toEqual(["payment_intent.processing", "payment_intent.succeeded"])
    // Out of order: the success first, then the older "processing", then both again.
    expect(await standIn.deliverAll(endpoint, events, { order: "reversed" })).toEqual([200, 200])
    expect(await standIn.deliverAll(endpoint, events)).toEqual([200, 200])

    expect((await client.payments.get.query({ id: created.payment.id })).payment.state).toBe("posted")
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("4000")
    expect(intentsOf([intent.id]).map((row) => [row.amount, row.status])).toEqual([[4000, "succeeded"]])
  })

  test("a failed bank debit rejects the payment with the bank's reason, once", async () => {
    const { client, gateway, customer } = await setUp("Returned Debit Ltd")
    const created = await client.payments.create.mutate({
      customerId: customer.id,
      amount: "15.00",
      gatewayId: gateway.id,
      cardToken: "pm_sepa_debit_de"
    })
    const intent = onlyIntentWithKey(`pb_ch_${created.payment.publicId}`)
    standIn.state.settlePaymentIntent(intent.id, "failed")
    expect(await standIn.deliverAll(endpoint, eventsFor(intent.id), { duplicates: true })).toEqual([200, 200, 200, 200])

    const payment = (await client.payments.get.query({ id: created.payment.id })).payment
    expect(payment.state).toBe("rejected")
    expect(payment.rejectionReason).toContain("insufficient funds")
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("0")
    const rejected = (await client.events.feed.query({ customerId: customer.id })).items.filter(
      (event) => event.type === "payment.rejected"
    )
    expect(rejected).toHaveLength(1)
  })

  test("a delivery with a bad signature or a tampered body answers 400 and changes nothing; an unknown gateway 404", async () => {
    const { client, gateway, customer } = await setUp("Forged Ltd")
    const created = await client.payments.create.mutate({
      customerId: customer.id,
      amount: "9.00",
      gatewayId: gateway.id,
      cardToken: "pm_sepa_debit_de"
    })
    const intent = onlyIntentWithKey(`pb_ch_${created.payment.publicId}`)
    standIn.state.settlePaymentIntent(intent.id, "succeeded")
    const success = eventsFor(intent.id).find((event) => event.type === "payment_intent.succeeded")
    if (success === undefined) throw new Error("no success event")

    expect(await standIn.deliver(endpoint, success, { secret: "whsec_someone_else_0123456789" })).toBe(400)
    expect(await standIn.deliver(endpoint, success, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).toBe(400)
    const payload = JSON.stringify(success)
    const tampered = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": standIn.sign(payload) },
      body: payload.replace('"amount":900', '"amount":90000')
    })
    expect(tampered.status).toBe(400)
    const unsigned = await fetch(endpoint, { method: "POST", body: payload })
    expect(unsigned.status).toBe(400)
    const elsewhere = await fetch(`${server.url}/gateways/nowhere/webhooks/stripe`, {
      method: "POST",
      headers: { "stripe-signature": standIn.sign(payload) },
      body: payload
    })
    expect(elsewhere.status).toBe(404)

    expect((await client.payments.get.query({ id: created.payment.id })).payment.state).toBe("pending")
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("0")

    // The genuine delivery still settles it.
    expect(await standIn.deliver(endpoint, success)).toBe(200)
    expect((await client.payments.get.query({ id: created.payment.id })).payment.state).toBe("posted")
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("900")
  })

  test("a charge Stripe never received is re-sent by the reconciler, then given up to needs-attention (tRPC lists it)", async () => {
    const { client, gateway, customer } = await setUp("Never Heard Ltd")
    standIn.script("POST /v1/payment_intents", { kind: "hang" }, { kind: "hang" })
    const created = await client.payments.create.mutate({
      customerId: customer.id,
      amount: "3.00",
      gatewayId: gateway.id,
      cardToken: "tok_visa"
    })
    expect(created.payment.state).toBe("pending")
    const report = await client.gateways.reconcile.mutate({ minimumAgeMs: 0, maxTries: 3 })
    expect(report).toEqual({ examined: 1, settled: 0, stillPending: 0, needsAttention: 1, leaseHeldElsewhere: false })
    const attention = await client.gateways.attempts.query({ state: "needs-attention" })
    expect(attention.map((attempt) => [attempt.attemptKey, attempt.amount, attempt.tries])).toEqual([
      [`pb_ch_${created.payment.publicId}`, "300", 3]
    ])
    expect(JSON.stringify(attention)).not.toContain("tok_visa")
    // Never charged: Stripe holds no PaymentIntent for it, and the ledger booked nothing.
    expect(
      [...standIn.state.paymentIntents.values()].filter((intent) =>
        JSON.stringify(intent).includes(`pb_ch_${created.payment.publicId}`)
      )
    ).toEqual([])
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("0")
    expect((await client.payments.get.query({ id: created.payment.id })).payment.state).toBe("pending")
  })
})
