/**
 * Stripe's currency units against the ledger's ISO 4217 minor units: the documented zero-decimal,
 * three-decimal and special-case currencies, exact conversion both ways, refusal (never rounding)
 * of what Stripe cannot represent, and a cross-check with core's ISO table that every currency
 * whose exponent is not 2 has an explicit rule.
 */
import { currencyCodes, currencyExponents } from "@paybridge/core/money"
import { describe, expect, it } from "vitest"
import {
  fromStripeAmount,
  stripeCurrencyRules,
  stripeUnsupportedCurrencies,
  toStripeAmount
} from "../src/stripe-currency.ts"

const sent = (currency: string, minorUnits: bigint) => {
  const converted = toStripeAmount(currency, minorUnits)
  return converted.ok ? converted.amount : converted.message
}

describe("toStripeAmount", () => {
  it.each([
    ["USD", 1050n, 1050],
    ["EUR", 1n, 1],
    ["GBP", 99_999_999n, 99_999_999]
  ])("two-decimal %s: the ISO minor unit as is (%s → %s)", (currency, minor, stripe) => {
    expect(sent(currency, minor)).toBe(stripe)
  })

  it.each([
    ["JPY", 500n, 500],
    ["KRW", 10_000n, 10_000],
    ["CLP", 7n, 7],
    ["VND", 25_000n, 25_000],
    ["XOF", 1000n, 1000]
  ])("zero-decimal %s: whole units as is (%s → %s)", (currency, minor, stripe) => {
    expect(sent(currency, minor)).toBe(stripe)
  })

  it.each([
    ["BHD", 5120n, 5120],
    ["KWD", 10n, 10],
    ["JOD", 1_000n, 1_000],
    ["OMR", 990n, 990],
    ["TND", 123_450n, 123_450]
  ])("three-decimal %s: thousandths ending in 0 (%s → %s)", (currency, minor, stripe) => {
    expect(sent(currency, minor)).toBe(stripe)
  })

  it.each(["BHD", "KWD", "JOD", "OMR", "TND"])("three-decimal %s: refuses a last digit other than 0", (currency) => {
    expect(sent(currency, 5124n)).toMatch(/multiples of 10/)
  })

  it.each([
    ["ISK", 5n, 500],
    ["UGX", 5n, 500],
    ["ISK", 1n, 100],
    ["UGX", 12_345n, 1_234_500]
  ])("special case %s: whole units sent as two-decimal with 00 (%s → %s)", (currency, minor, stripe) => {
    expect(sent(currency, minor)).toBe(stripe)
  })

  it.each([
    ["HUF", 1050n, 1050],
    ["TWD", 1999n, 1999]
  ])("special case %s (payouts only): charges are two-decimal (%s → %s)", (currency, minor, stripe) => {
    expect(sent(currency, minor)).toBe(stripe)
  })

  it("MGA: ISO has two decimals, Stripe none — whole ariary only", () => {
    expect(sent("MGA", 500n)).toBe(5)
    expect(sent("MGA", 550n)).toMatch(/whole units only/)
  })

  it.each(["CLF", "UYW", "UYI", "IQD", "LYD"])("refuses %s, whose Stripe units are not documented", (currency) => {
    expect(sent(currency, 1000n)).toMatch(/cannot be charged through Stripe/)
  })

  it("refuses zero, negative and unrepresentably large amounts", () => {
    expect(sent("EUR", 0n)).toMatch(/must be positive/)
    expect(sent("EUR", -5n)).toMatch(/must be positive/)
    expect(sent("EUR", 2n ** 60n)).toMatch(/too large/)
    expect(sent("ISK", 2n ** 52n)).toMatch(/too large/)
  })

  it("accepts lower-case codes as Stripe writes them", () => {
    expect(sent("jpy", 500n)).toBe(500)
  })
})

describe("fromStripeAmount", () => {
  it.each([
    ["EUR", 1050, 1050n],
    ["JPY", 500, 500n],
    ["ISK", 500, 5n],
    ["UGX", 100, 1n],
    ["MGA", 5, 500n],
    ["KWD", 5120, 5120n]
  ])("%s %s → %s ledger minor units", (currency, stripe, minor) => {
    expect(fromStripeAmount(currency, stripe)).toBe(minor)
  })

  it("answers null for a Stripe amount that is not a whole number of ledger minor units", () => {
    expect(fromStripeAmount("ISK", 150)).toBeNull()
    expect(fromStripeAmount("EUR", 1.5)).toBeNull()
  })

  it("inverts toStripeAmount for every ISO currency Stripe takes", () => {
    for (const currency of currencyCodes) {
      for (const minor of [1n, 10n, 100n, 1000n, 123_400n]) {
        const converted = toStripeAmount(currency, minor)
        if (converted.ok) expect(fromStripeAmount(currency, converted.amount), `${currency} ${minor}`).toBe(minor)
      }
    }
  })
})

describe("the table against core's ISO 4217 table", () => {
  it("has an explicit rule or refusal for every currency whose ISO exponent is not 2", () => {
    const uncovered = currencyCodes.filter(
      (code) =>
        currencyExponents[code] !== 2 &&
        !Object.hasOwn(stripeCurrencyRules, code) &&
        !Object.hasOwn(stripeUnsupportedCurrencies, code)
    )
    expect(uncovered).toEqual([])
  })

  it("states each rule's ISO exponent as ISO does", () => {
    for (const [code, rule] of Object.entries(stripeCurrencyRules)) {
      expect(currencyExponents[code as keyof typeof currencyExponents], code).toBe(rule.isoExponent)
    }
  })
})
