/**
 * LogiSense lists with reversal rows read nothing per row (issue 15.4): over a ledger where several
 * payments were reversed (one of them twice), `POST Payment/Search` pages of 4 and of 16 rows —
 * payment rows and reversal rows, full rows with creator names, invoices and vendor attributes —
 * run the same statements, counted by the database's `StatementLog` on SQLite: the list's own is
 * one (payment and reversal rows in the list's order, offset and counted in SQL, with everything
 * the rows show), and with authentication at most three; no row is read that the page does not
 * show (+2). The same budgets are held on both databases in `query-budgets.test.ts`.
 */
import { type DialectTestbed, makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import { logisenseDialect } from "@paybridge/adapter-logisense"
import { type CustomerId, Documents, Parties } from "@paybridge/core"
import { StatementLog } from "@paybridge/db/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const v6 = "/api/v6/Payment"
let testbed: DialectTestbed
let token = ""
let accountId = 0 as CustomerId

const send = (method: string, path: string, body?: unknown) =>
  testbed.request({ method, path, headers: { authorization: `Bearer ${token}` }, body })

beforeAll(async () => {
  testbed = await makeDialectTestbed({ dialect: logisenseDialect })
  const email = "lists@paybridge.test"
  await testbed.createUser({
    email,
    name: "Lou Lists",
    role: "finance",
    customerScope: null,
    password: "a long password"
  })
  const login = await testbed.request({
    method: "POST",
    path: "/AuthorizationServer/api/v6/Access/Login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    rawBody: new URLSearchParams({
      username: email,
      password: "a long password",
      grant_type: "password",
      client_id: "lists"
    }).toString()
  })
  token = (login.json as { access_token: string }).access_token
  accountId = (
    await testbed.runAsSystem(
      Parties.use((parties) => parties.createCustomer({ name: "Ada Account", currency: "USD" }))
    )
  ).id
  const identities: Array<number> = []
  const reversedIndexes = [1, 4, 4, 9, 13]
  for (let i = 0; i < 20; i++) {
    // Only payments issued to an invoice can be reversed (the others are deleted instead).
    const invoice = reversedIndexes.includes(i)
      ? await testbed.runAsSystem(
          Documents.use((documents) =>
            documents.issueDocument({ kind: "invoice", customerId: accountId, total: "5.00" })
          )
        )
      : null
    const created = await send("POST", `${v6}/`, {
      accountId,
      amount: 20 + i,
      detail: `Row ${i}`,
      ...(invoice === null ? {} : { invoiceId: invoice.id })
    })
    expect(created.status, created.text).toBe(200)
    identities.push(
      (created.json as { results: { items: Array<{ identity: number }> } }).results.items[0]?.identity ?? 0
    )
  }
  for (const index of reversedIndexes) {
    const reversed = await send("POST", `${v6}/Reverse`, { paymentId: identities[index], amount: 1 })
    expect(reversed.status, reversed.text).toBe(200)
  }
})
afterAll(() => testbed.dispose())

const statementsOf = async (pageSize: number) => {
  const log = await testbed.runAsSystem(
    Effect.service(StatementLog) as unknown as Effect.Effect<StatementLog["Service"]>
  )
  const search = () =>
    send("POST", `${v6}/Search`, {
      query: {
        search: [{ name: "accountId", operator: "eq", value: accountId }],
        orderBy: [{ name: "created", direction: "desc" }],
        pagination: { pageNumber: 1, pageSize }
      }
    })
  await search()
  const measured = await log.measure(search)
  const result = measured.result
  expect(result.status, result.text).toBe(200)
  // Authentication is cached for 5 seconds per process and may be re-read on a slow machine: it counts in the
  // budget of three, and the list's own statements are counted apart.
  const tally = {
    statements: measured.tally.statements.filter((statement) => !/\b(sessions|users|api_keys)\b/u.test(statement.sql))
  }
  const items = (
    result.json as {
      items: Array<{ reversePaymentId: number | null; createdByUserName: unknown; invoiceName: unknown }>
    }
  ).items
  return { items, tally, all: measured.tally }
}

describe("LogiSense lists with reversal rows (statements per page, SQLite)", () => {
  it("pages of 4 and of 16 rows, reversal rows among them, run the same statements: nothing per row", async () => {
    const small = await statementsOf(4)
    const large = await statementsOf(16)
    expect(small.items).toHaveLength(4)
    expect(large.items).toHaveLength(16)
    expect(large.items.filter((row) => row.reversePaymentId !== null).length).toBeGreaterThanOrEqual(3)
    expect(large.items.every((row) => row.createdByUserName === "Lou Lists")).toBe(true)
    const describe = (tally: { readonly statements: ReadonlyArray<{ readonly rows: number; readonly sql: string }> }) =>
      tally.statements.map((statement) => `${statement.rows} rows: ${statement.sql.slice(0, 140)}`).join("\n")
    expect(
      large.items.filter((row) => row.reversePaymentId === null && row.invoiceName !== null).length
    ).toBeGreaterThan(0)
    expect(large.tally.statements.length, describe(large.tally)).toBe(small.tally.statements.length)
    expect(large.tally.statements.length, describe(large.tally)).toBeLessThanOrEqual(1)
    for (const measured of [small, large]) {
      expect(measured.all.statements.length, describe(measured.all)).toBeLessThanOrEqual(3)
      expect(measured.all.rowsRead, describe(measured.all)).toBeLessThanOrEqual(measured.items.length + 2)
    }
  })
})
