/**
 * The shadow proxy's comparison: field by field whatever the key order, numbers by exact value,
 * arrays element by element, volatile fields left out by pattern, and each side's base URL taken
 * out of hyperlinks before strings are compared.
 */
import { describe, expect, test } from "vitest"
import { parseExactJson } from "../src/http/exact-json.ts"
import { compareJson, pathPattern } from "../src/shadow/json-compare.ts"

const parse = (text: string) => parseExactJson(text)

describe("compareJson", () => {
  test("equal answers in another key order and number spelling have no differences", () => {
    expect(compareJson(parse('{"a":75.00,"b":[1,{"c":"x"}]}'), parse('{"b":[1,{"c":"x"}],"a":75}'))).toEqual([])
  })

  test("each difference names the field with its indices and both values as JSON", () => {
    const differences = compareJson(
      parse('{"items":[{"amount":12.10,"status":["Reversed"]},{"amount":5}],"total":2}'),
      parse('{"items":[{"amount":12.11,"status":[]},{"amount":5}],"total":2,"extra":null}')
    )
    expect(differences).toEqual([
      { path: "items[0].amount", vendor: "12.10", paybridge: "12.11" },
      { path: "items[0].status[0]", vendor: '"Reversed"', paybridge: "(absent)" },
      { path: "items[0].status.length", vendor: "1", paybridge: "0" },
      { path: "extra", vendor: "(absent)", paybridge: "null" }
    ])
  })

  test("volatile fields are ignored by pattern; hyperlinks compare without each side's base URL", () => {
    const ignore = (path: string) =>
      [pathPattern("trackingId"), pathPattern("items[].created")].some((test) => test(path))
    const vendor = parse('{"trackingId":"a","items":[{"created":"1","url":"http://vendor/customers/1/"}]}')
    const paybridge = parse('{"trackingId":"b","items":[{"created":"2","url":"http://pb:3000/silver/customers/1/"}]}')
    expect(
      compareJson(vendor, paybridge, {
        ignore,
        normaliseVendor: (text) => text.replace("http://vendor", ""),
        normalisePaybridge: (text) => text.replace("http://pb:3000/silver", "")
      })
    ).toEqual([])
    expect(pathPattern("**.requestId")("error.requestId")).toBe(true)
    expect(pathPattern("items[].created")("items[].amount")).toBe(false)
  })

  test("a different type or a missing body is a difference at the top", () => {
    expect(compareJson(parse("[]"), parse("{}"))).toEqual([{ path: "(body)", vendor: "[]", paybridge: "{}" }])
    expect(compareJson(parse('"x"'), undefined)).toEqual([{ path: "(body)", vendor: '"x"', paybridge: "(absent)" }])
  })
})
