/**
 * What Silver's frameworks answered on their own: DRF 3.5's OPTIONS metadata (`SimpleMetadata`,
 * with the `actions.POST` description of the payment serializer on the list view only, and only for
 * a caller allowed to write) and Django's APPEND_SLASH redirect (301 to the slashed URL, query kept,
 * before authentication) for GET/HEAD on every Silver resource path without its trailing slash.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { root, type SilverBench, silverBench, withAuth } from "./silver.fixtures.ts"

describe("Silver's framework answers", () => {
  let bench: SilverBench
  beforeEach(async () => {
    bench = await silverBench()
  })
  afterEach(() => bench.dispose())

  it("describes the payment serializer under actions.POST of the list view's OPTIONS", async () => {
    const response = await bench.send({ method: "OPTIONS", path: bench.paymentsPath() })
    expect(response.status, response.text).toBe(200)
    expect(response.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS")
    const body = response.json as {
      name: string
      actions: { POST: Record<string, Record<string, unknown>> }
    }
    expect(response.text).toContain('"min_value":0.01')
    expect(Object.keys(body)).toEqual(["name", "description", "renders", "parses", "actions"])
    expect(body.name).toBe("Payment List")
    const post = body.actions.POST
    expect(Object.keys(post)).toEqual([
      "id",
      "url",
      "customer",
      "provider",
      "amount",
      "currency",
      "due_date",
      "status",
      "visible",
      "proforma",
      "invoice"
    ])
    const { choices: currencyChoices, ...currency } = post.currency as {
      choices: Array<{ value: string; display_name: string }>
    }
    expect({ ...post, currency }).toEqual({
      id: { type: "integer", required: false, read_only: true, label: "ID" },
      url: { type: "field", required: false, read_only: true, label: "Url" },
      customer: { type: "field", required: true, read_only: false, label: "Customer" },
      provider: { type: "field", required: true, read_only: false, label: "Provider" },
      amount: {
        type: "decimal",
        required: true,
        read_only: false,
        label: "Amount",
        min_value: new JsonDecimal("0.01")
      },
      currency: {
        type: "choice",
        required: false,
        read_only: false,
        label: "Currency",
        help_text: "The currency used for billing."
      },
      due_date: { type: "date", required: false, read_only: false, label: "Due date" },
      status: {
        type: "choice",
        required: false,
        read_only: false,
        label: "Status",
        choices: [
          { value: "unpaid", display_name: "Unpaid" },
          { value: "pending", display_name: "Pending" },
          { value: "paid", display_name: "Paid" },
          { value: "canceled", display_name: "Canceled" }
        ]
      },
      visible: { type: "boolean", required: false, read_only: false, label: "Visible" },
      proforma: { type: "field", required: false, read_only: false, label: "Proforma" },
      invoice: { type: "field", required: false, read_only: false, label: "Invoice" }
    })
    // Field order inside one description follows DRF's get_field_info.
    expect(Object.keys(post.currency ?? {})).toEqual(["type", "required", "read_only", "label", "help_text", "choices"])
    // Silver's `currencies`: sorted by code, shown as "<code> (<name>)"; every code the create accepts.
    const codes = currencyChoices.map((choice) => choice.value)
    expect(codes).toEqual([...codes].sort())
    expect(currencyChoices).toContainEqual({ value: "USD", display_name: "USD (US Dollar)" })
    expect(currencyChoices).toContainEqual({ value: "EUR", display_name: "EUR (Euro)" })
    for (const choice of currencyChoices) expect(choice.display_name.startsWith(`${choice.value} (`)).toBe(true)
    // A value offered as a choice is one the create accepts.
    const created = await bench.create({ provider: bench.links.provider, amount: "1.00", currency: "USD" })
    expect(created.status, created.text).toBe(201)
  })

  it("sends no actions where DRF sent none: the detail view (no PUT) and a caller who may not write", async () => {
    const made = await bench.create({ provider: bench.links.provider, amount: "10.00" })
    const id = (made.json as { id: number }).id
    const detail = await bench.send({ method: "OPTIONS", path: `${bench.paymentsPath()}${id}/` })
    expect(detail.status).toBe(200)
    expect(detail.headers.get("allow")).toBe("GET, PATCH, HEAD, OPTIONS")
    expect(detail.json).toEqual({
      name: "Payment Detail",
      description: "",
      renders: ["application/json", "text/html"],
      parses: ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
    })
    const { apiKey } = await bench.testbed.createApiKey({ role: "read-only" })
    const readOnly = await bench.testbed.request(
      withAuth({ method: "OPTIONS", path: bench.paymentsPath() }, `Token ${apiKey}`)
    )
    expect(readOnly.status).toBe(200)
    expect(Object.keys(readOnly.json as object)).toEqual(["name", "description", "renders", "parses"])
    const anonymous = await bench.testbed.request({ method: "OPTIONS", path: bench.paymentsPath() })
    expect({ status: anonymous.status, body: anonymous.json }).toEqual({
      status: 403,
      body: { detail: "Authentication credentials were not provided." }
    })
  })

  it("redirects GET and HEAD on a Silver path without its trailing slash with 301, keeping the query", async () => {
    const customer = bench.seed.customer.id
    const made = await bench.create({ provider: bench.links.provider, amount: "10.00" })
    const payment = (made.json as { id: number }).id
    const paths = [
      `/customers/${customer}/payments`,
      `/customers/${customer}/payments/${payment}`,
      "/customers",
      `/customers/${customer}`,
      "/providers",
      `/providers/${bench.seed.provider.id}`,
      `/invoices/${bench.seed.invoice.id}`,
      `/proformas/${bench.seed.proforma.id}`
    ]
    for (const path of paths) {
      for (const method of ["GET", "HEAD"]) {
        // No credentials: CommonMiddleware answered before DRF authenticated anybody.
        const response = await bench.testbed.request({ method, path })
        expect({ path, method, status: response.status, location: response.headers.get("location") }).toEqual({
          path,
          method,
          status: 301,
          location: `${root}${path}/`
        })
      }
      const followed = await bench.send({ method: "GET", path: `${path}/` })
      expect({ path, status: followed.status }).toEqual({ path, status: 200 })
    }
    const withQuery = await bench.testbed.request({
      method: "GET",
      path: `/customers/${customer}/payments`,
      query: { status: "unpaid", page: "1" }
    })
    expect(withQuery.status).toBe(301)
    expect(withQuery.headers.get("location")).toBe(`${root}/customers/${customer}/payments/?status=unpaid&page=1`)
  })

  it("answers other methods on an unslashed path, and paths that match nothing even with a slash, with 404", async () => {
    const customer = bench.seed.customer.id
    for (const [method, path] of [
      ["POST", `/customers/${customer}/payments`],
      ["PATCH", `/customers/${customer}/payments/1`],
      ["PUT", `/customers/${customer}/payments/1`],
      ["DELETE", "/customers"],
      ["OPTIONS", `/customers/${customer}/payments`]
    ] as const) {
      const response = await bench.send({ method, path, body: method === "POST" ? { amount: "1.00" } : undefined })
      expect({ method, path, status: response.status, body: response.json }).toEqual({
        method,
        path,
        status: 404,
        body: { detail: "Not found." }
      })
    }
    for (const path of [`/customers/${customer}/payments/abc`, "/payments", `/customers/${customer}/transactions`]) {
      const response = await bench.send({ method: "GET", path })
      expect({ path, status: response.status, location: response.headers.get("location") }).toEqual({
        path,
        status: 404,
        location: null
      })
    }
    expect(await bench.testbed.countPayments()).toBe(0)
  })
  it("bounds the query the Link header and the slash redirect repeat, and never repeats a malformed X-Request-Id", async () => {
    const customer = bench.seed.customer.id
    // An 8,000-character filter once came back four times in the Link header (~32 KB of headers).
    const listed = await bench.send({
      method: "GET",
      path: bench.paymentsPath(),
      query: { status: "x".repeat(8000) }
    })
    expect(listed.status).toBe(400)
    expect(listed.json).toEqual({ non_field_errors: ["The query string is longer than 2048 characters"] })
    expect(listed.headers.get("link")).toBeNull()
    const redirected = await bench.testbed.request({
      method: "GET",
      path: `/customers/${customer}/payments`,
      query: { status: "x".repeat(8000) },
      headers: { "x-request-id": `${"r".repeat(200)}` }
    })
    expect(redirected.status).toBe(400)
    expect(redirected.headers.get("location")).toBeNull()
    expect(redirected.headers.get("x-request-id")).not.toContain("rrrr")
    // Within the bound the Link header stays a few times the query.
    const fine = await bench.send({ method: "GET", path: bench.paymentsPath(), query: { status: "x".repeat(1500) } })
    expect(fine.status).toBe(200)
    expect(fine.headers.get("link")?.length ?? 0).toBeLessThan(4 * 2048 + 1000)
  })
})
