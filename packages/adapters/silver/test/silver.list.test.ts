/**
 * Silver's payment list as its code had it: django-filter filters (is_overdue with Silver's
 * querysets, visible, status, flow and provider through the provider, min/max amount, currency
 * case-insensitively; invalid typed values give an empty list, lowercase booleans are ignored),
 * ordering by due date descending unless `?ordering=` says otherwise, page-number pagination
 * (30 per page, `page_size` ≤ 100, `per_page` alias, `page=last`) with the Link header on every
 * list response in Silver's format, and `Invalid page.`.
 */
import { Documents, Parties, Payments } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { root, type SilverBench, silverBench } from "./silver.fixtures.ts"

interface Shown {
  id: number
  amount: string
  due_date: string | null
  status: string
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

describe("Silver's payment list", () => {
  let bench: SilverBench
  beforeEach(async () => {
    bench = await silverBench()
    // The seed's open invoice (or its proforma) would show as an unpaid payment (issue 12.8,
    // tested in silver.unpaid-documents.test.ts); these tests list only the payments they make.
    for (const document of [bench.seed.invoice, bench.seed.proforma])
      await bench.testbed.runAsSystem(Documents.use((documents) => documents.cancelDocument(document.id)))
  })
  afterEach(() => bench.dispose())

  const make = async (body: Record<string, unknown>) => {
    const response = await bench.create({ provider: bench.links.provider, amount: "10.00", ...body })
    expect(response.status, response.text).toBe(201)
    return (response.json as Shown).id
  }
  const list = async (query: Record<string, string> = {}) => {
    const response = await bench.send({ method: "GET", path: bench.paymentsPath(), query })
    expect(response.status, response.text).toBe(200)
    return response.json as Array<Shown>
  }
  const ids = async (query: Record<string, string> = {}) => (await list(query)).map((row) => row.id)

  it("filters by is_overdue as Silver's querysets did (null due dates in neither set)", async () => {
    const overdueUnpaid = await make({ due_date: day(-1) })
    const overduePending = await make({ due_date: day(-2), status: "pending" })
    const tomorrow = await make({ due_date: day(1) })
    const today = await make({ due_date: day(0) })
    const paidLate = await make({ due_date: day(-3), status: "paid" })
    const noDate = await make({})
    expect(await ids({ is_overdue: "True" })).toEqual([overdueUnpaid, overduePending])
    expect(await ids({ is_overdue: "False" })).toEqual([tomorrow, today, paidLate])
    expect((await ids({ is_overdue: "true" })).sort()).toEqual(
      [overdueUnpaid, overduePending, tomorrow, today, paidLate, noDate].sort()
    )
  })

  it("filters by visible, status, flow, provider name, amounts and currency", async () => {
    const { testbed, seed } = bench
    const proformaFlow = await testbed.runAsSystem(
      Parties.use((parties) => parties.createBillingEntity({ name: "Other Provider", flow: "proforma" }))
    )
    const hidden = await make({ visible: false, amount: "5.00" })
    const paid = await make({ status: "paid", amount: "20.00" })
    const other = await make({ provider: `${root}/providers/${proformaFlow.id}/`, amount: "30.00" })
    const all = [hidden, paid, other]
    expect(await ids({ visible: "False" })).toEqual([hidden])
    expect((await ids({ visible: "True" })).sort()).toEqual([paid, other].sort())
    expect((await ids({ visible: "false" })).sort()).toEqual([...all].sort())
    expect(await ids({ status: "paid" })).toEqual([paid])
    expect(await ids({ status: "PAID" })).toEqual([])
    expect(await ids({ status: "RANDOM" })).toEqual([])
    expect(await ids({ flow: "proforma" })).toEqual([other])
    expect((await ids({ flow: "invoice" })).sort()).toEqual([hidden, paid].sort())
    expect(await ids({ provider: "other PROVIDER" })).toEqual([other])
    expect(await ids({ provider: `${proformaFlow.id}` })).toEqual([])
    expect((await ids({ min_amount: "20" })).sort()).toEqual([paid, other].sort())
    expect(await ids({ max_amount: "5.00" })).toEqual([hidden])
    expect(await ids({ min_amount: "6", max_amount: "20.00" })).toEqual([paid])
    expect(await ids({ min_amount: "30", max_amount: "5" })).toEqual([])
    expect(await ids({ min_amount: "abc" })).toEqual([])
    expect((await ids({ min_amount: "", amount: "5.00", due_date: "2016-01-01" })).sort()).toEqual([...all].sort())
    expect((await ids({ currency: "UsD" })).sort()).toEqual([...all].sort())
    expect(await ids({ currency: "EUR" })).toEqual([])
    expect(seed.customer.currency).toBe("USD")
  })

  it("reads booleans as Django's NullBooleanSelect did: True/2 and False/3, anything else skips the filter", async () => {
    const hidden = await make({ visible: false, due_date: day(-1) })
    const shown = await make({ due_date: day(1) })
    const all = [hidden, shown].sort()
    expect(await ids({ visible: "2" })).toEqual([shown])
    expect(await ids({ visible: "3" })).toEqual([hidden])
    expect(await ids({ is_overdue: "2" })).toEqual([hidden])
    expect(await ids({ is_overdue: "3" })).toEqual([shown])
    expect(await ids({ visible: "3", is_overdue: "3" })).toEqual([])
    for (const unknown of ["1", "0", "true", "TRUE", "yes", "on", "None", "2 "]) {
      expect({ unknown, rows: (await ids({ visible: unknown })).sort() }).toEqual({ unknown, rows: all })
      expect({ unknown, rows: (await ids({ is_overdue: unknown })).sort() }).toEqual({ unknown, rows: all })
    }
  })

  it("orders by due date descending by default and by ?ordering=", async () => {
    const a = await make({ due_date: "2016-01-02", amount: "3.00" })
    const b = await make({ due_date: null, amount: "1.00" })
    const c = await make({ due_date: "2016-05-01", amount: "2.00" })
    const d = await make({ due_date: "2016-01-02", amount: "4.00" })
    expect(await ids()).toEqual([c, a, d, b])
    expect(await ids({ ordering: "due_date" })).toEqual([b, a, d, c])
    expect(await ids({ ordering: "amount" })).toEqual([b, c, a, d])
    expect(await ids({ ordering: "-amount,id" })).toEqual([d, a, c, b])
    expect(await ids({ ordering: "-due_date,-amount" })).toEqual([c, d, a, b])
    expect(await ids({ ordering: "url" })).toEqual([c, a, d, b])
    expect(await ids({ ordering: "nonsense,-id" })).toEqual([d, c, b, a])
  })

  it("paginates with page, page_size (capped at 100) and per_page, always sending Silver's Link header", async () => {
    const run = bench.testbed.runAsSystem
    for (let index = 0; index < 105; index += 1) {
      await run(
        Payments.use((payments) =>
          payments.createPayment({ customerId: bench.seed.customer.id, amount: "1.00", initialState: "draft" })
        )
      )
    }
    const base = `${root}/customers/${bench.seed.customer.id}/payments/`
    const first = await bench.send({ method: "GET", path: bench.paymentsPath() })
    expect((first.json as Array<unknown>).length).toBe(30)
    expect(first.headers.get("link")).toBe(
      `<${base}?page=2; rel="next">, <${base}?page=1; rel="first">, <${base}?page=4; rel="last">`
    )
    const second = await bench.send({
      method: "GET",
      path: bench.paymentsPath(),
      query: { status: "unpaid", page: "2" }
    })
    expect(second.headers.get("link")).toBe(
      `<${base}?page=3&status=unpaid; rel="next">, <${base}?status=unpaid; rel="prev">, <${base}?page=1&status=unpaid; rel="first">, <${base}?page=4&status=unpaid; rel="last">`
    )
    const last = await bench.send({ method: "GET", path: bench.paymentsPath(), query: { page: "last" } })
    expect((last.json as Array<unknown>).length).toBe(15)
    expect(last.headers.get("link")).toBe(
      `<${base}?page=3; rel="prev">, <${base}?page=1; rel="first">, <${base}?page=4; rel="last">`
    )
    expect(await list({ page_size: "500" })).toHaveLength(100)
    expect(await list({ page_size: "7" })).toHaveLength(7)
    expect(await list({ per_page: "5" })).toHaveLength(5)
    expect(await list({ page_size: "0" })).toHaveLength(30)
    const single = await bench.send({
      method: "GET",
      path: bench.paymentsPath(),
      query: { page_size: "100", page: "2" }
    })
    expect((single.json as Array<unknown>).length).toBe(5)
  })

  it("answers Invalid page. with 404", async () => {
    await make({})
    for (const page of ["2", "0", "abc", "-1"]) {
      const response = await bench.send({ method: "GET", path: bench.paymentsPath(), query: { page } })
      expect({ page, status: response.status, body: response.json }).toEqual({
        page,
        status: 404,
        body: { detail: "Invalid page." }
      })
    }
    const empty = await bench.send({ method: "GET", path: "/customers/777/payments/", query: { page: "1" } })
    expect(empty.status).toBe(200)
  })
})
