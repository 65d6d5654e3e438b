/**
 * Each currency's own decimals (a deviation from Silver's two-decimal `DecimalField`, README): a
 * customer in BHD or KWD (three decimals), JPY (none) or EUR (two) sees every amount exactly — its
 * payments by id and in the list, the unpaid payment of an open invoice, the invoice's total — and a
 * client may send amounts with as many decimals as the currency has; more are refused in DRF's
 * words under `amount`, with nothing created.
 */
import type { CurrencyCode, CustomerId, PaymentId } from "@paybridge/core"
import { Documents, Parties, Payments } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type SilverBench, silverBench } from "./silver.fixtures.ts"

interface Shown {
  readonly id: number
  readonly amount: string
  readonly currency: string
}

const cases = [
  {
    currency: "BHD",
    stored: "2.125",
    minor: 2125n,
    invoice: "7.125",
    invoiceShown: "7.125",
    total: "7.125",
    tooPrecise: "2.1255",
    least: "0.001"
  },
  {
    currency: "KWD",
    stored: "12.345",
    minor: 12345n,
    invoice: "10.5",
    invoiceShown: "10.500",
    total: "10.5",
    tooPrecise: "1.0001",
    least: "0.001"
  },
  {
    currency: "JPY",
    stored: "5000",
    minor: 5000n,
    invoice: "700",
    invoiceShown: "700",
    total: "700.0",
    tooPrecise: "5000.5",
    least: "1"
  },
  {
    currency: "EUR",
    stored: "12.30",
    minor: 1230n,
    invoice: "80",
    invoiceShown: "80.00",
    total: "80.0",
    tooPrecise: "1.005",
    least: "0.01"
  }
] as const

const decimalsOf = { BHD: 3, KWD: 3, JPY: 0, EUR: 2 } as const

describe("Silver amounts in each currency's own decimals", () => {
  let bench: SilverBench
  beforeEach(async () => {
    bench = await silverBench()
  })
  afterEach(() => bench.dispose())

  const customerIn = (currency: CurrencyCode) =>
    bench.testbed.runAsSystem(
      Parties.use((parties) =>
        parties.createCustomer({ name: `In ${currency}`, currency, billingEntityId: bench.seed.provider.id })
      )
    )
  const paymentCount = (customerId: CustomerId) =>
    bench.testbed
      .runAsSystem(Payments.use((payments) => payments.listPayments({ customerId, limit: 100 })))
      .then((page) => page.items.length)

  it.each(cases)(
    "shows $currency amounts exactly: payments, the list, an open invoice's row and total",
    async (row) => {
      const customer = await customerIn(row.currency)
      const payment = await bench.testbed.runAsSystem(
        Payments.use((payments) => payments.createPayment({ customerId: customer.id, amount: row.stored }))
      )
      const invoice = await bench.testbed.runAsSystem(
        Documents.use((documents) =>
          documents.issueDocument({
            kind: "invoice",
            customerId: customer.id,
            total: row.invoice,
            billingEntityId: bench.seed.provider.id
          })
        )
      )
      const shown = await bench.send({
        method: "GET",
        path: `/customers/${customer.id}/payments/${payment.payment.id}/`
      })
      expect(shown.status, shown.text).toBe(200)
      expect(shown.json).toMatchObject({ amount: row.stored, currency: row.currency })
      const listed = await bench.send({ method: "GET", path: `/customers/${customer.id}/payments/` })
      expect(listed.status, listed.text).toBe(200)
      const amounts = (listed.json as ReadonlyArray<Shown>).map((entry) => entry.amount).sort()
      expect(amounts).toEqual([row.stored, row.invoiceShown].sort())
      const document = await bench.send({ method: "GET", path: `/invoices/${invoice.id}/` })
      expect(document.status, document.text).toBe(200)
      // DRF rendered a document's total as a Python float: its repr, exact here.
      expect(document.text).toContain(`"total":${row.total}`)
    }
  )

  it.each(cases)("accepts $currency amounts with its decimals and refuses more, in DRF's words", async (row) => {
    const customer = await customerIn(row.currency)
    const made = await bench.create(
      { provider: bench.links.provider, amount: row.stored, currency: row.currency },
      customer.id
    )
    expect(made.status, made.text).toBe(201)
    expect(made.json).toMatchObject({ amount: row.stored, currency: row.currency })
    const ledger = await bench.testbed.runAsSystem(
      Payments.use((payments) => payments.getPayment({ id: (made.json as Shown).id as PaymentId }))
    )
    expect(ledger.payment.amount).toBe(row.minor)

    const before = await paymentCount(customer.id)
    const tooPrecise = await bench.create(
      { provider: bench.links.provider, amount: row.tooPrecise, currency: row.currency },
      customer.id
    )
    expect(tooPrecise.status).toBe(400)
    expect(tooPrecise.json).toEqual({
      amount: [`Ensure that there are no more than ${decimalsOf[row.currency]} decimal places.`]
    })
    const zero = await bench.create(
      { provider: bench.links.provider, amount: "0", currency: row.currency },
      customer.id
    )
    expect(zero.status).toBe(400)
    expect(zero.json).toEqual({ amount: [`Ensure this value is greater than or equal to ${row.least}.`] })
    expect(await paymentCount(customer.id)).toBe(before)

    // A PATCH checks a sent amount with the payment's currency too (then refuses any change but status).
    const patched = await bench.patch((made.json as Shown).id, { amount: row.tooPrecise }, customer.id)
    expect(patched.status).toBe(400)
    expect(patched.json).toEqual({
      amount: [`Ensure that there are no more than ${decimalsOf[row.currency]} decimal places.`]
    })
  })

  it("takes what Silver itself took where it is exact in the currency: JPY 5000.00 is 5000; 5.000 and EUR 12.300 are refused", async () => {
    const yen = await customerIn("JPY")
    const made = await bench.create({ provider: bench.links.provider, amount: "5000.00", currency: "JPY" }, yen.id)
    expect(made.status, made.text).toBe(201)
    expect(made.json).toMatchObject({ amount: "5000", currency: "JPY" })
    const before = await paymentCount(yen.id)
    const threePlaces = await bench.create({ provider: bench.links.provider, amount: "5.000", currency: "JPY" }, yen.id)
    expect(threePlaces.status).toBe(400)
    expect(threePlaces.json).toEqual({ amount: ["Ensure that there are no more than 0 decimal places."] })
    expect(await paymentCount(yen.id)).toBe(before)
    const euro = await customerIn("EUR")
    const padded = await bench.create({ provider: bench.links.provider, amount: "12.300", currency: "EUR" }, euro.id)
    expect(padded.status).toBe(400)
    expect(padded.json).toEqual({ amount: ["Ensure that there are no more than 2 decimal places."] })
  })
})
