/**
 * Rows migrated from Elevate (`pnpm migrate`): a payment booked under the external ref `elevate` and
 * a balance movement of it, with the `resultingCustomerBalance` Elevate showed kept in their records
 * (the payment's `customer-payment` record, the movement's `migrated-movement` one), show Elevate's
 * balance after them — in the list and by id — while rows made in Paybridge show the ledger's; its
 * customer balance shows what Elevate said was paid since its last invoice plus what Paybridge posted
 * since, until an invoice is issued.
 */
import { type CustomerId, DialectRecords, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, expect, it } from "vitest"
import { authorize, type ElevateSeed, issue, money, newTestbed, plain, seed } from "./elevate-fixtures.ts"

let testbed: Awaited<ReturnType<typeof newTestbed>>
let elevate: ElevateSeed
beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

/** A customer migrated from Elevate with one payment (Elevate id 555) partly reversed, as `pnpm migrate` books them. */
const migrate = () =>
  testbed.runAsSystem(
    Effect.gen(function* () {
      const records = yield* DialectRecords
      const payments = yield* Payments
      const customer = yield* (yield* Parties).createCustomer({
        name: "Migrated customer",
        currency: "GBP",
        externalRef: { system: "elevate", id: "4242" }
      })
      const { payment } = yield* payments.createPayment({
        customerId: customer.id,
        amount: "100.00",
        initialState: "posted",
        externalRef: { system: "elevate", id: "555" }
      })
      yield* records.saveDialectRecord({
        dialect: "elevate",
        kind: "customer-payment",
        key: String(payment.id),
        customerId: customer.id,
        paymentId: payment.id,
        data: { resultingCustomerBalance: "-20.50" }
      })
      const reversed = yield* payments.reversePayment({ paymentId: payment.id, amount: "30.00", reason: null })
      yield* records.saveDialectRecord({
        dialect: "elevate",
        kind: "migrated-movement",
        key: `payment-reversed:${reversed.reversals.at(-1)?.id}`,
        customerId: customer.id,
        data: { resultingCustomerBalance: "-50.50" }
      })
      // Booked last: Elevate's customer balance, with what it showed paid since its last invoice.
      yield* records.saveDialectRecord({
        dialect: "elevate",
        kind: "migrated-balance",
        key: String(customer.id),
        customerId: customer.id,
        data: { totalPaymentsSinceLastInvoice: "5.00", since: new Date().toISOString() }
      })
      return customer.id
    })
  )

const list = async (customerId: CustomerId) => {
  const response = await testbed.request(
    authorize(
      {
        method: "GET",
        path: "/customer-payments",
        query: { customer_id: String(customerId), page: "1", pageSize: "50" }
      },
      elevate
    )
  )
  expect(response.status, response.text).toBe(200)
  return (plain(response) as Array<Record<string, unknown>>).map((row) => [
    row.txnType,
    row.amountInMajorCurrency,
    row.resultingCustomerBalance
  ])
}

it("shows the balance Elevate showed after a migrated payment and movement, the ledger's after rows made in Paybridge", async () => {
  const customerId = await migrate()
  const created = await testbed.request(
    authorize(
      { method: "POST", path: "/customer-payments", body: { customerId, amountInMajorCurrency: money("10.00") } },
      elevate
    )
  )
  expect(created.status, created.text).toBe(201)
  // The ledger: 100.00 − 30.00 + 10.00 = 80.00 after the new payment.
  expect((plain(created) as Record<string, unknown>).resultingCustomerBalance).toBe(80)
  expect(await list(customerId)).toEqual([
    ["PAYMENT", 100, -20.5],
    ["PAYMENT", 10, 80],
    ["DEBIT", -30, -50.5]
  ])
  // Filters and sorts see the same value.
  const sorted = await testbed.request(
    authorize(
      {
        method: "GET",
        path: "/customer-payments",
        query: { customer_id: String(customerId), page: "1", pageSize: "50", sort: "resultingCustomerBalance" }
      },
      elevate
    )
  )
  expect((plain(sorted) as Array<Record<string, unknown>>).map((row) => row.resultingCustomerBalance)).toEqual([
    -50.5, -20.5, 80
  ])
  const byId = await testbed.request(authorize({ method: "GET", path: "/customer-payments/555" }, elevate))
  expect(byId.status, byId.text).toBe(200)
  expect((plain(byId) as Record<string, unknown>).resultingCustomerBalance).toBe(-20.5)
})

it("shows the ledger's balance for a payment made in Paybridge even when its record holds one", async () => {
  const customerId = elevate.customerId
  await testbed.runAsSystem(
    Effect.gen(function* () {
      const { payment } = yield* (yield* Payments).createPayment({
        customerId,
        amount: "12.00",
        initialState: "posted"
      })
      yield* (yield* DialectRecords).saveDialectRecord({
        dialect: "elevate",
        kind: "customer-payment",
        key: String(payment.id),
        customerId,
        paymentId: payment.id,
        data: { resultingCustomerBalance: "-1.00" }
      })
    })
  )
  expect(await list(customerId)).toEqual([["PAYMENT", 12, 12]])
})

it("counts Elevate's payments since its last invoice for a migrated customer until an invoice is issued in Paybridge", async () => {
  const customerId = await migrate()
  const sinceLastInvoice = async () => {
    const response = await testbed.request(
      authorize({ method: "GET", path: "/customer-balances", query: { customer_id: String(customerId) } }, elevate)
    )
    expect(response.status, response.text).toBe(200)
    return (plain(response) as Record<string, unknown>).totalPaymentsSinceLastInvoice
  }
  const pay = async (amount: string) => {
    const response = await testbed.request(
      authorize(
        { method: "POST", path: "/customer-payments", body: { customerId, amountInMajorCurrency: money(amount) } },
        elevate
      )
    )
    expect(response.status, response.text).toBe(201)
  }
  expect(await sinceLastInvoice()).toBe(5)
  await pay("10.00")
  expect(await sinceLastInvoice()).toBe(15)
  await issue(testbed, customerId, "40.00")
  expect(await sinceLastInvoice()).toBe(0)
  await pay("7.00")
  expect(await sinceLastInvoice()).toBe(7)
})
