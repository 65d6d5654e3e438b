/**
 * What a Silver client notices, over the real Ledger: the path's customer wins, Silver's
 * defaults, 201 with Location; every allowed transition and the final states; the ledger
 * lifecycle behind each Silver status (paid → posted, allocated to the invoice, balance moved);
 * payments made outside Silver shown with the mapped status; full and partial reversals; the
 * refusal while someone else's collection is in progress; every link resolving with GET; and
 * customers and providers created through Silver.
 */
import {
  Collections,
  type Customer,
  type CustomerId,
  DialectRecords,
  Documents,
  Parties,
  type PaymentId,
  Payments
} from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { root, type SilverBench, silverBench } from "./silver.fixtures.ts"

interface Shown {
  id: PaymentId
  url: string
  status: string
  amount: string
  visible: boolean
  due_date: string | null
  customer: string
  provider: string | null
  proforma: string | null
  invoice: string | null
}

describe("Silver payments over the ledger", () => {
  let bench: SilverBench
  beforeEach(async () => {
    bench = await silverBench()
  })
  afterEach(() => bench.dispose())

  const ledgerPayment = (id: PaymentId) =>
    bench.testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id })))

  it("uses the path's customer, applies Silver's defaults and answers 201 with a Location header", async () => {
    const response = await bench.create({
      customer: `${root}/customers/999/`,
      provider: bench.links.provider,
      amount: new (await import("@paybridge/adapter-kit")).JsonDecimal("7.5")
    })
    expect(response.status).toBe(201)
    const shown = response.json as Shown
    expect(shown).toMatchObject({
      customer: bench.links.customer,
      amount: "7.50",
      currency: "USD",
      due_date: null,
      status: "unpaid",
      visible: true,
      proforma: null,
      invoice: null
    })
    expect(response.headers.get("location")).toBe(`${root}/customers/${bench.seed.customer.id}/payments/${shown.id}/`)
    const detail = await ledgerPayment(shown.id)
    expect(detail.payment).toMatchObject({ state: "draft", amount: 750n, origin: "dialect:silver" })
    expect(detail.payment.customFields).toEqual({})
  })

  it("keeps visible and due_date in a dialect record, never in custom fields", async () => {
    const made = await bench.create({
      provider: bench.links.provider,
      amount: "3.00",
      visible: "False",
      due_date: "2017-1-5"
    })
    const shown = made.json as Shown
    expect(shown).toMatchObject({ visible: false, due_date: "2017-01-05" })
    const record = await bench.testbed.runAsSystem(
      DialectRecords.use((dialectRecords) =>
        dialectRecords.getDialectRecord({ dialect: "silver", kind: "payment-attributes", key: String(shown.id) })
      )
    )
    expect(record).toMatchObject({
      paymentId: shown.id,
      customerId: bench.seed.customer.id,
      data: { visible: false, dueDate: "2017-01-05" }
    })
    expect((await ledgerPayment(shown.id)).payment.customFields).toEqual({})
  })

  it("walks every allowed transition and keeps paid and canceled final", async () => {
    const make = async () =>
      ((await bench.create({ provider: bench.links.provider, amount: "10.00" })).json as Shown).id
    const states = async (id: PaymentId) => (await ledgerPayment(id)).payment.state
    // unpaid → pending → unpaid → pending → paid
    const a = await make()
    for (const [status, ledgerState] of [
      ["pending", "pending"],
      ["unpaid", "draft"],
      ["pending", "pending"],
      ["pending", "pending"],
      ["paid", "posted"]
    ] as const) {
      const response = await bench.patch(a, { status })
      expect({ status: response.status, shown: (response.json as Shown).status }).toEqual({
        status: 200,
        shown: status
      })
      expect(await states(a)).toBe(ledgerState)
    }
    // unpaid → paid; unpaid → canceled; pending → canceled; unpaid → unpaid is a no-op
    const b = await make()
    expect(((await bench.patch(b, { status: "unpaid" })).json as Shown).status).toBe("unpaid")
    expect(((await bench.patch(b, { status: "paid" })).json as Shown).status).toBe("paid")
    const c = await make()
    expect(((await bench.patch(c, { status: "canceled" })).json as Shown).status).toBe("canceled")
    expect(await states(c)).toBe("cancelled")
    const d = await make()
    await bench.patch(d, { status: "pending" })
    expect(((await bench.patch(d, { status: "canceled" })).json as Shown).status).toBe("canceled")
    for (const id of [a, b, c, d]) {
      for (const status of ["unpaid", "pending", "paid", "canceled"]) {
        expect((await bench.patch(id, { status })).status).toBe(400)
      }
    }
  })

  it("posts a paid payment in the ledger, allocates it to its invoice and moves the customer balance", async () => {
    const { seed } = bench
    const before = await bench.testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(seed.customer.id)))
    const made = await bench.create({ provider: bench.links.provider, amount: "150.00", invoice: bench.links.invoice })
    const id = (made.json as Shown).id
    expect((await bench.patch(id, { status: "paid" })).status).toBe(200)
    const detail = await ledgerPayment(id)
    expect(detail.payment.state).toBe("posted")
    expect(detail.allocations.map((allocation) => [allocation.documentId, allocation.amount])).toEqual([
      [seed.invoice.id, 15000n]
    ])
    const after = await bench.testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(seed.customer.id)))
    expect(after.balance - before.balance).toBe(15000n)
    const invoice = await bench.send({ method: "GET", path: `/invoices/${seed.invoice.id}/` })
    expect(invoice.json).toMatchObject({ state: "issued", total: expect.anything() })
    // Created directly as paid: posted at once (no transition runs, as in Silver)
    const direct = await bench.create({ provider: bench.links.provider, amount: "5.00", status: "paid" })
    expect((direct.json as Shown).status).toBe("paid")
    expect((await ledgerPayment((direct.json as Shown).id)).payment.state).toBe("posted")
  })

  it("keeps no invoice link on a Silver payment with default attributes that is allocated elsewhere later", async () => {
    const made = await bench.create({ provider: bench.links.provider, amount: "20.00", status: "paid" })
    expect(made.status, made.text).toBe(201)
    const id = (made.json as { id: number }).id
    await bench.testbed.runAsSystem(
      Documents.use((documents) =>
        documents.allocatePayment({
          paymentId: id as PaymentId,
          allocations: [{ documentId: bench.seed.invoice.id, amount: "5.00" }]
        })
      )
    )
    const detail = await bench.send({ method: "GET", path: `${bench.paymentsPath()}${id}/` })
    expect(detail.json).toEqual(made.json)
    const listed = await bench.send({ method: "GET", path: bench.paymentsPath(), query: { ordering: "-id" } })
    expect((listed.json as Array<{ id: number }>).find((row) => row.id === id)).toEqual(made.json)
  })

  it("shows payments made outside Silver with the mapped status and their invoice link", async () => {
    const { seed } = bench
    const run = bench.testbed.runAsSystem
    const posted = await run(
      Payments.use((payments) =>
        payments.createPayment({
          customerId: seed.customer.id,
          amount: "20.00",
          billingEntityId: seed.provider.id,
          allocations: [{ documentId: seed.invoice.id, amount: "20.00" }]
        })
      )
    )
    const draft = await run(
      Payments.use((payments) =>
        payments.createPayment({ customerId: seed.customer.id, amount: "1.00", initialState: "draft" })
      )
    )
    const rejected = await run(
      Payments.use((payments) =>
        payments.createPayment({ customerId: seed.customer.id, amount: "2.00", initialState: "draft" })
      )
    )
    await run(Payments.use((payments) => payments.rejectPayment({ paymentId: rejected.payment.id, reason: "bounced" })))
    const shown = async (id: number) =>
      (await bench.send({ method: "GET", path: `${bench.paymentsPath()}${id}/` })).json as Shown
    expect(await shown(posted.payment.id)).toMatchObject({
      status: "paid",
      amount: "20.00",
      invoice: bench.links.invoice,
      proforma: null,
      provider: bench.links.provider,
      visible: true,
      due_date: null
    })
    expect(await shown(draft.payment.id)).toMatchObject({ status: "unpaid", provider: bench.links.provider })
    expect(await shown(rejected.payment.id)).toMatchObject({ status: "canceled" })
    // The list shows each of them as its GET does (the invoice link derived from the allocations too).
    const listed = (await bench.send({ method: "GET", path: `${bench.paymentsPath()}?page_size=100` }))
      .json as Array<Shown>
    for (const id of [posted.payment.id, draft.payment.id, rejected.payment.id]) {
      expect(listed.find((row) => row.id === id)).toEqual(await shown(id))
    }
  })

  it("shows a fully reversed payment as canceled and a partly reversed one as paid with what stands", async () => {
    const run = bench.testbed.runAsSystem
    const made = await bench.create({ provider: bench.links.provider, amount: "100.00", status: "paid" })
    const id = (made.json as Shown).id
    const get = async () => (await bench.send({ method: "GET", path: `${bench.paymentsPath()}${id}/` })).json as Shown
    await run(Payments.use((payments) => payments.reversePayment({ paymentId: id, amount: "30.00" })))
    expect(await get()).toMatchObject({ status: "paid", amount: "70.00" })
    await run(Payments.use((payments) => payments.reversePayment({ paymentId: id })))
    expect(await get()).toMatchObject({ status: "canceled", amount: "100.00" })
    expect((await bench.patch(id, { status: "paid" })).json).toEqual({
      non_field_errors: ["Cannot update a payment with 'canceled' status."]
    })
    await run(Payments.use((payments) => payments.reinstateReversal({ paymentId: id })))
    expect(await get()).toMatchObject({ status: "paid", amount: "70.00" })
  })

  it("refuses a PATCH while a collection someone else started is in progress", async () => {
    const run = bench.testbed.runAsSystem
    const made = await run(
      Payments.use((payments) =>
        payments.createPayment({ customerId: bench.seed.customer.id, amount: "9.00", initialState: "draft" })
      )
    )
    await run(
      Collections.use((collections) =>
        collections.requestCollection({ paymentId: made.payment.id, method: "card", gatewayReference: "ch_1" })
      )
    )
    const shown = await bench.send({ method: "GET", path: `${bench.paymentsPath()}${made.payment.id}/` })
    expect((shown.json as Shown).status).toBe("pending")
    for (const status of ["paid", "unpaid", "canceled", "pending"]) {
      const response = await bench.patch(made.payment.id, { status })
      expect({ status: response.status, body: response.json }).toEqual({
        status: 400,
        body: { non_field_errors: ["Cannot update a payment with active transactions."] }
      })
    }
    expect((await ledgerPayment(made.payment.id)).payment.state).toBe("pending")
    // Silver's own pending (its `process` transition) stays Silver's to move.
    const own = (
      (await bench.create({ provider: bench.links.provider, amount: "1.00", status: "pending" })).json as Shown
    ).id
    expect((await bench.patch(own, { status: "paid" })).status).toBe(200)
  })

  it("resolves every link of a payment with GET in Silver's representation", async () => {
    const made = await bench.create({
      provider: bench.links.provider,
      amount: "200.00",
      proforma: bench.links.proforma,
      invoice: bench.links.invoice
    })
    const shown = made.json as Shown
    const follow = async (url: string) => {
      const response = await bench.send({ method: "GET", path: new URL(url).pathname })
      expect(response.status, url).toBe(200)
      return response.json as Record<string, unknown>
    }
    const customer = await follow(shown.customer)
    expect(Object.keys(customer)).toEqual([
      "id",
      "url",
      "customer_reference",
      "name",
      "company",
      "emails",
      "address_1",
      "address_2",
      "city",
      "state",
      "zip_code",
      "country",
      "extra",
      "sales_tax_number",
      "sales_tax_name",
      "sales_tax_percent",
      "consolidated_billing",
      "subscriptions",
      "payments",
      "payment_methods",
      "transactions",
      "meta"
    ])
    expect(customer).toMatchObject({
      url: shown.customer,
      name: "Ada Customer",
      payments: `${shown.customer}payments/`
    })
    const payments = (await follow(customer.payments as string)) as unknown as Array<Shown>
    expect(payments.map((payment) => payment.url)).toEqual([shown.url])
    expect(await follow(shown.provider as string)).toMatchObject({
      url: shown.provider,
      name: "Presslabs",
      flow: "invoice"
    })
    const invoice = await follow(shown.invoice as string)
    expect(invoice).toMatchObject({
      id: bench.seed.invoice.id,
      provider: shown.provider,
      customer: shown.customer,
      proforma: shown.proforma,
      due_date: "2016-12-01",
      currency: "USD",
      state: "issued"
    })
    expect(Object.keys(invoice)).toEqual([
      "id",
      "series",
      "number",
      "provider",
      "customer",
      "archived_provider",
      "archived_customer",
      "due_date",
      "issue_date",
      "paid_date",
      "cancel_date",
      "sales_tax_name",
      "sales_tax_percent",
      "currency",
      "state",
      "proforma",
      "invoice_entries",
      "total",
      "pdf_url"
    ])
    expect(JSON.stringify(invoice.total)).toBe("200.0")
    const proforma = await follow(shown.proforma as string)
    expect(proforma).toMatchObject({ id: bench.seed.proforma.id, proforma_entries: [] })
    expect((await bench.send({ method: "GET", path: `/invoices/${bench.seed.proforma.id}/` })).status).toBe(404)
  })

  it("creates and lists customers and providers a Silver client pays against", async () => {
    const provider = await bench.send({
      method: "POST",
      path: "/providers/",
      body: {
        name: "Acme Billing",
        invoice_series: "AB",
        address_1: "1 Main St",
        city: "Cluj",
        country: "RO",
        flow: "invoice"
      }
    })
    expect(provider.status, provider.text).toBe(201)
    const providerUrl = (provider.json as { url: string }).url
    expect(provider.headers.get("location")).toBe(providerUrl)
    expect(provider.json).toMatchObject({ name: "Acme Billing", invoice_series: "AB", country: "RO", flow: "invoice" })
    const proformaFlow = await bench.send({
      method: "POST",
      path: "/providers/",
      body: { name: "P", invoice_series: "P", address_1: "a", city: "c", country: "RO", flow: "proforma" }
    })
    expect(proformaFlow.json).toEqual({
      proforma_series: "This field is required as the chosen flow is proforma.",
      proforma_starting_number: "This field is required as the chosen flow is proforma."
    })
    const missing = await bench.send({ method: "POST", path: "/customers/", body: {} })
    expect(missing.json).toEqual({
      name: ["This field is required."],
      address_1: ["This field is required."],
      city: ["This field is required."],
      country: ["This field is required."]
    })
    const customer = await bench.send({
      method: "POST",
      path: "/customers/",
      body: {
        name: "Jane",
        emails: ["jane@example.com"],
        address_1: "2 Side St",
        city: "Iasi",
        country: "RO",
        company: "Jane SRL"
      }
    })
    expect(customer.status, customer.text).toBe(201)
    const created = customer.json as { id: CustomerId; url: string; payments: string }
    expect(customer.json).toMatchObject({ name: "Jane", emails: ["jane@example.com"], company: "Jane SRL" })
    const ledgerCustomer: Customer = await bench.testbed.runAsSystem(
      Parties.use((parties) => parties.getCustomer(created.id))
    )
    expect(ledgerCustomer).toMatchObject({ name: "Jane", currency: "USD", email: "jane@example.com" })
    const payment = await bench.send({
      method: "POST",
      path: new URL(created.payments).pathname,
      body: { provider: providerUrl, amount: "12.00" }
    })
    expect(payment.status, payment.text).toBe(201)
    const customers = await bench.send({ method: "GET", path: "/customers/" })
    expect((customers.json as Array<{ name: string }>).map((row) => row.name)).toEqual(["Ada Customer", "Jane"])
    expect(customers.headers.get("link")).toContain('rel="first">')
    const providers = await bench.send({ method: "GET", path: "/providers/", query: { page_size: "1", page: "2" } })
    expect((providers.json as Array<{ name: string }>).map((row) => row.name)).toEqual(["Acme Billing"])
  })

  it("pages customers and providers with Silver's page numbers, page sizes, last page and Link header", async () => {
    for (const name of ["Bea", "Cy", "Dan", "Eve"]) {
      const made = await bench.send({
        method: "POST",
        path: "/customers/",
        body: { name, address_1: "1 St", city: "Iasi", country: "RO", company: `${name} SRL` }
      })
      expect(made.status, made.text).toBe(201)
    }
    const names = (response: { json: unknown }) => (response.json as Array<{ name: string }>).map((row) => row.name)
    const second = await bench.send({ method: "GET", path: "/customers/", query: { page_size: "2", page: "2" } })
    expect(names(second)).toEqual(["Cy", "Dan"])
    expect((second.json as Array<{ company: string }>).map((row) => row.company)).toEqual(["Cy SRL", "Dan SRL"])
    expect(second.headers.get("link")).toBe(
      [
        `<${root}/customers/?page=3&page_size=2; rel="next">`,
        `<${root}/customers/?page_size=2; rel="prev">`,
        `<${root}/customers/?page=1&page_size=2; rel="first">`,
        `<${root}/customers/?page=3&page_size=2; rel="last">`
      ].join(", ")
    )
    const last = await bench.send({ method: "GET", path: "/customers/", query: { per_page: "2", page: "last" } })
    expect(names(last)).toEqual(["Eve"])
    expect(last.headers.get("link")).toContain(
      '<http://paybridge.test/silver/customers/?page=2&per_page=2; rel="prev">'
    )
    expect(names(await bench.send({ method: "GET", path: "/customers/" }))).toEqual([
      "Ada Customer",
      "Bea",
      "Cy",
      "Dan",
      "Eve"
    ])
    for (const page of ["4", "0", "x", "99999999999999999999"]) {
      const beyond = await bench.send({ method: "GET", path: "/customers/", query: { page_size: "2", page } })
      expect({ status: beyond.status, body: beyond.json }).toEqual({ status: 404, body: { detail: "Invalid page." } })
    }
    const providers = await bench.send({ method: "GET", path: "/providers/", query: { page: "last" } })
    expect(names(providers)).toEqual(["Presslabs"])
    expect(providers.headers.get("link")).toBe(
      `<${root}/providers/?page=1; rel="first">, <${root}/providers/?page=1; rel="last">`
    )
  })

  it("retries a create carrying a document under the same idempotency key and gets the same payment", async () => {
    const request = {
      method: "POST",
      path: bench.paymentsPath(),
      headers: { "idempotency-key": "silver-retry-1" },
      body: { provider: bench.links.provider, amount: "60.00", invoice: bench.links.invoice, status: "pending" }
    }
    const first = await bench.send(request)
    const again = await bench.send(request)
    expect(first.status, first.text).toBe(201)
    expect({ status: again.status, text: again.text }).toEqual({ status: first.status, text: first.text })
    const other = await bench.send({ ...request, headers: { "idempotency-key": "silver-retry-2" } })
    expect(other.json).toEqual({ invoice: ["This field must be unique."] })
    expect(await bench.testbed.countPayments()).toBe(1)
  })

  it("builds links from the mount's base path and renders a payment for the admin console", async () => {
    const { makeDialectTestbed } = await import("@paybridge/adapter-kit/testing")
    const { silverDialect } = await import("../src/index.ts")
    const { seedSilver, withAuth } = await import("./silver.fixtures.ts")
    const moved = await makeDialectTestbed({ dialect: silverDialect, basePath: "/billing/api" })
    try {
      const seed = await seedSilver(moved)
      const made = await moved.request(
        withAuth(
          {
            method: "POST",
            path: `/customers/${seed.customer.id}/payments/`,
            body: { provider: `http://old-silver.example/providers/${seed.provider.id}/`, amount: "1.00" }
          },
          seed.token
        )
      )
      expect(made.status, made.text).toBe(201)
      const shown = made.json as Shown
      expect(shown.url).toBe(`http://paybridge.test/billing/api/customers/${seed.customer.id}/payments/${shown.id}/`)
      expect(shown.provider).toBe(`http://paybridge.test/billing/api/providers/${seed.provider.id}/`)
      const detail = await moved.runAsSystem(Payments.use((payments) => payments.getPayment({ id: shown.id })))
      const render = silverDialect.renderPayment
      expect(render).toBeDefined()
      if (render !== undefined) {
        const rendered = await moved.runAsSystem(render(detail, { basePath: "/billing/api" }))
        expect(rendered).toEqual({
          ...shown,
          url: `/billing/api/customers/${seed.customer.id}/payments/${shown.id}/`,
          customer: `/billing/api/customers/${seed.customer.id}/`,
          provider: `/billing/api/providers/${seed.provider.id}/`
        })
      }
    } finally {
      await moved.dispose()
    }
  })

  it("books a JSON amount in exponent notation exactly: 1.05e1 is 10.50, 1e-3 is refused like 0.001 (issue 12)", async () => {
    const { JsonDecimal } = await import("@paybridge/adapter-kit")
    const made = await bench.create({ provider: bench.links.provider, amount: new JsonDecimal("1.05e1") })
    expect(made.status, made.text).toBe(201)
    const shown = made.json as Shown
    expect(shown.amount).toBe("10.50")
    expect((await ledgerPayment(shown.id)).payment.amount).toBe(1050n)
    const big = await bench.create({ provider: bench.links.provider, amount: new JsonDecimal("1.0E5") })
    expect((big.json as Shown).amount).toBe("100000.00")
    const refused = async (amount: string) => {
      const response = await bench.create({ provider: bench.links.provider, amount: new JsonDecimal(amount) })
      expect(response.status).toBe(400)
      return response.json
    }
    expect(await refused("1e-3")).toEqual(await refused("0.001"))
    expect(await refused("1e-3")).toEqual({ amount: ["Ensure that there are no more than 2 decimal places."] })
    expect(await refused("1e400")).toMatchObject({ amount: [expect.any(String)] })
    expect(await refused("1e-400")).toMatchObject({ amount: [expect.any(String)] })
  })
})
