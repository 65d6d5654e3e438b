/**
 * Exact money at the ledger's door: amounts are parsed against the record's currency without
 * rounding, and every refusal is a `ValidationFailed` naming the offending field.
 */
import { assert, describe, it } from "@effect/vitest"
import { Balances, Parties, Payments, ValidationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { asAdmin, balanceOf, issueInvoice, newCustomer, withLedger } from "./ledger-fixtures.ts"

const issuePath = (error: unknown) => {
  assert.instanceOf(error, ValidationFailed)
  return error.issues[0]?.path
}

describe("exact money", () => {
  it.effect("stores major-unit strings and JSON numbers as exact minor units of the customer's currency", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const euro = yield* newCustomer("Euro GmbH", "EUR")
        const yen = yield* newCustomer("Yen KK", "JPY")
        const dinar = yield* newCustomer("Dinar WLL", "BHD")

        const fromString = yield* asAdmin(payments.createPayment({ customerId: euro.id, amount: "0.10" }))
        const fromNumber = yield* asAdmin(payments.createPayment({ customerId: euro.id, amount: 0.2 }))
        const large = yield* asAdmin(payments.createPayment({ customerId: euro.id, amount: "123456789012345.67" }))
        const inYen = yield* asAdmin(payments.createPayment({ customerId: yen.id, amount: "1500" }))
        const inDinar = yield* asAdmin(payments.createPayment({ customerId: dinar.id, amount: "1.005" }))

        assert.strictEqual(fromString.payment.amount, 10n)
        assert.strictEqual(fromNumber.payment.amount, 20n)
        assert.strictEqual(large.payment.amount, 12345678901234567n)
        assert.strictEqual(inYen.payment.amount, 1500n)
        assert.strictEqual(inDinar.payment.amount, 1005n)
        // 0.10 + 0.2 is exactly 0.30 here, never 0.30000000000000004.
        assert.strictEqual(yield* balanceOf(euro.id), 12345678901234597n)
      })
    )
  )

  it.effect("refuses more decimals than the currency has, naming the field", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const euro = yield* newCustomer("Euro GmbH", "EUR")
        const yen = yield* newCustomer("Yen KK", "JPY")

        const cents = yield* Effect.flip(asAdmin(payments.createPayment({ customerId: euro.id, amount: "10.005" })))
        assert.deepStrictEqual(issuePath(cents), ["amount"])
        assert.include((cents as ValidationFailed).message, "at most 2 decimal places")

        const yenFraction = yield* Effect.flip(asAdmin(payments.createPayment({ customerId: yen.id, amount: 10.5 })))
        assert.deepStrictEqual(issuePath(yenFraction), ["amount"])

        const invoiceTotal = yield* Effect.flip(issueInvoice(euro.id, "99.999"))
        assert.deepStrictEqual(issuePath(invoiceTotal), ["total"])
      })
    )
  )

  it.effect("refuses text that is not a decimal, and non-positive payment amounts", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        for (const amount of ["12,50", "abc", "", "1e", "NaN", "0x10"]) {
          const error = yield* Effect.flip(asAdmin(payments.createPayment({ customerId: customer.id, amount })))
          assert.deepStrictEqual(issuePath(error), ["amount"], `amount ${JSON.stringify(amount)}`)
        }
        for (const amount of ["0", "-5.00", 0, -1]) {
          const error = yield* Effect.flip(asAdmin(payments.createPayment({ customerId: customer.id, amount })))
          assert.deepStrictEqual(issuePath(error), ["amount"])
          assert.include((error as ValidationFailed).message, "greater than zero")
        }
        const page = yield* asAdmin(payments.listPayments({}))
        assert.strictEqual(page.items.length, 0)
      })
    )
  )

  it.effect("names the allocation whose amount is malformed", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const first = yield* issueInvoice(customer.id, "50.00")
        const second = yield* issueInvoice(customer.id, "50.00")
        const error = yield* Effect.flip(
          asAdmin(
            payments.createPayment({
              customerId: customer.id,
              amount: "100.00",
              allocations: [
                { documentId: first.id, amount: "50.00" },
                { documentId: second.id, amount: "49.999" }
              ]
            })
          )
        )
        assert.deepStrictEqual(issuePath(error), ["allocations", 1, "amount"])
      })
    )
  )

  it.effect("refuses a currency other than the customer's", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer("Euro GmbH", "EUR")
        const payment = yield* Effect.flip(
          asAdmin(payments.createPayment({ customerId: customer.id, amount: "10.00", currency: "USD" }))
        )
        assert.deepStrictEqual(issuePath(payment), ["currency"])
        const invoice = yield* Effect.flip(issueInvoice(customer.id, "10.00", { currency: "GBP" }))
        assert.deepStrictEqual(issuePath(invoice), ["currency"])
        const same = yield* asAdmin(
          payments.createPayment({ customerId: customer.id, amount: "10.00", currency: "EUR" })
        )
        assert.strictEqual(same.payment.currency, "EUR")
      })
    )
  )

  it.effect("parses balance adjustments signed and credit limits non-negative", () =>
    withLedger(
      Effect.gen(function* () {
        const balances = yield* Balances
        const parties = yield* Parties
        const customer = yield* newCustomer()
        const debit = yield* asAdmin(
          balances.adjustBalance({ customerId: customer.id, amount: "-7.25", description: "late fee" })
        )
        assert.strictEqual(debit.delta, -725n)
        const zero = yield* Effect.flip(
          asAdmin(balances.adjustBalance({ customerId: customer.id, amount: "0.00", description: "nothing" }))
        )
        assert.deepStrictEqual(issuePath(zero), ["amount"])
        const negativeLimit = yield* Effect.flip(
          asAdmin(parties.createCustomer({ name: "Owes Ltd", currency: "EUR", creditLimit: "-1" }))
        )
        assert.deepStrictEqual(issuePath(negativeLimit), ["creditLimit"])
        const limited = yield* asAdmin(
          parties.createCustomer({ name: "Limit Ltd", currency: "EUR", creditLimit: "500" })
        )
        assert.strictEqual(limited.creditLimit, 50000n)
      })
    )
  )
})
