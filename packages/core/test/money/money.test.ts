/**
 * Example-based checks of money parsing and formatting with the exact outputs a user would read:
 * amounts in currencies with 0, 2, 3 and 4 decimals (JPY, USD, BHD, CLF), JSON numbers, inputs
 * that must be refused rather than rounded, the size limit and the compact formatter.
 */
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  type CurrencyCode,
  exponentOf,
  formatMinorUnits,
  formatMinorUnitsCompact,
  formatMoney,
  isCurrencyCode,
  maxMinorUnits,
  parseMinorUnits,
  parseMoney
} from "../../src/index.ts"

const parsed = (input: string | number | bigint, currency: CurrencyCode): bigint => {
  const result = parseMinorUnits(input, currency)
  if (Result.isFailure(result))
    throw new Error(`expected ${String(input)} ${currency} to parse: ${result.failure.message}`)
  return result.success
}

const refusal = (input: string | number | bigint, currency: CurrencyCode): string => {
  const result = parseMinorUnits(input, currency)
  if (Result.isSuccess(result))
    throw new Error(`expected ${String(input)} ${currency} to be refused, got ${result.success}`)
  expect(result.failure._tag).toBe("MoneyParseError")
  return result.failure.message
}

describe("currency exponents", () => {
  it("follow ISO 4217 for the currencies used below", () => {
    expect([exponentOf("JPY"), exponentOf("USD"), exponentOf("BHD"), exponentOf("CLF")]).toEqual([0, 2, 3, 4])
    expect(isCurrencyCode("EUR")).toBe(true)
    expect(isCurrencyCode("eur")).toBe(false)
    expect(isCurrencyCode("XXX")).toBe(false)
    expect(isCurrencyCode("toString")).toBe(false)
  })
})

describe("parseMinorUnits on decimal strings", () => {
  it.each([
    ["12.50", "USD", 1250n],
    ["12.5", "USD", 1250n],
    ["12", "USD", 1200n],
    ["0.01", "USD", 1n],
    ["-0.01", "USD", -1n],
    ["+3.10", "USD", 310n],
    [".5", "USD", 50n],
    ["7.", "USD", 700n],
    ["007.25", "USD", 725n],
    [" 19.99 ", "USD", 1999n],
    ["1500", "JPY", 1500n],
    ["-1500", "JPY", -1500n],
    ["1.234", "BHD", 1234n],
    ["0.001", "BHD", 1n],
    ["1.2345", "CLF", 12345n],
    ["0.0001", "CLF", 1n],
    ["1e3", "USD", 100000n],
    ["1.5E2", "USD", 15000n],
    ["125e-2", "USD", 125n],
    ["-2.5e-1", "BHD", -250n]
  ] as const)("%s %s is %d minor units", (input, currency, expected) => {
    expect(parsed(input, currency)).toBe(expected)
  })

  it("accepts trailing zeros beyond the currency's decimals, because they add no value", () => {
    expect(parsed("12.500", "USD")).toBe(1250n)
    expect(parsed("12.5000000", "USD")).toBe(1250n)
    expect(parsed("1500.00", "JPY")).toBe(1500n)
    expect(parsed("1.23400", "BHD")).toBe(1234n)
    expect(parsed("100e-3", "USD")).toBe(10n)
  })

  it("accepts zero written with any number of decimals", () => {
    expect(parsed("0", "USD")).toBe(0n)
    expect(parsed("0.000", "USD")).toBe(0n)
    expect(parsed("-0.000", "USD")).toBe(0n)
    expect(parsed("0.0", "JPY")).toBe(0n)
    expect(parsed("0.00000", "CLF")).toBe(0n)
    expect(parsed("0e-5", "JPY")).toBe(0n)
  })

  it("refuses more decimals than the currency has instead of rounding", () => {
    expect(refusal("12.501", "USD")).toBe("USD amounts have at most 2 decimal places")
    expect(refusal("0.001", "USD")).toBe("USD amounts have at most 2 decimal places")
    expect(refusal("1.5", "JPY")).toBe("JPY amounts have at most 0 decimal places")
    expect(refusal("1.2345", "BHD")).toBe("BHD amounts have at most 3 decimal places")
    expect(refusal("0.00001", "CLF")).toBe("CLF amounts have at most 4 decimal places")
    expect(refusal("1e-3", "USD")).toBe("USD amounts have at most 2 decimal places")
  })

  it.each([
    "",
    "   ",
    "1,00",
    "1.2.3",
    "abc",
    "0x10",
    " 1 2",
    "1e9999",
    "-",
    "+",
    ".",
    "e5",
    "1e",
    "--1",
    "+-1",
    "1_000",
    "١٢",
    "Infinity",
    "NaN",
    "12 USD",
    "$12"
  ])("refuses %j", (input) => {
    expect(refusal(input, "USD")).toMatch(/not a decimal amount|exponent is out of range/)
  })

  it("refuses absurdly long input", () => {
    expect(refusal(`1${"0".repeat(70)}`, "USD")).toBe("amount is too long")
  })
})

describe("parseMinorUnits on JSON numbers", () => {
  it.each([
    [0.1, "USD", 10n],
    [19.99, "USD", 1999n],
    [0.07, "USD", 7n],
    [1.005, "BHD", 1005n],
    [1e2, "USD", 10000n],
    [-0, "USD", 0n],
    [-12.5, "USD", -1250n],
    [1500, "JPY", 1500n],
    [1234.5678, "CLF", 12345678n],
    [123456789.12, "USD", 12345678912n]
  ] as const)("%d %s is exactly %d minor units", (input, currency, expected) => {
    expect(parsed(input, currency)).toBe(expected)
  })

  it("refuses numbers whose decimal text has too many decimals (no float arithmetic rescues them)", () => {
    expect(refusal(0.1 + 0.2, "USD")).toBe("USD amounts have at most 2 decimal places")
    expect(refusal(1e-7, "USD")).toBe("USD amounts have at most 2 decimal places")
    expect(refusal(0.5, "JPY")).toBe("JPY amounts have at most 0 decimal places")
  })

  it("refuses NaN and infinities", () => {
    expect(refusal(Number.NaN, "USD")).toBe("amount must be a finite number")
    expect(refusal(Number.POSITIVE_INFINITY, "USD")).toBe("amount must be a finite number")
    expect(refusal(Number.NEGATIVE_INFINITY, "USD")).toBe("amount must be a finite number")
  })
})

describe("parseMinorUnits on bigints (whole major units)", () => {
  it("scales by the currency's decimals", () => {
    expect(parsed(12n, "USD")).toBe(1200n)
    expect(parsed(12n, "JPY")).toBe(12n)
    expect(parsed(-3n, "CLF")).toBe(-30000n)
  })
})

describe("the size limit", () => {
  it("is 10^17 minor units either way, inclusive", () => {
    expect(maxMinorUnits).toBe(100_000_000_000_000_000n)
    expect(parsed("1000000000000000.00", "USD")).toBe(maxMinorUnits)
    expect(parsed("-1000000000000000", "USD")).toBe(-maxMinorUnits)
    expect(parsed("100000000000000000", "JPY")).toBe(maxMinorUnits)
  })

  it("refuses anything larger, whatever the notation", () => {
    expect(refusal("1000000000000000.01", "USD")).toBe("amount is too large")
    expect(refusal("-1000000000000000.01", "USD")).toBe("amount is too large")
    expect(refusal("100000000000000001", "JPY")).toBe("amount is too large")
    expect(refusal("1e16", "USD")).toBe("amount is too large")
    expect(refusal(1e21, "USD")).toBe("amount is too large")
    expect(refusal(Number.MAX_VALUE, "JPY")).toMatch(/too large|out of range/)
    expect(refusal(10n ** 16n, "USD")).toBe("amount is too large")
    expect(refusal(-(10n ** 18n), "JPY")).toBe("amount is too large")
  })
})

describe("formatMinorUnits", () => {
  it.each([
    [1250n, "USD", "12.50"],
    [1n, "USD", "0.01"],
    [-1n, "USD", "-0.01"],
    [-1250n, "USD", "-12.50"],
    [0n, "USD", "0.00"],
    [1500n, "JPY", "1500"],
    [-7n, "JPY", "-7"],
    [0n, "JPY", "0"],
    [1234n, "BHD", "1.234"],
    [5n, "BHD", "0.005"],
    [12345n, "CLF", "1.2345"],
    [-10n, "CLF", "-0.0010"],
    [maxMinorUnits, "USD", "1000000000000000.00"]
  ] as const)("%d %s is %s", (amount, currency, expected) => {
    expect(formatMinorUnits(amount, currency)).toBe(expected)
  })

  it("formats Money values the same way", () => {
    expect(formatMoney({ amount: 1999n, currency: "EUR" })).toBe("19.99")
  })
})

describe("formatMinorUnitsCompact", () => {
  it.each([
    [1250n, "USD", "12.5"],
    [1200n, "USD", "12"],
    [10000n, "USD", "100"],
    [1001n, "USD", "10.01"],
    [0n, "USD", "0"],
    [-50n, "USD", "-0.5"],
    [1500n, "JPY", "1500"],
    [100n, "JPY", "100"],
    [5n, "BHD", "0.005"],
    [1000n, "BHD", "1"],
    [-10n, "CLF", "-0.001"],
    [123400n, "CLF", "12.34"]
  ] as const)("%d %s is %s", (amount, currency, expected) => {
    expect(formatMinorUnitsCompact(amount, currency)).toBe(expected)
  })
})

describe("parseMoney", () => {
  it("pairs the amount with its currency, or reports why not", () => {
    expect(parseMoney("19.99", "EUR")).toEqual(Result.succeed({ amount: 1999n, currency: "EUR" }))
    const refused = parseMoney("19.999", "EUR")
    expect(Result.isFailure(refused) && refused.failure.input).toBe("19.999")
  })
})
