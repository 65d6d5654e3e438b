/**
 * The dependency-free money rules behind `@paybridge/core/money`: exponent notation as JSON and
 * Java/Jackson clients write it converts exactly (issue 12), is refused with the same words as the
 * plain spelling when it has too many decimals, and absurd exponents are refused without building
 * giant strings. Also checks that the browser entry really imports nothing but itself.
 */
import { readFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  currencyCodes,
  currencyExponents,
  exponentOf,
  formatMinorUnits,
  readDecimal,
  readMinorUnits,
  readWholeNumber,
  toPlainDecimal
} from "../../src/money/index.ts"
import { parseMinorUnits } from "../../src/money/money.ts"

const minor = (text: string, currency: Parameters<typeof exponentOf>[0]) => {
  const read = readMinorUnits(text, currency)
  return read.ok ? read.value : read.message
}

describe("exponent notation (issue 12)", () => {
  it.each([
    ["1.05e1", "USD", 1050n],
    ["1.0E7", "USD", 1_000_000_000n],
    ["1234e-2", "USD", 1234n],
    ["1.05E+1", "EUR", 1050n],
    ["1.05e01", "USD", 1050n],
    ["-1.05e1", "USD", -1050n],
    ["0.105e2", "BHD", 10500n],
    ["1.2345E0", "CLF", 12345n],
    ["1.5E3", "JPY", 1500n],
    ["1250000e-4", "HUF", 12500n],
    ["1.0E-2", "USD", 1n],
    ["1e17", "JPY", 100_000_000_000_000_000n]
  ] as const)("%s %s is exactly %d minor units", (text, currency, expected) => {
    expect(minor(text, currency)).toBe(expected)
    expect(Result.getOrThrow(parseMinorUnits(text, currency))).toBe(expected)
  })

  it("refuses too many decimals with the same words whatever the spelling", () => {
    for (const [plain, spelled, currency] of [
      ["0.001", "1e-3", "USD"],
      ["0.001", "1E-3", "EUR"],
      ["0.5", "5e-1", "JPY"],
      ["0.0001", "1e-4", "BHD"],
      ["12.345", "1.2345e1", "HUF"]
    ] as const) {
      expect(minor(spelled, currency)).toBe(`${currency} amounts have at most ${exponentOf(currency)} decimal places`)
      expect(minor(spelled, currency)).toBe(minor(plain, currency))
    }
  })

  it("refuses absurd exponents at once, without building the digits", () => {
    const started = performance.now()
    for (const text of ["1e400", "1e-400", "1E999999", "-1e-999999", `1e${"9".repeat(5000)}`, "1e+65", "1e-65"]) {
      const read = readDecimal(text)
      expect(read.ok ? "accepted" : read.message).toBe("amount exponent is out of range")
      const plain = toPlainDecimal(text)
      expect(plain.ok ? "accepted" : plain.message).toBe("amount exponent is out of range")
      expect(readWholeNumber(text).ok).toBe(false)
    }
    expect(minor("1e400", "USD")).toBe("amount exponent is out of range")
    expect(minor("1e-400", "USD")).toBe("amount exponent is out of range")
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it("refuses values beyond the ledger's range and keeps zero zero, however written", () => {
    expect(minor("1e16", "USD")).toBe("amount is too large")
    expect(minor("1.00000000000000001e17", "JPY")).toBe("amount is too large")
    expect(minor("1e64", "USD")).toBe("amount is too large")
    expect(minor("0e400", "USD")).toBe(0n)
    expect(minor("-0.0E-7", "JPY")).toBe(0n)
  })

  it("writes exponent notation out as plain decimal text and leaves plain text alone", () => {
    const plain = (text: string) => {
      const read = toPlainDecimal(text)
      return read.ok ? read.value : read.message
    }
    expect(plain("1.05e1")).toBe("10.5")
    expect(plain("1.0E7")).toBe("10000000")
    expect(plain("1234e-2")).toBe("12.34")
    expect(plain("1e-3")).toBe("0.001")
    expect(plain("-2.50E-1")).toBe("-0.25")
    expect(plain("0e5")).toBe("0")
    expect(plain("12.10")).toBe("12.10")
    expect(plain("-3")).toBe("-3")
    expect(plain("1e64")).toBe(`1${"0".repeat(64)}`)
    expect(plain("1,5")).toBe('"1,5" is not a decimal amount')
  })

  it("reads whole numbers of any length in any spelling, and refuses fractions", () => {
    const whole = (text: string) => {
      const read = readWholeNumber(text)
      return read.ok ? read.value : read.message
    }
    expect(whole("123456789012345678901")).toBe(123456789012345678901n)
    expect(whole("1.25e3")).toBe(1250n)
    expect(whole("1250.0")).toBe(1250n)
    expect(whole("-1E2")).toBe(-100n)
    expect(whole("12.5")).toBe("amount in minor units must be a whole number")
    expect(whole("125e-1")).toBe("amount in minor units must be a whole number")
  })
})

describe("the ISO 4217 table the console shares", () => {
  it("has every code once with its exponent, and formats each currency with exactly that many decimals", () => {
    expect(new Set(currencyCodes).size).toBe(currencyCodes.length)
    expect(currencyCodes.length).toBe(Object.keys(currencyExponents).length)
    for (const code of currencyCodes) {
      const exponent = exponentOf(code)
      expect(formatMinorUnits(125000n, code)).toBe(
        exponent === 0 ? "125000" : `${"125000".slice(0, 6 - exponent)}.${"125000".slice(6 - exponent)}`
      )
    }
  })

  it("gives the ISO decimals where browsers' CLDR data differs (HUF, COP, IDR, PKR, IQD)", () => {
    expect(formatMinorUnits(125000n, "HUF")).toBe("1250.00")
    expect(formatMinorUnits(125000n, "COP")).toBe("1250.00")
    expect(formatMinorUnits(125000n, "IDR")).toBe("1250.00")
    expect(formatMinorUnits(125000n, "PKR")).toBe("1250.00")
    expect(formatMinorUnits(125000n, "IQD")).toBe("125.000")
  })
})

describe("@paybridge/core/money", () => {
  it("is dependency-free: its modules import only each other, so a browser bundle gets no Effect", () => {
    const moneyDir = join(dirname(fileURLToPath(import.meta.url)), "../../src/money")
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const source = readFileSync(join(moneyDir, file), "utf8")
      expect(source).not.toMatch(/\bimport\s*\(|\brequire\s*\(|^import\s*["']/mu)
      for (const [, specifier = ""] of source.matchAll(/^(?:import|export)\b[^;"']*?\bfrom\s*["']([^"']+)["']/gmu)) {
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[a-z0-9-]+\.ts$/u)
        visit(relative(".", specifier))
      }
    }
    visit("index.ts")
    expect([...seen].sort()).toEqual(["decimal.ts", "index.ts", "iso-4217.ts"])
    const manifest = JSON.parse(readFileSync(join(moneyDir, "../../package.json"), "utf8")) as {
      exports: Record<string, string>
    }
    expect(manifest.exports["./money"]).toBe("./src/money/index.ts")
  })
})
