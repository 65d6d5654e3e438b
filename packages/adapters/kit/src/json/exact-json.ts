/**
 * Exact JSON for vendor dialects. Money travels through several vendors' APIs as a JSON number
 * (`"amount": 12.10`), and a JS float cannot carry every decimal a client can write. This module
 * reads request bodies from the raw JSON text (Node 24's `JSON.parse` reviver receives each
 * number's source text): a whole number within the safe-integer range stays a `number`, every
 * other number becomes a {@link JsonDecimal} holding the digits exactly as written. Writing goes
 * the other way: a `JsonDecimal` (or any value made with {@link rawJsonNumber}) is emitted through
 * `JSON.rawJSON`, so `12.10` prints as `12.10` and never passes through a float. `readJsonExact`
 * and `jsonExact` are the Hono-facing reader and writer.
 */
import type { Context } from "hono"

/** The `JSON.rawJSON` API of Node 21+ (not yet in TypeScript's lib). */
interface RawJsonApi {
  rawJSON(text: string): object
  isRawJSON(value: unknown): boolean
}
const nativeJson = JSON as unknown as JSON & RawJsonApi

const integerText = /^-?(0|[1-9]\d*)$/u
const numberText = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/u

/**
 * A JSON number kept as the exact text the client sent (or the exact text we will send), e.g.
 * `"12.10"`, `"1e3"`, `"12345678901234567890"`. Serialises back verbatim through `JSON.rawJSON`.
 */
export class JsonDecimal {
  /** The number's JSON text, exactly as written. */
  readonly source: string

  constructor(source: string) {
    if (!numberText.test(source)) throw new TypeError(`not a JSON number: ${JSON.stringify(source)}`)
    this.source = source
  }

  /** Lets `JSON.stringify` emit the digits verbatim. */
  toJSON(): object {
    return nativeJson.rawJSON(this.source)
  }

  toString(): string {
    return this.source
  }
}

/** True for a {@link JsonDecimal}. */
export const isJsonDecimal = (value: unknown): value is JsonDecimal => value instanceof JsonDecimal

/**
 * A JSON number written verbatim: `rawJsonNumber("12.10")` prints `12.10`. Accepts bigints for
 * integers of any size. Throws on text that is not a JSON number (a programming error).
 */
export const rawJsonNumber = (text: string | bigint): JsonDecimal => new JsonDecimal(String(text))

/** The body was not valid JSON; `message` says where, in the parser's words. */
export class MalformedJson extends Error {
  override readonly name = "MalformedJson"
}

/**
 * Parses JSON text exactly: safe whole numbers become `number`, every other number a
 * {@link JsonDecimal}. Throws {@link MalformedJson} when the text is not JSON.
 */
export const parseJsonExact = (text: string): unknown => {
  try {
    return JSON.parse(text, (_key, value: unknown, context?: { readonly source?: string }) => {
      if (typeof value !== "number") return value
      const source = context?.source ?? String(value)
      return integerText.test(source) && Number.isSafeInteger(value) ? value : new JsonDecimal(source)
    })
  } catch (cause) {
    throw new MalformedJson(cause instanceof Error ? cause.message : "malformed JSON", { cause })
  }
}

/**
 * Serialises a value to JSON, emitting {@link JsonDecimal}s verbatim. Bigints are refused (they
 * have no single right JSON form: say which with a money format), as are non-finite numbers.
 */
export const stringifyJsonExact = (value: unknown, indent?: number): string => {
  refuseInexact(value)
  const text = JSON.stringify(value, null, indent)
  if (text === undefined) throw new TypeError("value has no JSON representation")
  return text
}

/**
 * Throws on a bigint or a non-finite number anywhere `JSON.stringify` would look (a value with its
 * own `toJSON`, such as a {@link JsonDecimal} or a date, writes itself). A walk in JavaScript before
 * a plain `JSON.stringify`, not a replacer: a replacer is a call back from the engine for every key,
 * which made writing a 50-row list half again as slow.
 */
const refuseInexact = (value: unknown): void => {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`non-finite number ${value} in JSON`)
    return
  }
  if (typeof value === "bigint") throw new TypeError("bigint in a JSON body: format it with a money format first")
  if (value === null || typeof value !== "object") return
  if (Array.isArray(value)) {
    for (const item of value) refuseInexact(item)
    return
  }
  if (typeof (value as { readonly toJSON?: unknown }).toJSON === "function") return
  for (const key of Object.keys(value)) refuseInexact((value as Record<string, unknown>)[key])
}

/** What {@link readJsonExact} found in a request body. */
export type JsonBody =
  | { readonly _tag: "Empty" }
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Malformed"; readonly message: string }

/**
 * Reads a Hono request's body as exact JSON. An empty (or whitespace-only) body is `Empty`, not an
 * error, so each endpoint decides whether a body is required. The text is cached by Hono, so
 * calling this twice is cheap.
 */
export const readJsonExact = async (c: Context): Promise<JsonBody> => {
  const text = await c.req.text()
  if (text.trim() === "") return { _tag: "Empty" }
  try {
    return { _tag: "Json", value: parseJsonExact(text) }
  } catch (error) {
    return { _tag: "Malformed", message: error instanceof Error ? error.message : "malformed JSON" }
  }
}

/** The content type every exact JSON response carries. */
export const jsonContentType = "application/json; charset=utf-8"

/**
 * A JSON response written exactly (see {@link stringifyJsonExact}). `body` `undefined` gives an
 * empty body, which is what 204 and 304 require.
 */
export const jsonExactResponse = (
  body: unknown,
  status: number,
  headers: Readonly<Record<string, string>> = {}
): Response => {
  const empty = body === undefined || status === 204 || status === 304
  return new Response(empty ? null : stringifyJsonExact(body), {
    status,
    headers: empty ? headers : { "content-type": jsonContentType, ...headers }
  })
}

/** Hono form of {@link jsonExactResponse}: `return jsonExact(c, body, 201)`. */
export const jsonExact = (
  _c: Context,
  body: unknown,
  status = 200,
  headers: Readonly<Record<string, string>> = {}
): Response => jsonExactResponse(body, status, headers)
