/**
 * Each dialect's gateway endpoints end to end over HTTP, on a server whose gateway is driven by
 * Stripe (the local stand-in), and on one with no live gateway at all.
 *
 * Without a live gateway (fail closed): Elevate's provider invoice payment, instant bank payment
 * and payment link, and a CRM.COM payment whose method is linked to the gateway, are each refused
 * in the dialect's own error shape; nothing is booked and Stripe is never called.
 *
 * With Stripe: a CRM.COM card payment posts with Stripe's reference and a declined card is
 * REJECTED with the card's message; Elevate's provider is switched to instant bank payments by
 * `PATCH /payment-providers/{id}`, an instant bank payment from a SEPA mandate stays pending while
 * Stripe processes it and posts from Stripe's webhook, a decline answers Elevate's 400 and is then
 * reprocessed (`/payment-provider-reprocess`) as one new charge, and a payment link is one Checkout
 * Session that books nothing; an invoice payment awaiting the card holder's authentication is voided at
 * Stripe by `/invoice-payment-cancel` before the ledger cancels it. Throughout, Stripe holds exactly one PaymentIntent per ledger payment
 * (by the payment's attempt key) with its amount, and the balances agree to the minor unit.
 */
import { defineUnit } from "@paybridge/adapter-crm-com"
import { Authenticator, CommandContext } from "@paybridge/core"
import { StripeStandIn } from "@paybridge/gateway-stripe/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSqliteTestServer } from "./support/cross-protocol.ts"
import type { TestServer } from "./support/test-server.ts"

const email = "gateway-dialects@test.paybridge.invalid"
const password = "a long gateway dialects password"
const elevateSecret = "gateway-dialects-elevate-secret-0123456789abcdef"

type Json = Record<string, unknown>
type Sender = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Json }>

/** The clerk, CRM.COM's unit and presets (a method linked to `gatewayCode`), and a session in Elevate and CRM.COM. */
const sessionsOn = async (server: TestServer, gatewayCode: string) => {
  await server.runtime.runPromise(
    Effect.gen(function* () {
      yield* Authenticator.use((auth) => auth.createUser({ email, name: "Clerk", role: "admin", password }))
      yield* defineUnit({ name: "Admin Unit", alternativeCode: "MG" })
    }).pipe(Effect.provide(CommandContext.system()))
  )
  const admin = server.clientAs("admin")
  const gateway = await admin.gateways.create.mutate({ code: gatewayCode, name: "Cards" })
  await admin.presets.create.mutate({ kind: "type", code: "INVBALPAY", name: "Invoices Balance Payment" })
  await admin.presets.create.mutate({ kind: "method", code: "CARD", name: "Card Gateway", gatewayId: gateway.id })

  const elevateLogin = await fetch(`${server.url}/elevate/v1/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ brand: "paybridge", username: email, password })
  })
  const elevateToken = ((await elevateLogin.json()) as { token: string }).token
  const elevate: Sender = async (method, path, body) => {
    const response = await fetch(`${server.url}/elevate/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${elevateToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: response.status, json: (await response.json()) as Json }
  }

  const crmLogin = await fetch(`${server.url}/crmapi/rest/v4/authentication/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: email, password, organisation: "Paybridge", unit: "Admin Unit" })
  })
  const crmToken = ((await crmLogin.json()) as { data: { token: string } }).data.token
  const crm: Sender = async (method, path, body) => {
    const response = await fetch(`${server.url}/crmapi/rest/v4/${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: crmToken, ...(body as Json) })
    })
    return { status: response.status, json: (await response.json()) as Json }
  }
  return { admin, gateway, elevate, crm }
}

const crmCardPayment = (number: string, amount: string, card: string) => ({
  accounts_receivable_identifier: { number },
  type_identifier: { name: "Invoices Balance Payment" },
  payment_method_identifier: { alternative_code: "CARD" },
  life_cycle_state: "POSTED",
  payment_amount: amount,
  card_identifier: { id: card }
})

describe("without a live gateway, Elevate and CRM.COM refuse gateway payments and book nothing", () => {
  let server: TestServer
  let standIn: StripeStandIn
  beforeAll(async () => {
    // A stand-in nobody configured: it must see no request at all.
    standIn = await StripeStandIn.start()
    server = await startSqliteTestServer("paybridge-gw-dialects-closed-", {
      env: { PAYBRIDGE_TEST_GATEWAY: "0", ELEVATE_JWT_SECRET: elevateSecret }
    })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await standIn?.close()
  })

  test("each refusal comes in the dialect's shape, and the ledger holds no payment", async () => {
    const { admin, gateway, elevate, crm } = await sessionsOn(server, "cards")
    const customer = await admin.customers.create.mutate({ name: "Closed Ltd", number: "501", currency: "EUR" })
    const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "42.00" })
    const patched = await elevate("PATCH", `payment-providers/${gateway.id}`, [
      { op: "replace", path: "/instantBankPayments", value: true }
    ])
    expect(patched.status, JSON.stringify(patched.json)).toBe(200)

    const elevateRefusals = [
      await elevate("POST", "invoice-payments", {
        invoiceId: invoice.id,
        type: "CREDIT_CARD",
        paymentProviderId: gateway.id,
        mandateReference: "tok_visa"
      }),
      await elevate("POST", "instant-bank-payment-for-mandate", {
        customerId: customer.id,
        paymentProviderId: gateway.id,
        mandateReference: "pm_sepa_debit_de",
        amountInMajorCurrency: 20
      }),
      await elevate("POST", "payment-provider-payment-link", {
        paymentProviderId: gateway.id,
        amountInMajorCurrency: 42,
        description: "Invoice",
        invoiceId: invoice.id
      })
    ]
    for (const refused of elevateRefusals) {
      expect(refused.status, JSON.stringify(refused.json)).toBe(400)
      expect(refused.json).toMatchObject({ status: 400, error: "Bad Request" })
      expect(String(refused.json.message)).toContain("gateway cards is not configured on this server")
    }

    const crmRefused = await crm("POST", "payments/create", crmCardPayment("501", "10", "tok_visa"))
    expect(crmRefused.status).toBe(200)
    expect(crmRefused.json).toMatchObject({
      status: { code: "INVALID_PARAMETERS", message: expect.stringContaining("not configured on this server") },
      data: null
    })

    expect((await admin.payments.list.query({ customerId: customer.id })).items).toEqual([])
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("-4200")
    expect((await admin.documents.get.query({ id: invoice.id })).state).toBe("issued")
    expect(standIn.requests).toEqual([])
  })
})

describe("with Stripe driving the gateway, each dialect charges once per payment", () => {
  let server: TestServer
  let standIn: StripeStandIn
  let session: Awaited<ReturnType<typeof sessionsOn>>
  beforeAll(async () => {
    standIn = await StripeStandIn.start()
    server = await startSqliteTestServer("paybridge-gw-dialects-stripe-", {
      env: {
        PAYBRIDGE_TEST_GATEWAY: "0",
        ELEVATE_JWT_SECRET: elevateSecret,
        PAYBRIDGE_STRIPE_GATEWAYS: "stripe-eu",
        PAYBRIDGE_STRIPE_STRIPE_EU_SECRET_KEY: standIn.secretKey,
        PAYBRIDGE_STRIPE_STRIPE_EU_WEBHOOK_SECRET: standIn.webhookSecret,
        PAYBRIDGE_STRIPE_STRIPE_EU_API_BASE: standIn.url.origin
      }
    })
    session = await sessionsOn(server, "stripe-eu")
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await standIn?.close()
  })

  type Intent = { id: string; amount: number; status: string; metadata: Record<string, string> }
  /** Stripe's PaymentIntents for a payment: exactly one is expected, found by the payment's attempt key. */
  const intentsOfPayment = (publicId: string) =>
    ([...standIn.state.paymentIntents.values()] as Array<Intent>)
      .filter((intent) => Object.values(intent.metadata).includes(`pb_ch_${publicId}`))
      .map((intent) => [intent.amount, intent.status])

  test("CRM.COM: a card payment posts with Stripe's reference; a declined card is REJECTED with its message", async () => {
    const { admin, crm } = session
    const customer = await admin.customers.create.mutate({ name: "CRM Card Ltd", number: "601", currency: "EUR" })
    const paid = await crm("POST", "payments/create", crmCardPayment("601", "25.50", "tok_visa"))
    expect(paid.json.status).toMatchObject({ code: "OK" })
    expect(paid.json.data).toMatchObject({ life_cycle_state: "POSTED", processed_by_payment_gateway: "stripe-eu" })

    standIn.script("POST /v1/payment_intents", {
      kind: "decline",
      declineCode: "insufficient_funds",
      message: "Your card has insufficient funds."
    })
    const declined = await crm("POST", "payments/create", crmCardPayment("601", "7", "tok_visa"))
    expect(declined.json.data).toMatchObject({ life_cycle_state: "REJECTED" })

    const payments = (await admin.payments.list.query({ customerId: customer.id })).items
    expect(payments.map((payment) => payment.state).sort()).toEqual(["posted", "rejected"])
    const posted = payments.find((payment) => payment.state === "posted")
    const rejected = payments.find((payment) => payment.state === "rejected")
    expect(posted?.gatewayReference).toMatch(/^pi_/)
    expect(rejected?.rejectionReason).toContain("insufficient funds")
    expect(intentsOfPayment(String(posted?.publicId))).toEqual([[2550, "succeeded"]])
    expect(intentsOfPayment(String(rejected?.publicId))).toEqual([[700, "requires_payment_method"]])
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("2550")
  })

  test("Elevate: instant bank payments settle by webhook, a decline is reprocessed once, a link books nothing", async () => {
    const { admin, gateway, elevate } = session
    const customer = await admin.customers.create.mutate({ name: "Elevate Debit Ltd", number: "701", currency: "EUR" })
    const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "60.00" })
    const patched = await elevate("PATCH", `payment-providers/${gateway.id}`, [
      { op: "replace", path: "/instantBankPayments", value: true }
    ])
    expect(patched.status, JSON.stringify(patched.json)).toBe(200)
    expect((await elevate("GET", `payment-providers/${gateway.id}`)).json).toMatchObject({
      instantBankPayments: true
    })

    // A SEPA debit: Stripe processes it, so the payment waits; Stripe's webhook posts it.
    const instant = await elevate("POST", "instant-bank-payment-for-mandate", {
      customerId: customer.id,
      paymentProviderId: gateway.id,
      mandateReference: "pm_sepa_debit_de",
      amountInMajorCurrency: 20
    })
    expect(instant.status, JSON.stringify(instant.json)).toBe(201)
    const first = (await admin.payments.list.query({ customerId: customer.id })).items[0]
    expect(first?.state).toBe("pending")
    const intent = ([...standIn.state.paymentIntents.values()] as Array<Intent>).find((row) =>
      Object.values(row.metadata).includes(`pb_ch_${first?.publicId}`)
    )
    if (intent === undefined) throw new Error("Stripe has no PaymentIntent for the instant bank payment")
    standIn.state.settlePaymentIntent(intent.id, "succeeded")
    const events = standIn.state.events.filter((event) => (event.data.object as { id?: string }).id === intent.id)
    const webhook = new URL(`${server.url}/gateways/stripe-eu/webhooks/stripe`)
    expect(await standIn.deliverAll(webhook, events, { order: "reversed", duplicates: true })).toEqual([
      200, 200, 200, 200
    ])
    expect((await admin.payments.get.query({ id: Number(first?.id) })).payment.state).toBe("posted")

    // A decline answers Elevate's 400; reprocessing it is one new charge, and only one.
    standIn.script("POST /v1/payment_intents", {
      kind: "decline",
      declineCode: "card_declined",
      message: "Your card was declined."
    })
    const declined = await elevate("POST", "instant-bank-payment-for-mandate", {
      customerId: customer.id,
      paymentProviderId: gateway.id,
      mandateReference: "tok_visa",
      amountInMajorCurrency: 40
    })
    expect(declined.status).toBe(400)
    expect(declined.json).toMatchObject({ status: 400, error: "Bad Request" })
    expect(String(declined.json.message)).toContain("declined")
    const rejected = (await admin.payments.list.query({ customerId: customer.id })).items.find(
      (payment) => payment.state === "rejected"
    )
    if (rejected === undefined) throw new Error("the declined payment is not kept")
    const reprocess = { paymentProviderId: gateway.id, customerPaymentId: rejected.id, mandateReference: "tok_visa" }
    const retried = await elevate("POST", "payment-provider-reprocess", reprocess)
    expect(retried.status, JSON.stringify(retried.json)).toBe(201)
    const again = await elevate("POST", "payment-provider-reprocess", reprocess)
    expect(again.status).toBe(400)
    expect(again.json).toMatchObject({ status: 400, error: "Bad Request" })

    // A payment link: one Checkout Session at Stripe, nothing booked.
    const paymentsBefore = (await admin.payments.list.query({ customerId: customer.id })).items.length
    const sessionsBefore = standIn.requests.filter((request) => request.route === "POST /v1/checkout/sessions").length
    const link = await elevate("POST", "payment-provider-payment-link", {
      paymentProviderId: gateway.id,
      amountInMajorCurrency: 0.01,
      description: "Top-up",
      customerId: customer.id
    })
    expect(link.status, JSON.stringify(link.json)).toBe(201)
    const checkout = [...standIn.state.checkoutSessions.values()].at(-1) as { url: string; amount_total: number }
    expect(link.json).toMatchObject({ url: checkout.url, amountInMajorCurrency: 0.01, customerId: customer.id })
    expect(checkout.amount_total).toBe(1)
    expect(
      standIn.requests.filter((request) => request.route === "POST /v1/checkout/sessions").length - sessionsBefore
    ).toBe(1)
    expect((await admin.payments.list.query({ customerId: customer.id })).items).toHaveLength(paymentsBefore)

    // Stripe and the ledger agree: one PaymentIntent per payment, 20 + 40 collected, 40 declined.
    const payments = (await admin.payments.list.query({ customerId: customer.id })).items.sort((a, b) => a.id - b.id)
    expect(payments.map((payment) => [payment.amount, payment.state])).toEqual([
      ["2000", "posted"],
      ["4000", "rejected"],
      ["4000", "posted"]
    ])
    expect(payments.map((payment) => intentsOfPayment(payment.publicId))).toEqual([
      [[2000, "succeeded"]],
      [[4000, "requires_payment_method"]],
      [[4000, "succeeded"]]
    ])
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("0")
    expect((await admin.documents.get.query({ id: invoice.id })).state).toBe("paid")
  })

  test("Elevate: an invoice payment awaiting the card holder's authentication is voided at Stripe, then cancelled", async () => {
    const { admin, gateway, elevate } = session
    const customer = await admin.customers.create.mutate({ name: "Elevate 3DS Ltd", number: "801", currency: "EUR" })
    const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "18.00" })
    const submitted = await elevate("POST", "invoice-payments", {
      invoiceId: invoice.id,
      type: "CREDIT_CARD",
      paymentProviderId: gateway.id,
      mandateReference: "tok_authenticationRequired"
    })
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(201)
    expect(submitted.json).toMatchObject({ status: "PENDING" })
    const payment = (await admin.payments.list.query({ customerId: customer.id })).items[0]
    expect(intentsOfPayment(String(payment?.publicId))).toEqual([[1800, "requires_action"]])

    const cancelled = await elevate("POST", "invoice-payment-cancel", { invoicePaymentId: submitted.json.id })
    expect(cancelled.status, JSON.stringify(cancelled.json)).toBe(200)
    expect(cancelled.json).toMatchObject({ id: submitted.json.id, status: "UNPAID" })
    expect(intentsOfPayment(String(payment?.publicId))).toEqual([[1800, "canceled"]])
    expect((await admin.payments.get.query({ id: Number(payment?.id) })).payment.state).toBe("cancelled")
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("-1800")
    expect((await admin.documents.get.query({ id: invoice.id })).state).toBe("issued")
  })
})
