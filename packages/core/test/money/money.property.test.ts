/**
 * Property tests of money parsing and formatting for every minor-unit exponent in use (0, 2, 3,
 * 4 — JPY, USD, BHD, CLF): formatting then parsing gives back the same minor units, parsing is
 * exact against an independent rational-number oracle (never rounds), JSON numbers read exactly,
 * and nothing that is not a plain decimal is ever accepted.
 */
import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type CurrencyCode,
  exponentOf,
  formatMinorUnits,
  formatMinorUnitsCompact,
  maxMinorUnits,
  parseMinorUnits
} from "../../src/index.ts"

const currencies = ["JPY", "USD", "BHD", "CLF"] as const satisfies ReadonlyArray<CurrencyCode>
const anyCurrency = fc.constantFrom(...currencies)
const inRange = fc.bigInt({ min: -maxMinorUnits, max: maxMinorUnits })

const parsedOrNull = (input: string | number | bigint, currency: CurrencyCode): bigint | null => {
  const result = parseMinorUnits(input, currency)
  return Result.isSuccess(result) ? result.success : null
}

/**
 * Independent oracle: the exact value of a generated decimal as numerator / 10^scale, and from it
 * the minor units, or `null` when the value is not a whole number of minor units or is too large.
 */
const exactMinorUnits = (
  parts: { sign: string; whole: string; fraction: string | null; exponent: number | null },
  currency: CurrencyCode
): bigint | null => {
  const numerator = BigInt(`${parts.whole}${parts.fraction ?? ""}` || "0") * (parts.sign === "-" ? -1n : 1n)
  // value = numerator * 10^(exponent - fractionDigits); minor = value * 10^currencyExponent
  const power = (parts.exponent ?? 0) - (parts.fraction?.length ?? 0) + exponentOf(currency)
  let minor: bigint
  if (power >= 0) {
    minor = numerator * 10n ** BigInt(power)
  } else {
    const divisor = 10n ** BigInt(-power)
    if (numerator % divisor !== 0n) return null
    minor = numerator / divisor
  }
  return (minor < 0n ? -minor : minor) > maxMinorUnits ? null : minor
}

const digitString = (maxLength: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength })

/** Decimals in every notation the parser claims to read: sign, leading dot, trailing dot, exponent. */
const decimalParts = fc
  .record({
    sign: fc.constantFrom("", "+", "-"),
    whole: digitString(12),
    fraction: fc.option(digitString(8), { nil: null }),
    exponent: fc.option(fc.integer({ min: -12, max: 12 }), { nil: null }),
    exponentLetter: fc.constantFrom("e", "E"),
    exponentPlus: fc.boolean()
  })
  .filter((parts) => parts.whole.length > 0 || (parts.fraction?.length ?? 0) > 0)

const render = (parts: typeof decimalParts extends fc.Arbitrary<infer T> ? T : never): string => {
  const fraction = parts.fraction === null ? "" : `.${parts.fraction}`
  const exponent =
    parts.exponent === null
      ? ""
      : `${parts.exponentLetter}${parts.exponent >= 0 && parts.exponentPlus ? "+" : ""}${parts.exponent}`
  return `${parts.sign}${parts.whole}${fraction}${exponent}`
}

describe("money properties", () => {
  it("formatMinorUnits then parseMinorUnits gives back every amount in range, for every exponent", () => {
    fc.assert(
      fc.property(anyCurrency, inRange, (currency, amount) => {
        expect(parsedOrNull(formatMinorUnits(amount, currency), currency)).toBe(amount)
      }),
      { numRuns: 2000 }
    )
  })

  it("the compact form parses back to the same amount too", () => {
    fc.assert(
      fc.property(anyCurrency, inRange, (currency, amount) => {
        const compact = formatMinorUnitsCompact(amount, currency)
        expect(compact).not.toMatch(/\.\d*0$|\.$/)
        expect(parsedOrNull(compact, currency)).toBe(amount)
      }),
      { numRuns: 2000 }
    )
  })

  it("formatting always writes exactly the currency's number of decimals", () => {
    fc.assert(
      fc.property(anyCurrency, inRange, (currency, amount) => {
        const text = formatMinorUnits(amount, currency)
        const exponent = exponentOf(currency)
        expect(text).toMatch(exponent === 0 ? /^-?(0|[1-9]\d*)$/ : new RegExp(`^-?(0|[1-9]\\d*)\\.\\d{${exponent}}$`))
      })
    )
  })

  it("trailing zeros beyond the currency's decimals are accepted and change nothing", () => {
    fc.assert(
      fc.property(anyCurrency, inRange, fc.integer({ min: 1, max: 6 }), (currency, amount, zeros) => {
        const text = formatMinorUnits(amount, currency)
        const padded = `${text}${text.includes(".") ? "" : "."}${"0".repeat(zeros)}`
        expect(parsedOrNull(padded, currency)).toBe(amount)
      })
    )
  })

  it("one more significant decimal than the currency has is refused, never rounded", () => {
    fc.assert(
      fc.property(anyCurrency, inRange, fc.integer({ min: 1, max: 9 }), (currency, amount, digit) => {
        const text = formatMinorUnits(amount, currency)
        const extended = `${text}${text.includes(".") ? "" : "."}${digit}`
        const result = parseMinorUnits(extended, currency)
        expect(Result.isFailure(result)).toBe(true)
      })
    )
  })

  it("parsing is exact: any decimal notation gives its exact value in minor units, or is refused", () => {
    fc.assert(
      fc.property(anyCurrency, decimalParts, (currency, parts) => {
        const text = render(parts)
        expect(parsedOrNull(text, currency), text).toBe(exactMinorUnits(parts, currency))
      }),
      { numRuns: 5000 }
    )
  })

  it("a JSON number is read through its decimal text, exactly", () => {
    // Up to 15 significant digits a double's shortest text is the decimal it was written from.
    const smallAmount = fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n })
    fc.assert(
      fc.property(anyCurrency, smallAmount, (currency, amount) => {
        const asJsonNumber = Number(formatMinorUnits(amount, currency))
        expect(parsedOrNull(asJsonNumber, currency)).toBe(amount)
      }),
      { numRuns: 2000 }
    )
  })

  it("any double is either refused or read as the exact value of its shortest decimal text", () => {
    fc.assert(
      fc.property(anyCurrency, fc.double(), (currency, value) => {
        const result = parsedOrNull(value, currency)
        if (result === null) return
        // The accepted amount, formatted back, is numerically the same double.
        expect(Number(formatMinorUnits(result, currency))).toBe(value === 0 ? 0 : value)
      }),
      { numRuns: 5000 }
    )
  })

  it("never accepts text that is not a plain decimal", () => {
    const plainDecimal = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/
    fc.assert(
      fc.property(anyCurrency, fc.string({ maxLength: 20 }), (currency, text) => {
        if (parsedOrNull(text, currency) !== null) expect(text).toMatch(plainDecimal)
      }),
      { numRuns: 5000 }
    )
    fc.assert(
      fc.property(
        anyCurrency,
        fc.string({ unit: fc.constantFrom(..."0123456789.,+-eExX_ "), maxLength: 12 }),
        (currency, text) => {
          if (parsedOrNull(text, currency) !== null) expect(text).toMatch(plainDecimal)
        }
      ),
      { numRuns: 5000 }
    )
  })

  it("amounts beyond maxMinorUnits are refused in every notation", () => {
    const tooLarge = fc.bigInt({ min: maxMinorUnits + 1n, max: maxMinorUnits * 1000n })
    fc.assert(
      fc.property(anyCurrency, tooLarge, fc.boolean(), (currency, magnitude, negative) => {
        const amount = negative ? -magnitude : magnitude
        expect(parsedOrNull(formatMinorUnits(amount, currency), currency)).toBeNull()
        expect(parsedOrNull(formatMinorUnitsCompact(amount, currency), currency)).toBeNull()
      })
    )
  })

  it("a bigint is whole major units, scaled exactly and limited like any other input", () => {
    fc.assert(
      fc.property(anyCurrency, fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }), (currency, major) => {
        const minor = major * 10n ** BigInt(exponentOf(currency))
        const expected = (minor < 0n ? -minor : minor) > maxMinorUnits ? null : minor
        expect(parsedOrNull(major, currency)).toBe(expected)
      })
    )
  })
})
