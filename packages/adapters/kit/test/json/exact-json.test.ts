/**
 * Exact JSON: numbers are read from their source text and written back verbatim, so amounts
 * never pass through a float on their way in or out of a dialect.
 */
import { Hono } from "hono"
import { describe, expect, it } from "vitest"
import {
  isJsonDecimal,
  JsonDecimal,
  jsonExact,
  MalformedJson,
  parseJsonExact,
  rawJsonNumber,
  readJsonExact,
  stringifyJsonExact
} from "../../src/json/exact-json.ts"

describe("parseJsonExact", () => {
  it("keeps safe integers as numbers and every other number as its exact text", () => {
    const value = parseJsonExact(
      '{"id": 42, "amount": 12.10, "big": 12345678901234567890, "exp": 1e3, "neg": -0.5}'
    ) as Record<string, unknown>
    expect(value.id).toBe(42)
    expect(value.amount).toEqual(new JsonDecimal("12.10"))
    expect(value.big).toEqual(new JsonDecimal("12345678901234567890"))
    expect(value.exp).toEqual(new JsonDecimal("1e3"))
    expect(value.neg).toEqual(new JsonDecimal("-0.5"))
  })

  it("keeps digits a float would lose", () => {
    const value = parseJsonExact("[0.30000000000000001, 9007199254740993]") as Array<unknown>
    expect(value.map((item) => (isJsonDecimal(item) ? item.source : item))).toEqual([
      "0.30000000000000001",
      "9007199254740993"
    ])
  })

  it("rejects text that is not JSON", () => {
    expect(() => parseJsonExact('{"amount": 12.}')).toThrow(MalformedJson)
    expect(() => parseJsonExact("{'a': 1}")).toThrow(MalformedJson)
  })
})

describe("stringifyJsonExact", () => {
  it("writes exact numbers verbatim, trailing zeros included", () => {
    expect(stringifyJsonExact({ amount: rawJsonNumber("12.10"), minor: rawJsonNumber(123456789012345678901n) })).toBe(
      '{"amount":12.10,"minor":123456789012345678901}'
    )
  })

  it("round-trips a parsed body byte for byte (modulo whitespace)", () => {
    const text = '{"a":[0.30000000000000001,12.10,1e3,7],"b":{"c":null,"d":"x"}}'
    expect(stringifyJsonExact(parseJsonExact(text))).toBe(text)
  })

  it("refuses bigints and non-finite numbers instead of guessing", () => {
    expect(() => stringifyJsonExact({ amount: 1250n })).toThrow(/bigint/)
    expect(() => stringifyJsonExact({ amount: Number.NaN })).toThrow(/non-finite/)
  })

  it("refuses text that is not a JSON number", () => {
    expect(() => rawJsonNumber("12,10")).toThrow(TypeError)
    expect(() => rawJsonNumber("NaN")).toThrow(TypeError)
  })
})

describe("Hono reader and writer", () => {
  const app = new Hono()
  app.post("/echo", async (c) => {
    const body = await readJsonExact(c)
    return jsonExact(c, { received: body._tag, value: body._tag === "Json" ? body.value : null }, 201)
  })

  it("reads a body exactly and writes it back exactly", async () => {
    const response = await app.request("/echo", { method: "POST", body: '{"amount": 12.10}' })
    expect(response.status).toBe(201)
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
    expect(await response.text()).toBe('{"received":"Json","value":{"amount":12.10}}')
  })

  it("tells an empty body from a malformed one", async () => {
    const empty = await app.request("/echo", { method: "POST", body: "  " })
    expect(await empty.json()).toEqual({ received: "Empty", value: null })
    const malformed = await app.request("/echo", { method: "POST", body: "{" })
    expect(await malformed.json()).toEqual({ received: "Malformed", value: null })
  })
})
