/**
 * Property tests of exponent notation over every ISO 4217 code in the table: for random amounts
 * of minor units, every exponent spelling of the amount (any exponent, `e` or `E`, signed or not,
 * padded exponent digits, extra fraction zeros as Java writes `1.0E7`) converts back to exactly the
 * same minor units, and writes out to plain text that does too. The spellings are built by string
 * manipulation only, independently of the code under test.
 */
import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type CurrencyCode,
  currencyCodes,
  exponentOf,
  maxMinorUnits,
  readMinorUnits,
  toPlainDecimal
} from "../../src/money/index.ts"
import { parseMinorUnits } from "../../src/money/money.ts"

/** `magnitude × 10^-places` as plain text, with `extraZeros` more fraction zeros. */
const mantissa = (magnitude: bigint, places: number, extraZeros: number): string => {
  const digits = magnitude.toString()
  let text: string
  if (places <= 0) text = magnitude === 0n ? "0" : `${digits}${"0".repeat(-places)}`
  else {
    const padded = digits.padStart(places + 1, "0")
    text = `${padded.slice(0, padded.length - places)}.${padded.slice(padded.length - places)}`
  }
  if (extraZeros === 0) return text
  return `${text}${text.includes(".") ? "" : "."}${"0".repeat(extraZeros)}`
}

const exponentSpelling = fc.record({
  shift: fc.integer({ min: -20, max: 20 }),
  letter: fc.constantFrom("e", "E"),
  plusSign: fc.boolean(),
  exponentPadding: fc.integer({ min: 0, max: 2 }),
  extraZeros: fc.integer({ min: 0, max: 4 })
})

/**
 * `units × 10^-decimals` written with the exponent `spelling.shift`, JSON-valid (no leading `+`,
 * no leading zeros in the mantissa).
 */
const spellValue = (
  units: bigint,
  decimals: number,
  spelling: typeof exponentSpelling extends fc.Arbitrary<infer T> ? T : never
): string => {
  const negative = units < 0n
  const places = decimals + spelling.shift
  const body = mantissa(negative ? -units : units, places, spelling.extraZeros)
  const exponentDigits = `${"0".repeat(spelling.exponentPadding)}${Math.abs(spelling.shift)}`
  const exponentSign = spelling.shift < 0 ? "-" : spelling.plusSign ? "+" : ""
  return `${negative ? "-" : ""}${body}${spelling.letter}${exponentSign}${exponentDigits}`
}

/** The amount `minor` of `currency` written with an exponent. */
const spell = (
  minor: bigint,
  currency: CurrencyCode,
  spelling: typeof exponentSpelling extends fc.Arbitrary<infer T> ? T : never
): string => spellValue(minor, exponentOf(currency), spelling)

const anyCurrency = fc.constantFrom(...currencyCodes)
const inRange = fc.bigInt({ min: -maxMinorUnits, max: maxMinorUnits })

describe("exponent notation properties, over every currency in the table", () => {
  it("every exponent spelling of an amount converts back to the same minor units", () => {
    fc.assert(
      fc.property(anyCurrency, inRange, exponentSpelling, (currency, minor, spelling) => {
        const text = spell(minor, currency, spelling)
        expect(text).toMatch(/^-?(0|[1-9]\d*)(\.\d+)?[eE][+-]?\d+$/)
        const read = readMinorUnits(text, currency)
        expect(read.ok ? read.value : read.message).toBe(minor)
        expect(Result.getOrThrow(parseMinorUnits(text, currency))).toBe(minor)
      }),
      { numRuns: 3000 }
    )
  })

  it("written out as plain text, every spelling still converts to the same minor units", () => {
    fc.assert(
      fc.property(anyCurrency, inRange, exponentSpelling, (currency, minor, spelling) => {
        const plain = toPlainDecimal(spell(minor, currency, spelling))
        expect(plain.ok).toBe(true)
        if (!plain.ok) return
        expect(plain.value).toMatch(/^-?\d+(\.\d+)?$/)
        const read = readMinorUnits(plain.value, currency)
        expect(read.ok ? read.value : read.message).toBe(minor)
      }),
      { numRuns: 2000 }
    )
  })

  it("one significant decimal beyond the currency, in any spelling, is refused like the plain text", () => {
    fc.assert(
      fc.property(
        anyCurrency,
        fc.bigInt({ min: 0n, max: maxMinorUnits / 10n }),
        fc.integer({ min: 1, max: 9 }),
        exponentSpelling,
        (currency, minor, digit, spelling) => {
          // minor × 10 + digit units of one more decimal place than the currency has.
          const finer = minor * 10n + BigInt(digit)
          const text = spellValue(finer, exponentOf(currency) + 1, spelling)
          const read = readMinorUnits(text, currency)
          expect(read.ok ? read.value : read.message).toBe(
            `${currency} amounts have at most ${exponentOf(currency)} decimal place${exponentOf(currency) === 1 ? "" : "s"}`
          )
        }
      ),
      { numRuns: 1000 }
    )
  })
})
