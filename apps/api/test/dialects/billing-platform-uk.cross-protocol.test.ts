/**
 * The Billing Platform (UK) dialect on the real server (SQLite file, production runtime, real
 * HTTP): the same payment agrees through tRPC and `/backend/api/v1`; a reversal or refund made
 * here shows in tRPC, and a reversal made here shows in the Silver dialect (the other dialect
 * mounted when this was written); a reversal made through tRPC shows here with its date and
 * status; a regenerated API key invalidates the old one at once; a key's customer scope holds;
 * and the dialect's OpenAPI document is served under `/docs`.
 */
import { Authenticator } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSqliteTestServer } from "../support/cross-protocol.ts"
import type { TestServer } from "../support/test-server.ts"

let server: TestServer

beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-bpuk-")
})
afterAll(async () => {
  await server?.close()
})

interface BpukPayment {
  readonly id: string
  readonly paymentDate: string
  readonly paymentReversedDate: string | null
  readonly status: ReadonlyArray<string>
  readonly ourReference: string | null
  readonly customerReference: string | null
}

const bpuk = async (
  path: string,
  init: { method?: string; body?: unknown; apiKey?: string } = {}
): Promise<{ status: number; text: string; json: unknown }> => {
  const response = await fetch(`${server.url}/backend/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: {
      Authorization: `Bearer ${init.apiKey ?? server.apiKeys.finance}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) })
  })
  const text = await response.text()
  return { status: response.status, text, json: text === "" ? undefined : JSON.parse(text) }
}

const newCustomer = (name: string) =>
  server.clientAs("admin").customers.create.mutate({ name: `${name} ${Math.random()}`, currency: "GBP" })

describe("Billing Platform (UK) across protocols", () => {
  test("a payment made here reads the same through tRPC, and its reversal and refund show there", async () => {
    const customer = await newCustomer("Cross BPUK")
    const made = await bpuk(`/customers/${customer.id}/payments/`, {
      method: "POST",
      body: '{"paymentAmount": 250.75, "paymentDate": "2024-06-03", "ourReference": "BANK-77", "customerReference": "REMIT-1"}'
    })
    expect(made.status, made.text).toBe(201)
    expect(made.text).toContain('"paymentAmount":250.75')
    const id = Number((made.json as BpukPayment).id)

    const trpc = server.clientAs("finance")
    const viaTrpc = await trpc.payments.get.query({ id })
    expect(viaTrpc.payment).toMatchObject({
      amount: "25075",
      currency: "GBP",
      state: "posted",
      paymentDate: "2024-06-03",
      origin: "dialect:billing-platform-uk",
      references: { reference: "BANK-77", customerReference: "REMIT-1" }
    })

    const reversed = await bpuk(`/payments/${id}`, {
      method: "PATCH",
      body: { paymentReversedDate: "2024-06-10", invoiceIDReversed: "INV-900" }
    })
    expect(reversed.status, reversed.text).toBe(200)
    const afterReversal = await trpc.payments.get.query({ id })
    expect(afterReversal.payment).toMatchObject({ reversedAmount: "25075", reversalDate: "2024-06-10" })
    expect(afterReversal.reversals.map((reversal) => reversal.effectiveDate)).toEqual(["2024-06-10"])
    const reversedList = await trpc.payments.list.query({ customerId: customer.id, reversal: "some" })
    expect(reversedList.items.map((payment) => payment.id)).toEqual([id])

    const reinstated = await bpuk(`/payments/${id}`, { method: "PATCH", body: { paymentReversedDate: null } })
    expect((reinstated.json as BpukPayment).status).toEqual([])
    expect((await trpc.payments.get.query({ id })).payment.reversedAmount).toBe("0")

    const refund = await bpuk(`/customers/${customer.id}/payments/`, {
      method: "POST",
      body: '{"paymentAmount": -50.25, "customerReference": "Overpaid"}'
    })
    expect(refund.status, refund.text).toBe(201)
    expect((refund.json as BpukPayment).id).toMatch(/^R\d+$/)
    const refunds = await trpc.refunds.list.query({ paymentId: id })
    expect(refunds.items.map((item) => [item.amount, item.state])).toEqual([["5025", "settled"]])
    expect((await trpc.customers.get.query({ id: customer.id })).balance).toBe("20050")
  })

  test("a reversal made here shows in the Silver dialect, and reinstating it brings the payment back", async () => {
    const customer = await newCustomer("Cross Silver")
    const made = await bpuk(`/customers/${customer.id}/payments/`, {
      method: "POST",
      body: '{"paymentAmount": 42.00, "paymentDate": "2024-08-01"}'
    })
    expect(made.status, made.text).toBe(201)
    const id = (made.json as BpukPayment).id
    const silver = async () => {
      const response = await fetch(`${server.url}/silver/customers/${customer.id}/payments/${id}/`, {
        headers: { Authorization: `Token ${server.apiKeys.finance}` }
      })
      expect(response.status).toBe(200)
      return (await response.json()) as { status: string; amount: string }
    }
    expect(await silver()).toMatchObject({ status: "paid", amount: "42.00" })
    await bpuk(`/payments/${id}`, { method: "PATCH", body: { paymentReversedDate: "2024-08-05" } })
    expect(await silver()).toMatchObject({ status: "canceled", amount: "42.00" })
    await bpuk(`/payments/${id}`, { method: "PATCH", body: { paymentReversedDate: "" } })
    expect(await silver()).toMatchObject({ status: "paid", amount: "42.00" })
  })

  test("a payment reversed through tRPC shows here with paymentReversedDate and the reversed status", async () => {
    const customer = await newCustomer("Reversed elsewhere")
    const admin = server.clientAs("admin")
    const { payment } = await admin.payments.create.mutate({
      customerId: customer.id,
      amount: "80.00",
      paymentDate: "2024-07-01",
      reference: "TRPC-1"
    })
    const before = await bpuk(`/payments/${payment.id}`)
    expect(before.json).toMatchObject({ id: String(payment.id), status: [], paymentReversedDate: null })
    expect(before.text).toContain('"paymentAmount":80.00')

    await admin.payments.reverse.mutate({ paymentId: payment.id, effectiveDate: "2024-07-04" })
    const after = await bpuk(`/payments/${payment.id}`)
    expect(after.json).toMatchObject({
      id: String(payment.id),
      ourReference: "TRPC-1",
      paymentDate: "2024-07-01",
      paymentReversedDate: "2024-07-04",
      status: ["Reversed"]
    })
    const valid = await bpuk(`/customers/${customer.id}/payments/`)
    expect(valid.json).toEqual([])
    const onlyReversed = await bpuk(`/customers/${customer.id}/payments/?reversed&minReversedDate=2024-07-04`)
    expect((onlyReversed.json as Array<BpukPayment>).map((row) => row.id)).toEqual([String(payment.id)])

    const deleted = await bpuk(`/payments/${payment.id}`, { method: "DELETE" })
    expect(deleted.status).toBe(409)
    expect(deleted.json).toMatchObject({ error: { code: "not_allowed" } })
  })

  test("regenerating a user's API key invalidates the old key at once", async () => {
    const { user, first } = await server.runtime.runPromise(
      Effect.gen(function* () {
        const auth = yield* Authenticator
        const user = yield* auth.createUser({
          email: "bpuk-regen@test.paybridge.invalid",
          name: "Regen",
          role: "finance"
        })
        const first = yield* auth.issueApiKey({ userId: user.id })
        return { user, first }
      })
    )
    expect((await bpuk("/payments/", { apiKey: first.apiKey })).status).toBe(200)
    const second = await server.runtime.runPromise(
      Authenticator.use((auth) => auth.issueApiKey({ userId: user.id, label: "regenerated" }))
    )
    const old = await bpuk("/payments/", { apiKey: first.apiKey })
    expect(old.status).toBe(401)
    expect(old.json).toMatchObject({ error: { code: "unauthorized" } })
    expect((await bpuk("/payments/", { apiKey: second.apiKey })).status).toBe(200)
    expect((await fetch(`${server.url}/backend/api/v1/payments/`)).status).toBe(401)
  })

  test("a key scoped to some customers sees only those and gets 403 elsewhere", async () => {
    const mine = await newCustomer("Scoped mine")
    const theirs = await newCustomer("Scoped theirs")
    const admin = server.clientAs("admin")
    const own = (await admin.payments.create.mutate({ customerId: mine.id, amount: "1.00" })).payment
    const other = (await admin.payments.create.mutate({ customerId: theirs.id, amount: "2.00" })).payment
    const { apiKey } = await server.runtime.runPromise(
      Effect.gen(function* () {
        const auth = yield* Authenticator
        const user = yield* auth.createUser({
          email: "bpuk-scoped@test.paybridge.invalid",
          name: "Scoped",
          role: "finance",
          customerScope: [mine.id]
        })
        return yield* auth.issueApiKey({ userId: user.id })
      })
    )
    const all = await bpuk("/payments/", { apiKey })
    expect((all.json as Array<BpukPayment>).map((row) => row.id)).toEqual([String(own.id)])
    expect((await bpuk(`/payments/${other.id}`, { apiKey })).status).toBe(403)
    expect((await bpuk(`/customers/${theirs.id}/payments/`, { apiKey })).status).toBe(403)
    const write = await bpuk(`/customers/${theirs.id}/payments/`, {
      apiKey,
      method: "POST",
      body: { paymentAmount: 3 }
    })
    expect(write.status).toBe(403)
    expect(write.json).toMatchObject({ error: { code: "forbidden" } })
  })

  test("/docs serves the dialect's OpenAPI document with its endpoints", async () => {
    const response = await fetch(`${server.url}/docs/billing-platform-uk/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as { servers: Array<{ url: string }>; paths: Record<string, object> }
    expect(document.servers[0]?.url).toBe("/backend/api/v1")
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/payments/{id}", "/payments/", "/customers/{customerId}/payments/"])
    )
    expect(Object.keys(document.paths["/payments/{id}"] ?? {})).toEqual(
      expect.arrayContaining(["get", "patch", "delete"])
    )
  })
})
