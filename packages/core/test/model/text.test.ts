/**
 * Text rules of the ledger: NUL and lone surrogates are refused by every text schema and found by
 * the deep scan the protocol edges run; calendar dates and timestamp filters are real and in range;
 * card numbers in free text are masked to first six / last four, in any grouping, and only when
 * they pass the Luhn check.
 */
import { Exit, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  BusinessDate,
  CreatePaymentInput,
  EventQueryInput,
  illFormedTextPath,
  isLuhnValid,
  maskCardNumbers,
  maskCardNumbersDeep,
  SaveDialectRecordInput,
  Timestamp
} from "../../src/index.ts"
import { maskCommandInput } from "../../src/services/shared/card-number-masking.ts"

const decodes = (schema: Schema.Decoder<unknown>, value: unknown) =>
  Exit.isSuccess(Schema.decodeUnknownExit(schema)(value))

describe("well-formed text", () => {
  it("refuses NUL and lone surrogates in command text, custom fields and dialect data, and accepts the rest", () => {
    const base = { customerId: 1, amount: "1.00" }
    expect(decodes(CreatePaymentInput, { ...base, notes: "fine — ok ✓ 😀" })).toBe(true)
    expect(decodes(CreatePaymentInput, { ...base, notes: "a\u0000b" })).toBe(false)
    expect(decodes(CreatePaymentInput, { ...base, reference: "\ud800" })).toBe(false)
    expect(decodes(CreatePaymentInput, { ...base, customFields: { "k\udc00": "v" } })).toBe(false)
    expect(decodes(CreatePaymentInput, { ...base, customFields: { k: "v\u0000" } })).toBe(false)
    expect(decodes(CreatePaymentInput, { ...base, amount: "1\u0000" })).toBe(false)
    const record = { dialect: "silver", kind: "k", key: "1" }
    expect(decodes(SaveDialectRecordInput, { ...record, data: { deep: [{ x: "ok" }] } })).toBe(true)
    expect(decodes(SaveDialectRecordInput, { ...record, data: { deep: [{ x: "\ud83d" }] } })).toBe(false)
  })

  it("the deep scan names the first bad string's path, keys included", () => {
    expect(illFormedTextPath({ a: [1, "ok", { b: "x\u0000" }] })).toEqual({
      path: ["a", 2, "b"],
      message: "text must not contain NUL (U+0000) characters"
    })
    expect(illFormedTextPath({ "\udfff": 1 })?.path).toEqual(["\udfff"])
    expect(illFormedTextPath({ a: "😀", b: ["é"] })).toBeNull()
  })
})

describe("dates", () => {
  it("a business date is a day that exists, years 0001–9999", () => {
    for (const good of ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "2026-04-30"]) {
      expect(decodes(BusinessDate, good), good).toBe(true)
    }
    for (const bad of [
      "2026-02-30",
      "2023-02-29",
      "1900-02-29",
      "2026-04-31",
      "0000-01-01",
      "2026-13-01",
      "99999-01-01"
    ]) {
      expect(decodes(BusinessDate, bad), bad).toBe(false)
    }
  })

  it("a timestamp filter is a valid date within years 0001–9999 (tRPC's JSON form)", () => {
    const json = Schema.toCodecJson(EventQueryInput)
    expect(decodes(json, { since: "2026-01-01T00:00:00.000Z" })).toBe(true)
    expect(decodes(json, { since: "99999-01-01" })).toBe(false)
    expect(decodes(json, { since: "+275760-09-13T00:00:00Z" })).toBe(false)
    expect(decodes(Timestamp, new Date(Number.NaN))).toBe(false)
  })
})

describe("card numbers in free text", () => {
  it("masks Luhn-valid 13–19 digit runs, contiguous or grouped, to first six / last four", () => {
    expect(maskCardNumbers("card 4111111111111111 thanks")).toBe("card 411111******1111 thanks")
    expect(maskCardNumbers("4111 1111 1111 1111")).toBe("4111 11** **** 1111")
    expect(maskCardNumbers("5500-0000-0000-0004")).toBe("5500-00**-****-0004")
    expect(maskCardNumbers("amex 378282246310005.")).toBe("amex 378282*****0005.")
    expect(maskCardNumbers("ref4111111111111111")).toBe("ref411111******1111")
    // a PAN followed by an expiry in the same grouped run
    expect(maskCardNumbers("4111 1111 1111 1111 1226")).toBe("4111 11** **** 1111 1226")
  })

  it("leaves other numbers alone: Luhn-invalid, too short, too long, dates and amounts", () => {
    for (const text of [
      "4111111111111112",
      "411111111111",
      "41111111111111111111",
      "paid 2026-01-15 12.50 EUR",
      "invoice 1234567",
      // Digits inside an identifier (a hex public id holding a Luhn-valid run) are not a card number.
      "EF7115604111111111111111AA28CF9B"
    ]) {
      expect(maskCardNumbers(text)).toBe(text)
    }
  })

  it("masking is idempotent and leaves no Luhn-valid 13–19 digit run behind", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("0", "1", "4", "9", " ", "-", "a") }), (text) => {
        const once = maskCardNumbers(text)
        expect(maskCardNumbers(once)).toBe(once)
        for (const run of once.match(/(?<![A-Za-z\d])\d+|\d+(?![A-Za-z\d])/gu) ?? []) {
          if (run.length >= 13 && run.length <= 19) expect(isLuhnValid(run)).toBe(false)
        }
      })
    )
  })

  it("command inputs: free-text fields and containers are masked, identifiers are not", () => {
    const pan = "4111111111111111"
    const masked = maskCommandInput({
      customerId: 1,
      number: pan,
      notes: `pan ${pan}`,
      reason: pan,
      customFields: { card: pan },
      externalRef: { system: "x", id: pan },
      data: { nested: [{ note: pan }] }
    })
    expect(masked).toEqual({
      customerId: 1,
      number: pan,
      notes: "pan 411111******1111",
      reason: "411111******1111",
      customFields: { card: "411111******1111" },
      externalRef: { system: "x", id: pan },
      data: { nested: [{ note: "411111******1111" }] }
    })
    expect(maskCardNumbersDeep(7)).toBe(7)
  })
})
