/**
 * Every example request of Silver's payments doc page (`vendor-docs/silver.payments.txt`) replayed
 * against the dialect, the response compared field by field with the documented one (ids and the
 * host ignored: links are normalised to `<root>/…/<id>/`). The doc's links point at
 * `http://127.0.0.1:8000/…` with id 1; the replay sends the same links with the seeded ids.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { normaliseLinks, type SilverBench, silverBench } from "./silver.fixtures.ts"

/** The documented payment, as the doc's list and retrieve examples show it. */
const documentedPayment = {
  id: 1,
  url: "http://127.0.0.1:8000/customers/1/payments/1/",
  customer: "http://127.0.0.1:8000/customers/1/",
  provider: "http://127.0.0.1:8000/providers/1/",
  amount: "200.00",
  currency: "USD",
  due_date: null,
  status: "unpaid",
  visible: true,
  proforma: null,
  invoice: "http://127.0.0.1:8000/invoices/1/"
}

describe("Silver's doc examples, replayed", () => {
  let bench: SilverBench
  beforeEach(async () => {
    bench = await silverBench()
  })
  afterEach(() => bench.dispose())

  const docLinks = () => ({
    customer: `http://127.0.0.1:8000/customers/${bench.seed.customer.id}/`,
    provider: `http://127.0.0.1:8000/providers/${bench.seed.provider.id}/`,
    proforma: `http://127.0.0.1:8000/proformas/${bench.seed.proforma.id}/`,
    invoice: `http://127.0.0.1:8000/invoices/${bench.seed.invoice.id}/`
  })

  const createDocumentedPayment = async () => {
    const made = await bench.create({ provider: docLinks().provider, amount: "200.00", invoice: docLinks().invoice })
    expect(made.status, made.text).toBe(201)
    return made.json as { id: number; url: string }
  }

  it("replays the doc's list example field by field", async () => {
    await createDocumentedPayment()
    const response = await bench.send({ method: "GET", path: bench.paymentsPath() })
    expect(response.status).toBe(200)
    const list = response.json as Array<unknown>
    expect(list).toHaveLength(1)
    expect(normaliseLinks(list[0])).toEqual(normaliseLinks(documentedPayment))
    expect(Object.keys(list[0] as object)).toEqual(Object.keys(documentedPayment))
  })

  it("replays the doc's retrieve example field by field", async () => {
    const made = await createDocumentedPayment()
    const response = await bench.send({ method: "GET", path: `${bench.paymentsPath()}${made.id}/` })
    expect(response.status).toBe(200)
    expect(normaliseLinks(response.json)).toEqual(normaliseLinks(documentedPayment))
    expect(response.text.startsWith(`{"id":${made.id},"url":"http://paybridge.test/silver/customers/`)).toBe(true)
  })

  it("replays the doc's create example field by field", async () => {
    const request = {
      customer: docLinks().customer,
      provider: docLinks().provider,
      amount: "200.00",
      currency: "USD",
      due_date: null,
      status: "unpaid",
      visible: true,
      proforma: docLinks().proforma,
      invoice: docLinks().invoice
    }
    const response = await bench.create(request)
    expect(response.status, response.text).toBe(201)
    const documented = {
      ...documentedPayment,
      proforma: "http://127.0.0.1:8000/proformas/1/",
      invoice: "http://127.0.0.1:8000/invoices/1/"
    }
    expect(normaliseLinks(response.json)).toEqual(normaliseLinks(documented))
    expect(Object.keys(response.json as object)).toEqual(Object.keys(documented))
    expect(response.headers.get("location")).toBe((response.json as { url: string }).url)
  })

  it("replays the doc's transition example field by field", async () => {
    const made = await bench.create({
      provider: docLinks().provider,
      amount: "200.00",
      proforma: docLinks().proforma,
      invoice: docLinks().invoice
    })
    const id = (made.json as { id: number }).id
    const response = await bench.patch(id, { status: "pending" })
    expect(response.status, response.text).toBe(200)
    expect(normaliseLinks(response.json)).toEqual(
      normaliseLinks({
        ...documentedPayment,
        status: "pending",
        proforma: "http://127.0.0.1:8000/proformas/1/",
        invoice: "http://127.0.0.1:8000/invoices/1/"
      })
    )
  })
})
