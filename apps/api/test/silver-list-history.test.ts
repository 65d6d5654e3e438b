/**
 * Silver's payment list costs a page, not the customer's history (issue 14.3): on SQLite and on
 * PostgreSQL, the production app (`createApp`) lists `GET customers/C/payments/` — the first page,
 * a later page and the last page, Silver's default order — for a customer with 2,000 payments
 * (booked in one bulk unit; a few made through Silver with due dates, which list first, and 25
 * made through Silver hidden, `visible: false`) and for one with 60; and a page near the end, read
 * from the end. Filtered by `visible=False` or `visible=True`, by `status=paid` (the bulk payments)
 * or `unpaid` (those made through Silver), by `is_overdue=True`, by a status or `is_overdue=True` with `visible`, by
 * `currency` (the customers' or another), by `is_overdue=False`, by `min_amount` and `max_amount`,
 * ordered by `due_date` ascending or by `id` either way (and filtered in those orders), the first, later and last pages are read the
 * same way and give the rows the general statement gives (asked for with a redundant second ordering
 * term, `id`). Counted by the database's `StatementLog`: at most 3 statements with
 * authentication, rows read ≤ the page + 2, and the same statements for both customers. On
 * PostgreSQL the list's statement is also run under `EXPLAIN ANALYZE`: the `payments` rows it reads
 * from the table are the page's reach (the rows up to its end, or from the end back to its start when
 * fewer) and the dated ones — the whole-history statement read all 2,003 — and the count of every payment (Silver's Link header
 * names the last page) is read from an index only.
 */
import { Authenticator, type CustomerId, formatMinorUnits, LedgerUnits, Parties, Payments } from "@paybridge/core"
import { Effect, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest"
import { type HistoryRuntime, openHistoryRuntime, paymentsTableRows } from "./support/list-history-runtime.ts"

const pageSize = 20
const longHistory = 2_000
const shortHistory = 60
const datedThroughSilver = 3
const hiddenThroughSilver = 25

interface Fixture {
  readonly runtime: HistoryRuntime["runtime"]
  readonly log: HistoryRuntime["log"]
  readonly app: HistoryRuntime["app"]
  readonly apiKey: string
  readonly long: CustomerId
  readonly short: CustomerId
  /** Runs a statement as sent (PostgreSQL only: the `EXPLAIN ANALYZE` of a list statement). */
  readonly execute: HistoryRuntime["execute"]
  readonly drop: () => Promise<void>
}

const open = async (driver: "sqlite" | "postgresql"): Promise<Fixture> => {
  const { runtime, log, app, system, execute, drop } = await openHistoryRuntime(driver)
  const { apiKey } = await system(
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({
        email: "history@paybridge.test",
        name: "History",
        role: "admin",
        password: "a long history password"
      })
      return yield* auth.issueApiKey({ userId: user.id, label: "history" })
    })
  )
  const provider = await system(
    Parties.use((parties) => parties.createBillingEntity({ name: "Provider", flow: "invoice", defaultCurrency: "EUR" }))
  )
  const customerWith = async (name: string, payments: number) => {
    const customer = await system(Parties.use((parties) => parties.createCustomer({ name, currency: "EUR" })))
    await system(
      LedgerUnits.use((units) =>
        units.bulkImport(
          { customerId: customer.id, operation: "test:history", input: null, result: Schema.Null },
          Effect.as(
            Effect.forEach(
              Array.from({ length: payments }, (_, i) => i),
              (i) =>
                Payments.use((ledger) =>
                  ledger.createPayment({ customerId: customer.id, amount: formatMinorUnits(BigInt(1_000 + i), "EUR") })
                ),
              { discard: true }
            ),
            null
          )
        )
      )
    )
    for (let i = 0; i < datedThroughSilver; i++) {
      const created = await app.request(`http://paybridge.test/silver/customers/${customer.id}/payments/`, {
        method: "POST",
        headers: { authorization: `Token ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          provider: `http://paybridge.test/silver/providers/${provider.id}/`,
          amount: "25.00",
          currency: "EUR",
          due_date: `2026-1${i}-01`
        })
      })
      expect(created.status, await created.clone().text()).toBe(201)
    }
    for (let i = 0; i < hiddenThroughSilver; i++) {
      const created = await app.request(`http://paybridge.test/silver/customers/${customer.id}/payments/`, {
        method: "POST",
        headers: { authorization: `Token ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          provider: `http://paybridge.test/silver/providers/${provider.id}/`,
          amount: "7.00",
          currency: "EUR",
          visible: false
        })
      })
      expect(created.status, await created.clone().text()).toBe(201)
    }
    return customer.id
  }
  const long = await customerWith("Long history", longHistory)
  const short = await customerWith("Short history", shortHistory)
  return {
    runtime,
    log,
    app,
    apiKey,
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
] as const)("Silver's payment list over a long history on %s", (_, driver) => {
  let fixture: Fixture
  beforeAll(async () => {
    fixture = await open(driver)
  }, 120_000)
  afterAll(() => fixture?.drop())

  /** A warm-up request, then the measured one (the principal cache warm, as in `query-budgets.test.ts`). */
  const measure = async (customer: CustomerId, page: string, filter = "") => {
    const request = () =>
      fixture.app.request(
        `http://paybridge.test/silver/customers/${customer}/payments/?${filter}${filter === "" ? "" : "&"}page=${page}&page_size=${pageSize}`,
        {
          headers: { authorization: `Token ${fixture.apiKey}` }
        }
      )
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() })
    try {
      await request()
      const { result, tally } = await fixture.log.measure(async () => {
        const response = await request()
        return { status: response.status, link: response.headers.get("link"), body: await response.text() }
      })
      return {
        answer: result,
        tally,
        rows: JSON.parse(result.body) as Array<{
          id: number
          due_date: string | null
          visible: boolean
          status: string
        }>
      }
    } finally {
      vi.useRealTimers()
    }
  }
  const describeTally = (tally: { statements: ReadonlyArray<{ sql: string; rows: number }> }) =>
    tally.statements.map((statement) => `${statement.rows} rows: ${statement.sql.slice(0, 160)}`).join("\n")

  /** What a measured list's statement reads from the payments table, by PostgreSQL's own account (`EXPLAIN ANALYZE`). */
  const listTableRows = async (measured: Awaited<ReturnType<typeof measure>>) => {
    await fixture.execute("vacuum analyze payments", [])
    await fixture.execute("vacuum analyze dialect_records", [])
    const list = measured.tally.statements.find((statement) => /\bunion all\b/u.test(statement.sql))
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

  const longRows = longHistory + datedThroughSilver + hiddenThroughSilver
  const lastPage = Math.ceil(longRows / pageSize)

  test.each([
    ["the first page", "1", pageSize],
    ["a later page", "3", pageSize],
    ["a page near the end", String(lastPage - 6), pageSize],
    ["the last page", "last", longRows % pageSize]
  ] as const)(
    "%s: ≤ 3 statements, rows read ≤ the page + 2, the same statements as for a short history",
    async (_, page, shown) => {
      const long = await measure(fixture.long, page)
      // The short history has 5 pages: a page near the long one's end is compared with its 4th.
      const short = await measure(fixture.short, Number(page) > 4 ? "4" : page)
      expect(long.answer.status, long.answer.body).toBe(200)
      expect(short.answer.status, short.answer.body).toBe(200)
      expect(long.rows).toHaveLength(shown)
      expect(long.answer.link).toContain(`page=${lastPage}&page_size=${pageSize}; rel="last">`)
      if (page === "1")
        expect(long.rows.slice(0, datedThroughSilver).map((row) => row.due_date)).toEqual([
          "2026-12-01",
          "2026-11-01",
          "2026-10-01"
        ])
      for (const measured of [long, short]) {
        expect(measured.tally.statements.length, describeTally(measured.tally)).toBeLessThanOrEqual(3)
        expect(measured.tally.rowsRead, describeTally(measured.tally)).toBeLessThanOrEqual(measured.rows.length + 2)
      }
      expect(long.tally.statements.map((statement) => statement.sql)).toEqual(
        short.tally.statements.map((statement) => statement.sql)
      )
      if (driver !== "postgresql") return
      // What the list's statement reads from the payments table, by PostgreSQL's own account.
      const tableRows = listTableRows
      // The page's reach — the rows up to its end, or from the history's end back to its start when that is fewer —
      // and the payments dated through Silver, which the seek gathers apart; the whole-history statement read every
      // one of the customer's payments.
      const skip = page === "last" ? longRows - shown : (Number(page) - 1) * pageSize
      const reach = Math.min(skip + pageSize, longRows - skip)
      expect(await tableRows(long)).toBeLessThanOrEqual(reach + datedThroughSilver + 2)
      expect(await tableRows(short)).toBeLessThanOrEqual(pageSize * 3 + datedThroughSilver + 2)
    }
  )

  // Filtered and re-ordered lists (issue 14.3): hidden or shown payments (the list flag's index), due date ascending
  // (the undated rows first) and id either way. Each against the general statement, asked for the same order with
  // `id` stated again.
  const hiddenPages = Math.ceil(hiddenThroughSilver / pageSize)
  const visibleRows = longRows - hiddenThroughSilver
  const visiblePages = Math.ceil(visibleRows / pageSize)
  // The bulk payments are posted (Silver's `paid`); those made through Silver unpaid drafts.
  const paidPages = Math.ceil(longHistory / pageSize)
  const unpaidRows = datedThroughSilver + hiddenThroughSilver
  const unpaidPages = Math.ceil(unpaidRows / pageSize)
  // The unpaid payments dated through Silver before today.
  const today = new Date().toISOString().slice(0, 10)
  const overdueRows = Array.from({ length: datedThroughSilver }, (_, i) => `2026-1${i}-01`).filter(
    (date) => date < today
  ).length
  const notOverdueRows = longHistory + datedThroughSilver - overdueRows
  const notOverduePages = Math.ceil(notOverdueRows / pageSize)
  test.each([
    [
      "visible=False, the first page",
      "visible=False",
      "ordering=-due_date,id&visible=False",
      "1",
      pageSize,
      hiddenPages
    ],
    [
      "visible=False, the last page",
      "visible=False",
      "ordering=-due_date,id&visible=False",
      "last",
      hiddenThroughSilver % pageSize,
      hiddenPages
    ],
    ["visible=True, the first page", "visible=True", "ordering=-due_date,id&visible=True", "1", pageSize, visiblePages],
    ["visible=True, a later page", "visible=True", "ordering=-due_date,id&visible=True", "3", pageSize, visiblePages],
    [
      "visible=True, the last page",
      "visible=True",
      "ordering=-due_date,id&visible=True",
      "last",
      visibleRows % pageSize,
      visiblePages
    ],
    [
      "visible=True ordered by due_date, the first page",
      "ordering=due_date&visible=True",
      "ordering=due_date,id&visible=True",
      "1",
      pageSize,
      visiblePages
    ],
    [
      "visible=True ordered by due_date, the last page",
      "ordering=due_date&visible=True",
      "ordering=due_date,id&visible=True",
      "last",
      visibleRows % pageSize,
      visiblePages
    ],
    ["status=paid, the first page", "status=paid", "ordering=-due_date,id&status=paid", "1", pageSize, paidPages],
    ["status=paid, a later page", "status=paid", "ordering=-due_date,id&status=paid", "3", pageSize, paidPages],
    ["status=paid, the last page", "status=paid", "ordering=-due_date,id&status=paid", "last", pageSize, paidPages],
    [
      "status=unpaid, the first page",
      "status=unpaid",
      "ordering=-due_date,id&status=unpaid",
      "1",
      pageSize,
      unpaidPages
    ],
    [
      "is_overdue=True, the first page",
      "is_overdue=True",
      "is_overdue=True&ordering=-due_date,id",
      "1",
      overdueRows,
      1
    ],
    [
      "is_overdue=True ordered by due_date, the last page",
      "is_overdue=True&ordering=due_date",
      "is_overdue=True&ordering=due_date,id",
      "last",
      overdueRows,
      1
    ],
    // None canceled (cancelled, rejected, or reversed in full: the conformance suite lists such rows).
    ["status=canceled, the first page", "status=canceled", "ordering=-due_date,id&status=canceled", "1", 0, 1],
    [
      "status=unpaid ordered by due_date, the last page",
      "ordering=due_date&status=unpaid",
      "ordering=due_date,id&status=unpaid",
      "last",
      unpaidRows % pageSize,
      unpaidPages
    ],
    [
      "status=paid ordered by -id, a page near the end",
      "ordering=-id&status=paid",
      "ordering=-id,id&status=paid",
      String(paidPages - 6),
      pageSize,
      paidPages
    ],
    // Combined: a status with the flag, overdue with the flag.
    [
      "status=unpaid&visible=False, the first page",
      "status=unpaid&visible=False",
      "ordering=-due_date,id&status=unpaid&visible=False",
      "1",
      pageSize,
      hiddenPages
    ],
    [
      "status=unpaid&visible=False ordered by due_date, the last page",
      "ordering=due_date&status=unpaid&visible=False",
      "ordering=due_date,id&status=unpaid&visible=False",
      "last",
      hiddenThroughSilver % pageSize,
      hiddenPages
    ],
    [
      "status=unpaid&visible=True, the first page",
      "status=unpaid&visible=True",
      "ordering=-due_date,id&status=unpaid&visible=True",
      "1",
      datedThroughSilver,
      1
    ],
    [
      "status=paid&visible=True, a later page",
      "status=paid&visible=True",
      "ordering=-due_date,id&status=paid&visible=True",
      "3",
      pageSize,
      paidPages
    ],
    [
      "status=paid&visible=True ordered by -id, a page near the end",
      "ordering=-id&status=paid&visible=True",
      "ordering=-id,id&status=paid&visible=True",
      String(paidPages - 6),
      pageSize,
      paidPages
    ],
    [
      "status=paid&visible=False, the first page",
      "status=paid&visible=False",
      "ordering=-due_date,id&status=paid&visible=False",
      "1",
      0,
      1
    ],
    [
      "is_overdue=True&visible=True, the first page",
      "is_overdue=True&visible=True",
      "is_overdue=True&ordering=-due_date,id&visible=True",
      "1",
      overdueRows,
      1
    ],
    [
      "is_overdue=True&visible=False ordered by due_date, the last page",
      "is_overdue=True&ordering=due_date&visible=False",
      "is_overdue=True&ordering=due_date,id&visible=False",
      "last",
      0,
      1
    ],
    // A currency: the customers' (every payment), another one (none).
    ["currency=EUR, a later page", "currency=EUR", "currency=EUR&ordering=-due_date,id", "3", pageSize, lastPage],
    [
      "currency=EUR ordered by -id, a page near the end",
      "currency=EUR&ordering=-id",
      "currency=EUR&ordering=-id,id",
      String(lastPage - 6),
      pageSize,
      lastPage
    ],
    [
      "currency=EUR&visible=False, the last page",
      "currency=EUR&visible=False",
      "currency=EUR&ordering=-due_date,id&visible=False",
      "last",
      hiddenThroughSilver % pageSize,
      hiddenPages
    ],
    ["currency=USD, the first page", "currency=USD", "currency=USD&ordering=-due_date,id", "1", 0, 1],
    // Not overdue: the paid payments (those made through Silver are unpaid, undated or dated before today).
    [
      "is_overdue=False, a later page",
      "is_overdue=False",
      "is_overdue=False&ordering=-due_date,id",
      "3",
      pageSize,
      notOverduePages
    ],
    [
      "is_overdue=False ordered by due_date, the last page",
      "is_overdue=False&ordering=due_date",
      "is_overdue=False&ordering=due_date,id",
      "last",
      notOverdueRows % pageSize || pageSize,
      notOverduePages
    ],
    // An amount range (the bulk payments show 10.00 to 29.99, those dated through Silver 25.00, the hidden 7.00): from
    // 10.20, up to 10.30 (few of the long history's), between.
    [
      "min_amount=10.20, a later page",
      "min_amount=10.20",
      "min_amount=10.20&ordering=-due_date,id",
      "3",
      pageSize,
      Math.ceil((longHistory - 20 + datedThroughSilver) / pageSize)
    ],
    [
      "max_amount=10.30 ordered by due_date, the last page",
      "max_amount=10.30&ordering=due_date",
      "max_amount=10.30&ordering=due_date,id",
      "last",
      (31 + hiddenThroughSilver) % pageSize,
      Math.ceil((31 + hiddenThroughSilver) / pageSize)
    ],
    [
      "min_amount=10.20&max_amount=25 ordered by -id, a page near the end",
      "max_amount=25&min_amount=10.20&ordering=-id",
      "max_amount=25&min_amount=10.20&ordering=-id,id",
      String(Math.ceil((longHistory * 0.75 - 19 + datedThroughSilver) / pageSize) - 6),
      pageSize,
      Math.ceil((longHistory * 0.75 - 19 + datedThroughSilver) / pageSize)
    ],
    ["ordering=id, the first page", "ordering=id", "ordering=id,id", "1", pageSize, lastPage],
    ["ordering=id, the last page", "ordering=id", "ordering=id,id", "last", longRows % pageSize, lastPage],
    ["ordering=-id, a later page", "ordering=-id", "ordering=-id,id", "3", pageSize, lastPage],
    ["ordering=-id, a page near the end", "ordering=-id", "ordering=-id,id", String(lastPage - 6), pageSize, lastPage],
    [
      "visible=True ordered by -id, the last page",
      "ordering=-id&visible=True",
      "ordering=-id,id&visible=True",
      "last",
      visibleRows % pageSize,
      visiblePages
    ],
    ["ordering=due_date, the first page", "ordering=due_date", "ordering=due_date,id", "1", pageSize, lastPage],
    ["ordering=due_date, a later page", "ordering=due_date", "ordering=due_date,id", "3", pageSize, lastPage],
    [
      "ordering=due_date, the last page",
      "ordering=due_date",
      "ordering=due_date,id",
      "last",
      longRows % pageSize,
      lastPage
    ]
  ] as const)(
    "%s: the general statement's rows, ≤ 3 statements, rows read ≤ the page + 2, the same statements as for a short history",
    async (_, filter, general, page, shown, pages) => {
      const long = await measure(fixture.long, page, filter)
      // A page near the long history's end is compared with the short one's 3rd (of its 3 to 5).
      const shortPage = Number(page) > 3 ? "3" : page
      const short = await measure(fixture.short, shortPage, filter)
      expect(long.answer.status, long.answer.body).toBe(200)
      expect(short.answer.status, short.answer.body).toBe(200)
      expect(long.rows).toHaveLength(shown)
      expect((await measure(fixture.long, page, general)).answer.body).toBe(long.answer.body)
      expect((await measure(fixture.short, shortPage, general)).answer.body).toBe(short.answer.body)
      // Silver's Link header names the query's parameters in key order.
      const lastQuery = [...filter.split("&"), `page=${pages}`, `page_size=${pageSize}`].sort().join("&")
      expect(long.answer.link).toContain(`?${lastQuery}; rel="last">`)
      const statusAsked = /status=(\w+)/u.exec(filter)?.[1]
      if (statusAsked !== undefined) expect(long.rows.every((row) => row.status === statusAsked)).toBe(true)
      if (filter.includes("visible=")) {
        const visible = filter.includes("visible=True")
        expect(long.rows.every((row) => row.visible === visible)).toBe(true)
      }
      if (filter.startsWith("ordering=due_date") && page === "last" && !filter.includes("visible=False"))
        expect(long.rows.slice(-datedThroughSilver).map((row) => row.due_date)).toEqual([
          "2026-10-01",
          "2026-11-01",
          "2026-12-01"
        ])
      for (const measured of [long, short]) {
        expect(measured.tally.statements.length, describeTally(measured.tally)).toBeLessThanOrEqual(3)
        expect(measured.tally.rowsRead, describeTally(measured.tally)).toBeLessThanOrEqual(measured.rows.length + 2)
      }
      expect(long.tally.statements.map((statement) => statement.sql)).toEqual(
        short.tally.statements.map((statement) => statement.sql)
      )
      if (driver !== "postgresql") return
      // The page's reach in the filtered rows (and the dated payments, gathered apart): the whole-history
      // statement read every one of the customer's payments.
      // Those made through Silver are unpaid (the dated ones shown, the others hidden), the bulk payments paid.
      const status = /status=(\w+)/u.exec(filter)?.[1]
      const visible = /visible=(\w+)/u.exec(filter)?.[1]
      const [shownRows, hiddenRows] =
        status === "paid"
          ? [longHistory, 0]
          : status === "unpaid"
            ? [datedThroughSilver, hiddenThroughSilver]
            : status === "canceled"
              ? [0, 0]
              : filter.includes("is_overdue=True")
                ? [overdueRows, 0]
                : filter.includes("is_overdue=False")
                  ? [notOverdueRows, 0]
                  : [longRows - hiddenThroughSilver, hiddenThroughSilver]
      // An amount range: the payments showing an amount in it (in cents).
      const cents = (name: string) => {
        const value = new RegExp(`${name}=([0-9.]+)`, "u").exec(filter)?.[1]
        return value === undefined ? undefined : Math.round(Number(value) * 100)
      }
      const [min, max] = [cents("min_amount"), cents("max_amount")]
      const inRange = (amount: number) => (min === undefined || amount >= min) && (max === undefined || amount <= max)
      const bulkInRange = Array.from({ length: longHistory }, (_, i) => 1_000 + i).filter(inRange).length
      const total = filter.includes("currency=USD")
        ? 0
        : min !== undefined || max !== undefined
          ? bulkInRange + (inRange(2_500) ? datedThroughSilver : 0) + (inRange(700) ? hiddenThroughSilver : 0)
          : visible === "True"
            ? shownRows
            : visible === "False"
              ? hiddenRows
              : shownRows + hiddenRows
      const skip = page === "last" ? total - shown : (Number(page) - 1) * pageSize
      const reach = Math.min(skip + pageSize, total - skip)
      // Filtered by state or amount, a dated row's payment is also looked up (by id) for its state or amount by each
      // read of the dated records: up to the reach's date, the candidates, and their count.
      const probes = /status=|is_overdue=|_amount=/u.test(filter) ? 3 * datedThroughSilver : 0
      expect(await listTableRows(long)).toBeLessThanOrEqual(reach + datedThroughSilver + probes + 2)
      expect(await listTableRows(short)).toBeLessThanOrEqual(pageSize * 3 + datedThroughSilver + probes + 2)
    }
  )
})
