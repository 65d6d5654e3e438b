/**
 * The CRM.COM dialect on the real server (SQLite file, HTTP): a payment posted through CRM.COM
 * reads the same through tRPC (amount, number, allocation, origin `dialect:crm-com`); a payment
 * cancelled through CRM.COM shows its full reversal in the ledger (tRPC) and in every other
 * mounted dialect, and is CANCELLED in CRM.COM afterwards; `/docs/crm-com/openapi.json` lists the
 * CRM.COM methods; a category created, renamed and retired through tRPC's `dialectPresets` is taken
 * by CRM.COM under its current name, then refused by name once retired while its payment still
 * shows it.
 */
import { defineCancellationType, defineUnit } from "@paybridge/adapter-crm-com"
import { Authenticator, CommandContext } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { dialects } from "../../src/dialects.ts"
import { renderedByEveryDialect, startSqliteTestServer } from "../support/cross-protocol.ts"
import type { TestServer } from "../support/test-server.ts"

let server: TestServer
let token: string
const email = "crm-clerk@test.paybridge.invalid"
const password = "a long crm.com password"

/** The `data` fields these tests read (CRM.COM answers carry more). */
interface CrmData {
  readonly id: string
  readonly number: string
  readonly reference_number: string
  readonly life_cycle_state: string
  readonly received_by_unit: unknown
  readonly payment: { readonly life_cycle_state: string }
  readonly payment_cancellation: { readonly number: string }
}

const crm = async (method: "GET" | "POST", path: string, params: Record<string, unknown>) => {
  const url = new URL(`${server.url}/crmapi/rest/v4/${path}`)
  if (method === "GET")
    for (const [key, value] of Object.entries({ token, ...params })) url.searchParams.set(key, String(value))
  const response = await fetch(url, {
    method,
    ...(method === "POST"
      ? { headers: { "content-type": "application/json" }, body: JSON.stringify({ token, ...params }) }
      : {})
  })
  const text = await response.text()
  return { status: response.status, text, json: JSON.parse(text) as { status: { code: string }; data: CrmData } }
}

beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-crm-com-")
  await server.runtime.runPromise(
    Effect.gen(function* () {
      yield* Authenticator.use((auth) => auth.createUser({ email, name: "CRM clerk", role: "finance", password }))
      yield* defineUnit({ name: "Admin Unit", alternativeCode: "MG" })
      yield* defineCancellationType({ name: "Payment Cancellation" })
    }).pipe(Effect.provide(CommandContext.system()))
  )
  const admin = server.clientAs("admin")
  await admin.presets.create.mutate({ kind: "type", code: "INVBALPAY", name: "Invoices Balance Payment" })
  await admin.presets.create.mutate({ kind: "method", code: "BT", name: "Bank Transfer" })
  const login = await fetch(`${server.url}/crmapi/rest/v4/authentication/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: email, password, organisation: "Paybridge", unit: "Admin Unit" })
  })
  token = ((await login.json()) as { data: { token: string } }).data.token
})
afterAll(async () => {
  await server?.close()
})

let accounts = 0
const newAccount = async () => {
  accounts += 1
  const admin = server.clientAs("admin")
  const customer = await admin.customers.create.mutate({
    name: `CRM account ${accounts}`,
    number: `7${accounts}`,
    currency: "EUR"
  })
  const invoice = await admin.documents.issue.mutate({
    kind: "invoice",
    customerId: customer.id,
    total: "120.00",
    number: `INV-${accounts}`
  })
  return { admin, customer, invoice }
}

const createPosted = (number: string, amount: string, invoiceNumber: string) =>
  crm("POST", "payments/create", {
    accounts_receivable_identifier: { number },
    type_identifier: { name: "Invoices Balance Payment" },
    payment_method_identifier: { alternative_code: "BT" },
    life_cycle_state: "POSTED",
    payment_amount: amount,
    invoices_to_pay_set: [{ invoice_identifier: { number: invoiceNumber } }]
  })

describe("CRM.COM across protocols", () => {
  test("a payment posted through CRM.COM reads the same through tRPC: amount, number and allocation", async () => {
    const { admin, customer, invoice } = await newAccount()
    const created = await createPosted(customer.number, "45.50", invoice.number)
    expect(created.json.status.code, created.text).toBe("OK")
    expect(created.text).toContain('"payment_amount":45.5')
    const viaTrpc = await admin.payments.get.query({ publicId: created.json.data.id })
    expect({
      amount: viaTrpc.payment.amount,
      number: viaTrpc.payment.number,
      referenceNumber: viaTrpc.payment.referenceNumber,
      state: viaTrpc.payment.state,
      origin: viaTrpc.payment.origin,
      allocations: viaTrpc.allocations.map((allocation) => [allocation.documentId, allocation.amount])
    }).toEqual({
      amount: "4550",
      number: created.json.data.number,
      referenceNumber: created.json.data.reference_number,
      state: "posted",
      origin: "dialect:crm-com",
      allocations: [[invoice.id, "4550"]]
    })
    const shown = await crm("GET", "payments/show", {
      payment_identifier: `number=${created.json.data.number}`,
      fields_set: "invoices_to_pay_set.outstanding_amount,received_by_unit.name"
    })
    expect(shown.text).toContain('"outstanding_amount":74.5')
    expect(shown.json.data.received_by_unit).toEqual({ name: "Admin Unit" })
  })

  test("a payment cancelled through CRM.COM shows its reversal in the ledger and in every other mounted dialect", async () => {
    const { admin, customer, invoice } = await newAccount()
    const created = await createPosted(customer.number, "80.00", invoice.number)
    const id = (await admin.payments.get.query({ publicId: created.json.data.id })).payment.id
    const cancelled = await crm("POST", "payments/cancel", {
      payment_identifier: { id: created.json.data.id },
      type_identifier: { name: "Payment Cancellation" },
      issue_reason: "duplicate"
    })
    expect(cancelled.json.status.code, cancelled.text).toBe("OK")
    expect(cancelled.json.data.payment.life_cycle_state).toBe("POSTED")
    expect(cancelled.json.data.payment_cancellation).toMatchObject({ life_cycle_state: "POSTED", payment_amount: 80 })

    const ledger = await admin.payments.get.query({ id })
    expect(ledger.payment).toMatchObject({ state: "posted", reversedAmount: "8000" })
    expect(ledger.reversals.map((reversal) => [reversal.amount, reversal.reason])).toEqual([["8000", "duplicate"]])
    expect(cancelled.json.data.payment_cancellation.number).toBe(String(ledger.reversals[0]?.id))
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("-12000")
    const events = await admin.events.feed.query({ paymentId: id })
    expect(events.items.find((event) => event.type === "payment.reversed")).toMatchObject({ origin: "dialect:crm-com" })

    expect(
      (
        await crm("GET", "payments/show", {
          payment_identifier: `id=${created.json.data.id}`,
          fields_set: "life_cycle_state"
        })
      ).json.data
    ).toEqual({ life_cycle_state: "CANCELLED" })

    const mounted = dialects.map((dialect) => dialect.id)
    expect(mounted).toContain("crm-com")
    if (mounted.includes("billing-platform-uk")) {
      const bpuk = await fetch(`${server.url}/backend/api/v1/payments/${id}`, {
        headers: { authorization: `Bearer ${server.apiKeys.finance}` }
      })
      expect(await bpuk.json()).toMatchObject({ id: String(id), status: ["Reversed"] })
    }
    if (mounted.includes("silver")) {
      const silver = await fetch(`${server.url}/silver/customers/${customer.id}/payments/${id}/`, {
        headers: { authorization: `Token ${server.apiKeys.finance}` }
      })
      expect(await silver.json()).toMatchObject({ id, status: "canceled", amount: "80.00" })
    }
    for (const { dialectId, rendered } of await renderedByEveryDialect(server, id)) {
      expect(rendered, dialectId).toBeTruthy()
      if (dialectId === "crm-com") expect(rendered).toMatchObject({ life_cycle_state: "CANCELLED" })
    }
  })

  test("/docs/crm-com/openapi.json lists the CRM.COM methods", async () => {
    const response = await fetch(`${server.url}/docs/crm-com/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
    expect(document.servers[0]?.url).toBe("/crmapi/rest/v4")
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/authentication/token",
        "/authentication/token/release",
        "/authentication/web_api_key/token",
        "/payments/show",
        "/payments/list",
        "/payments/get_latest",
        "/payments/create",
        "/payments/update",
        "/payments/pay_invoice",
        "/payments/pay_bill",
        "/payments/post",
        "/payments/reject",
        "/payments/cancel"
      ])
    )
    const anonymous = await fetch(`${server.url}/crmapi/rest/v4/payments/show?payment_identifier=number=1`)
    expect({ status: anonymous.status, body: await anonymous.json() }).toEqual({
      status: 200,
      body: {
        status: {
          code: "AUTHENTICATION_FAILED",
          message: "Authentication credentials were not provided",
          description: null
        },
        data: null
      }
    })
  })
})

describe("CRM.COM presets managed through tRPC", () => {
  test("a category created and renamed through dialectPresets is taken by name; once retired it is refused, old payments still show it", async () => {
    const { admin, customer, invoice } = await newAccount()
    expect(await admin.dialectPresets.kinds.query()).toContainEqual({
      dialect: "crm-com",
      dialectTitle: "CRM.COM Web API v4",
      kind: "category",
      label: "Financial transaction categories"
    })
    const ref = { dialect: "crm-com", kind: "category" } as const
    const created = await admin.dialectPresets.create.mutate({ ...ref, name: "Walk-in Payments" })
    await admin.dialectPresets.rename.mutate({ ...ref, key: created.key, name: "Counter Payments" })
    const withCategory = (name: string, amount: string) =>
      crm("POST", "payments/create", {
        accounts_receivable_identifier: { number: customer.number },
        type_identifier: { name: "Invoices Balance Payment" },
        payment_method_identifier: { alternative_code: "BT" },
        life_cycle_state: "POSTED",
        payment_amount: amount,
        category_identifier: { name },
        invoices_to_pay_set: [{ invoice_identifier: { number: invoice.number } }]
      })
    expect((await withCategory("Walk-in Payments", "10.00")).json.status.code).toBe("NOT_FOUND")
    const taken = await withCategory("Counter Payments", "10.00")
    expect(taken.json.status.code, taken.text).toBe("OK")

    await admin.dialectPresets.retire.mutate({ ...ref, key: created.key })
    const before = (await admin.payments.list.query({ customerId: customer.id })).items.length
    const refused = await withCategory("Counter Payments", "5.00")
    expect(refused.json.status).toMatchObject({ code: "INVALID_PARAMETERS" })
    expect(refused.text).toContain('The financial transaction category \\"Counter Payments\\" is retired')
    expect((await admin.payments.list.query({ customerId: customer.id })).items).toHaveLength(before)
    const shown = await crm("GET", "payments/show", {
      payment_identifier: `number=${taken.json.data.number}`,
      fields_set: "category.name"
    })
    expect(shown.text).toContain('"category":{"name":"Counter Payments"}')
  })
})
