/**
 * Elevate's customer-payments list costs a page, not the customer's history (issue 14): on SQLite
 * and on PostgreSQL, the production app (`createApp`) lists `GET customer-payments` in its default
 * order — the first page and a deep one — for a customer with 2,005 posted payments (booked in two
 * bulk units around 5 made through Elevate, which pay invoices and carry Elevate's attributes, and
 * lie on the deep page) and for one with 65. Each page is the body the general path gives (asked
 * for with `sort=id`, which reads every payment and pages in process), byte for byte. Counted by the
 * database's `StatementLog`: at most 3 statements with authentication, rows read ≤ the page + 2,
 * and the same statements for both customers. On PostgreSQL the list's statement is also run under
 * `EXPLAIN ANALYZE`: the `payments` rows it reads from the table are the page's (+2) — the rows
 * before the page are skipped in an index alone; the statement that selected whole rows read every
 * one of the customer's payments (or every row up to the page's end).
 */
import {
  Authenticator,
  type CustomerId,
  Documents,
  formatMinorUnits,
  LedgerUnits,
  Parties,
  Payments
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest"
import { type HistoryRuntime, openHistoryRuntime, paymentsTableRows } from "./support/list-history-runtime.ts"

const pageSize = 20
const bulkBefore = 1_000
const throughElevate = 5
const password = "a long history password"

interface Fixture {
  readonly log: HistoryRuntime["log"]
  readonly app: HistoryRuntime["app"]
  readonly token: string
  readonly long: CustomerId
  readonly short: CustomerId
  /** Runs a statement as sent (PostgreSQL only: the `EXPLAIN ANALYZE` of the list statement). */
  readonly execute: HistoryRuntime["execute"]
  readonly drop: () => Promise<void>
}

const open = async (driver: "sqlite" | "postgresql"): Promise<Fixture> => {
  const { runtime, log, app, system, execute, drop } = await openHistoryRuntime(driver)
  const email = "elevate-history@paybridge.test"
  await system(Authenticator.use((auth) => auth.createUser({ email, name: "History", role: "admin", password })))
  const login = await app.request("http://paybridge.test/elevate/v1/authenticate", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ brand: "paybridge", username: email, password })
  })
  expect(login.status, await login.clone().text()).toBe(200)
  const { token } = (await login.json()) as { token: string }
  const bulk = (customerId: CustomerId, payments: number) =>
    system(
      LedgerUnits.use((units) =>
        units.bulkImport(
          { customerId, operation: "test:history", input: null, result: Schema.Null },
          Effect.as(
            Effect.forEach(
              Array.from({ length: payments }, (_, i) => i),
              (i) =>
                Payments.use((ledger) =>
                  ledger.createPayment({ customerId, amount: formatMinorUnits(BigInt(1_000 + i), "EUR") })
                ),
              { discard: true }
            ),
            null
          )
        )
      )
    )
  // Bulk payments, then payments made through Elevate (each pays an invoice of its own, with an
  // Elevate type and reference), then bulk payments again.
  const customerWith = async (name: string, before: number, after: number) => {
    const customer = await system(Parties.use((parties) => parties.createCustomer({ name, currency: "EUR" })))
    await bulk(customer.id, before)
    for (let i = 0; i < throughElevate; i++) {
      await system(
        Documents.use((documents) =>
          documents.issueDocument({
            kind: "invoice",
            customerId: customer.id,
            total: "3.00",
            number: `INV-${name}-${i}`
          })
        )
      )
      const created = await app.request("http://paybridge.test/elevate/v1/customer-payments", {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "idempotency-key": `history-${name}-${i}`
        },
        body: JSON.stringify({
          customerId: customer.id,
          amountInMajorCurrency: 4.5 + i,
          type: "CHEQUE",
          reference: `ref-${i}`,
          description: `through Elevate ${i}`
        })
      })
      expect(created.status, await created.clone().text()).toBe(201)
    }
    await bulk(customer.id, after)
    return customer.id
  }
  const long = await customerWith("Long history", bulkBefore, bulkBefore)
  const short = await customerWith("Short history", pageSize + 10, 30)
  return {
    log,
    app,
    token,
    long,
    short,
    execute,
    drop: async () => {
      await runtime.dispose()
      await drop()
    }
  }
}

describe.each([
  ["SQLite", "sqlite"],
  ["PostgreSQL", "postgresql"]
] as const)("Elevate's customer-payments list over a long history on %s", (_, driver) => {
  let fixture: Fixture
  beforeAll(async () => {
    fixture = await open(driver)
  }, 120_000)
  afterAll(() => fixture?.drop())

  /** A warm-up request, then the measured one (the principal cache warm, as in `query-budgets.test.ts`). */
  const measure = async (customer: CustomerId, page: number, extra = "") => {
    const request = () =>
      fixture.app.request(
        `http://paybridge.test/elevate/v1/customer-payments?customer_id=${customer}&page=${page}&pageSize=${pageSize}${extra}`,
        { headers: { authorization: `Bearer ${fixture.token}` } }
      )
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() })
    try {
      await request()
      const { result, tally } = await fixture.log.measure(async () => {
        const response = await request()
        return { status: response.status, body: await response.text() }
      })
      return { answer: result, tally, rows: JSON.parse(result.body) as Array<Record<string, unknown>> }
    } finally {
      vi.useRealTimers()
    }
  }
  const describeTally = (tally: { statements: ReadonlyArray<{ sql: string; rows: number }> }) =>
    tally.statements.map((statement) => `${statement.rows} rows: ${statement.sql.slice(0, 200)}`).join("\n")

  /** What a measured list's statement reads from the payments table, by PostgreSQL's own account (`EXPLAIN ANALYZE`). */
  const listTableRows = async (measured: Awaited<ReturnType<typeof measure>>) => {
    await fixture.execute("vacuum analyze payments", [])
    const list = measured.tally.statements.find((statement) => /\bfrom "?payments"?\b/u.test(statement.sql))
    expect(list, describeTally(measured.tally)).toBeDefined()
    // As sent, with PostgreSQL's numbered placeholders (in order): written back as the store writes them.
    const sql = (list?.sql ?? "").replace(/\$\d+\b/gu, "?")
    const [explained] = await fixture.execute(`explain (analyze, format json) ${sql}`, list?.parameters ?? [])
    // EXPLAIN's one row: its JSON as text (or parsed, by a driver that reads it so).
    const output = Object.values(explained ?? {})[0]
    const plan = (
      (typeof output === "string" ? JSON.parse(output) : output) as ReadonlyArray<{ Plan: Record<string, unknown> }>
    )[0]?.Plan
    return paymentsTableRows(plan ?? {})
  }

  // The deep page holds the payments made through Elevate (rows 1,001–1,005 of the long history);
  // the short history's second page is compared with it (the same statement, another offset).
  const deepPage = Math.floor(bulkBefore / pageSize) + 1
  test.each([
    ["the first page", 1, 1],
    ["a deep page", deepPage, 2]
  ] as const)(
    "%s: the general path's body, ≤ 3 statements, rows read ≤ the page + 2, the same statements as for a short history",
    async (_, page, shortPage) => {
      const long = await measure(fixture.long, page)
      const short = await measure(fixture.short, shortPage)
      expect(long.answer.status, long.answer.body).toBe(200)
      expect(short.answer.status, short.answer.body).toBe(200)
      expect(long.rows).toHaveLength(pageSize)
      expect(short.rows).toHaveLength(pageSize)
      expect((await measure(fixture.long, page, "&sort=id")).answer.body).toBe(long.answer.body)
      expect((await measure(fixture.short, shortPage, "&sort=id")).answer.body).toBe(short.answer.body)
      if (page === deepPage) {
        const elevateRows = long.rows.filter((row) => row.type === "CHEQUE")
        expect(elevateRows.map((row) => [row.reference, row.invoiceNumber])).toEqual(
          Array.from({ length: throughElevate }, (_, i) => [`ref-${i}`, `INV-Long history-${i}`])
        )
      }
      for (const measured of [long, short]) {
        expect(measured.tally.statements.length, describeTally(measured.tally)).toBeLessThanOrEqual(3)
        expect(measured.tally.rowsRead, describeTally(measured.tally)).toBeLessThanOrEqual(measured.rows.length + 2)
      }
      expect(long.tally.statements.map((statement) => statement.sql)).toEqual(
        short.tally.statements.map((statement) => statement.sql)
      )
      if (driver !== "postgresql") return
      // The page's rows (and the one that tells whether another follows), whatever the page's depth.
      expect(await listTableRows(long)).toBeLessThanOrEqual(pageSize + 2)
      expect(await listTableRows(short)).toBeLessThanOrEqual(pageSize + 2)
    }
  )
})
