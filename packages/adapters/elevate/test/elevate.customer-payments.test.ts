/**
 * Elevate's customer payments over the real Ledger on an in-memory store: the vendor's create, list
 * and get examples replayed field by field; page/pageSize validation; a create answered as a get
 * shows it and replayed for its idempotency key; oldest-first allocation with overpayment credit;
 * negative payments as debit adjustments; exact JSON amounts in exponent notation; and every
 * operator of the filter grammar, with hostile filter input answered 400, never an error or a match.
 */
import type { DialectTestbed } from "@paybridge/adapter-kit/testing"
import { Balances, type CustomerId, Documents, type PaymentId, Payments } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  type ElevateSeed,
  elevateClient,
  expectError,
  issue,
  money,
  newTestbed,
  plain,
  rows,
  seed
} from "./elevate-fixtures.ts"

let testbed: DialectTestbed
let elevate: ElevateSeed
const { get, post, pay, list, balanceOf } = elevateClient(() => ({ testbed, elevate }))

beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

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
