/**
 * Elevate's customer balances and credit status read from the ledger: the balance, payment totals
 * and a manual adjustment; the totals summed as a whole-history reading of the ledger does
 * (reversals, since the last live invoice); and what a customer owes against their credit threshold.
 */
import type { DialectTestbed } from "@paybridge/adapter-kit/testing"
import { Documents, Parties, type PaymentId, Payments } from "@paybridge/core"
import { Effect } from "effect"
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
const { get, post, pay } = elevateClient(() => ({ testbed, elevate }))

beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

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
