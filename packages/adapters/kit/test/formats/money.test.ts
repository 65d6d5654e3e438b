/**
 * Money wire formats: every conversion between ledger minor units and a vendor's wire form is
 * exact in both directions, and excess precision is refused rather than rounded.
 */
import { currencyCodes, exponentOf, maxMinorUnits, parseMinorUnits } from "@paybridge/core"
import { Result, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ExactJsonNumberValue,
  majorNumberToMinor,
  majorStringToMinor,
  majorUnitNumber,
  majorUnitString,
  minorIntegerToMinor,
  minorToCompactMajorString,
  minorToMajorNumber,
  minorToMajorString,
  minorToMinorInteger,
  minorUnitInteger
} from "../../src/formats/money.ts"
import { JsonDecimal, parseJsonExact, stringifyJsonExact } from "../../src/json/exact-json.ts"

const value = <A, E>(result: Result.Result<A, E>): A => Result.getOrThrow(result)
const message = <A, E extends { readonly message: string }>(result: Result.Result<A, E>): string =>
  Result.isFailure(result) ? result.failure.message : "succeeded"

describe("major-unit strings (Silver)", () => {
  it("formats with the currency's decimals or a fixed number of them", () => {
    expect(minorToMajorString(1250n, "USD")).toBe("12.50")
    expect(minorToMajorString(-5n, "EUR")).toBe("-0.05")
    expect(minorToMajorString(1250n, "JPY")).toBe("1250")
    expect(minorToMajorString(1250n, "JPY", { decimals: 2 })).toBe("1250.00")
    expect(minorToMajorString(12340n, "BHD", { decimals: 2 })).toBe("12.34")
    expect(() => minorToMajorString(12345n, "BHD", { decimals: 2 })).toThrow(/cannot be written with 2 decimals/)
  })

  it("parses exactly and refuses what is not a plain decimal", () => {
    expect(value(majorStringToMinor("12.50", "USD"))).toBe(1250n)
    expect(value(majorStringToMinor("12.5", "USD"))).toBe(1250n)
    expect(value(majorStringToMinor("12.500", "USD"))).toBe(1250n)
    expect(message(majorStringToMinor("12.345", "USD"))).toMatch(/at most 2 decimal places/)
    expect(message(majorStringToMinor("1e3", "USD"))).toMatch(/not a decimal amount/)
    expect(message(majorStringToMinor("-1.00", "USD"))).toMatch(/must not be negative/)
    expect(value(majorStringToMinor("-1.00", "USD", { allowNegative: true }))).toBe(-100n)
  })

  it("round-trips every amount", () => {
    for (const amount of [0n, 1n, 99n, 100n, 1250n, 99999999999999999n]) {
      expect(value(majorStringToMinor(minorToMajorString(amount, "USD"), "USD"))).toBe(amount)
    }
  })

  it("has a request schema that keeps the text and rejects numbers", () => {
    const format = majorUnitString({ decimals: 2 })
    expect(Schema.decodeUnknownSync(format.schema)("12.50")).toBe("12.50")
    expect(() => Schema.decodeUnknownSync(format.schema)(12.5)).toThrow()
    expect(() => Schema.decodeUnknownSync(format.schema)("12,50")).toThrow(/decimal amount/)
    expect(format.format(1250n, "USD")).toBe("12.50")
    expect(format.toAmountInput("12.50", "USD")).toBe("12.50")
  })
})

describe("exact JSON numbers in major units (Elevate, LogiSense, CRM.COM)", () => {
  it("writes compact or fixed digits without float error", () => {
    expect(stringifyJsonExact({ a: minorToMajorNumber(1210n, "USD") })).toBe('{"a":12.1}')
    expect(stringifyJsonExact({ a: minorToMajorNumber(1210n, "USD", { decimals: 2 }) })).toBe('{"a":12.10}')
    expect(stringifyJsonExact({ a: minorToMajorNumber(30n, "USD") })).toBe('{"a":0.3}')
    expect(stringifyJsonExact({ a: minorToMajorNumber(6000n, "EUR") })).toBe('{"a":60}')
    expect(minorToCompactMajorString(99999999999999999n, "USD")).toBe("999999999999999.99")
  })

  it("reads the number's source text, so a float-unsafe value is refused, not rounded", () => {
    const [a, b, c] = parseJsonExact("[0.30000000000000001, 12.10, 999999999999999.99]") as [
      JsonDecimal,
      JsonDecimal,
      JsonDecimal
    ]
    expect(message(majorNumberToMinor(a, "USD"))).toMatch(/at most 2 decimal places/)
    expect(value(majorNumberToMinor(b, "USD"))).toBe(1210n)
    expect(value(majorNumberToMinor(c, "USD"))).toBe(99999999999999999n)
  })

  it("has a request schema from exact JSON to decimal text", () => {
    const format = majorUnitNumber()
    const decode = Schema.decodeUnknownSync(format.schema)
    expect(decode(new JsonDecimal("10.5"))).toBe("10.5")
    expect(decode(60)).toBe("60")
    expect(() => decode(10.5)).toThrow(/JSON number/)
    expect(() => decode("10.5")).toThrow()
    expect(() => decode(new JsonDecimal("-1"))).toThrow()
    expect(Schema.decodeUnknownSync(majorUnitNumber({ acceptStrings: true }).schema)("50")).toBe("50")
    expect(Schema.decodeUnknownSync(majorUnitNumber({ allowNegative: true }).schema)(new JsonDecimal("-1.5"))).toBe(
      "-1.5"
    )
  })
})

describe("integer minor units", () => {
  it("writes and reads whole numbers of minor units of any size", () => {
    expect(stringifyJsonExact(minorToMinorInteger(123456789012345678901n))).toBe("123456789012345678901")
    expect(value(minorIntegerToMinor(new JsonDecimal("123456789012345678901")))).toBe(123456789012345678901n)
    expect(value(minorIntegerToMinor(1250))).toBe(1250n)
    expect(message(minorIntegerToMinor(new JsonDecimal("12.5")))).toMatch(/whole number/)
  })

  it("has a request schema to bigint and a core amount input", () => {
    const format = minorUnitInteger()
    expect(Schema.decodeUnknownSync(format.schema)(1250)).toBe(1250n)
    expect(() => Schema.decodeUnknownSync(format.schema)(new JsonDecimal("12.5"))).toThrow(/whole number/)
    expect(() => Schema.decodeUnknownSync(format.schema)(-1)).toThrow(/non-negative/)
    expect(format.toAmountInput(1250n, "USD")).toBe("12.50")
    expect(format.toAmountInput(1250n, "JPY")).toBe("1250")
  })
})

describe("JSON Schema of the money formats (for the OpenAPI documents)", () => {
  const property = (schema: Schema.Top) =>
    (Schema.toJsonSchemaDocument(Schema.Struct({ amount: schema })).schema as { properties: { amount: unknown } })
      .properties.amount

  it("documents each wire form as the JSON type a client sends", () => {
    expect(property(majorUnitNumber().schema)).toEqual({
      type: "number",
      description: "amount in major units, e.g. 12.5"
    })
    expect(property(minorUnitInteger().schema)).toEqual({
      type: "integer",
      description: "amount in minor units, e.g. 1250 for 12.50"
    })
    expect(property(majorUnitString().schema)).toMatchObject({ type: "string", pattern: "^\\d+(\\.\\d+)?$" })
  })
})

describe("exponent notation in JSON numbers (issue 12)", () => {
  const read = (json: string) => (parseJsonExact(`[${json}]`) as [ExactJsonNumberValue])[0]
  const decodeMajor = Schema.decodeUnknownSync(majorUnitNumber().schema)

  it("decodes every spelling to the plain decimal text of the same value", () => {
    expect(decodeMajor(read("1.05e1"))).toBe("10.5")
    expect(decodeMajor(read("1.0E7"))).toBe("10000000")
    expect(decodeMajor(read("1234e-2"))).toBe("12.34")
    expect(decodeMajor(read("1.05E+1"))).toBe("10.5")
    expect(decodeMajor(read("1e-3"))).toBe("0.001")
    expect(Schema.decodeUnknownSync(majorUnitNumber({ allowNegative: true }).schema)(read("-2.5E-1"))).toBe("-0.25")
    expect(() => decodeMajor(read("-1.05e1"))).toThrow(/decimal amount/)
  })

  it("converts exactly, and refuses 1e-3 in a 2-decimal currency with the same words as 0.001", () => {
    const format = majorUnitNumber()
    expect(value(format.parse(read("1.05e1"), "USD"))).toBe(1050n)
    expect(value(format.parse(read("1.0E7"), "USD"))).toBe(1_000_000_000n)
    expect(value(format.parse(read("1234e-2"), "USD"))).toBe(1234n)
    expect(message(format.parse(read("1e-3"), "USD"))).toBe(message(format.parse(read("0.001"), "USD")))
    expect(message(format.parse(read("1e-3"), "USD"))).toBe("USD amounts have at most 2 decimal places")
    expect(value(parseMinorUnits(decodeMajor(read("1.05e1")), "HUF"))).toBe(1050n)
  })

  it("refuses absurd exponents cleanly, in the schema and the converter", () => {
    for (const json of ["1e400", "1e-400", "1E999999999"]) {
      expect(() => decodeMajor(read(json))).toThrow(/exponent is out of range/)
      expect(message(majorNumberToMinor(read(json), "USD"))).toBe("amount exponent is out of range")
      expect(() => Schema.decodeUnknownSync(minorUnitInteger().schema)(read(json))).toThrow(/whole number/)
    }
  })

  it("reads a whole number of minor units in any spelling", () => {
    const decode = Schema.decodeUnknownSync(minorUnitInteger().schema)
    expect(decode(read("1.25e3"))).toBe(1250n)
    expect(decode(read("1250.0"))).toBe(1250n)
    expect(decode(read("1.0E7"))).toBe(10_000_000n)
    expect(() => decode(read("1.25e1"))).toThrow(/whole number/)
    expect(value(minorIntegerToMinor(read("1.25e3")))).toBe(1250n)
    expect(message(minorIntegerToMinor(read("-1e2")))).toMatch(/must not be negative/)
    expect(value(minorIntegerToMinor(read("-1e2"), { allowNegative: true }))).toBe(-100n)
  })

  it("property: every exponent spelling of an amount, read as JSON, books the same minor units in every currency", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...currencyCodes),
        fc.bigInt({ min: 0n, max: maxMinorUnits }),
        fc.record({
          shift: fc.integer({ min: -20, max: 20 }),
          letter: fc.constantFrom("e", "E"),
          plusSign: fc.boolean(),
          extraZeros: fc.integer({ min: 0, max: 3 })
        }),
        (currency, minor, spelling) => {
          // minor × 10^-(exponent + shift), written out by hand, then "e<shift>".
          const places = exponentOf(currency) + spelling.shift
          const digits = minor.toString()
          let mantissa =
            places <= 0
              ? minor === 0n
                ? "0"
                : `${digits}${"0".repeat(-places)}`
              : `${digits.padStart(places + 1, "0").slice(0, -places)}.${digits.padStart(places + 1, "0").slice(-places)}`
          if (spelling.extraZeros > 0)
            mantissa += `${mantissa.includes(".") ? "" : "."}${"0".repeat(spelling.extraZeros)}`
          const sign = spelling.shift < 0 ? "-" : spelling.plusSign ? "+" : ""
          const json = `${mantissa}${spelling.letter}${sign}${Math.abs(spelling.shift)}`
          const wire = read(json)
          expect(value(majorUnitNumber().parse(wire, currency))).toBe(minor)
          expect(value(parseMinorUnits(decodeMajor(wire), currency))).toBe(minor)
        }
      ),
      { numRuns: 2000 }
    )
  })
})
