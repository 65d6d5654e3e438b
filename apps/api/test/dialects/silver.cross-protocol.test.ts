/**
 * The Silver dialect on the real server (SQLite file, HTTP): the same payment seen through tRPC
 * and through Silver agrees on amount, currency, status and links; a Silver PATCH shows up in the
 * event log with origin `dialect:silver`; a payment made or reversed through tRPC appears in Silver
 * with the mapped status; Silver's HTTP Basic works with a real password user; the server's other
 * mounted dialects see a Silver payment too; a BHD and a JPY customer's amounts show and are taken with
 * their currency's decimals; and `/docs/silver/openapi.json` lists Silver's endpoints.
 */
import { Authenticator } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { dialects } from "../../src/dialects.ts"
import { renderedByEveryDialect, startSqliteTestServer } from "../support/cross-protocol.ts"
import type { TestServer } from "../support/test-server.ts"

let server: TestServer
let basic: string
const silver = () => `${server.url}/silver`

interface SilverPayment {
  id: number
  url: string
  customer: string
  provider: string | null
  amount: string
  currency: string
  status: string
  invoice: string | null
  proforma: string | null
}

const call = async (method: string, url: string, authorization: string, body?: unknown) => {
  const response = await fetch(url, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, json: text === "" ? undefined : JSON.parse(text) }
}

beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-silver-")
  const email = "silver-ops@test.paybridge.invalid"
  const password = "a long silver password"
  await server.runtime.runPromise(
    Authenticator.use((auth) => auth.createUser({ email, name: "Silver ops", role: "finance", password })).pipe(
      Effect.asVoid
    )
  )
  basic = `Basic ${Buffer.from(`${email}:${password}`).toString("base64")}`
})
afterAll(async () => {
  await server?.close()
})

const seedParties = async () => {
  const admin = server.clientAs("admin")
  const provider = await admin.billingEntities.create.mutate({
    name: "Presslabs",
    flow: "invoice",
    defaultCurrency: "USD"
  })
  const customer = await admin.customers.create.mutate({ name: "Ada", currency: "USD", billingEntityId: provider.id })
  const invoice = await admin.documents.issue.mutate({
    kind: "invoice",
    customerId: customer.id,
    total: "80.00",
    billingEntityId: provider.id
  })
  return { admin, provider, customer, invoice }
}

describe("Silver across protocols", () => {
  test("a payment made through Silver agrees with tRPC, and its PATCH is in the event log as dialect:silver", async () => {
    const { admin, provider, customer, invoice } = await seedParties()
    const created = await call("POST", `${silver()}/customers/${customer.id}/payments/`, basic, {
      provider: `${silver()}/providers/${provider.id}/`,
      amount: "80.00",
      invoice: `${silver()}/invoices/${invoice.id}/`
    })
    expect(created.status).toBe(201)
    const shown = created.json as SilverPayment
    expect(shown.url).toBe(`${silver()}/customers/${customer.id}/payments/${shown.id}/`)
    expect(created.headers.get("location")).toBe(shown.url)

    const viaTrpc = await admin.payments.get.query({ id: shown.id })
    expect({
      amount: viaTrpc.payment.amount,
      currency: viaTrpc.payment.currency,
      state: viaTrpc.payment.state
    }).toEqual({
      amount: "8000",
      currency: shown.currency,
      state: "draft"
    })
    expect(shown).toMatchObject({
      amount: "80.00",
      status: "unpaid",
      provider: `${silver()}/providers/${viaTrpc.payment.billingEntityId}/`
    })

    const patched = await call("PATCH", shown.url, `Token ${server.apiKeys.finance}`, { status: "paid" })
    expect(patched.status).toBe(200)
    expect((patched.json as SilverPayment).status).toBe("paid")
    const after = await admin.payments.get.query({ id: shown.id })
    expect(after.payment.state).toBe("posted")
    expect(after.allocations.map((allocation) => [allocation.documentId, allocation.amount])).toEqual([
      [invoice.id, "8000"]
    ])
    expect((await admin.documents.get.query({ id: invoice.id })).state).toBe("paid")

    const events = await admin.events.feed.query({ paymentId: shown.id })
    const posted = events.items.find((event) => event.type === "payment.posted")
    expect(posted).toMatchObject({ origin: "dialect:silver" })
    expect(events.items.every((event) => event.origin === "dialect:silver")).toBe(true)

    const invoiceView = await call("GET", shown.invoice as string, basic)
    expect(invoiceView.json).toMatchObject({ id: invoice.id, state: "paid", customer: shown.customer })
  })

  test("a payment made and reversed through tRPC appears in Silver with the mapped status and links", async () => {
    const { admin, customer, invoice } = await seedParties()
    const detail = await admin.payments.create.mutate({
      customerId: customer.id,
      amount: "30.00",
      allocations: [{ documentId: invoice.id, amount: "30.00" }]
    })
    const url = `${silver()}/customers/${customer.id}/payments/${detail.payment.id}/`
    const shown = (await call("GET", url, basic)).json as SilverPayment
    expect(shown).toMatchObject({
      amount: "30.00",
      currency: "USD",
      status: "paid",
      invoice: `${silver()}/invoices/${invoice.id}/`,
      customer: `${silver()}/customers/${customer.id}/`
    })
    await admin.payments.reverse.mutate({ paymentId: detail.payment.id, amount: "10.00" })
    expect((await call("GET", url, basic)).json).toMatchObject({ status: "paid", amount: "20.00" })
    await admin.payments.reverse.mutate({ paymentId: detail.payment.id })
    expect((await call("GET", url, basic)).json).toMatchObject({ status: "canceled", amount: "30.00" })

    const draft = await admin.payments.create.mutate({ customerId: customer.id, amount: "5.00", initialState: "draft" })
    await admin.payments.requestCollection.mutate({ paymentId: draft.payment.id, method: "direct-debit" })
    const pendingUrl = `${silver()}/customers/${customer.id}/payments/${draft.payment.id}/`
    expect(((await call("GET", pendingUrl, basic)).json as SilverPayment).status).toBe("pending")
    const refused = await call("PATCH", pendingUrl, basic, { status: "paid" })
    expect({ status: refused.status, body: refused.json }).toEqual({
      status: 400,
      body: { non_field_errors: ["Cannot update a payment with active transactions."] }
    })
    const list = (await call("GET", `${silver()}/customers/${customer.id}/payments/?ordering=id`, basic))
      .json as Array<SilverPayment>
    // The reversal reopened the invoice: Silver shows what it asks as an unpaid payment (issue 12.8).
    expect(list.map((payment) => [payment.id, payment.status])).toEqual([
      [detail.payment.id, "canceled"],
      [draft.payment.id, "pending"],
      [1_000_000_000_000 + invoice.id, "unpaid"]
    ])
  })

  test("a 3-decimal (BHD) and a 0-decimal (JPY) customer: Silver shows and takes each currency's decimals, never a 5xx", async () => {
    const admin = server.clientAs("admin")
    const provider = await admin.billingEntities.create.mutate({
      name: "Gulf",
      flow: "invoice",
      defaultCurrency: "BHD"
    })
    for (const [currency, stored, sent, minorUnits, refused, places] of [
      ["BHD", "2.125", "1.250", "1250", "1.2505", 3],
      ["JPY", "5000", "1200", "1200", "1200.5", 0]
    ] as const) {
      const customer = await admin.customers.create.mutate({ name: currency, currency, billingEntityId: provider.id })
      const made = await admin.payments.create.mutate({ customerId: customer.id, amount: stored })
      const path = `${silver()}/customers/${customer.id}/payments/`
      const shown = await call("GET", `${path}${made.payment.id}/`, basic)
      expect(shown).toMatchObject({ status: 200, json: { amount: stored, currency } })
      const listed = await call("GET", path, basic)
      expect(listed.status).toBe(200)
      expect((listed.json as Array<SilverPayment>).map((row) => row.amount)).toEqual([stored])
      const provided = `${silver()}/providers/${provider.id}/`
      const created = await call("POST", path, basic, { provider: provided, amount: sent, currency, status: "paid" })
      expect(created).toMatchObject({ status: 201, json: { amount: sent, currency, status: "paid" } })
      const booked = await admin.payments.get.query({ id: (created.json as SilverPayment).id })
      // tRPC shows minor units.
      expect(booked.payment.amount).toBe(minorUnits)
      const tooPrecise = await call("POST", path, basic, { provider: provided, amount: refused, currency })
      expect(tooPrecise).toEqual({
        status: 400,
        headers: expect.anything(),
        json: { amount: [`Ensure that there are no more than ${places} decimal places.`] }
      })
      const page = await admin.payments.list.query({ customerId: customer.id, limit: 10 })
      expect(page.items).toHaveLength(2)
    }
  })

  test("every other mounted dialect sees a payment made through Silver", async () => {
    const { customer, provider } = await seedParties()
    const created = await call("POST", `${silver()}/customers/${customer.id}/payments/`, basic, {
      provider: `${silver()}/providers/${provider.id}/`,
      amount: "12.34",
      status: "paid"
    })
    expect(created.status).toBe(201)
    const id = (created.json as SilverPayment).id
    const mounted = dialects.map((dialect) => dialect.id)
    expect(mounted).toContain("silver")
    // Billing Platform (UK): the same payment, valid (no status flags), same amount.
    expect(mounted).toContain("billing-platform-uk")
    const bpuk = await fetch(`${server.url}/backend/api/v1/payments/${id}`, {
      headers: { authorization: `Bearer ${server.apiKeys.finance}` }
    })
    const text = await bpuk.text()
    expect(bpuk.status, text).toBe(200)
    expect(text).toContain('"paymentAmount":12.34')
    expect(JSON.parse(text)).toMatchObject({ id: String(id), status: [], paymentReversedDate: null })
    // CRM.COM: the same payment through a web-API-key token, POSTED with the same amount.
    expect(mounted).toContain("crm-com")
    const login = await fetch(`${server.url}/crmapi/rest/v4/authentication/web_api_key/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${server.apiKeys.finance}:`).toString("base64")}`,
        "content-type": "application/json"
      },
      body: "{}"
    })
    const loginText = await login.text()
    expect(login.status, loginText).toBe(200)
    const crmToken = (JSON.parse(loginText) as { data: { token: string } }).data.token
    const publicId = (await server.clientAs("admin").payments.get.query({ id })).payment.publicId
    const show = new URL(`${server.url}/crmapi/rest/v4/payments/show`)
    show.searchParams.set("token", crmToken)
    show.searchParams.set("payment_identifier", `id=${publicId}`)
    const crm = await fetch(show)
    const crmText = await crm.text()
    expect(crm.status, crmText).toBe(200)
    expect(crmText).toMatch(/"payment_amount":12\.34\b/)
    expect(JSON.parse(crmText)).toMatchObject({ status: { code: "OK" }, data: { life_cycle_state: "POSTED" } })
    // Every mounted dialect renders it for the admin console without failing.
    for (const { dialectId, rendered } of await renderedByEveryDialect(server, id)) {
      expect(rendered, dialectId).toBeTruthy()
      if (dialectId === "silver") {
        expect(rendered).toMatchObject({
          id,
          amount: "12.34",
          status: "paid",
          url: `/silver/customers/${customer.id}/payments/${id}/`
        })
      }
    }
  })

  test("/docs/silver/openapi.json lists Silver's endpoints", async () => {
    const response = await fetch(`${server.url}/docs/silver/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
    expect(document.servers[0]?.url).toBe("/silver")
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/customers/{customerId}/payments/",
        "/customers/{customerId}/payments/{paymentId}/",
        "/customers/",
        "/customers/{id}/",
        "/providers/",
        "/providers/{id}/",
        "/invoices/{id}/",
        "/proformas/{id}/"
      ])
    )
    const anonymous = await fetch(`${silver()}/customers/1/payments/`)
    expect({ status: anonymous.status, body: await anonymous.json() }).toEqual({
      status: 403,
      body: { detail: "Authentication credentials were not provided." }
    })
  })
})
