/**
 * Silver's error catalogue (vendor-notes §5.10), row by row: status codes and bodies exactly as
 * Django REST Framework sent them — 404 `Not found.`, field errors collected per field, the
 * document rules, the PATCH checks in Silver's order, 405 for PUT/DELETE, 403 for missing or bad
 * credentials and `Invalid page.`.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import { inMemoryTestbedLayer, type TestbedServices } from "@paybridge/adapter-kit/testing"
import { CommandContext, Documents, LedgerUnits, Parties, type PaymentId, Payments } from "@paybridge/core"
import { Context, Effect, Layer } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { root, type SilverBench, silverBench } from "./silver.fixtures.ts"

/**
 * The real services, except that the next Silver transition of `race.paymentId` is preceded by a
 * cancellation through tRPC, committed on its own: the race that lets a transition pass Silver's
 * checks (made on what it read) and then be refused by the ledger.
 */
const racingServices = (race: { paymentId: PaymentId | null }): Layer.Layer<TestbedServices> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const services = yield* Effect.context<TestbedServices>()
      const units = Context.get(services, LedgerUnits)
      const payments = Context.get(services, Payments)
      return Context.add(
        services,
        LedgerUnits,
        LedgerUnits.of({
          reserveIds: units.reserveIds,
          bulkImport: units.bulkImport,
          atomically: (request, work) => {
            const paymentId = race.paymentId
            if (request.operation !== "silver:transitionPayment" || paymentId === null) {
              return units.atomically(request, work)
            }
            race.paymentId = null
            return payments
              .cancelPayment({ paymentId, reason: "cancelled through tRPC meanwhile" })
              .pipe(
                Effect.provide(CommandContext.system("trpc")),
                Effect.orDie,
                Effect.andThen(units.atomically(request, work))
              )
          }
        })
      )
    })
  ).pipe(Layer.provide(inMemoryTestbedLayer()))

describe("Silver's error catalogue", () => {
  let bench: SilverBench
  beforeEach(async () => {
    bench = await silverBench()
  })
  afterEach(() => bench.dispose())

  const makePayment = async (body: Record<string, unknown> = {}) => {
    const made = await bench.create({ provider: bench.links.provider, amount: "10.00", ...body })
    expect(made.status, made.text).toBe(201)
    return (made.json as { id: number }).id
  }

  it("answers Not found. for an unknown payment or another customer's payment", async () => {
    const id = await makePayment()
    const missing = await bench.send({ method: "GET", path: `${bench.paymentsPath()}999999/` })
    expect({ status: missing.status, body: missing.json }).toEqual({ status: 404, body: { detail: "Not found." } })
    const otherCustomer = await bench.send({ method: "GET", path: `/customers/999/payments/${id}/` })
    expect({ status: otherCustomer.status, body: otherCustomer.json }).toEqual({
      status: 404,
      body: { detail: "Not found." }
    })
    const patchOther = await bench.patch(id, { status: "pending" }, 999)
    expect(patchOther.status).toBe(404)
  })

  it("lists nothing, with a Link header, for a customer that does not exist", async () => {
    const response = await bench.send({ method: "GET", path: "/customers/424242/payments/" })
    expect(response.status).toBe(200)
    expect(response.json).toEqual([])
    expect(response.headers.get("link")).toBe(
      `<${root}/customers/424242/payments/?page=1; rel="first">, <${root}/customers/424242/payments/?page=1; rel="last">`
    )
  })

  it("collects every field error of a create in one 400 body in Silver's words", async () => {
    const before = await bench.testbed.countPayments()
    const missingCustomer = await bench.create({ amount: "abc" }, 424242)
    expect(missingCustomer.status).toBe(400)
    expect(missingCustomer.json).toEqual({
      customer: ["Invalid hyperlink - Object does not exist."],
      provider: ["This field is required."],
      amount: ["A valid number is required."]
    })
    const many = await bench.create({
      provider: `${root}/customers/1/`,
      amount: "-1.00",
      currency: "XYZ",
      due_date: "12/01/2016",
      status: "done",
      visible: "maybe",
      proforma: "http://elsewhere.example/nothing/here/",
      invoice: 7
    })
    expect(many.status).toBe(400)
    expect(many.json).toEqual({
      provider: ["Invalid hyperlink - Incorrect URL match."],
      amount: ["Ensure this value is greater than or equal to 0.00."],
      currency: ['"XYZ" is not a valid choice.'],
      due_date: ["Date has wrong format. Use one of these formats instead: YYYY[-MM[-DD]]."],
      status: ['"done" is not a valid choice.'],
      visible: ['"maybe" is not a valid boolean.'],
      proforma: ["Invalid hyperlink - No URL match."],
      invoice: ["Incorrect type. Expected URL string, received int."]
    })
    const digits = await Promise.all(
      ["123456789", "1.234", "1234567.8", new JsonDecimal("12.5"), null, true].map((amount) =>
        bench.create({ provider: bench.links.provider, amount })
      )
    )
    expect(digits.map((response) => response.json)).toEqual([
      { amount: ["Ensure that there are no more than 8 digits in total."] },
      { amount: ["Ensure that there are no more than 2 decimal places."] },
      { amount: ["Ensure that there are no more than 6 digits before the decimal point."] },
      expect.objectContaining({ amount: "12.50" }),
      { amount: ["This field may not be null."] },
      { amount: ["A valid number is required."] }
    ])
    const unknownProvider = await bench.create({ provider: `${root}/providers/9999/`, amount: "1.00" })
    expect(unknownProvider.json).toEqual({ provider: ["Invalid hyperlink - Object does not exist."] })
    // Problems only the ledger unit finds (it proves customer, provider and currency) answer the same 400.
    const otherCurrency = await bench.create({ provider: bench.links.provider, amount: "1.00", currency: "EUR" })
    expect({ status: otherCurrency.status, body: otherCurrency.json }).toEqual({
      status: 400,
      body: { currency: ["Payments of this customer must be in USD."] }
    })
    const unknownCustomer = await bench.create({ provider: bench.links.provider, amount: "1.00" }, 9999)
    expect({ status: unknownCustomer.status, body: unknownCustomer.json }).toEqual({
      status: 400,
      body: { customer: ["Invalid hyperlink - Object does not exist."] }
    })
    expect(await bench.testbed.countPayments()).toBe(before + 1)
  })

  it("applies the document rules in Silver's order", async () => {
    const { testbed, seed, links } = bench
    const otherProvider = await testbed.runAsSystem(
      Parties.use((parties) => parties.createBillingEntity({ name: "Other", flow: "invoice" }))
    )
    const otherCustomer = await testbed.runAsSystem(
      Parties.use((parties) =>
        parties.createCustomer({ name: "Bob", currency: "USD", billingEntityId: seed.provider.id })
      )
    )
    const lonelyProforma = await testbed.runAsSystem(
      Documents.use((documents) =>
        documents.issueDocument({
          kind: "proforma",
          customerId: seed.customer.id,
          total: "5.00",
          billingEntityId: seed.provider.id
        })
      )
    )
    const wrongProvider = await bench.create({
      provider: `${root}/providers/${otherProvider.id}/`,
      amount: "1.00",
      invoice: links.invoice
    })
    expect(wrongProvider.json).toEqual({ non_field_errors: ["Provider doesn't match with the one in documents."] })
    const wrongCustomer = await bench.create(
      { provider: links.provider, amount: "1.00", invoice: links.invoice },
      otherCustomer.id
    )
    expect(wrongCustomer.json).toEqual({ non_field_errors: ["Customer doesn't match with the one in documents."] })
    const unrelated = await bench.create({
      provider: links.provider,
      amount: "1.00",
      invoice: links.invoice,
      proforma: `${root}/proformas/${lonelyProforma.id}/`
    })
    expect(unrelated.json).toEqual({ non_field_errors: ["Invoice and proforma are not related."] })
    const wrongKind = await bench.create({
      provider: links.provider,
      amount: "1.00",
      invoice: links.proforma.replace("proformas", "invoices")
    })
    expect(wrongKind.json).toEqual({ invoice: ["Invalid hyperlink - Object does not exist."] })

    expect((await bench.create({ provider: links.provider, amount: "1.00", invoice: links.invoice })).status).toBe(201)
    const second = await bench.create({ provider: links.provider, amount: "2.00", invoice: links.invoice })
    expect({ status: second.status, body: second.json }).toEqual({
      status: 400,
      body: { invoice: ["This field must be unique."] }
    })
  })

  it("checks a PATCH in Silver's order with Silver's texts", async () => {
    const id = await makePayment()
    const badValue = await bench.patch(id, { status: "done", amount: "x" })
    expect(badValue.json).toEqual({
      amount: ["A valid number is required."],
      status: ['"done" is not a valid choice.']
    })
    const otherFields = await bench.patch(id, { currency: "USD", amount: "1.00", id: 5, url: "x", color: "red" })
    expect({ status: otherFields.status, body: otherFields.json }).toEqual({
      status: 400,
      body: {
        non_field_errors: ["Existing payments only accept updating their status. [u'amount', u'currency'] given."]
      }
    })
    const withStatus = await bench.patch(id, { status: "paid", visible: false })
    expect(withStatus.json).toEqual({
      non_field_errors: ["Existing payments only accept updating their status. [u'status', u'visible'] given."]
    })
    const empty = await bench.patch(id, {})
    expect(empty.json).toEqual({
      non_field_errors: ["Existing payments only accept updating their status. [] given."]
    })
    expect((await bench.patch(id, { status: "paid" })).status).toBe(200)
    const final = await bench.patch(id, { status: "paid" })
    expect({ status: final.status, body: final.json }).toEqual({
      status: 400,
      body: { non_field_errors: ["Cannot update a payment with 'paid' status."] }
    })
    const canceled = await makePayment({ status: "canceled" })
    const fromCanceled = await bench.patch(canceled, { status: "unpaid" })
    expect(fromCanceled.json).toEqual({ non_field_errors: ["Cannot update a payment with 'canceled' status."] })
  })

  it("answers a transition the ledger refuses after Silver's checks with Silver's plain-string status error", async () => {
    const race = { paymentId: null as PaymentId | null }
    const raced = await silverBench({ layer: racingServices(race) })
    try {
      const made = await raced.create({ provider: raced.links.provider, amount: "10.00" })
      expect(made.status, made.text).toBe(201)
      const id = (made.json as { id: PaymentId }).id
      race.paymentId = id
      const refused = await raced.patch(id, { status: "paid" })
      expect({ status: refused.status, body: refused.json }).toEqual({
        status: 400,
        body: { status: "The payment could not be transitioned to 'paid' status." }
      })
      // The other writer's cancellation stands; nothing was posted.
      const shown = await raced.send({ method: "GET", path: `${raced.paymentsPath()}${id}/` })
      expect((shown.json as { status: string }).status).toBe("canceled")
      const again = await raced.patch(id, { status: "paid" })
      expect(again.json).toEqual({ non_field_errors: ["Cannot update a payment with 'canceled' status."] })
    } finally {
      await raced.dispose()
    }
  })

  it("answers 405 for PUT and DELETE with Silver's body", async () => {
    const id = await makePayment()
    for (const [method, path] of [
      ["PUT", `${bench.paymentsPath()}${id}/`],
      ["DELETE", `${bench.paymentsPath()}${id}/`],
      ["PUT", bench.paymentsPath()],
      ["PATCH", bench.paymentsPath()],
      ["DELETE", bench.paymentsPath()]
    ] as const) {
      const response = await bench.send({ method, path, ...(method === "DELETE" ? {} : { body: {} }) })
      expect({ status: response.status, body: response.json }).toEqual({
        status: 405,
        body: { detail: `Method "${method}" not allowed.` }
      })
    }
    const detail = await bench.send({ method: "OPTIONS", path: `${bench.paymentsPath()}${id}/` })
    expect(detail.status).toBe(200)
    expect(detail.headers.get("allow")).toBe("GET, PATCH, HEAD, OPTIONS")
    expect(detail.json).toMatchObject({ name: "Payment Detail" })
    const head = await bench.send({ method: "HEAD", path: `${bench.paymentsPath()}${id}/` })
    expect(head.status).toBe(200)
    expect(head.text).toBe("")
  })

  it("refuses missing and bad credentials with Silver's 403", async () => {
    const path = bench.paymentsPath()
    const anonymous = await bench.testbed.request({ method: "GET", path })
    expect({ status: anonymous.status, body: anonymous.json }).toEqual({
      status: 403,
      body: { detail: "Authentication credentials were not provided." }
    })
    expect(anonymous.headers.get("www-authenticate")).toBeNull()
    const badPassword = await bench.testbed.request({
      method: "GET",
      path,
      headers: { authorization: `Basic ${Buffer.from(`${bench.seed.email}:nope`).toString("base64")}` }
    })
    expect({ status: badPassword.status, body: badPassword.json }).toEqual({
      status: 403,
      body: { detail: "Invalid username/password." }
    })
    const badToken = await bench.testbed.request({
      method: "GET",
      path,
      headers: { authorization: "Token pbk_nope_nope" }
    })
    expect({ status: badToken.status, body: badToken.json }).toEqual({
      status: 403,
      body: { detail: "Invalid token." }
    })
    const token = await bench.testbed.request({ method: "GET", path, headers: { authorization: bench.seed.token } })
    expect(token.status).toBe(200)
    const options = await bench.testbed.request({ method: "OPTIONS", path })
    expect({ status: options.status, body: options.json }).toEqual({
      status: 403,
      body: { detail: "Authentication credentials were not provided." }
    })
  })

  it("answers a read-only principal's write with DRF's permission text", async () => {
    const { apiKey } = await bench.testbed.createApiKey({ role: "read-only" })
    const response = await bench.testbed.request({
      method: "POST",
      path: bench.paymentsPath(),
      headers: { authorization: `Token ${apiKey}` },
      body: { provider: bench.links.provider, amount: "1.00" }
    })
    expect({ status: response.status, body: response.json }).toEqual({
      status: 403,
      body: { detail: "You do not have permission to perform this action." }
    })
  })
})
