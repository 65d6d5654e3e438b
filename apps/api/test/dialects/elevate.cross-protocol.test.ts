/**
 * The Elevate dialect on the real server (SQLite file, HTTP): a customer payment made through
 * Elevate reads the same through tRPC (amount, balance after posting, allocation to the oldest
 * invoice, method, origin `dialect:elevate`) and through every other mounted dialect — Billing
 * Platform UK, Silver, CRM.COM, LogiSense — with the same amount; a tRPC payment shows in
 * Elevate's list with the same amount and resulting balance, and a tRPC payment allocated to an
 * invoice is one of Elevate's invoice payments of that invoice; tokens are signed with the
 * configured `ELEVATE_JWT_SECRET` (validated at startup); and `/docs/elevate/openapi.json`
 * documents the Elevate endpoints.
 */
import { ElevateTokenSettings, verifyElevateToken } from "@paybridge/adapter-elevate"
import { Authenticator, CommandContext } from "@paybridge/core"
import { Effect, Option, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { loadConfig } from "../../src/config.ts"
import { dialects } from "../../src/dialects.ts"
import { renderedByEveryDialect, startSqliteTestServer } from "../support/cross-protocol.ts"
import type { TestServer } from "../support/test-server.ts"

const secret = "elevate-cross-protocol-test-secret-0123456789"
const email = "elevate-clerk@test.paybridge.invalid"
const password = "an elevate clerk's long password"

let server: TestServer
let token: string

const elevate = async (method: "GET" | "POST", path: string, body?: unknown) => {
  const response = await fetch(`${server.url}/elevate/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> }
}

beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-elevate-", { env: { ELEVATE_JWT_SECRET: secret } })
  await server.runtime.runPromise(
    Authenticator.use((auth) => auth.createUser({ email, name: "Elevate clerk", role: "finance", password })).pipe(
      Effect.provide(CommandContext.system())
    )
  )
  const login = await fetch(`${server.url}/elevate/v1/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ brand: "paybridge", username: email, password })
  })
  expect(login.status).toBe(200)
  token = ((await login.json()) as { token: string }).token
})
afterAll(async () => {
  await server?.close()
})

describe("Elevate across protocols", () => {
  test("an Elevate payment reads the same through tRPC and every other mounted dialect", async () => {
    const admin = server.clientAs("admin")
    const cheque = await admin.presets.create.mutate({ kind: "method", code: "CHEQUE", name: "Cheque" })
    const customer = await admin.customers.create.mutate({ name: "Elevate Customer", currency: "GBP" })
    const newer = await admin.documents.issue.mutate({
      kind: "invoice",
      customerId: customer.id,
      total: "30.00",
      issueDate: "2026-02-01"
    })
    const older = await admin.documents.issue.mutate({
      kind: "invoice",
      customerId: customer.id,
      total: "40.00",
      issueDate: "2026-01-01"
    })

    const created = await elevate("POST", "/customer-payments", {
      customerId: customer.id,
      amountInMajorCurrency: 55.5,
      description: "March cheque",
      reference: "CHQ-001",
      type: "CHEQUE"
    })
    expect(created.status, created.text).toBe(201)
    expect(created.text).toContain('"amountInMajorCurrency":55.5,"resultingCustomerBalance":-14.5')
    expect(created.json).toMatchObject({
      customerId: customer.id,
      invoiceId: older.id,
      type: "CHEQUE",
      currencyId: 826
    })
    const id = created.json.id as number

    const viaTrpc = await admin.payments.get.query({ id })
    expect({
      amount: viaTrpc.payment.amount,
      balanceAfterPosting: viaTrpc.payment.balanceAfterPosting,
      state: viaTrpc.payment.state,
      origin: viaTrpc.payment.origin,
      methodId: viaTrpc.payment.methodId,
      reference: viaTrpc.payment.references.thirdPartyReference,
      allocations: viaTrpc.allocations.map((allocation) => [allocation.documentId, allocation.amount])
    }).toEqual({
      amount: "5550",
      balanceAfterPosting: "-1450",
      state: "posted",
      origin: "dialect:elevate",
      methodId: cheque.id,
      reference: "CHQ-001",
      allocations: [
        [older.id, "4000"],
        [newer.id, "1550"]
      ]
    })
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("-1450")
    const balance = await elevate("GET", `/customer-balances?customer_id=${customer.id}`)
    expect(balance.text).toContain('"balance":-14.5')

    const mounted = dialects.map((dialect) => dialect.id)
    expect(mounted).toContain("elevate")
    if (mounted.includes("billing-platform-uk")) {
      const bpuk = await fetch(`${server.url}/backend/api/v1/payments/${id}`, {
        headers: { authorization: `Bearer ${server.apiKeys.finance}` }
      })
      const text = await bpuk.text()
      expect(bpuk.status, text).toBe(200)
      expect(text).toContain('"paymentAmount":55.5')
    }
    if (mounted.includes("silver")) {
      const silver = await fetch(`${server.url}/silver/customers/${customer.id}/payments/${id}/`, {
        headers: { authorization: `Token ${server.apiKeys.finance}` }
      })
      expect(await silver.json()).toMatchObject({ id, amount: "55.50" })
    }
    if (mounted.includes("crm-com")) {
      const login = await fetch(`${server.url}/crmapi/rest/v4/authentication/web_api_key/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${server.apiKeys.finance}:`).toString("base64")}`,
          "content-type": "application/json"
        },
        body: "{}"
      })
      const crmToken = ((await login.json()) as { data: { token: string } }).data.token
      const show = new URL(`${server.url}/crmapi/rest/v4/payments/show`)
      show.searchParams.set("token", crmToken)
      show.searchParams.set("payment_identifier", `id=${viaTrpc.payment.publicId}`)
      const crmText = await (await fetch(show)).text()
      expect(crmText).toMatch(/"payment_amount":55\.5\b/)
    }
    if (mounted.includes("logisense")) {
      const login = await fetch(`${server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({
          username: email,
          password,
          grant_type: "password",
          client_id: "billing"
        }).toString()
      })
      const logisenseToken = ((await login.json()) as { access_token: string }).access_token
      const shown = await fetch(`${server.url}/logisense/api/v6/Payment/${id}/Detail`, {
        headers: { authorization: `Bearer ${logisenseToken}` }
      })
      const text = await shown.text()
      expect(shown.status, text).toBe(200)
      expect(text).toContain('"amount":55.5,')
      expect((JSON.parse(text) as { instance: unknown }).instance).toMatchObject({
        identity: id,
        accountId: customer.id
      })
    }
    for (const { dialectId, rendered } of await renderedByEveryDialect(server, id)) {
      expect(rendered, dialectId).toBeTruthy()
      if (dialectId === "elevate") {
        expect(String((rendered as { amountInMajorCurrency: unknown }).amountInMajorCurrency)).toBe("55.5")
      }
    }
  })

  test("a tRPC payment shows in Elevate's list with the same amount and resulting balance", async () => {
    const admin = server.clientAs("admin")
    const customer = await admin.customers.create.mutate({ name: "tRPC Customer", currency: "EUR" })
    await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "100.00" })
    const made = await admin.payments.create.mutate({ customerId: customer.id, amount: "12.34" })
    const listed = await elevate("GET", `/customer-payments?customer_id=${customer.id}&page=1&pageSize=10`)
    expect(listed.status, listed.text).toBe(200)
    expect(listed.text).toContain('"amountInMajorCurrency":12.34,"resultingCustomerBalance":-87.66,"currencyId":978')
    expect(listed.json).toEqual([
      expect.objectContaining({
        id: made.payment.id,
        type: "OTHER",
        customerPaymentType: "CUSTOMER",
        txnType: "PAYMENT"
      })
    ])
    expect(made.payment.balanceAfterPosting).toBe("-8766")
  })

  test("a tRPC payment allocated to an invoice shows in Elevate's invoice payments of that invoice", async () => {
    const admin = server.clientAs("admin")
    const customer = await admin.customers.create.mutate({ name: "Invoice Customer", currency: "GBP" })
    const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "50.00" })
    const made = await admin.payments.create.mutate({
      customerId: customer.id,
      amount: "35.25",
      allocations: [{ documentId: invoice.id, amount: "35.25" }],
      thirdPartyReference: "TRPC-INV"
    })
    const allocationId = made.allocations[0]?.id ?? 0
    const listed = await elevate("GET", `/invoice-payments?generatedInvoiceId=${invoice.id}&page=1&pageSize=10`)
    expect(listed.status, listed.text).toBe(200)
    expect(listed.text).toContain('"amountInMajorCurrency":35.25,"currencyId":826')
    const event = {
      id: 2_000_000_000_000 + allocationId,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: customer.id,
      customerPaymentId: made.payment.id,
      customerPaymentType: "CUSTOMER",
      status: "NA",
      reference: "TRPC-INV",
      billRunType: "NORMAL"
    }
    expect(listed.json).toEqual([expect.objectContaining(event)])
    expect((await elevate("GET", `/invoice-payments/${event.id}`)).json).toMatchObject(event)
    const adhoc = await elevate("GET", `/adhoc-invoice-payments?generatedInvoiceId=${invoice.id}&page=1&pageSize=10`)
    expect(adhoc.json).toEqual([])
  })

  test("tokens are signed with ELEVATE_JWT_SECRET, which is validated at startup", async () => {
    const withKey = (key: string) =>
      server.runtime.runPromiseExit(
        verifyElevateToken(token).pipe(
          Effect.provideService(ElevateTokenSettings, { secret: new TextEncoder().encode(key), now: Date.now })
        )
      )
    const verified = await withKey(secret)
    expect(verified._tag === "Success" ? verified.value.name : verified).toBe("Elevate clerk")
    expect((await withKey(`${secret}-other`))._tag).toBe("Failure")
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, number>
    expect(claims).toMatchObject({ username: email, brand: "paybridge", iss: "paybridge", aud: "elevate" })
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900)
    const short = await Effect.runPromise(Effect.flip(loadConfig({ ELEVATE_JWT_SECRET: "too-short" })))
    expect(short.message).toContain("ELEVATE_JWT_SECRET")
    const configured = await Effect.runPromise(loadConfig({ ELEVATE_JWT_SECRET: secret }))
    expect(Option.map(configured.elevateJwtSecret, Redacted.value)).toEqual(Option.some(secret))
    // Unset: no per-process key; the runtime uses the one kept in the database.
    expect(Option.isNone((await Effect.runPromise(loadConfig({}))).elevateJwtSecret)).toBe(true)
  })

  test("/docs/elevate/openapi.json lists Elevate's endpoints", async () => {
    const response = await fetch(`${server.url}/docs/elevate/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
    expect(document.servers[0]?.url).toBe("/elevate/v1")
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/authenticate",
        "/customer-payments",
        "/customer-payments/{customer_payment_id}",
        "/payment-providers",
        "/payment-providers/{payment_provider_id}",
        "/site-payment-mandates",
        "/invoice-payments",
        "/adhoc-invoice-payments",
        "/refunds",
        "/refunds/{refund_id}",
        "/customer-balances",
        "/customer-credit-status",
        "/payment-provider-payment-link"
      ])
    )
    const anonymous = await fetch(`${server.url}/elevate/v1/customer-payments?customer_id=1&page=1&pageSize=1`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({
      status: 401,
      error: "Unauthorized",
      path: "/elevate/v1/customer-payments"
    })
  })
})
