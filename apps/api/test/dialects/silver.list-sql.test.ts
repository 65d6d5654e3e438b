/**
 * Silver's payment list compiled to SQL (issue 14.3), on SQLite and on PostgreSQL, held to Silver's
 * own rules: a customer with payments in every state (made through Silver with due dates, hidden
 * ones, documents and providers of both flows; made elsewhere, allocated to an invoice, reversed in
 * part and in full) and open documents (12.8) is listed through many filter, ordering and page
 * combinations, and every page must be what django-filter's `PaymentFilter`, DRF's `OrderingFilter`
 * and paginator made of the whole list — the rules as Silver's code had them, applied here in the
 * test to the complete list. The complete list itself is checked row by row against the detail
 * view (`GET …/payments/<id>/`), which renders each payment on its own.
 */
import {
  Authenticator,
  authenticatorLayerWith,
  CommandContext,
  DialectRecords,
  Documents,
  ledgerLayer,
  Parties,
  PaymentGateways,
  Payments,
  testKdfCost
} from "@paybridge/core"
import { openDatabase } from "@paybridge/db"
import { createPostgresTestDatabase, testLedgerLayer } from "@paybridge/db/testing"
import { type Effect as E, Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { createApp } from "../../src/app.ts"
import { loadConfig } from "../../src/config.ts"

interface Row {
  id: number
  url: string
  customer: string
  provider: string | null
  amount: string
  currency: string
  due_date: string | null
  status: string
  visible: boolean
  proforma: string | null
  invoice: string | null
}

const root = "http://paybridge.test/silver"
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

// ---------------------------------------------------------------------------------------------
// Silver's rules over the whole list (PaymentFilter, OrderingFilter and the paginator @00bc43d)

const isOpen = (status: string) => status === "unpaid" || status === "pending"
const nullBoolean = (text: string | undefined) =>
  text === "True" || text === "2" ? true : text === "False" || text === "3" ? false : null
/** Decimal text → hundredths, `null` when Django's DecimalField would refuse it (the filters here are plain decimals). */
const hundredths = (text: string): number | null => (/^-?\d+(\.\d+)?$/u.test(text) ? Number(text) * 100 : null)
const linkId = (link: string | null) => (link === null ? null : Number(/\/(\d+)\/$/u.exec(link)?.[1]))

const silverFilter = (
  rows: ReadonlyArray<Row>,
  query: Record<string, string>,
  providers: ReadonlyMap<string, { name: string; flow: string }>
): ReadonlyArray<Row> | null => {
  const min = query.min_amount === undefined ? undefined : hundredths(query.min_amount)
  const max = query.max_amount === undefined ? undefined : hundredths(query.max_amount)
  if (min === null || max === null) return null
  const overdue = nullBoolean(query.is_overdue)
  const visible = nullBoolean(query.visible)
  const today = day(0)
  return rows.filter((row) => {
    const provider = row.provider === null ? undefined : providers.get(row.provider)
    const cents = Math.round(Number(row.amount) * 100)
    if (overdue === true && !(isOpen(row.status) && row.due_date !== null && row.due_date < today)) return false
    if (overdue === false && !(!isOpen(row.status) || (row.due_date !== null && row.due_date >= today))) return false
    if (visible !== null && row.visible !== visible) return false
    if (query.status !== undefined && row.status !== query.status) return false
    if (query.flow !== undefined && provider?.flow !== query.flow) return false
    if (query.provider !== undefined && provider?.name.toLowerCase() !== query.provider.toLowerCase()) return false
    if (min !== undefined && cents < min) return false
    if (max !== undefined && cents > max) return false
    if (query.currency !== undefined && row.currency.toLowerCase() !== query.currency.toLowerCase()) return false
    return true
  })
}

const orderingFields = [
  "id",
  "customer",
  "provider",
  "amount",
  "currency",
  "due_date",
  "status",
  "visible",
  "proforma",
  "invoice"
]
const sortKey = (row: Row, field: string): string | number | boolean | null => {
  if (field === "amount") return Math.round(Number(row.amount) * 100)
  if (["customer", "provider", "proforma", "invoice"].includes(field)) return linkId(row[field as "customer"])
  return row[field as "id"]
}
const silverOrder = (rows: ReadonlyArray<Row>, ordering: string | undefined): ReadonlyArray<Row> => {
  const requested = (ordering ?? "")
    .split(",")
    .map((term) => term.trim())
    .filter((term) => orderingFields.includes(term.replace(/^-/u, "")))
  const terms = requested.length > 0 ? requested : ["-due_date"]
  return [...rows].sort((a, b) => {
    for (const term of terms) {
      const field = term.replace(/^-/u, "")
      const x = sortKey(a, field)
      const y = sortKey(b, field)
      const order = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1
      if (order !== 0) return term.startsWith("-") ? -order : order
    }
    return a.id - b.id
  })
}

// ---------------------------------------------------------------------------------------------

type Services = Layer.Success<typeof testLedgerLayer> | Authenticator

const scenario = (driver: "sqlite" | "postgresql") => {
  let runtime: ManagedRuntime.ManagedRuntime<Services, never>
  let drop: () => Promise<void> = async () => {}
  let app: ReturnType<typeof createApp>
  let token = ""
  let customerId = 0
  const providers = new Map<string, { name: string; flow: string }>()

  const run = <A, Err>(work: E.Effect<A, Err, Services | CommandContext>) =>
    runtime.runPromise(work.pipe(Effect.provide(CommandContext.system())) as E.Effect<A, Err, Services>)
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`http://paybridge.test/silver${path}`, {
      method,
      headers: {
        authorization: `Token ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    return { status: response.status, link: response.headers.get("link"), json: JSON.parse(text) as unknown }
  }
  const list = (query: Record<string, string>) =>
    send("GET", `/customers/${customerId}/payments/?${new URLSearchParams(query).toString()}`)

  beforeAll(async () => {
    if (driver === "sqlite") {
      runtime = ManagedRuntime.make(
        Layer.provideMerge(authenticatorLayerWith({ kdfCost: testKdfCost }), testLedgerLayer)
      )
    } else {
      const database = await createPostgresTestDatabase()
      drop = database.drop
      const stores = Layer.merge(openDatabase({ url: database.url }), PaymentGateways.layerTest)
      runtime = ManagedRuntime.make(
        Layer.provideMerge(
          authenticatorLayerWith({ kdfCost: testKdfCost }),
          ledgerLayer.pipe(Layer.provideMerge(stores))
        )
      ) as unknown as typeof runtime
    }
    app = createApp({ runtime, config: await Effect.runPromise(loadConfig({})) })
    token = (
      await run(
        Effect.gen(function* () {
          const auth = yield* Authenticator
          const user = yield* auth.createUser({
            email: "list@silver.test",
            name: "List",
            role: "admin",
            password: "a long list password"
          })
          return yield* auth.issueApiKey({ userId: user.id, label: "list" })
        })
      )
    ).apiKey
    const acme = await run(
      Parties.use((p) => p.createBillingEntity({ name: "Acme", flow: "invoice", defaultCurrency: "USD" }))
    )
    const beta = await run(
      Parties.use((p) => p.createBillingEntity({ name: "BeTa Ltd", flow: "proforma", defaultCurrency: "USD" }))
    )
    providers.set(`${root}/providers/${acme.id}/`, { name: acme.name, flow: "invoice" })
    providers.set(`${root}/providers/${beta.id}/`, { name: beta.name, flow: "proforma" })
    const customer = await run(Parties.use((p) => p.createCustomer({ name: "Ada", currency: "USD" })))
    customerId = customer.id
    const issue = (kind: "invoice" | "proforma", total: string, extra: Record<string, unknown> = {}) =>
      run(
        Documents.use((d) =>
          d.issueDocument({
            kind,
            customerId: customer.id,
            total,
            billingEntityId: acme.id,
            dueDate: day(-3),
            ...extra
          })
        )
      )
    const proformaA = await issue("proforma", "40.00", { billingEntityId: beta.id, dueDate: day(5) })
    await issue("invoice", "40.00", { billingEntityId: beta.id, relatedDocumentId: proformaA.id, dueDate: null })
    await issue("proforma", "15.50", { dueDate: day(0) })
    const invoiceB = await issue("invoice", "25.00")
    const cancelled = await issue("invoice", "99.00")
    await run(Documents.use((d) => d.cancelDocument(cancelled.id)))
    const carried = await issue("invoice", "12.00", { dueDate: day(-10) })
    const partly = await issue("invoice", "30.00", { dueDate: day(10) })
    // Migrated from Silver (issue 16.2): shown under its Silver id, read by it.
    const migrated = await issue("invoice", "45.00", { externalRef: { system: "silver", id: "invoice:500" } })
    await run(
      DialectRecords.use((records) =>
        records.saveDialectRecord({
          dialect: "silver",
          kind: "migrated",
          key: "document/invoice:500",
          data: { ledgerId: migrated.id }
        })
      )
    )

    const silverCreate = async (body: Record<string, unknown>) => {
      const made = await send("POST", `/customers/${customer.id}/payments/`, body)
      expect(made.status, JSON.stringify(made.json)).toBe(201)
    }
    const acmeLink = `${root}/providers/${acme.id}/`
    const betaLink = `${root}/providers/${beta.id}/`
    await silverCreate({ provider: acmeLink, amount: "10.00", due_date: day(-1) })
    await silverCreate({ provider: betaLink, amount: "15.50", due_date: day(2), visible: false })
    await silverCreate({ provider: acmeLink, amount: "20.00", status: "paid", due_date: day(-1) })
    await silverCreate({ provider: acmeLink, amount: "20.00", status: "pending", due_date: day(0) })
    await silverCreate({ provider: betaLink, amount: "7.25", status: "canceled", visible: false })
    await silverCreate({ provider: acmeLink, amount: "12.00", invoice: `${root}/invoices/${carried.id}/` })
    await silverCreate({ provider: acmeLink, amount: "9.99", status: "pending" })
    await silverCreate({
      provider: acmeLink,
      amount: "10.00",
      status: "paid",
      invoice: `${root}/invoices/${partly.id}/`,
      due_date: day(-20)
    })
    // Made elsewhere: no Silver attributes.
    const pay = (amount: string, extra: Record<string, unknown> = {}) =>
      run(Payments.use((p) => p.createPayment({ customerId: customer.id, amount, ...extra })))
    await pay("5.00")
    await pay("8.00", { initialState: "draft", billingEntityId: beta.id })
    await pay("25.00", { allocations: [{ documentId: invoiceB.id, amount: "10.00" }] })
    const reversedFully = await pay("33.00", { billingEntityId: acme.id })
    await run(Payments.use((p) => p.reversePayment({ paymentId: reversedFully.payment.id })))
    const reversedPartly = await pay("50.00")
    await run(Payments.use((p) => p.reversePayment({ paymentId: reversedPartly.payment.id, amount: "20.00" })))
  })
  afterAll(async () => {
    await runtime?.dispose()
    await drop()
  })

  const everything = async () => {
    const whole = await list({ page_size: "100", ordering: "id" })
    expect(whole.status).toBe(200)
    return whole.json as Array<Row>
  }

  test("lists every payment and open document as its detail view shows it", async () => {
    const rows = await everything()
    // 13 payments; open documents: proforma A is invoiced, its invoice (40.00), the 15.50 proforma,
    // invoice B (15.00 left), invoice `partly` (20.00 left), the migrated invoice; `carried` is carried by an
    // unpaid payment.
    expect(rows.length).toBe(13 + 5)
    expect(rows.filter((row) => row.id > 1e12 && row.amount === "45.00").map((row) => row.id)).toEqual([1e12 + 500])
    for (const row of rows) {
      const detail = await send("GET", new URL(row.url).pathname.replace(/^\/silver/u, ""))
      expect(detail.json, row.url).toEqual(row)
    }
    expect(
      rows
        .filter((row) => row.id > 1e12)
        .map((row) => row.amount)
        .sort()
    ).toEqual(["15.00", "15.50", "20.00", "40.00", "45.00"])
  })

  test("a create the ledger unit refuses (unknown provider or customer, another currency) answers Silver's 400 and writes nothing", async () => {
    const before = (await everything()).length
    const unknownProvider = await send("POST", `/customers/${customerId}/payments/`, {
      provider: `${root}/providers/9999/`,
      amount: "1.00"
    })
    const otherCurrency = await send("POST", `/customers/${customerId}/payments/`, {
      provider: [...providers.keys()][0],
      amount: "1.00",
      currency: "EUR"
    })
    const unknownCustomer = await send("POST", "/customers/9999/payments/", {
      provider: [...providers.keys()][0],
      amount: "1.00"
    })
    expect([unknownProvider, otherCurrency, unknownCustomer].map(({ status, json }) => ({ status, json }))).toEqual([
      { status: 400, json: { provider: ["Invalid hyperlink - Object does not exist."] } },
      { status: 400, json: { currency: ["Payments of this customer must be in USD."] } },
      { status: 400, json: { customer: ["Invalid hyperlink - Object does not exist."] } }
    ])
    expect((await everything()).length).toBe(before)
  })

  const filterSets: ReadonlyArray<Record<string, string>> = [
    {},
    { status: "unpaid" },
    { status: "paid" },
    { status: "pending" },
    { status: "canceled" },
    { status: "bogus" },
    { visible: "True" },
    { visible: "3" },
    { visible: "true" },
    { is_overdue: "True" },
    { is_overdue: "False" },
    { flow: "proforma" },
    { provider: "acme" },
    { provider: "BETA LTD" },
    { min_amount: "15.5" },
    { max_amount: "12" },
    { min_amount: "10", max_amount: "20.00" },
    { min_amount: "abc" },
    { currency: "usd" },
    { currency: "eur" },
    { currency: "US" },
    { status: "unpaid", is_overdue: "False", flow: "invoice" }
  ]
  const orderings: ReadonlyArray<string | undefined> = [
    undefined,
    "amount",
    "-amount",
    "status,-id",
    "due_date",
    "visible,-due_date",
    "provider,amount",
    "invoice",
    "-proforma,currency",
    "-status,customer",
    "bogus,url"
  ]

  test("filters, orders and pages as Silver's filters, ordering and paginator did over the whole list", async () => {
    const rows = await everything()
    // Every ordering unfiltered; each filter set with three orderings (a different three per set).
    for (const [index, filters] of filterSets.entries()) {
      const matched = silverFilter(rows, filters, providers) ?? []
      const some = index === 0 ? orderings : [0, 3, 7].map((step) => orderings[(index + step) % orderings.length])
      for (const ordering of some) {
        const expected = silverOrder(matched, ordering)
        const pages = Math.max(1, Math.ceil(expected.length / 4))
        for (const page of ["1", "2", "last"]) {
          const query = { ...filters, ...(ordering === undefined ? {} : { ordering }), page, page_size: "4" }
          const answer = await list(query)
          const number = page === "last" ? pages : Number(page)
          if (number > pages) {
            expect({ query, status: answer.status }).toEqual({ query, status: 404 })
            continue
          }
          expect({ query, status: answer.status, body: answer.json }).toEqual({
            query,
            status: 200,
            body: expected.slice((number - 1) * 4, number * 4)
          })
          expect(/page=(\d+)&page_size=4[^;]*; rel="last">$/u.exec(answer.link ?? "")?.[1], JSON.stringify(query)).toBe(
            String(pages)
          )
        }
      }
    }
  })
}

describe.each([
  ["SQLite", "sqlite"],
  ["PostgreSQL", "postgresql"]
] as const)("Silver's payment list in SQL on %s", (_, driver) => scenario(driver))
