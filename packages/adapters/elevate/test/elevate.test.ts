/**
 * The Elevate dialect over the real Ledger on an in-memory store, as an Elevate client sees it:
 * logging in for a 15-minute JWT; the vendor's customer-payment examples replayed field by field;
 * page/pageSize validation; every operator of the filter grammar and hostile filter input;
 * oldest-first allocation with overpayment credit and negative payments as debits; payment
 * providers, site payment mandates, invoice and adhoc invoice payments, refunds through Elevate's
 * statuses, balances, credit status and payment links — all on the same ledger money.
 */
import type { DialectTestbed, TestRequest, TestResponse } from "@paybridge/adapter-kit/testing"
import { inMemoryTestbedLayer, makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import {
  Balances,
  type CustomerId,
  Documents,
  type GatewayId,
  Parties,
  type PaymentId,
  Payments,
  type RefundId,
  Refunds
} from "@paybridge/core"
import { Effect, Layer } from "effect"
import { decodeJwt } from "jose"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { ElevateTokenSettings, elevateDialect } from "../src/index.ts"
import {
  authorize,
  type ElevateSeed,
  expectError,
  issue,
  login,
  money,
  newTestbed,
  password,
  plain,
  seed
} from "./elevate-fixtures.ts"

let testbed: DialectTestbed
let elevate: ElevateSeed
const send = (request: TestRequest) => testbed.request(authorize(request, elevate))
const get = (path: string, query: Record<string, string> = {}) => send({ method: "GET", path, query })
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  send({ method: "POST", path, body, headers })
const pay = (amount: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post(
    "/customer-payments",
    {
      customerId: elevate.customerId,
      amountInMajorCurrency: money(amount),
      type: "CHEQUE",
      ...extra
    },
    headers
  )
const list = (query: Record<string, string> = {}) =>
  get("/customer-payments", { customer_id: String(elevate.customerId), page: "1", pageSize: "100", ...query })
const rows = (response: TestResponse) => plain(response) as Array<Record<string, unknown>>
const balanceOf = async (customerId: CustomerId) =>
  (await testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(customerId)))).balance

beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

describe("authentication", () => {
  it("issues a 15-minute JWT for a user's password and accepts it as a bearer token", async () => {
    const response = await testbed.request({
      method: "POST",
      path: "/authenticate",
      body: { brand: "acme", username: elevate.username, password }
    })
    expect(response.status).toBe(200)
    const { token, username } = plain(response) as { token: string; username: string }
    expect(username).toBe(elevate.username)
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ iss: "paybridge", aud: "elevate", brand: "acme", username: elevate.username })
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(15 * 60)
    const read = await testbed.request({
      method: "GET",
      path: "/customer-balances",
      query: { customer_id: String(elevate.customerId) },
      headers: { authorization: `Bearer ${token}` }
    })
    expect(read.status).toBe(200)
  })

  it("refuses wrong passwords, tampered, foreign and expired tokens with 401 in Elevate's shape", async () => {
    const wrong = await testbed.request({
      method: "POST",
      path: "/authenticate",
      body: { brand: "acme", username: elevate.username, password: "not the password" }
    })
    expectError(wrong, 401)
    const missingField = await testbed.request({ method: "POST", path: "/authenticate", body: { username: "x" } })
    expectError(missingField, 400, "brand")

    const probe = (token: string) =>
      testbed.request({
        method: "GET",
        path: "/customer-balances",
        query: { customer_id: String(elevate.customerId) },
        headers: { authorization: `Bearer ${token}` }
      })
    const [header, payload, signature] = elevate.token.split(".")
    const claims = decodeJwt(elevate.token)
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: String(Number(claims.sub) + 1000) })).toString("base64url")}.${signature}`
    expectError(await probe(forged), 401)
    expectError(await probe(`${header}.${payload}.${"A".repeat(43)}`), 401)
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`
    expectError(await probe(unsigned), 401)
    expect((await probe(elevate.token)).status).toBe(200)

    // A token from another key (another deployment) and an expired one, with a pinned clock.
    let now = Date.parse("2026-03-14T09:00:00Z")
    const pinned = await makeDialectTestbed({
      dialect: elevateDialect,
      layer: Layer.merge(
        inMemoryTestbedLayer(),
        Layer.succeed(ElevateTokenSettings, { secret: new TextEncoder().encode("k".repeat(32)), now: () => now })
      )
    })
    try {
      await pinned.createUser({ email: "clock@paybridge.test", name: "Clock", role: "finance", password })
      const token = await login(pinned, "clock@paybridge.test")
      const at = (bearer: string) =>
        pinned.request({
          method: "GET",
          path: "/refunds",
          query: { page: "1", pageSize: "10" },
          headers: { authorization: `Bearer ${bearer}` }
        })
      expect((await at(token)).status).toBe(200)
      expectError(await at(elevate.token), 401)
      now += 14 * 60 * 1000
      expect((await at(token)).status).toBe(200)
      // A verified token is remembered, but only within its own exp: its last millisecond still
      // works, the first one past it does not (as jose decides: whole seconds, exp excluded).
      now += 60 * 1000 - 1
      expect((await at(token)).status).toBe(200)
      now += 1
      expectError(await at(token), 401)
      now += 61 * 1000
      expectError(await at(token), 401)
    } finally {
      await pinned.dispose()
    }
  })
})

describe("customer payments", () => {
  const vendorExample = {
    id: 1,
    customerId: 1,
    amountInMajorCurrency: 10.5,
    resultingCustomerBalance: 10.5,
    currencyId: 1,
    description: "string",
    reference: "string",
    type: "CHEQUE",
    paymentDate: "2019-08-24",
    customerPaymentType: "CUSTOMER",
    txnType: "INVOICE_CREATED",
    invoiceNumber: "string",
    invoiceId: 0,
    billRunType: "NORMAL"
  }
  /**
   * Field by field against the vendor's example, ignoring ids and dates. Three fields differ by
   * design (README): `currencyId` is the ISO 4217 numeric code (826 for GBP), `txnType` says
   * what the row is (`PAYMENT`), and a payment that paid no invoice has no invoice number.
   */
  const expectLikeExample = (body: Record<string, unknown>) => {
    const { id: _id, customerId: _c, paymentDate, invoiceId, ...rest } = body
    const { id: _i, customerId: _cc, paymentDate: _p, invoiceId: _v, ...example } = vendorExample
    expect(paymentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(invoiceId).toBeNull()
    expect(rest).toEqual({ ...example, currencyId: 826, txnType: "PAYMENT", invoiceNumber: null })
  }

  it("replays the vendor's create example field by field", async () => {
    const response = await post("/customer-payments", {
      customerId: elevate.customerId,
      amountInMajorCurrency: money("10.5"),
      description: "string",
      reference: "string",
      type: "CHEQUE",
      billRunType: "NORMAL"
    })
    expect(response.status).toBe(201)
    expect(response.text).toContain('"amountInMajorCurrency":10.5,"resultingCustomerBalance":10.5')
    expectLikeExample(plain(response) as Record<string, unknown>)
    expect((plain(response) as { customerId: CustomerId }).customerId).toBe(elevate.customerId)
  })

  it("replays the vendor's list example field by field", async () => {
    await pay("10.5", { description: "string", reference: "string", billRunType: "NORMAL" })
    const response = await list({ sort: "id,paymentDate:desc" })
    expect(response.status).toBe(200)
    const [only, ...others] = rows(response)
    expect(others).toEqual([])
    expectLikeExample(only ?? {})
  })

  it("replays the vendor's get example field by field", async () => {
    const made = plain(await pay("10.5", { description: "string", reference: "string" })) as { id: number }
    const response = await get(`/customer-payments/${made.id}`)
    expect(response.status).toBe(200)
    expectLikeExample(plain(response) as Record<string, unknown>)
  })

  it("answers an unknown customer payment with 404 in Elevate's shape", async () => {
    expectError(await get("/customer-payments/999999"), 404, "999999")
    expectError(await get("/customer-payments/1000000999999"), 404)
    expectError(await get("/customer-payments/abc"), 400, "customer_payment_id")
  })

  it("validates page and pageSize", async () => {
    const base = { customer_id: String(elevate.customerId) }
    expectError(await get("/customer-payments", { ...base, pageSize: "10" }), 400, "page")
    expectError(await get("/customer-payments", { ...base, page: "1" }), 400, "pageSize")
    expectError(await get("/customer-payments", { ...base, page: "0", pageSize: "10" }), 400, "page")
    expectError(await get("/customer-payments", { ...base, page: "1", pageSize: "1001" }), 400, "pageSize")
    expectError(await get("/customer-payments", { ...base, page: "1", pageSize: "0" }), 400, "pageSize")
    expectError(await get("/customer-payments", { ...base, page: "one", pageSize: "10" }), 400, "page")
    expectError(await get("/customer-payments", { page: "1", pageSize: "10" }), 400, "customer_id")
    for (const amount of ["1", "2", "3"]) expect((await pay(amount)).status).toBe(201)
    const first = await list({ page: "1", pageSize: "2" })
    const second = await list({ page: "2", pageSize: "2" })
    const third = await list({ page: "3", pageSize: "2" })
    expect(rows(first).map((row) => row.amountInMajorCurrency)).toEqual([1, 2])
    expect(rows(second).map((row) => row.amountInMajorCurrency)).toEqual([3])
    expect(rows(third)).toEqual([])
    expect((await list({ page: "1", pageSize: "1000" })).status).toBe(200)
  })

  it("answers a create with what a get shows afterwards, attributes kept with the payment, and replays it", async () => {
    const credit = await pay(
      "15.00",
      { type: "BACS", billRunType: "ADHOC", reference: "R-1" },
      { "Idempotency-Key": "elevate-create-answer-1" }
    )
    expect(credit.status).toBe(201)
    const body = plain(credit) as Record<string, unknown>
    expect(body).toMatchObject({ type: "BACS", billRunType: "ADHOC", reference: "R-1", invoiceId: null })
    expect(plain(await get(`/customer-payments/${body.id}`))).toEqual(body)
    const replay = await pay(
      "15.00",
      { type: "BACS", billRunType: "ADHOC", reference: "R-1" },
      { "Idempotency-Key": "elevate-create-answer-1" }
    )
    expect(replay.status).toBe(201)
    expect(replay.text).toBe(credit.text)
    expect(rows(await list()).map((row) => row.id)).toEqual([body.id])
    // Paying an invoice: the answer names it, as the get does.
    const invoice = await issue(testbed, elevate.customerId, "4.00", { issueDate: "2026-01-01" })
    const paying = plain(await pay("6.00", { type: "PAYPAL" })) as Record<string, unknown>
    expect(paying).toMatchObject({ type: "PAYPAL", billRunType: "NORMAL", invoiceId: invoice.id })
    expect(plain(await get(`/customer-payments/${paying.id}`))).toEqual(paying)
  })

  it("pays the oldest unpaid invoices first and keeps an overpayment as credit", async () => {
    const recent = await issue(testbed, elevate.customerId, "30.00", { issueDate: "2026-02-01" })
    const oldest = await issue(testbed, elevate.customerId, "20.00", { issueDate: "2025-12-01" })
    const adhoc = await issue(testbed, elevate.customerId, "5.00", { issueDate: "2026-01-10", kind: "bill" })
    expect(await balanceOf(elevate.customerId)).toBe(-5500n)

    const first = plain(await pay("22.00")) as Record<string, unknown>
    expect(first).toMatchObject({ amountInMajorCurrency: 22, resultingCustomerBalance: -33, invoiceId: oldest.id })
    const second = plain(await pay("40.00")) as Record<string, unknown>
    expect(second).toMatchObject({ amountInMajorCurrency: 40, resultingCustomerBalance: 7, invoiceId: adhoc.id })

    const documents = await testbed.runAsSystem(
      Documents.use((documents) => documents.listDocuments({ customerId: elevate.customerId, limit: 10 }))
    )
    expect(documents.items.map((document) => [document.id, document.state, document.outstanding])).toEqual([
      [recent.id, "paid", 0n],
      [oldest.id, "paid", 0n],
      [adhoc.id, "paid", 0n]
    ])
    const detail = await testbed.runAsSystem(
      Payments.use((payments) => payments.getPayment({ id: second.id as PaymentId }))
    )
    expect(detail.payment.allocatedAmount).toBe(3300n)
    expect(await balanceOf(elevate.customerId)).toBe(700n)
    const balance = plain(await get("/customer-balances", { customer_id: String(elevate.customerId) }))
    expect(balance).toMatchObject({ balance: 7, totalPayments: 62 })
  })

  it("books a negative customer payment as a debit adjustment", async () => {
    await pay("50.00")
    const debit = await pay("-12.25", { description: "cheque bounced", reference: "BNC-1", type: "CANCELLED_DD" })
    expect(debit.status).toBe(201)
    const body = plain(debit) as Record<string, unknown>
    expect(body).toMatchObject({
      amountInMajorCurrency: -12.25,
      resultingCustomerBalance: 37.75,
      txnType: "DEBIT",
      type: "CANCELLED_DD",
      description: "cheque bounced",
      reference: "BNC-1"
    })
    expect(await balanceOf(elevate.customerId)).toBe(3775n)
    const chain = await testbed.runAsSystem(
      Balances.use((balances) => balances.listBalanceEntries(elevate.customerId, { limit: 10 }))
    )
    expect(chain.items.map((entry) => [entry.kind, entry.delta])).toEqual([
      ["payment-posted", 5000n],
      ["adjustment", -1225n]
    ])
    expect(plain(await get(`/customer-payments/${body.id}`))).toEqual(body)
    expect(rows(await list({ excludeDebits: "true" })).map((row) => row.amountInMajorCurrency)).toEqual([50])
    expect(rows(await list({ excludeCredits: "true" })).map((row) => row.amountInMajorCurrency)).toEqual([-12.25])
    expectError(await pay("0"), 400, "zero")
    expectError(await pay("1.001"), 400)
  })

  it("books a JSON amount in exponent notation exactly: 1.05e1 is 10.50, 1e-3 is refused like 0.001 (issue 12)", async () => {
    const response = await pay("1.05e1")
    expect(response.status, response.text).toBe(201)
    expect(response.text).toContain('"amountInMajorCurrency":10.5,')
    const id = (plain(response) as { id: PaymentId }).id
    const detail = await testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id })))
    expect(detail.payment.amount).toBe(1050n)
    expect((await pay("1.0E7")).status).toBe(201)
    expect(await balanceOf(elevate.customerId)).toBe(1050n + 1_000_000_000n)
    const tooFine = await pay("1e-3")
    expectError(tooFine, 400, "GBP amounts have at most 2 decimal places")
    expect((plain(tooFine) as { message: string }).message).toBe(
      (plain(await pay("0.001")) as { message: string }).message
    )
    expectError(await pay("1e400"), 400, "exponent is out of range")
    const debit = await pay("-1.05e1")
    expect(debit.status, debit.text).toBe(201)
    expect(debit.text).toContain('"amountInMajorCurrency":-10.5,')
    expect(await balanceOf(elevate.customerId)).toBe(1_000_000_000n)
  })
})

describe("filters", () => {
  const seedPayments = async () => {
    const made: Array<Record<string, unknown>> = []
    for (const [amount, type, reference, description] of [
      ["10.00", "CHEQUE", "INV-A", "first payment"],
      ["20.50", "BACS", "O'Brien; DROP TABLE payments;--", "second payment"],
      ["30.00", "CREDIT_CARD", "abc%def_1", "third"]
    ] as const) {
      made.push(plain(await pay(amount, { type, reference, description })) as Record<string, unknown>)
    }
    made.push(
      plain(await pay("-5.00", { type: "OTHER", reference: "DEBIT-1", description: "a debit" })) as Record<
        string,
        unknown
      >
    )
    return made
  }
  const filtered = async (filter: string, extra: Record<string, string> = {}) => {
    const response = await list({ filter, ...extra })
    expect(response.status, response.text).toBe(200)
    return rows(response).map((row) => row.amountInMajorCurrency)
  }

  it("applies every operator of the filter grammar", async () => {
    const [p1] = await seedPayments()
    const today = String(p1?.paymentDate)
    const dayBefore = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    const dayAfter = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

    expect(await filtered("type=CHEQUE")).toEqual([10])
    expect(await filtered("type=in:CHEQUE,BACS")).toEqual([10, 20.5])
    expect(await filtered("reference=like:INV%")).toEqual([10])
    expect(await filtered("reference=like:brien")).toEqual([20.5])
    expect(await filtered("reference=like:abc_def%")).toEqual([30])
    expect(await filtered("description=first payment")).toEqual([10])
    expect(await filtered("like:payment")).toEqual([10, 20.5])
    expect(await filtered(`paymentDate=${today}`)).toEqual([10, 20.5, 30, -5])
    expect(await filtered(`paymentDate=lt:${today}`)).toEqual([])
    expect(await filtered(`paymentDate=gt:${dayBefore}`)).toEqual([10, 20.5, 30, -5])
    expect(await filtered(`paymentDate=gt:${today}`)).toEqual([])
    expect(await filtered(`paymentDate=gtn:${dayAfter}`)).toEqual([])
    expect(await filtered(`id=gt:${p1?.id}`)).toEqual([20.5, 30, -5])
    expect(await filtered(`id=in:${p1?.id},999999`)).toEqual([10])
    expect(await filtered("amountInMajorCurrency=gt:15")).toEqual([20.5, 30])
    expect(await filtered("amountInMajorCurrency=lt:0")).toEqual([-5])
    expect(await filtered("amountInMajorCurrency=20.50")).toEqual([20.5])
    expect(await filtered("resultingCustomerBalance=gt:30.5;type=in:CREDIT_CARD,OTHER")).toEqual([30, -5])
    expect(await filtered("txnType=DEBIT")).toEqual([-5])
    expect(await filtered("invoiceId=gtn:0")).toEqual([10, 20.5, 30, -5])
    expect(await filtered("", { customerPaymentType: "in:CUSTOMER,INVOICE" })).toEqual([10, 20.5, 30, -5])
    expect(await filtered("", { customerPaymentType: "INVOICE" })).toEqual([])
    expect(await filtered("", { excludeDebits: "true", excludeCredits: "false" })).toEqual([10, 20.5, 30])
    expect(await filtered("", { sort: "amountInMajorCurrency:desc" })).toEqual([30, 20.5, 10, -5])
    expect(await filtered("", { sort: "type,id:desc" })).toEqual([20.5, 10, 30, -5])
    const projected = await list({ fields: "id,amountInMajorCurrency", sort: "id" })
    expect(Object.keys(rows(projected)[0] ?? {})).toEqual(["id", "amountInMajorCurrency"])
  })

  it("answers hostile filter input with 400 naming the problem, never an error or a match", async () => {
    await seedPayments()
    // Quotes and SQL fragments are data: they match only what they literally say.
    expect(await filtered("reference=' OR '1'='1")).toEqual([])
    expect(await filtered("reference=like:%' OR 1=1 --")).toEqual([])
    expect(await filtered("reference=like:O'Brien%")).toEqual([20.5])
    // `;` separates clauses, so an injected statement is just more clauses that must all match.
    expect(await filtered("reference=O'Brien; DROP TABLE payments;--")).toEqual([])
    expect(await filtered("reference=like:.*")).toEqual([])
    expect(await filtered("description=like:(a+)+$")).toEqual([])
    expect(await filtered("like:\\")).toEqual([])
    expect((await list()).status).toBe(200)

    expectError(await list({ filter: "password=secret" }), 400, '"password"')
    expectError(await list({ filter: "type=in:CHEQUE,NOT_A_METHOD" }), 400, "NOT_A_METHOD")
    const huge = Array.from({ length: 101 }, (_, index) => String(index + 1)).join(",")
    expectError(await list({ filter: `id=in:${huge}` }), 400, "at most 100")
    expectError(await list({ filter: `reference=${"x".repeat(201)}` }), 400, "at most 200")
    expectError(await list({ filter: `reference=like:${"%a".repeat(11)}` }), 400, "wildcards")
    expectError(await list({ filter: "paymentDate=lt:2024-02-30" }), 400, "2024-02-30")
    expectError(await list({ filter: "paymentDate=lt:yesterday; DROP TABLE x" }), 400, "paymentDate")
    expectError(await list({ filter: "id=lt:1 OR 1=1" }), 400, "id")
    expectError(await list({ filter: "amountInMajorCurrency=1e5" }), 400, "decimal")
    expectError(await list({ filter: "type=lt:CHEQUE" }), 400, "lt")
    expectError(await list({ filter: "id=like:1%" }), 400, "like")
    expectError(await list({ filter: "reference=" }), 400, "empty")
    expectError(await list({ filter: Array.from({ length: 21 }, () => "type=CHEQUE").join(";") }), 400, "at most 20")
    expectError(await list({ sort: "amountInMajorCurrency;drop table" }), 400, "sort")
    expectError(await list({ sort: "id:sideways" }), 400, "sort")
    expectError(await list({ fields: "id,password" }), 400, '"password"')
    expectError(await list({ excludeDebits: "yes" }), 400, "excludeDebits")
    expect(await filtered("", { customerPaymentType: "like:CUST%'--" })).toEqual([])
    expectError(await list({ customerPaymentType: "CUSTOMER' OR '1'='1" }), 400, "customerPaymentType")
  })
})

describe("payment providers", () => {
  it("creates, lists and reads payment providers as ledger gateways", async () => {
    const admin = await seed(testbed, "admin")
    const asAdmin = (request: TestRequest) => testbed.request(authorize(request, admin))
    const created = await asAdmin({
      method: "POST",
      path: "/payment-providers",
      body: {
        type: "GO_CARDLESS",
        name: "GoCardless UK",
        status: "ACTIVE",
        creditorIdentifier: "GB12ZZZ",
        instantBankPayments: true,
        contractOwnerIds: [1]
      }
    })
    expect(created.status, created.text).toBe(201)
    const provider = plain(created) as Record<string, unknown>
    expect(provider).toMatchObject({
      type: "GO_CARDLESS",
      name: "GoCardless UK",
      status: "ACTIVE",
      creditorIdentifier: "GB12ZZZ",
      instantBankPayments: true,
      retryIfPossible: false,
      contractOwnerIds: [1]
    })
    const gateway = await testbed.runAsSystem(Parties.use((parties) => parties.getGateway(provider.id as GatewayId)))
    expect([gateway.name, gateway.enabled]).toEqual(["GoCardless UK", true])
    await testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: "stripe", name: "Stripe", enabled: false }))
    )

    expect(plain(await get(`/payment-providers/${provider.id}`))).toEqual(provider)
    const all = await get("/payment-providers", { page: "1", pageSize: "10" })
    expect(rows(all).map((row) => [row.name, row.type, row.status])).toEqual([
      ["GoCardless UK", "GO_CARDLESS", "ACTIVE"],
      ["Stripe", "OTHER", "INACTIVE"]
    ])
    expect(rows(await get("/payment-providers", { page: "1", pageSize: "10", type: "GO_CARDLESS" }))).toHaveLength(1)
    expectError(await get("/payment-providers/999999"), 404)
    // Creating a provider configures the platform: a finance user may not.
    expectError(await post("/payment-providers", { type: "STRIPE", name: "Nope", status: "ACTIVE" }), 403)
    expectError(await post("/payment-providers", { type: "NOT_A_METHOD", name: "Nope", status: "ACTIVE" }), 400, "type")
  })
})

describe("payment provider updates", () => {
  it("updates a provider's name, status and settings with JSON Patch", async () => {
    const admin = await seed(testbed, "admin")
    const asAdmin = (request: TestRequest) => testbed.request(authorize(request, admin))
    const provider = plain(
      await asAdmin({
        method: "POST",
        path: "/payment-providers",
        body: { type: "GO_CARDLESS", name: "GoCardless", status: "ACTIVE" }
      })
    ) as { id: number }
    const patch = (body: unknown, as = asAdmin) =>
      as({ method: "PATCH", path: `/payment-providers/${provider.id}`, body })
    const updated = await patch([
      { op: "replace", path: "/name", value: "GoCardless EU" },
      { op: "replace", path: "/status", value: "INACTIVE" },
      { op: "replace", path: "/instantBankPayments", value: true },
      { op: "replace", path: "/creditorIdentifier", value: "DE98ZZZ" }
    ])
    expect(updated.status, updated.text).toBe(200)
    expect(plain(updated)).toMatchObject({
      id: provider.id,
      type: "GO_CARDLESS",
      name: "GoCardless EU",
      status: "INACTIVE",
      instantBankPayments: true,
      creditorIdentifier: "DE98ZZZ"
    })
    expect(plain(await get(`/payment-providers/${provider.id}`))).toEqual(plain(updated))
    const gateway = await testbed.runAsSystem(Parties.use((parties) => parties.getGateway(provider.id as GatewayId)))
    expect([gateway.name, gateway.enabled]).toEqual(["GoCardless EU", false])
    // A disabled provider takes no payments.
    const refused = await post("/instant-bank-payment-for-mandate", {
      customerId: elevate.customerId,
      paymentProviderId: provider.id,
      mandateReference: "MD-1",
      amountInMajorCurrency: money("5.00")
    })
    expectError(refused, 400, "disabled")
    // Bad operations change nothing; only admins may patch.
    expectError(await patch([{ op: "replace", path: "/type", value: "STRIPE" }]), 400, "/name")
    expectError(await patch([{ op: "remove", path: "/name" }]), 400, "replace")
    expectError(await patch([{ op: "replace", path: "/status", value: "PAUSED" }]), 400, "status")
    expectError(await patch([{ op: "replace", path: "/name", value: "X" }], send), 403)
    expect(plain(await get(`/payment-providers/${provider.id}`))).toEqual(plain(updated))
    expectError(
      await asAdmin({
        method: "PATCH",
        path: "/payment-providers/999999",
        body: [{ op: "replace", path: "/name", value: "N" }]
      }),
      404
    )
  })
})

describe("site payment mandates", () => {
  it("records a mandate per site and finds it by id and by site", async () => {
    const made = await post("/site-payment-mandates", {
      siteId: elevate.customerId,
      returnURL: "https://example.test/return",
      redirectURL: "https://provider.test/flow",
      mandateReference: "MD0001"
    })
    expect(made.status, made.text).toBe(201)
    const mandate = plain(made) as Record<string, unknown>
    expect(mandate).toMatchObject({
      siteId: elevate.customerId,
      returnURL: "https://example.test/return",
      redirectURL: "https://provider.test/flow",
      mandateReference: "MD0001",
      exitURL: null,
      flowToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/)
    })
    expect(plain(await get(`/site-payment-mandates/${mandate.id}`))).toEqual(mandate)
    const bySite = await get("/site-payment-mandates", {
      page: "1",
      pageSize: "10",
      siteId: String(elevate.customerId)
    })
    expect(rows(bySite)).toEqual([mandate])
    expectError(await get("/site-payment-mandates/999999"), 404)
    expectError(await post("/site-payment-mandates", { siteId: 999999, returnURL: "https://x.test" }), 404)
    expectError(await post("/site-payment-mandates", { siteId: elevate.customerId }), 400, "returnURL")
    // Retried with the same idempotency key, the same mandate comes back.
    const again = await post(
      "/site-payment-mandates",
      { siteId: elevate.customerId, returnURL: "https://example.test/r2" },
      { "idempotency-key": "mandate-1" }
    )
    const replay = await post(
      "/site-payment-mandates",
      { siteId: elevate.customerId, returnURL: "https://example.test/r2" },
      { "idempotency-key": "mandate-1" }
    )
    expect(replay.text).toBe(again.text)
  })
})

describe("invoice payments", () => {
  const payOneDocument = async (
    path: "/invoice-payments" | "/adhoc-invoice-payments",
    kind: "invoice" | "bill",
    billRunType: "NORMAL" | "ADHOC"
  ) => {
    const document = await issue(testbed, elevate.customerId, "45.00", { kind })
    const other = await issue(testbed, elevate.customerId, "45.00", { kind: kind === "bill" ? "invoice" : "bill" })
    const made = await post(path, {
      invoiceId: document.id,
      amountInMajorCurrency: money("45.00"),
      type: "BACS",
      reference: "R-1"
    })
    expect(made.status, made.text).toBe(201)
    const payment = plain(made) as Record<string, unknown>
    expect(payment).toMatchObject({
      invoiceId: document.id,
      customerId: elevate.customerId,
      customerPaymentType: "INVOICE",
      amountInMajorCurrency: 45,
      type: "BACS",
      status: "NA",
      billRunType,
      paymentProviderId: null
    })
    expect(plain(await get(`${path}/${payment.id}`))).toEqual(payment)
    expect(rows(await get(path, { page: "1", pageSize: "10" }))).toEqual([payment])
    expect(rows(await get(path, { page: "1", pageSize: "10", generatedInvoiceId: String(other.id) }))).toEqual([])
    expect(rows(await get(path, { page: "1", pageSize: "10", billRunId: "1" }))).toEqual([])
    // The same payment is a customer payment of type INVOICE, and it paid the document.
    const asCustomerPayment = plain(await get(`/customer-payments/${payment.id}`))
    expect(asCustomerPayment).toMatchObject({ customerPaymentType: "INVOICE", invoiceId: document.id, billRunType })
    const paid = await testbed.runAsSystem(Documents.use((documents) => documents.getDocument(document.id)))
    expect(paid.state).toBe("paid")
    expectError(await post(path, { invoiceId: other.id }), 400, "invoice")
    // A provider payment goes through the gateway and shows its outcome.
    const provider = await testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: `gw-${kind}`, name: "Gateway" }))
    )
    const open = await issue(testbed, elevate.customerId, "10.51", { kind })
    const declined = await post(path, {
      invoiceId: open.id,
      paymentProviderId: provider.id,
      mandateReference: "MD-1"
    })
    expect(plain(declined)).toMatchObject({
      status: "UNPAID",
      paymentProviderId: provider.id,
      errorInfo: "card declined"
    })
  }

  it("pays one invoice through the /invoice-payments endpoint and lists it", () =>
    payOneDocument("/invoice-payments", "invoice", "NORMAL"))
  it("pays one bill through the /adhoc-invoice-payments endpoint and lists it", () =>
    payOneDocument("/adhoc-invoice-payments", "bill", "ADHOC"))

  it("shows payments made through other protocols and Elevate's customer payments as events of the invoice", async () => {
    const invoice = await issue(testbed, elevate.customerId, "100.00", { issueDate: "2026-01-01" })
    const bill = await issue(testbed, elevate.customerId, "30.00", { kind: "bill", issueDate: "2026-01-02" })
    const page = { page: "1", pageSize: "10" }
    const ofInvoice = async () =>
      rows(await get("/invoice-payments", { ...page, generatedInvoiceId: String(invoice.id) }))
    // Made through the invoice-payment endpoint: shown exactly as created.
    const made = plain(
      await post("/invoice-payments", { invoiceId: invoice.id, amountInMajorCurrency: money("20.00"), type: "BACS" })
    ) as Record<string, unknown>
    // Made elsewhere (the ledger command tRPC and the other dialects call): 60.00, 40.00 of it on the invoice.
    const elsewhere = await testbed.runAsSystem(
      Payments.use((payments) =>
        payments.createPayment({
          customerId: elevate.customerId,
          amount: "60.00",
          allocations: [{ documentId: invoice.id, amount: "40.00" }],
          thirdPartyReference: "TRPC-7"
        })
      )
    )
    const allocation = elsewhere.allocations[0]
    if (allocation === undefined) throw new Error("the payment was not allocated")
    const derived = {
      id: 2_000_000_000_000 + allocation.id,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: elevate.customerId,
      customerPaymentId: elsewhere.payment.id,
      customerPaymentType: "CUSTOMER",
      amountInMajorCurrency: 40,
      currencyId: 826,
      paymentDate: elsewhere.payment.paymentDate,
      type: "OTHER",
      status: "NA",
      paymentProviderId: null,
      reference: "TRPC-7",
      description: null,
      billRunType: "NORMAL",
      errorInfo: null
    }
    expect(await ofInvoice()).toEqual([made, derived])
    expect(plain(await get(`/invoice-payments/${derived.id}`))).toEqual(derived)
    expect(rows(await get("/invoice-payments", page))).toEqual([made, derived])
    expect(rows(await get("/invoice-payments", { ...page, customerPaymentId: String(elsewhere.payment.id) }))).toEqual([
      derived
    ])
    expect(
      rows(await get("/invoice-payments", { ...page, customerPaymentType: "CUSTOMER", fields: "id,status" }))
    ).toEqual([{ id: derived.id, status: "NA" }])
    // Not an adhoc invoice payment, and an unknown allocation is a 404.
    expectError(await get(`/adhoc-invoice-payments/${derived.id}`), 404)
    expectError(await get(`/invoice-payments/${2_000_000_000_000 + allocation.id + 1000}`), 404)
    expect(rows(await get("/invoice-payments", { ...page, generatedInvoiceId: "999999" }))).toEqual([])
    // A partial reversal elsewhere shows in the event's status; the Elevate event is untouched.
    await testbed.runAsSystem(
      Payments.use((payments) => payments.reversePayment({ paymentId: elsewhere.payment.id, amount: "10.00" }))
    )
    expect(await ofInvoice()).toEqual([made, { ...derived, status: "PARTIALLY_PAID" }])
    // Elevate's own customer payment pays the rest of the invoice and the bill, oldest first.
    const customerPayment = plain(await pay("70.00")) as Record<string, unknown>
    const events = await ofInvoice()
    expect(events).toHaveLength(3)
    expect(events[2]).toMatchObject({
      customerPaymentId: customerPayment.id,
      customerPaymentType: "CUSTOMER",
      amountInMajorCurrency: 40,
      type: "CHEQUE",
      status: "NA"
    })
    const adhoc = rows(await get("/adhoc-invoice-payments", { ...page, generatedInvoiceId: String(bill.id) }))
    expect(adhoc).toEqual([
      expect.objectContaining({
        invoiceId: bill.id,
        customerPaymentId: customerPayment.id,
        amountInMajorCurrency: 30,
        billRunType: "ADHOC",
        type: "CHEQUE"
      })
    ])
    expect(rows(await get("/invoice-payments", { ...page, generatedInvoiceId: String(bill.id) }))).toEqual([])
  })
})

describe("refunds", () => {
  const paidInvoice = async () => {
    const invoice = await issue(testbed, elevate.customerId, "60.00")
    const made = plain(await post("/invoice-payments", { invoiceId: invoice.id, type: "DIRECT_DEBIT" })) as Record<
      string,
      unknown
    >
    return { invoice, paymentId: made.id as number }
  }
  const patch = (id: unknown, status: string) =>
    send({
      method: "PATCH",
      path: `/refunds/${id}`,
      body: [{ op: "replace", path: "/thirdPartyRefundStatus", value: status }]
    })

  it("walks a refund through Elevate's statuses on the ledger's refund lifecycle", async () => {
    const { invoice, paymentId } = await paidInvoice()
    const made = await post("/refunds", {
      invoiceId: invoice.id,
      amountInMajorCurrency: money("25.00"),
      description: "goodwill"
    })
    expect(made.status, made.text).toBe(201)
    const refund = plain(made) as Record<string, unknown>
    expect(refund).toMatchObject({
      invoiceId: invoice.id,
      customerId: elevate.customerId,
      billRunType: "NORMAL",
      thirdPartyRefundStatus: "CREATED",
      description: "goodwill",
      paymentMethod: "DIRECT_DEBIT",
      amountInMajorCurrency: 25
    })
    expect(await balanceOf(elevate.customerId)).toBe(-2500n)
    const ledgerRefund = () => testbed.runAsSystem(Refunds.use((refunds) => refunds.getRefund(refund.id as RefundId)))
    expect((await ledgerRefund()).paymentId).toBe(paymentId)

    const steps: Array<[string, string]> = [
      ["PENDING_SUBMISSION", "requested"],
      ["SUBMITTED", "submitted"],
      ["PAID", "settled"],
      ["REFUND_SETTLED", "settled"],
      ["MANUALLY_REFUNDED", "settled"]
    ]
    for (const [status, state] of steps) {
      const response = await patch(refund.id, status)
      expect(response.status, response.text).toBe(200)
      expect(plain(response)).toMatchObject({ thirdPartyRefundStatus: status })
      expect((await ledgerRefund()).state).toBe(state)
    }
    expect(plain(await get(`/refunds/${refund.id}`))).toMatchObject({ thirdPartyRefundStatus: "MANUALLY_REFUNDED" })
    expect(await balanceOf(elevate.customerId)).toBe(-2500n)

    // A second refund that bounces gives its money back to the balance; one cancelled too.
    const bounced = plain(await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("10.00") })) as {
      id: number
    }
    await patch(bounced.id, "SUBMITTED")
    expect(plain(await patch(bounced.id, "FUNDS_RETURNED"))).toMatchObject({ thirdPartyRefundStatus: "FUNDS_RETURNED" })
    const cancelled = plain(
      await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("5.00") })
    ) as { id: number }
    expect(plain(await patch(cancelled.id, "CANCELLED"))).toMatchObject({ thirdPartyRefundStatus: "CANCELLED" })
    expect(await balanceOf(elevate.customerId)).toBe(-2500n)

    const listed = await get("/refunds", { page: "1", pageSize: "10", invoiceId: String(invoice.id), sort: "id" })
    expect(rows(listed).map((row) => row.thirdPartyRefundStatus)).toEqual([
      "MANUALLY_REFUNDED",
      "FUNDS_RETURNED",
      "CANCELLED"
    ])
    expect(rows(await get("/refunds", { page: "1", pageSize: "10", billRunType: "ADHOC" }))).toEqual([])
    expectError(await get("/refunds/999999"), 404)
  })

  it("refuses a refund larger than what paid the invoice", async () => {
    const { invoice } = await paidInvoice()
    expectError(await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("60.01") }), 409)
    const unpaid = await issue(testbed, elevate.customerId, "10.00")
    expectError(await post("/refunds", { invoiceId: unpaid.id }), 400, "nothing has been paid")
    expectError(await post("/refunds", { invoiceId: invoice.id, billRunType: "ADHOC" }), 400, "NORMAL")
    const whole = await post("/refunds", { invoiceId: invoice.id })
    expect(plain(whole)).toMatchObject({ amountInMajorCurrency: 60 })
  })

  it("refuses a status the ledger's lifecycle does not allow from the current one", async () => {
    const { invoice } = await paidInvoice()
    const refund = plain(await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("1.00") })) as {
      id: number
    }
    expectError(await patch(refund.id, "BOUNCED"), 409)
    expect((await patch(refund.id, "SUBMITTED")).status).toBe(200)
    expectError(await patch(refund.id, "CREATED"), 409, "cannot go back")
    expect((await patch(refund.id, "REFUND_SETTLED")).status).toBe(200)
    expectError(await patch(refund.id, "CANCELLED"), 409)
    expectError(await patch(refund.id, "DONE"), 400, "thirdPartyRefundStatus")
    expectError(
      await send({
        method: "PATCH",
        path: `/refunds/${refund.id}`,
        body: [{ op: "remove", path: "/amountInMajorCurrency" }]
      }),
      400,
      "replace"
    )
  })
})

describe("balances", () => {
  it("shows the balance, payment totals and a manual adjustment", async () => {
    await issue(testbed, elevate.customerId, "100.00")
    await pay("30.00", { type: "BACS" })
    const adjusted = await post("/customer-balances", {
      customerId: elevate.customerId,
      amountInMajorCurrency: money("-2.50"),
      description: "late fee"
    })
    expect(adjusted.status, adjusted.text).toBe(200)
    expect(plain(adjusted)).toMatchObject({
      customerId: elevate.customerId,
      amountInMajorCurrency: -2.5,
      currencyId: 826,
      description: "late fee",
      resultingCustomerBalance: -72.5
    })
    const balance = await get("/customer-balances", { customer_id: String(elevate.customerId) })
    expect(plain(balance)).toEqual({
      id: elevate.customerId,
      customerId: elevate.customerId,
      balance: -72.5,
      currencyId: 826,
      totalPayments: 30,
      totalPaymentsSinceLastInvoice: 30,
      paymentMethodSummary: { paymentMethod: "BACS", summaryType: "NONE" },
      repaymentPlanSummary: { repaymentPlanAmount: 0, repaymentPlanRemainingPeriods: 0, summaryType: "NONE" }
    })
    expectError(
      await post("/customer-balances", { customerId: elevate.customerId, amountInMajorCurrency: money("100000.01") }),
      400,
      "100000"
    )
    expectError(
      await post("/customer-balances", { customerId: elevate.customerId, amountInMajorCurrency: 0 }),
      400,
      "zero"
    )
    expectError(await get("/customer-balances", { customer_id: "999999" }), 404)
  })

  it("sums the payment totals as a whole-history reading of the ledger does (reversals, since the last live invoice)", async () => {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5))
    // The reading the endpoint answered before it summed in SQL: every posted payment and document.
    const wholeHistory = () =>
      testbed.runAsSystem(
        Effect.gen(function* () {
          const payments = yield* Payments.use((ledger) =>
            ledger.listPayments({ customerId: elevate.customerId, states: ["posted"], order: "id", limit: 1000 })
          )
          const documents = yield* Documents.use((ledger) =>
            ledger.listDocuments({ customerId: elevate.customerId, kinds: ["invoice", "bill"], limit: 1000 })
          )
          const lastInvoiceAt = documents.items
            .filter((document) => document.state !== "cancelled")
            .reduce<Date | null>((latest, d) => (latest === null || d.createdAt > latest ? d.createdAt : latest), null)
          const net = payments.items.map((payment) => ({
            amount: Number(payment.amount - payment.reversedAmount) / 100,
            since: lastInvoiceAt === null || (payment.postedAt !== null && payment.postedAt >= lastInvoiceAt)
          }))
          return {
            totalPayments: net.reduce((sum, row) => sum + row.amount, 0),
            totalPaymentsSinceLastInvoice: net.reduce((sum, row) => sum + (row.since ? row.amount : 0), 0)
          }
        })
      )
    const balance = async () => plain(await get("/customer-balances", { customer_id: String(elevate.customerId) }))
    expect(await balance()).toMatchObject({
      totalPayments: 0,
      totalPaymentsSinceLastInvoice: 0,
      paymentMethodSummary: { paymentMethod: "OTHER", summaryType: "NONE" }
    })
    await pay("30.00", { type: "BACS" })
    await pause()
    await issue(testbed, elevate.customerId, "100.00")
    await pause()
    const second = plain(await pay("20.00", { type: "BACS" })) as { id: number }
    // Made elsewhere (no Elevate record): the newest payment, so the method shown is OTHER.
    await testbed.runAsSystem(
      Payments.use((payments) => payments.createPayment({ customerId: elevate.customerId, amount: "15.00" }))
    )
    await testbed.runAsSystem(
      Payments.use((payments) => payments.reversePayment({ paymentId: second.id as PaymentId, amount: "5.00" }))
    )
    await pause()
    const cancelled = await issue(testbed, elevate.customerId, "10.00", { kind: "bill" })
    await testbed.runAsSystem(Documents.use((documents) => documents.cancelDocument(cancelled.id)))
    expect(await balance()).toMatchObject({
      ...(await wholeHistory()),
      totalPayments: 60,
      totalPaymentsSinceLastInvoice: 30,
      paymentMethodSummary: { paymentMethod: "OTHER", summaryType: "NONE" }
    })
    await pay("7.00", { type: "BACS" })
    expect(await balance()).toMatchObject({
      ...(await wholeHistory()),
      totalPayments: 67,
      totalPaymentsSinceLastInvoice: 37,
      paymentMethodSummary: { paymentMethod: "BACS", summaryType: "NONE" }
    })
  })

  it("compares what a customer owes with their credit threshold", async () => {
    await testbed.runAsSystem(
      Parties.use((parties) => parties.updateCustomer({ customerId: elevate.customerId, creditLimit: "100.00" }))
    )
    const other = await testbed.runAsSystem(
      Parties.use((parties) => parties.createCustomer({ name: "No Limit", currency: "EUR" }))
    )
    await issue(testbed, elevate.customerId, "60.00")
    await issue(testbed, elevate.customerId, "20.00")
    await pay("20.00")
    const response = await get("/customer-credit-status", { page: "1", pageSize: "10" })
    expect(rows(response)).toEqual([
      {
        customerId: elevate.customerId,
        creditThreshold: 100,
        billAmount: 60,
        valueDifference: 40,
        percentageDifference: 60,
        openBillRunValue: 60
      },
      {
        customerId: other.id,
        creditThreshold: null,
        billAmount: 0,
        valueDifference: null,
        percentageDifference: null,
        openBillRunValue: 0
      }
    ])
    expect(response.text).toContain('"percentageDifference":60.00')
    const over = await get("/customer-credit-status", { page: "1", pageSize: "10", percentageDifference: "gt:50" })
    expect(rows(over).map((row) => row.customerId)).toEqual([elevate.customerId])
    const one = await get("/customer-credit-status", { page: "1", pageSize: "10", customerId: String(other.id) })
    expect(rows(one).map((row) => row.customerId)).toEqual([other.id])
  })
})

describe("payment links", () => {
  it("creates a payment link through the gateway port for an invoice or a balance", async () => {
    const provider = await testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: "paylink", name: "Pay Link" }))
    )
    const invoice = await issue(testbed, elevate.customerId, "80.00")
    const adhoc = await issue(testbed, elevate.customerId, "8.00", { kind: "bill" })
    const before = await balanceOf(elevate.customerId)
    const made = await post("/payment-provider-payment-link", {
      paymentProviderId: provider.id,
      amountInMajorCurrency: money("80.00"),
      description: "Invoice 1",
      emailAddress: "ada@example.test",
      invoiceId: invoice.id
    })
    expect(made.status, made.text).toBe(201)
    expect(plain(made)).toMatchObject({
      paymentProviderId: provider.id,
      amountInMajorCurrency: 80,
      currencyId: 826,
      description: "Invoice 1",
      emailAddress: "ada@example.test",
      invoiceId: invoice.id,
      adhocInvoiceId: null,
      customerId: elevate.customerId,
      url: expect.stringMatching(/^https:\/\/pay\.test-gateway\.invalid\/paylink\//)
    })
    expect(await balanceOf(elevate.customerId)).toBe(before)
    const forBalance = await post("/payment-provider-payment-link", {
      paymentProviderId: provider.id,
      amountInMajorCurrency: money("12.34"),
      description: "Top up",
      customerId: elevate.customerId
    })
    expect(plain(forBalance)).toMatchObject({
      customerId: elevate.customerId,
      invoiceId: null,
      amountInMajorCurrency: 12.34
    })
    const link = (body: Record<string, unknown>) =>
      post("/payment-provider-payment-link", { paymentProviderId: provider.id, description: "x", ...body })
    expectError(
      await link({ amountInMajorCurrency: money("1"), invoiceId: invoice.id, customerId: elevate.customerId }),
      400,
      "exactly one"
    )
    expectError(await link({ amountInMajorCurrency: money("1"), invoiceId: adhoc.id }), 400, "adhoc")
    expect((await link({ amountInMajorCurrency: money("1"), adhocInvoiceId: adhoc.id })).status).toBe(201)
    expectError(
      await link({ amountInMajorCurrency: money("100000.01"), customerId: elevate.customerId }),
      400,
      "100000"
    )
    expectError(await link({ amountInMajorCurrency: money("0"), customerId: elevate.customerId }), 400)
    expectError(
      await post("/payment-provider-payment-link", {
        paymentProviderId: 999999,
        amountInMajorCurrency: money("1"),
        description: "x",
        customerId: elevate.customerId
      }),
      404
    )
  })
})

describe("instant bank payments", () => {
  it("charges a mandate through a provider that offers instant bank payments", async () => {
    const admin = await seed(testbed, "admin")
    const asAdmin = (request: TestRequest) => testbed.request(authorize(request, admin))
    const providerOf = async (instantBankPayments: boolean) =>
      plain(
        await asAdmin({
          method: "POST",
          path: "/payment-providers",
          body: { type: "GO_CARDLESS", name: `GC ${instantBankPayments}`, status: "ACTIVE", instantBankPayments }
        })
      ) as { id: number }
    const instant = await providerOf(true)
    const slow = await providerOf(false)
    const invoice = await issue(testbed, elevate.customerId, "30.00", { issueDate: "2026-01-01" })
    const charge = (providerId: number, amount: string) =>
      post("/instant-bank-payment-for-mandate", {
        customerId: elevate.customerId,
        paymentProviderId: providerId,
        mandateReference: "MD-42",
        amountInMajorCurrency: money(amount),
        reference: "IBP-1"
      })
    const before = await balanceOf(elevate.customerId)

    const paid = await charge(instant.id, "30.00")
    expect(paid.status, paid.text).toBe(201)
    expect(plain(paid)).toMatchObject({ customerId: elevate.customerId, type: "DIRECT_DEBIT", invoiceId: invoice.id })
    expect(await balanceOf(elevate.customerId)).toBe(before + 3000n)
    const document = await testbed.runAsSystem(Documents.use((documents) => documents.getDocument(invoice.id)))
    expect(document.state).toBe("paid")

    // The test gateway declines amounts ending in .51: the provider's message, nothing added to the balance.
    expectError(await charge(instant.id, "10.51"), 400, "card declined")
    expectError(await charge(slow.id, "10.00"), 400, "does not offer instant bank payments")
    expectError(await charge(999_999, "10.00"), 404)
    expect(await balanceOf(elevate.customerId)).toBe(before + 3000n)
  })
})
