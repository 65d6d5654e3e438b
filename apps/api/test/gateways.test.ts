/**
 * Gateways on the real server. Fail closed: without a configured driver (and without
 * `PAYBRIDGE_TEST_GATEWAY=1`) `/health` says no gateway is live and a gateway payment is refused
 * before anything is booked, in tRPC's error shape and in LogiSense's. With Stripe configured
 * against the local stand-in: a tRPC charge and a LogiSense `Payment/Vendor` charge each reach the
 * stand-in once and post; a declined card answers LogiSense's 400 with the card's message and the
 * payment is rejected; `Reverse/Vendor` refunds at the stand-in and books the reversal; no secret
 * appears in `/health` or in the log. Elevate: a declined invoice payment reprocessed is one new
 * charge at the stand-in (once), and cancelling a charge already at Stripe is refused.
 */
import { Authenticator, CommandContext } from "@paybridge/core"
import { StripeStandIn } from "@paybridge/gateway-stripe/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSqliteTestServer } from "./support/cross-protocol.ts"
import type { TestServer } from "./support/test-server.ts"

const email = "gateway-clerk@test.paybridge.invalid"
const password = "a long gateway clerk password"
const elevateSecret = "gateways-test-elevate-secret-0123456789abcdef"

/** A LogiSense session on `server` (password grant), and a JSON sender with it. */
const clerks = new WeakSet<TestServer>()
/** The finance clerk both dialects log in as, created once per server. */
const ensureClerk = async (server: TestServer) => {
  if (clerks.has(server)) return
  await server.runtime.runPromise(
    Authenticator.use((auth) => auth.createUser({ email, name: "Clerk", role: "finance", password })).pipe(
      Effect.provide(CommandContext.system())
    )
  )
  clerks.add(server)
}

const logisenseOn = async (server: TestServer) => {
  await ensureClerk(server)
  const login = await fetch(`${server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ username: email, password, grant_type: "password", client_id: "billing" }).toString()
  })
  const token = ((await login.json()) as { access_token: string }).access_token
  return async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}/logisense/api/v6/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    return { status: response.status, json: (await response.json()) as Record<string, unknown> }
  }
}

/** An Elevate session on `server` (the clerk's password), and a JSON sender with it. */
const elevateOn = async (server: TestServer) => {
  await ensureClerk(server)
  const login = await fetch(`${server.url}/elevate/v1/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ brand: "paybridge", username: email, password })
  })
  expect(login.status).toBe(200)
  const token = ((await login.json()) as { token: string }).token
  return async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}/elevate/v1/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    return { status: response.status, json: (await response.json()) as Record<string, unknown> }
  }
}

type Errors = { errors: Array<{ code: number; message: string }> }
type Created = { results: { items: Array<Record<string, unknown>> } }

describe("without a configured gateway driver (fail closed)", () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startSqliteTestServer("paybridge-gw-closed-", {
      env: { PAYBRIDGE_TEST_GATEWAY: "0", ELEVATE_JWT_SECRET: elevateSecret }
    })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
  })

  test("/health says no gateway is live; gateway payments are refused in each protocol's shape, nothing booked", async () => {
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>
    expect(health.gateways).toEqual({ stripe: [], testGateway: false })

    const client = server.clientAs("admin")
    const gateway = await client.gateways.create.mutate({ code: "cards", name: "Cards" })
    const customer = await client.customers.create.mutate({ name: "Closed Ltd", currency: "EUR" })
    const refused = await client.payments.create
      .mutate({ customerId: customer.id, amount: "10.00", gatewayId: gateway.id, cardToken: "tok_visa" })
      .then(
        () => null,
        (error: { data?: { code?: string }; message: string }) => error
      )
    expect(refused?.data?.code).toBe("BAD_REQUEST")
    expect(refused?.message).toContain("gateway cards is not configured on this server")

    const logisense = await logisenseOn(server)
    const vendor = await logisense("Payment/Vendor", {
      accountId: customer.id,
      amount: 10,
      paymentGatewayId: gateway.id,
      cardToken: "tok_visa"
    })
    expect(vendor.status).toBe(400)
    expect((vendor.json as unknown as Errors).errors[0]?.message).toContain("not configured on this server")

    expect((await client.payments.list.query({ customerId: customer.id })).items).toEqual([])
  })
})

describe("with Stripe configured against the stand-in", () => {
  let server: TestServer
  let standIn: StripeStandIn
  beforeAll(async () => {
    standIn = await StripeStandIn.start()
    server = await startSqliteTestServer("paybridge-gw-stripe-", {
      env: {
        PAYBRIDGE_TEST_GATEWAY: "0",
        ELEVATE_JWT_SECRET: elevateSecret,
        PAYBRIDGE_STRIPE_GATEWAYS: "stripe-eu",
        PAYBRIDGE_STRIPE_STRIPE_EU_SECRET_KEY: standIn.secretKey,
        PAYBRIDGE_STRIPE_STRIPE_EU_WEBHOOK_SECRET: standIn.webhookSecret,
        PAYBRIDGE_STRIPE_STRIPE_EU_API_BASE: standIn.url.origin
      }
    })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await standIn?.close()
  })

  test("tRPC and LogiSense charges reach Stripe once each; a decline rejects; Reverse/Vendor refunds", async () => {
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>
    expect(health.gateways).toEqual({ stripe: ["stripe-eu"], testGateway: false })

    const client = server.clientAs("admin")
    const gateway = await client.gateways.create.mutate({ code: "stripe-eu", name: "Stripe EU" })
    const customer = await client.customers.create.mutate({ name: "Card Ltd", currency: "EUR" })

    const viaTrpc = await client.payments.create.mutate({
      customerId: customer.id,
      amount: "10.50",
      gatewayId: gateway.id,
      cardToken: "tok_visa"
    })
    expect(viaTrpc.payment.state).toBe("posted")
    expect(viaTrpc.payment.gatewayReference).toMatch(/^pi_/)

    const logisense = await logisenseOn(server)
    const charged = await logisense("Payment/Vendor", {
      accountId: customer.id,
      amount: 25,
      paymentGatewayId: gateway.id,
      cardToken: "tok_visa"
    })
    expect(charged.status).toBe(200)
    const row = (charged.json as unknown as Created).results.items[0]
    expect(row).toMatchObject({ isManual: false, amount: 25 })

    standIn.script("POST /v1/payment_intents", {
      kind: "decline",
      declineCode: "insufficient_funds",
      message: "Your card has insufficient funds."
    })
    const declined = await logisense("Payment/Vendor", {
      accountId: customer.id,
      amount: 5,
      paymentGatewayId: gateway.id,
      cardToken: "tok_visa"
    })
    expect(declined.status).toBe(400)
    expect((declined.json as unknown as Errors).errors[0]?.message).toContain("insufficient funds")

    const reversed = await logisense("Payment/Reverse/Vendor", { paymentId: row?.identity, amount: 7 })
    expect(reversed.status).toBe(200)
    expect((reversed.json as unknown as Created).results.items[0]).toMatchObject({ amount: 7 })

    const intents = [...standIn.state.paymentIntents.values()] as Array<Record<string, unknown>>
    expect(intents.map((intent) => [intent.amount, intent.status])).toEqual([
      [1050, "succeeded"],
      [2500, "succeeded"],
      [500, "requires_payment_method"]
    ])
    const refunds = [...standIn.state.refunds.values()] as Array<Record<string, unknown>>
    expect(refunds.map((refund) => refund.amount)).toEqual([700])
    const states = (await client.payments.list.query({ customerId: customer.id })).items.map((p) => p.state).sort()
    expect(states).toEqual(["posted", "posted", "rejected"])
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe(String(1050 + 2500 - 700))

    const everything = JSON.stringify(health) + JSON.stringify(server.logs)
    expect(everything).not.toContain(standIn.secretKey)
    expect(everything).not.toContain(standIn.webhookSecret)
  })

  test("Elevate: a declined invoice payment is reprocessed as one new charge at Stripe; cancel is refused once at Stripe", async () => {
    const client = server.clientAs("admin")
    const gateway =
      (await client.gateways.list.query({})).items.find((row) => row.code === "stripe-eu") ??
      (await client.gateways.create.mutate({ code: "stripe-eu", name: "Stripe EU" }))
    const customer = await client.customers.create.mutate({ name: "Elevate Card Ltd", currency: "EUR" })
    const invoice = await client.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "42.00" })
    const elevate = await elevateOn(server)
    const intentsBefore = standIn.state.paymentIntents.size

    standIn.script("POST /v1/payment_intents", {
      kind: "decline",
      declineCode: "card_declined",
      message: "Your card was declined."
    })
    const declined = await elevate("invoice-payments", {
      invoiceId: invoice.id,
      type: "CREDIT_CARD",
      paymentProviderId: gateway.id,
      mandateReference: "tok_visa"
    })
    expect(declined.status).toBe(201)
    expect(declined.json).toMatchObject({ status: "UNPAID", errorInfo: expect.stringContaining("declined") })

    const retried = await elevate("invoice-payment-reprocess", {
      invoicePaymentId: declined.json.id,
      mandateReference: "tok_visa"
    })
    expect(retried.status).toBe(201)
    expect(retried.json).toMatchObject({ status: "PAID", invoiceId: invoice.id, amountInMajorCurrency: 42 })
    const again = await elevate("invoice-payment-reprocess", {
      invoicePaymentId: declined.json.id,
      mandateReference: "tok_visa"
    })
    expect(again.status, JSON.stringify(again.json)).toBe(400)
    expect(String(again.json.message)).toContain("already reprocessed")
    const cancel = await elevate("invoice-payment-cancel", { invoicePaymentId: retried.json.id })
    expect(cancel.status, JSON.stringify(cancel.json)).toBe(400)
    expect(cancel.json).toMatchObject({ status: 400, error: "Bad Request" })

    // Stripe saw exactly two charges: the declined one and the reprocess; the ledger agrees.
    const intents = ([...standIn.state.paymentIntents.values()] as Array<Record<string, unknown>>).slice(intentsBefore)
    expect(intents.map((intent) => [intent.amount, intent.status])).toEqual([
      [4200, "requires_payment_method"],
      [4200, "succeeded"]
    ])
    expect((await client.customers.get.query({ id: customer.id })).balance).toBe("0")
    expect((await client.documents.get.query({ id: invoice.id })).state).toBe("paid")
  })
})
