/**
 * LogiSense lists compiled to SQL give what the vendor's rule gives (issue 15.4). Searches whose
 * terms and order have an SQL form run in the ledger (page, offset and total in SQL, reversal rows
 * ranked in memory); adding a term that holds for every row but has no SQL form (`amount notEq
 * null`) makes the same search filter and sort every row in process by the vendor's rule. Both
 * must answer the same rows in the same order with the same total, over payments of two accounts,
 * disbursed and not, with reversal rows, on every page, with `top`, and in `GET Payment/Paged`.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import type { DialectTestbed, TestResponse } from "@paybridge/adapter-kit/testing"
import { Documents, Parties } from "@paybridge/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { authorize, type LogisenseSeed, newTestbed, seed, v6 } from "./logisense.fixtures.ts"

type Row = Record<string, unknown> & { identity: number }

let testbed: DialectTestbed
let world: LogisenseSeed
let otherAccount: LogisenseSeed["accountId"]
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  testbed.request(authorize({ method, path, headers, ...(body === undefined ? {} : { body }) }, world))

/** The list's answer without its tracking id (fresh on every request). */
const ok = (response: TestResponse) => {
  expect(response.status, response.text).toBe(200)
  const { totalCount, items } = response.json as { totalCount: number | null; items: Array<Row> }
  return { totalCount, items }
}

beforeAll(async () => {
  testbed = await newTestbed()
  world = await seed(testbed)
  otherAccount = (
    await testbed.runAsSystem(Parties.use((parties) => parties.createCustomer({ name: "Bo Other", currency: "USD" })))
  ).id
  const created: Array<Row> = []
  for (let i = 0; i < 14; i++) {
    const accountId = i % 3 === 0 ? otherAccount : world.accountId
    const invoice =
      i % 4 === 1
        ? await testbed.runAsSystem(
            Documents.use((documents) =>
              documents.issueDocument({ kind: "invoice", customerId: accountId, total: "5.00" })
            )
          )
        : null
    const response = await send("POST", `${v6}/`, {
      accountId,
      amount: new JsonDecimal(`${10 + i}.00`),
      detail: `Row ${i}`,
      ...(invoice === null ? {} : { invoiceId: invoice.id })
    })
    expect(response.status, response.text).toBe(200)
    created.push((response.json as { results: { items: Array<Row> } }).results.items[0] as Row)
  }
  for (const index of [1, 5, 9]) {
    const payment = created[index] as Row
    ok(await send("POST", `${v6}/Reverse`, { paymentId: payment.identity, amount: new JsonDecimal("1.00") }))
  }
  ok(await send("POST", `${v6}/Reverse`, { paymentId: (created[5] as Row).identity, amount: new JsonDecimal("2.00") }))
  expect((await send("DELETE", `${v6}/${(created[7] as Row).identity}`)).status).toBeLessThan(300)
})
afterAll(() => testbed.dispose())

/** A term every row satisfies that has no SQL form: the search then runs by the in-process rule. */
const everyRowInProcess = { name: "amount", operator: "notEq", value: null }

const bothWays = async (query: { search?: Array<unknown>; [key: string]: unknown }) => {
  const compiled = ok(await send("POST", `${v6}/Search`, { query }))
  const scanned = ok(
    await send("POST", `${v6}/Search`, { query: { ...query, search: [...(query.search ?? []), everyRowInProcess] } })
  )
  return { compiled, scanned }
}

describe("LogiSense lists in SQL answer what the vendor's rule answers", () => {
  const terms: ReadonlyArray<[string, Array<unknown>]> = [
    ["no terms", []],
    ["one account", [{ name: "accountId", operator: "eq", value: 0 }]],
    ["other accounts", [{ name: "accountId", operator: "notEq", value: 0 }]],
    ["account above", [{ name: "accountId", operator: "gt", value: 0 }]],
    ["disbursed", [{ name: "disbursed", operator: "eq", value: true }]],
    ["not disbursed", [{ name: "disbursed", operator: "notEq", value: true }]],
    ["manual", [{ name: "isManual", operator: "eq", value: true }]],
    ["reversal rows only", [{ name: "reversePaymentId", operator: "notEq", value: null }]],
    ["payment rows only", [{ name: "reversePaymentId", operator: "eq", value: null }]],
    ["no type", [{ name: "paymentTypeId", operator: "eq", value: null }]],
    ["an account below a bound past the id range", [{ name: "accountId", operator: "lt", value: 9_000_000_000_000 }]],
    [
      "an account equal to a number past the id range",
      [{ name: "paymentMethodId", operator: "eq", value: -9_000_000_000_000 }]
    ],
    ["created since", [{ name: "created", operator: "gtEq", value: "2000-01-01T00:00:00.000Z" }]]
  ]
  const orders: ReadonlyArray<[string, Array<unknown>]> = [
    ["default order", []],
    ["account descending", [{ name: "accountId", direction: "desc" }]],
    ["created descending", [{ name: "created", direction: "desc" }]],
    ["type, then account", [{ name: "paymentTypeId" }, { name: "accountId", direction: "desc" }]]
  ]

  const withAccount = (search: Array<unknown>) =>
    search.map((term) =>
      (term as { name: string; value: unknown }).name === "accountId" && (term as { value: unknown }).value === 0
        ? { ...(term as object), value: world.accountId }
        : term
    )

  it.each(terms)("%s: every order, every page, with top", async (_, search) => {
    for (const [, orderBy] of orders) {
      const all = await bothWays({ search: withAccount(search), orderBy, top: 1000 })
      expect(all.compiled).toEqual(all.scanned)
      for (const pageNumber of [1, 2, 3, 7]) {
        const page = await bothWays({ search: withAccount(search), orderBy, pagination: { pageNumber, pageSize: 3 } })
        expect(page.compiled, `page ${pageNumber}`).toEqual(page.scanned)
      }
      const top = await bothWays({
        search: withAccount(search),
        orderBy,
        top: 4,
        pagination: { pageNumber: 2, pageSize: 3 }
      })
      expect(top.compiled).toEqual(top.scanned)
    }
  })

  it("lists reversal rows, leaves deleted payments out and counts every row", async () => {
    const all = ok(await send("GET", `${v6}/`))
    expect(all.totalCount).toBe(13 + 4)
    expect(all.items.filter((row) => row.identity < 0)).toHaveLength(4)
    const paged = await send("GET", `${v6}/Paged`, undefined, { Pagination: '{"pageNumber":3,"pageSize":5}' })
    const page = (paged.json as { pagedResults: { totalCount: number; items: Array<Row> } }).pagedResults
    expect(page.totalCount).toBe(17)
    expect(page.items).toEqual(all.items.slice(10, 15))
  })

  it("shows every row of a page, and of its Detail form, as GET by identity shows it", async () => {
    // A page's rows are built from what its one statement brought along; a GET reads its row on its own.
    const search = ok(
      await send("POST", `${v6}/Search`, {
        query: { search: [{ name: "accountId", operator: "eq", value: world.accountId }], pagination: { pageSize: 50 } }
      })
    )
    const detail = await send("GET", `${v6}/Paged/Detail`, undefined, { Pagination: '{"pageNumber":1,"pageSize":50}' })
    const detailRows = (detail.json as { pagedResults: { items: Array<Row> } }).pagedResults.items
    expect(search.items.filter((row) => row.identity < 0).length).toBeGreaterThan(0)
    expect(detailRows.filter((row) => row.identity < 0).length).toBeGreaterThan(0)
    for (const row of search.items) {
      const read = await send("GET", `${v6}/${row.identity}`)
      expect(read.status, read.text).toBe(200)
      expect((read.json as { instance: Row }).instance, `row ${row.identity}`).toEqual(row)
    }
    for (const row of detailRows) {
      const read = await send("GET", `${v6}/${row.identity}/Detail`)
      expect(read.status, read.text).toBe(200)
      expect((read.json as { instance: Row }).instance, `row ${row.identity}`).toEqual(row)
    }
  })
})
