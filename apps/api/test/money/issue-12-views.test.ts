/**
 * Regressions of issue 12's view items over HTTP on the real server: a partial reversal made
 * through tRPC shows in Billing Platform (UK) as the standing payment plus a reversed row and in
 * Elevate's customer payments as a debit row, so both sums match the ledger (12.3); Billing
 * Platform (UK) `idAfter` pages payment and refund rows as one sequence (12.5); Silver lists an
 * issued invoice as an unpaid payment for what it still asks, following payments made through
 * Elevate (12.8).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startTestServer, type TestServer } from "../support/test-server.ts"
import { createMoneyLogin, type MoneyLogin } from "./money-drivers.ts"

let server: TestServer
let login: MoneyLogin
let elevateToken: string

beforeAll(async () => {
  server = await startTestServer("sqlite::memory:")
  login = await createMoneyLogin(server)
  const response = await fetch(`${server.url}/elevate/v1/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ brand: "paybridge", ...login })
  })
  elevateToken = ((await response.json()) as { token: string }).token
})
afterAll(async () => {
  await server?.close()
})

const get = async (path: string, authorization: string) => {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization } })
  const text = await response.text()
  expect(response.status, text).toBe(200)
  return JSON.parse(text) as unknown
}
const bpuk = (path: string) => get(`/backend/api/v1${path}`, `Bearer ${server.apiKeys.finance}`)
const elevate = (path: string) => get(`/elevate/v1${path}`, `Bearer ${elevateToken}`)
const silver = (path: string) => get(`/silver${path}`, `Token ${server.apiKeys.finance}`)

interface BpukRow {
  readonly id: string
  readonly paymentAmount: number
  readonly paymentReversedDate: string | null
  readonly status: ReadonlyArray<string>
}

const newCustomer = () =>
  server.clientAs("admin").customers.create.mutate({ name: `Views ${Math.random()}`, currency: "GBP" })

describe("issue 12 views over HTTP", () => {
  test("12.3: a partial reversal shows as the payment still valid plus a reversed row (BPUK) and a debit row (Elevate)", async () => {
    const customer = await newCustomer()
    const admin = server.clientAs("admin")
    const { payment } = await admin.payments.create.mutate({ customerId: customer.id, amount: "40.00" })
    await admin.payments.reverse.mutate({ paymentId: payment.id, amount: "10.00", effectiveDate: "2026-12-01" })

    const valid = (await bpuk(`/customers/${customer.id}/payments/`)) as ReadonlyArray<BpukRow>
    expect(valid).toEqual([
      expect.objectContaining({ id: String(payment.id), paymentAmount: 30, paymentReversedDate: null, status: [] })
    ])
    const reversed = (await bpuk(`/customers/${customer.id}/payments/?reversed`)) as ReadonlyArray<BpukRow>
    expect(reversed).toEqual([
      expect.objectContaining({
        id: `${payment.id}-R`,
        paymentAmount: 10,
        paymentReversedDate: "2026-12-01",
        status: ["Reversed"]
      })
    ])
    expect(await bpuk(`/payments/${payment.id}-R`)).toEqual(reversed[0])
    // Reversing the rest makes it one fully reversed payment again.
    await admin.payments.reverse.mutate({ paymentId: payment.id, effectiveDate: "2026-12-02" })
    expect(await bpuk(`/customers/${customer.id}/payments/`)).toEqual([])
    expect(await bpuk(`/customers/${customer.id}/payments/?reversed`)).toEqual([
      expect.objectContaining({ id: String(payment.id), paymentAmount: 40, status: ["Reversed"] })
    ])
  })

  test("12.3: Elevate's customer payments show reversals and refunds made elsewhere, adding up to customer-balances", async () => {
    const customer = await newCustomer()
    const admin = server.clientAs("admin")
    const { payment } = await admin.payments.create.mutate({ customerId: customer.id, amount: "40.00" })
    await admin.payments.reverse.mutate({ paymentId: payment.id, amount: "10.00" })
    await admin.payments.refund.mutate({ paymentId: payment.id, amount: "5.50" })
    const rows = (await elevate(`/customer-payments?customer_id=${customer.id}&page=1&pageSize=100`)) as ReadonlyArray<{
      id: number
      amountInMajorCurrency: number
      txnType: string
    }>
    expect(rows.map((row) => [row.txnType, row.amountInMajorCurrency])).toEqual([
      ["PAYMENT", 40],
      ["DEBIT", -10],
      ["DEBIT", -5.5]
    ])
    const balance = (await elevate(`/customer-balances?customer_id=${customer.id}`)) as { balance: number }
    expect(balance.balance).toBe(24.5)
    expect(rows.reduce((sum, row) => sum + Math.round(row.amountInMajorCurrency * 100), 0)).toBe(2450)
  })

  test("12.5: BPUK idAfter=0 includes refund rows, and a sync by the last id seen misses no row", async () => {
    const customer = await newCustomer()
    const post = async (amount: string) => {
      const response = await fetch(`${server.url}/backend/api/v1/customers/${customer.id}/payments/`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.apiKeys.finance}`, "content-type": "application/json" },
        body: `{"paymentAmount": ${amount}}`
      })
      expect(response.status).toBe(201)
      return ((await response.json()) as BpukRow).id
    }
    const a = await post("10.00")
    const r1 = await post("-1.00")
    const b = await post("20.00")
    const r2 = await post("-2.00")
    const ids = async (idAfter: string) =>
      ((await bpuk(`/customers/${customer.id}/payments/?idAfter=${idAfter}`)) as ReadonlyArray<BpukRow>).map(
        (row) => row.id
      )
    expect(await ids("0")).toEqual([a, r1, b, r2])
    expect(await ids(a)).toEqual([r1, b, r2])
    expect(await ids(r1)).toEqual([b, r2])
    expect(await ids(b)).toEqual([r2])
  })

  test("12.8: Silver lists an issued invoice as an unpaid payment for what it asks, following payments made elsewhere", async () => {
    const customer = await newCustomer()
    const admin = server.clientAs("admin")
    const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "80.00" })
    const unpaid = () =>
      silver(`/customers/${customer.id}/payments/`) as Promise<
        ReadonlyArray<{ id: number; amount: string; status: string }>
      >
    expect(await unpaid()).toEqual([expect.objectContaining({ amount: "80.00", status: "unpaid" })])
    const paid = await fetch(`${server.url}/elevate/v1/invoice-payments`, {
      method: "POST",
      headers: { authorization: `Bearer ${elevateToken}`, "content-type": "application/json" },
      body: `{"invoiceId": ${invoice.id}, "amountInMajorCurrency": 30.00}`
    })
    expect(paid.status).toBe(201)
    const rows = await unpaid()
    expect(rows.map((row) => [row.status, row.amount]).sort()).toEqual([
      ["paid", "30.00"],
      ["unpaid", "50.00"]
    ])
    await admin.documents.cancel.mutate({
      id: (await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "5.00" })).id
    })
    expect((await unpaid()).filter((row) => row.status === "unpaid").map((row) => row.amount)).toEqual(["50.00"])
  })
})
