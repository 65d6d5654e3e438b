/**
 * The stand-in itself, over raw HTTP: Stripe's wire format (form bodies, JSON objects and error
 * shapes), its Idempotency-Key semantics (replay, mismatch, in-flight, kept 500s, unkept validation
 * errors, 24-hour expiry), authentication, and webhook signatures the official library accepts —
 * so the driver's tests rest on a faithful model.
 */
import Stripe from "stripe"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { StripeStandIn } from "../src/testing/stripe-stand-in.ts"

let standIn: StripeStandIn
beforeEach(async () => {
  standIn = await StripeStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(new URL(path, standIn.url), {
    method: "POST",
    headers: {
      authorization: `Bearer ${standIn.secretKey}`,
      "content-type": "application/x-www-form-urlencoded",
      ...headers
    },
    body
  })
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>
  }
}

const charge = "amount=1050&currency=eur&confirm=true&payment_method=pm_card_visa&metadata[paybridge_attempt]=k1"

describe("wire format", () => {
  it("records the form-encoded request and answers a PaymentIntent in Stripe's shape", async () => {
    const answer = await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      id: "pi_standin00000001",
      object: "payment_intent",
      amount: 1050,
      currency: "eur",
      status: "succeeded",
      metadata: { paybridge_attempt: "k1" }
    })
    expect(answer.headers.get("request-id")).toMatch(/^req_/)
    expect(standIn.requests[0]).toMatchObject({
      route: "POST /v1/payment_intents",
      idempotencyKey: "k1",
      params: { amount: "1050", metadata: { paybridge_attempt: "k1" } }
    })
  })

  it("answers errors in Stripe's error JSON", async () => {
    const answer = await post("/v1/payment_intents", "amount=0&currency=eur")
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual({
      error: {
        type: "invalid_request_error",
        code: "parameter_invalid_integer",
        param: "amount",
        message: "This value must be greater than or equal to 1."
      }
    })
  })

  it("rejects a wrong key with 401, echoing it masked as Stripe does", async () => {
    const answer = await post("/v1/payment_intents", charge, { authorization: "Bearer sk_test_wrongwrongwrong1234" })
    expect(answer.status).toBe(401)
    expect(answer.body).toEqual({
      error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_***************1234" }
    })
  })
})

describe("idempotency keys", () => {
  it("replays the first answer for the same key and parameters, creating nothing new", async () => {
    const first = await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    const again = await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    expect(again.body).toEqual(first.body)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(standIn.paymentIntentCount).toBe(1)
  })

  it("refuses the same key with other parameters (400 idempotency_error)", async () => {
    await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    const other = await post("/v1/payment_intents", charge.replace("1050", "1051"), { "idempotency-key": "k1" })
    expect(other.status).toBe(400)
    expect(other.body).toMatchObject({ error: { type: "idempotency_error" } })
    expect(standIn.paymentIntentCount).toBe(1)
  })

  it("answers 409 while the first request with the key is still in flight", async () => {
    standIn.script("POST /v1/payment_intents", { kind: "delay", ms: 500 })
    const slow = post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    while (standIn.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const concurrent = await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    expect(concurrent.status).toBe(409)
    expect((await slow).status).toBe(200)
    expect(standIn.paymentIntentCount).toBe(1)
  })

  it("keeps a 500 for its key but not a validation error", async () => {
    standIn.script("POST /v1/payment_intents", { kind: "server-error" })
    expect((await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })).status).toBe(500)
    expect((await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })).status).toBe(500)
    expect((await post("/v1/payment_intents", "amount=0&currency=eur", { "idempotency-key": "k2" })).status).toBe(400)
    expect((await post("/v1/payment_intents", charge, { "idempotency-key": "k2" })).status).toBe(200)
  })

  it("forgets keys after 24 hours: the same request then creates a second PaymentIntent", async () => {
    await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    standIn.passIdempotencyWindow()
    await post("/v1/payment_intents", charge, { "idempotency-key": "k1" })
    expect(standIn.paymentIntentCount).toBe(2)
  })
})

describe("webhook signatures", () => {
  it("are Stripe's t=…,v1=… HMAC, accepted by the official library with the endpoint secret only", () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event", type: "ping", data: { object: {} } })
    const header = standIn.sign(payload)
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(Stripe.webhooks.constructEvent(payload, header, standIn.webhookSecret).id).toBe("evt_1")
    expect(() => Stripe.webhooks.constructEvent(payload, header, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError
    )
  })
})
