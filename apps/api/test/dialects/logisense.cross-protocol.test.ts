/**
 * The LogiSense dialect on the real server (SQLite file, HTTP): a user logs in through the
 * form-encoded `Access/Login`; a payment recorded through LogiSense reads the same through tRPC
 * (amount, allocation, origin `dialect:logisense`); a LogiSense reversal moves the customer
 * balance exactly once and shows in tRPC and in every other mounted dialect (partially reversed,
 * then fully reversed); a payment made through tRPC shows in LogiSense; and
 * `/docs/logisense/openapi.json` documents the LogiSense endpoints at the mounted base path.
 */
import { Authenticator, CommandContext } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { dialects } from "../../src/dialects.ts"
import { renderedByEveryDialect, startSqliteTestServer } from "../support/cross-protocol.ts"
import type { TestServer } from "../support/test-server.ts"

const email = "logisense-clerk@test.paybridge.invalid"
const password = "a long logisense password"
const elevateSecret = "logisense-cross-protocol-elevate-secret-0123456789"

let server: TestServer
let token: string

const logisense = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}/logisense/api/v6/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers
    },
    ...(body === undefined ? {} : { body })
  })
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> }
}

beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-logisense-", { env: { ELEVATE_JWT_SECRET: elevateSecret } })
  await server.runtime.runPromise(
    Authenticator.use((auth) => auth.createUser({ email, name: "LogiSense clerk", role: "finance", password })).pipe(
      Effect.provide(CommandContext.system())
    )
  )
  const login = await fetch(`${server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ username: email, password, grant_type: "password", client_id: "billing" }).toString()
  })
  expect(login.status).toBe(200)
  const issued = (await login.json()) as { access_token: string; token_type: string; expires_in: number }
  expect([issued.token_type, issued.expires_in]).toEqual(["bearer", 1800])
  token = issued.access_token
})
afterAll(async () => {
  await server?.close()
})

/** What every other mounted dialect says about one payment (amount text and reversal marks). */
const otherDialectsSee = async (id: number, customerId: number) => {
  const mounted = dialects.map((dialect) => dialect.id)
  const seen: Record<string, unknown> = {}
  if (mounted.includes("billing-platform-uk")) {
    const bpuk = await fetch(`${server.url}/backend/api/v1/payments/${id}`, {
      headers: { authorization: `Bearer ${server.apiKeys.finance}` }
    })
    const body = (await bpuk.json()) as { status: ReadonlyArray<unknown>; paymentReversedDate: string | null }
    seen["billing-platform-uk"] = { reversed: body.status.length > 0, reversedDate: body.paymentReversedDate !== null }
  }
  if (mounted.includes("silver")) {
    const silver = await fetch(`${server.url}/silver/customers/${customerId}/payments/${id}/`, {
      headers: { authorization: `Token ${server.apiKeys.finance}` }
    })
    const body = (await silver.json()) as { status: string; amount: string }
    seen.silver = { status: body.status, amount: body.amount }
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
    const publicId = (await server.clientAs("admin").payments.get.query({ id })).payment.publicId
    const show = new URL(`${server.url}/crmapi/rest/v4/payments/show`)
    show.searchParams.set("token", crmToken)
    show.searchParams.set("payment_identifier", `id=${publicId}`)
    const body = (await (await fetch(show)).json()) as { data: { life_cycle_state: string } }
    seen["crm-com"] = body.data.life_cycle_state
  }
  for (const { dialectId, rendered } of await renderedByEveryDialect(server, id)) {
    expect(rendered, dialectId).toBeTruthy()
  }
  return seen
}

describe("LogiSense across protocols", () => {
  test("a payment recorded through LogiSense reads the same through tRPC", async () => {
    const admin = server.clientAs("admin")
    const customer = await admin.customers.create.mutate({ name: "LogiSense Account", currency: "USD" })
    const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "100.00" })
    const created = await logisense(
      "POST",
      "Payment/",
      `{"accountId":${customer.id},"amount":100.00,"invoiceId":${invoice.id},"detail":"Cheque 12","checkNumber":"12"}`
    )
    expect(created.status, created.text).toBe(200)
    expect(created.text).toContain('"amount":100,')
    const row = (created.json.results as { items: Array<{ identity: number }> }).items[0]
    const id = row?.identity as number
    const viaTrpc = await admin.payments.get.query({ id })
    expect({
      amount: viaTrpc.payment.amount,
      state: viaTrpc.payment.state,
      origin: viaTrpc.payment.origin,
      description: viaTrpc.payment.references.description,
      checkNumber: viaTrpc.payment.references.checkNumber,
      allocations: viaTrpc.allocations.map((allocation) => [allocation.documentId, allocation.amount])
    }).toEqual({
      amount: "10000",
      state: "posted",
      origin: "dialect:logisense",
      description: "Cheque 12",
      checkNumber: "12",
      allocations: [[invoice.id, "10000"]]
    })
    expect(row).toMatchObject({ identity: id, accountId: customer.id, invoiceId: invoice.id, disbursed: true })
  })

  test("a LogiSense reversal shows in tRPC and every other dialect and moves the balance once", async () => {
    const admin = server.clientAs("admin")
    const customer = await admin.customers.create.mutate({ name: "Reversed Account", currency: "USD" })
    const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "100.00" })
    const created = await logisense(
      "POST",
      "Payment/",
      `{"accountId":${customer.id},"amount":100,"invoiceId":${invoice.id}}`
    )
    const id = (created.json.results as { items: Array<{ identity: number }> }).items[0]?.identity as number
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("0")

    const partial = await logisense("POST", "Payment/Reverse", `{"paymentId":${id},"amount":40.00,"detail":"NSF"}`)
    expect(partial.status, partial.text).toBe(200)
    const reversalRow = (partial.json.results as { items: Array<Record<string, unknown>> }).items[0]
    expect(reversalRow).toMatchObject({ reversePaymentId: id, amount: 40, detail: "NSF" })
    expect(reversalRow?.identity as number).toBeLessThan(0)

    const afterPartial = await admin.payments.get.query({ id })
    expect(afterPartial.payment.reversedAmount).toBe("4000")
    expect(afterPartial.reversals.map((reversal) => [reversal.amount, reversal.reason])).toEqual([["4000", "NSF"]])
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("-4000")
    const events = await admin.events.feed.query({ paymentId: id })
    expect(events.items.filter((event) => event.type === "payment.reversed")).toEqual([
      expect.objectContaining({ origin: "dialect:logisense" })
    ])
    const partly = await otherDialectsSee(id, customer.id)
    if ("billing-platform-uk" in partly) {
      // Billing Platform (UK) shows what stands as the valid row N and the reversed part as row N-R (issue 12.3).
      expect(partly["billing-platform-uk"]).toEqual({ reversed: false, reversedDate: false })
      const reversedPart = await fetch(`${server.url}/backend/api/v1/payments/${id}-R`, {
        headers: { authorization: `Bearer ${server.apiKeys.finance}` }
      })
      expect(reversedPart.status).toBe(200)
      expect(await reversedPart.json()).toMatchObject({ paymentAmount: 40 })
    }
    if ("silver" in partly) expect(partly.silver).toEqual({ status: "paid", amount: "60.00" })
    if ("crm-com" in partly) expect(partly["crm-com"]).toBe("POSTED")

    const rest = await logisense("POST", "Payment/Reverse", `{"paymentId":${id}}`)
    expect(rest.status, rest.text).toBe(200)
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("-10000")
    const fully = await otherDialectsSee(id, customer.id)
    if ("silver" in fully) expect(fully.silver).toMatchObject({ status: "canceled" })
    if ("crm-com" in fully) expect(fully["crm-com"]).toBe("CANCELLED")
    const entries = await admin.balances.entries.query({ customerId: customer.id })
    const reversedEntries = entries.items.filter((entry) => entry.kind === "payment-reversed")
    expect(reversedEntries.map((entry) => entry.delta)).toEqual(["-4000", "-6000"])

    const detail = await logisense("GET", `Payment/${id}/Detail`)
    const reversals = (detail.json.instance as { details: { paymentReversals: Array<{ amount: number }> } }).details
      .paymentReversals
    expect(reversals.map((row) => row.amount)).toEqual([40, 60])
    const again = await logisense("POST", "Payment/Reverse", `{"paymentId":${id},"amount":0.01}`)
    expect(again.status).toBe(400)
  })

  test("a payment made through tRPC shows in LogiSense, with its tRPC reversal as a reversal row", async () => {
    const admin = server.clientAs("admin")
    const customer = await admin.customers.create.mutate({ name: "tRPC Account", currency: "EUR" })
    const made = await admin.payments.create.mutate({ customerId: customer.id, amount: "12.34", description: "wire" })
    await admin.payments.reverse.mutate({ paymentId: made.payment.id, amount: "2.34" })
    const shown = await logisense("GET", `Payment/${made.payment.id}/Detail`)
    expect(shown.status, shown.text).toBe(200)
    expect(shown.text).toContain('"amount":12.34,')
    expect(shown.json.instance).toMatchObject({
      identity: made.payment.id,
      accountId: customer.id,
      accountName: "tRPC Account",
      detail: "wire",
      isManual: true,
      details: { paymentReversals: [{ amount: 2.34, reversePaymentId: made.payment.id }] }
    })
    const searched = await logisense(
      "POST",
      "Payment/Search",
      JSON.stringify({ query: { search: [{ name: "accountId", operator: "eq", value: customer.id }] } })
    )
    expect((searched.json as { totalCount: number }).totalCount).toBe(2)
  })

  test("/docs/logisense/openapi.json lists the LogiSense endpoints at the mounted base path", async () => {
    const response = await fetch(`${server.url}/docs/logisense/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
    expect(document.servers[0]?.url).toBe("/logisense")
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/AuthorizationServer/api/v6/Access/Login",
        "/api/v6/Payment/",
        "/api/v6/Payment/Paged",
        "/api/v6/Payment/Paged/Detail",
        "/api/v6/Payment/{id}",
        "/api/v6/Payment/{id}/Detail",
        "/api/v6/Payment/Reverse",
        "/api/v6/Payment/Reverse/Vendor",
        "/api/v6/Payment/Vendor",
        "/api/v6/Payment/Search"
      ])
    )
    const anonymous = await fetch(`${server.url}/logisense/api/v6/Payment/`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ type: "get", errors: [{ code: 10100000 }] })
  })
})
