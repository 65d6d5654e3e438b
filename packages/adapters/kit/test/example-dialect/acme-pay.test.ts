/**
 * The Acme Pay example dialect over the real Ledger on an in-memory store: the shared contract
 * suite, plus what an Acme client would notice — exact amounts, Acme's date formats, paging,
 * its error shape for unknown payments and forbidden actions, and commands attributed to the
 * dialect and the request id.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import {
  type DialectTestbed,
  dialectContractSuite,
  makeDialectTestbed,
  type TestRequest
} from "@paybridge/adapter-kit/testing"
import { Balances, Parties, type PaymentId, Payments } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { acmePay } from "./acme-pay.dialect.ts"

interface AcmeSeed {
  readonly apiKey: string
  readonly customerId: number
}

const seed = async (testbed: DialectTestbed): Promise<AcmeSeed> => {
  const { apiKey } = await testbed.createApiKey({ role: "finance" })
  const customer = await testbed.runAsSystem(
    Parties.use((parties) => parties.createCustomer({ name: "Ada Customer", currency: "USD" }))
  )
  return { apiKey, customerId: customer.id }
}

const authorize = (request: TestRequest, { apiKey }: AcmeSeed): TestRequest => ({
  ...request,
  headers: { ...request.headers, authorization: `Bearer ${apiKey}` }
})

dialectContractSuite<AcmeSeed>({
  dialect: acmePay,
  // Acme Pay is an example inside the kit's tests, not a published dialect.
  checkCompatibilityTable: false,
  expectations: {
    seed,
    authorize,
    authorizeWrongly: (request) => ({
      ...request,
      headers: { ...request.headers, authorization: "Bearer pbk_notakey0000_wrongsecretwrongsecretwrongsecret" }
    }),
    create: {
      operationId: "createPayment",
      valid: ({ customerId }) => ({
        method: "POST",
        path: "/payments",
        body: { customer_id: customerId, amount: new JsonDecimal("12.50"), reference: "INV-1" }
      }),
      variant: ({ customerId }) => ({
        method: "POST",
        path: "/payments",
        body: { customer_id: customerId, amount: new JsonDecimal("99.99"), reference: "INV-2" }
      }),
      invalid: ({ customerId }) => ({
        method: "POST",
        path: "/payments",
        body: { customer_id: customerId, amount: "twelve" }
      })
    }
  }
})

describe("Acme Pay over the ledger", () => {
  let testbed: DialectTestbed
  let acme: AcmeSeed
  const send = (request: TestRequest) => testbed.request(authorize(request, acme))
  const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    send({ method: "POST", path: "/payments", body: { customer_id: acme.customerId, ...body }, headers })

  beforeEach(async () => {
    testbed = await makeDialectTestbed({ dialect: acmePay })
    acme = await seed(testbed)
  })
  afterEach(() => testbed.dispose())

  it("reads back a created payment with its amount and dates in Acme's formats", async () => {
    const made = await create({ amount: new JsonDecimal("12.10"), payment_date: "2024-02-29", reference: "INV-7" })
    expect(made.status).toBe(201)
    const id = (made.json as { id: PaymentId }).id
    const read = await send({ method: "GET", path: `/payments/${id}` })
    expect(read.status).toBe(200)
    expect(read.text).toMatch(/"amount":12\.1,/)
    expect(read.json).toMatchObject({
      id,
      customer_id: acme.customerId,
      currency: "USD",
      status: "succeeded",
      payment_date: "2024-02-29",
      reference: "INV-7"
    })
    expect((read.json as { created_at: string }).created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
  })

  it("records the exact amount the client sent and attributes it to the dialect", async () => {
    const made = await create({ amount: new JsonDecimal("999999999999999.99") }, { "x-request-id": "acme-req-42" })
    expect(made.status).toBe(201)
    expect(made.text).toContain('"amount":999999999999999.99')
    expect(made.headers.get("x-request-id")).toBe("acme-req-42")
    const id = (made.json as { id: PaymentId }).id
    const detail = await testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id })))
    expect(detail.payment.amount).toBe(99999999999999999n)
    expect(detail.payment.origin).toBe("dialect:acme-pay")
    const events = await testbed.runAsSystem(Balances.use((balances) => balances.listEvents({ paymentId: id })))
    expect(events.items.map((event) => [event.origin, event.requestId])).toContainEqual([
      "dialect:acme-pay",
      "acme-req-42"
    ])
  })

  it("refuses an amount a float would have rounded instead of rounding it", async () => {
    const before = await testbed.countPayments()
    const response = await create({ amount: new JsonDecimal("0.30000000000000001") })
    expect(response.status).toBe(422)
    expect(response.json).toMatchObject({ error: { code: "invalid_request" } })
    expect(await testbed.countPayments()).toBe(before)
  })

  it("lists payments page by page", async () => {
    for (const amount of ["1.00", "2.00", "3.00"]) {
      expect((await create({ amount: new JsonDecimal(amount) })).status).toBe(201)
    }
    const first = await send({ method: "GET", path: "/payments", query: { limit: "2" } })
    const page1 = first.json as { data: Array<{ amount: JsonDecimal }>; next_cursor: string | null }
    expect(page1.data).toHaveLength(2)
    expect(page1.next_cursor).not.toBeNull()
    const second = await send({
      method: "GET",
      path: "/payments",
      query: { limit: "2", cursor: page1.next_cursor ?? "" }
    })
    const page2 = second.json as { data: Array<{ amount: JsonDecimal }>; next_cursor: string | null }
    expect(page2.next_cursor).toBeNull()
    const amounts = [...page1.data, ...page2.data].map((payment) => String(payment.amount)).sort()
    expect(amounts).toEqual(["1", "2", "3"])
  })

  it("answers an unknown payment and a bad limit in Acme's error shape", async () => {
    const missing = await send({ method: "GET", path: "/payments/999999" })
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual({ error: { code: "not_found", message: expect.stringContaining("999999") } })
    const badLimit = await send({ method: "GET", path: "/payments", query: { limit: "5000" } })
    expect(badLimit.status).toBe(422)
    expect(badLimit.json).toMatchObject({ error: { code: "invalid_request", fields: [{ field: "limit" }] } })
  })

  it("renders a principal's missing permission as Acme's 403", async () => {
    const readOnly = await testbed.createApiKey({ role: "read-only" })
    const response = await testbed.request({
      method: "POST",
      path: "/payments",
      headers: { authorization: `Bearer ${readOnly.apiKey}` },
      body: { customer_id: acme.customerId, amount: 5 }
    })
    expect(response.status).toBe(403)
    expect(response.json).toMatchObject({ error: { code: "forbidden" } })
  })
})
