/**
 * Elevate customer payments under concurrency on PostgreSQL, through the real server over HTTP:
 * 50 payments of one customer posted at once each get the `resultingCustomerBalance` of their
 * own place in the customer's balance chain (no two alike, no gaps, the last one equal to the
 * final balance), read back the same one by one, and pay the customer's invoices strictly oldest
 * first without a single conflict; ten concurrent reprocesses of one declined gateway payment (no
 * idempotency key) charge it again exactly once. The database is a throwaway `pb_<random>` one made from
 * `TEST_DATABASE_URL`; an unreachable server fails the suite.
 */
import { Authenticator, Balances, CommandContext } from "@paybridge/core"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startTestServer, type TestServer } from "../support/test-server.ts"

const email = "elevate-concurrency@test.paybridge.invalid"
const password = "elevate concurrency password"
const payments = 50

let database: PostgresTestDatabase
let server: TestServer
let token: string

beforeAll(async () => {
  database = await createPostgresTestDatabase()
  server = await startTestServer(database.url)
  await server.runtime.runPromise(
    Authenticator.use((auth) => auth.createUser({ email, name: "Elevate load", role: "finance", password })).pipe(
      Effect.provide(CommandContext.system())
    )
  )
  const login = await fetch(`${server.url}/elevate/v1/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ brand: "paybridge", username: email, password })
  })
  token = ((await login.json()) as { token: string }).token
}, 60_000)
afterAll(async () => {
  await server?.close()
  await database?.drop()
}, 60_000)

interface ElevatePayment {
  readonly id: number
  readonly amountInMajorCurrency: number
  readonly resultingCustomerBalance: number
  readonly invoiceId: number | null
}

describe("Elevate customer payments on PostgreSQL", () => {
  test(`${payments} concurrent payments of one customer each get their own resultingCustomerBalance`, async () => {
    const admin = server.clientAs("admin")
    const customer = await admin.customers.create.mutate({ name: "Busy Customer", currency: "GBP" })
    // Ten invoices of 7.00, issued in reverse id order of their dates: 70.00 owed.
    const invoices = []
    for (let month = 10; month >= 1; month -= 1) {
      invoices.push(
        await admin.documents.issue.mutate({
          kind: "invoice",
          customerId: customer.id,
          total: "7.00",
          issueDate: `2025-${String(month).padStart(2, "0")}-15`
        })
      )
    }
    const oldestFirst = [...invoices].reverse().map((invoice) => invoice.id)

    const responses = await Promise.all(
      Array.from({ length: payments }, (_, index) =>
        fetch(`${server.url}/elevate/v1/customer-payments`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({
            customerId: customer.id,
            amountInMajorCurrency: 2,
            reference: `load-${index}`,
            type: "BACS"
          })
        }).then(async (response) => ({ status: response.status, text: await response.text() }))
      )
    )
    expect(responses.filter((response) => response.status !== 201)).toEqual([])
    const made = responses.map((response) => JSON.parse(response.text) as ElevatePayment)

    // Balances -68, -66, … 30: one per place in the chain, none repeated, none skipped.
    const balances = made.map((payment) => payment.resultingCustomerBalance).sort((a, b) => a - b)
    expect(balances).toEqual(Array.from({ length: payments }, (_, index) => -70 + 2 * (index + 1)))
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("3000")

    // Each payment reads back with the same balance, as Elevate and through the ledger.
    for (const payment of made) {
      const read = await fetch(`${server.url}/elevate/v1/customer-payments/${payment.id}`, {
        headers: { authorization: `Bearer ${token}` }
      })
      expect(((await read.json()) as ElevatePayment).resultingCustomerBalance).toBe(payment.resultingCustomerBalance)
    }
    const chain = await server.runtime.runPromise(
      Balances.use((balances) => balances.listBalanceEntries(customer.id, { limit: 1000 })).pipe(
        Effect.provide(CommandContext.system())
      )
    )
    expect(chain.items.map((entry) => entry.sequence)).toEqual(Array.from({ length: 10 + payments }, (_, i) => i + 1))
    const postedBalances = chain.items
      .filter((entry) => entry.kind === "payment-posted")
      .map((entry) => Number(entry.balanceAfter) / 100)
    expect(postedBalances).toEqual(Array.from({ length: payments }, (_, index) => -70 + 2 * (index + 1)))

    // In posting order, the invoices were paid strictly oldest first; the rest is credit.
    const inPostingOrder = [...made].sort((a, b) => a.resultingCustomerBalance - b.resultingCustomerBalance)
    const paidInvoices = inPostingOrder.map((payment) => payment.invoiceId).filter((id): id is number => id !== null)
    expect([...new Set(paidInvoices)]).toEqual(oldestFirst)
    expect(inPostingOrder.slice(35).every((payment) => payment.invoiceId === null)).toBe(true)
    const list = await fetch(
      `${server.url}/elevate/v1/customer-payments?customer_id=${customer.id}&page=1&pageSize=1000&sort=resultingCustomerBalance:desc&fields=resultingCustomerBalance`,
      { headers: { authorization: `Bearer ${token}` } }
    )
    expect(((await list.json()) as Array<{ resultingCustomerBalance: number }>)[0]).toEqual({
      resultingCustomerBalance: 30
    })
  }, 120_000)

  test("concurrent reprocesses of one declined payment charge it again exactly once", async () => {
    const admin = server.clientAs("admin")
    const gateway = await admin.gateways.create.mutate({ code: "elevate-reprocess", name: "Reprocess" })
    const customer = await admin.customers.create.mutate({ name: "Declined Customer", currency: "GBP" })
    const declined = await admin.payments.create.mutate({
      customerId: customer.id,
      amount: "12.00",
      gatewayId: gateway.id,
      cardToken: "4000000000000002"
    })
    expect(declined.payment.state).toBe("rejected")
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${server.url}/elevate/v1/payment-provider-reprocess`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({
            paymentProviderId: gateway.id,
            customerPaymentId: declined.payment.id,
            mandateReference: "4242424242424242"
          })
        }).then(async (response) => ({
          status: response.status,
          json: (await response.json()) as { message?: string }
        }))
      )
    )
    const statuses = answers.map((answer) => answer.status).sort()
    expect(statuses).toEqual([201, 400, 400, 400, 400, 400, 400, 400, 400, 400])
    for (const refused of answers.filter((answer) => answer.status === 400)) {
      expect(refused.json.message).toContain("already reprocessed")
    }
    const states = (await admin.payments.list.query({ customerId: customer.id })).items.map((p) => p.state).sort()
    expect(states).toEqual(["posted", "rejected"])
    expect((await admin.customers.get.query({ id: customer.id })).balance).toBe("1200")
  })
})
