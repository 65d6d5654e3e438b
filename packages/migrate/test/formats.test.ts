/**
 * The exact formats under every reader: JSON numbers kept as the vendor wrote them (and written
 * back verbatim), vendor amounts as exact decimals converted to minor units without a float (too
 * many decimals refused, never rounded), and `Link` headers in both RFC 8288's and Silver's quirky
 * form.
 */
import { describe, expect, test } from "vitest"
import { decimalTextOf, ExactNumber, parseExactJson, stringifyExactJson } from "../src/http/exact-json.ts"
import { parseLinkHeader } from "../src/http/link-header.ts"
import { amountOf, minorUnits, negateAmount, SourceFormatError } from "../src/sources/source-model.ts"

describe("exact JSON", () => {
  test("keeps every number that is not a safe integer as its exact text, and writes it back verbatim", () => {
    const text = '{"a":125.50,"b":30000,"c":12345678901234567890,"d":[0.1,1e3],"e":"75.00"}'
    const parsed = parseExactJson(text)
    expect(parsed).toMatchObject({ a: { source: "125.50" }, b: 30000, c: { source: "12345678901234567890" } })
    expect(stringifyExactJson(parsed)).toBe(text)
    expect(stringifyExactJson({ n: 10n ** 20n })).toBe('{"n":100000000000000000000}')
  })

  test("reads the decimal text of numbers and numeric strings, expanding exponents exactly", () => {
    expect(decimalTextOf(new ExactNumber("1.5e2"))).toBe("150")
    expect(decimalTextOf(new ExactNumber("1.5e-3"))).toBe("0.0015")
    expect(decimalTextOf("50")).toBe("50")
    expect(decimalTextOf(42)).toBe("42")
    expect(decimalTextOf("12,5")).toBeNull()
    expect(() => parseExactJson("{nope")).toThrow(/JSON/u)
  })
})

describe("amounts", () => {
  test("vendor amounts become exact decimals and minor units of their currency", () => {
    expect(amountOf(new ExactNumber("125.50"), "x")).toBe("125.50")
    expect(amountOf("075.5", "x")).toBe("75.5")
    expect(minorUnits("125.5", "EUR")).toBe(12550n)
    expect(minorUnits("30000.00", "JPY")).toBe(30000n)
    expect(minorUnits("12.345", "BHD")).toBe(12345n)
    expect(minorUnits("-0.001", "KWD")).toBe(-1n)
    expect(negateAmount("-40.00")).toBe("40.00")
    expect(negateAmount("0.00")).toBe("0.00")
  })

  test("more decimals than the currency has is refused, never rounded; so is anything not a number", () => {
    expect(() => minorUnits("10.5", "JPY")).toThrow(SourceFormatError)
    expect(() => minorUnits("1.2345", "BHD")).toThrow(/more decimals/u)
    expect(() => amountOf(12.5, "amount")).toThrow(SourceFormatError) // a float reached us: a reader bug
    expect(() => amountOf("abc", "amount")).toThrow(/not an exact amount/u)
  })
})

describe("Link headers", () => {
  test("RFC 8288 form", () => {
    const links = parseLinkHeader('<https://x/p?page=2>; rel="next", <https://x/p?page=9>; rel="last"')
    expect(Object.fromEntries(links)).toEqual({ next: "https://x/p?page=2", last: "https://x/p?page=9" })
  })

  test("Silver's DRF-era form with the relation inside the brackets", () => {
    const header =
      '<http://h/silver/customers/?page=2&page_size=2; rel="next">, <http://h/silver/customers/; rel="prev">, <http://h/silver/customers/?page=1&page_size=2; rel="first">, <http://h/silver/customers/?page=3&page_size=2; rel="last">'
    expect(Object.fromEntries(parseLinkHeader(header))).toEqual({
      next: "http://h/silver/customers/?page=2&page_size=2",
      prev: "http://h/silver/customers/",
      first: "http://h/silver/customers/?page=1&page_size=2",
      last: "http://h/silver/customers/?page=3&page_size=2"
    })
    expect(parseLinkHeader(null).size).toBe(0)
  })
})
