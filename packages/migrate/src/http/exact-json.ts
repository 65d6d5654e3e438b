/**
 * Exact JSON for source reads. Vendors send money as JSON numbers (`"paymentAmount": 125.50`,
 * `"amount": 12.345`), and a JS float cannot carry every decimal a vendor can write. This reader
 * parses a response body from its text with Node 24's `JSON.parse` reviver, which receives each
 * number's source text: a whole number within the safe-integer range stays a `number`, every other
 * number becomes an {@link ExactNumber} holding the digits exactly as the vendor wrote them. An
 * `ExactNumber` serialises back verbatim through `JSON.rawJSON`, so a raw source record kept in a
 * checkpoint, a JSON-lines file or the ledger's `sourceRecord` prints `125.50` again, never `125.5`.
 */

/** Node 21+'s `JSON.rawJSON` (not yet in TypeScript's lib). */
interface RawJsonApi {
  rawJSON(text: string): object
}
const nativeJson = JSON as unknown as JSON & RawJsonApi

const numberText = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/u

/** A JSON number kept as the exact text the vendor sent (`"12.10"`, `"1e3"`, `"12345678901234567890"`). */
export class ExactNumber {
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

/** A JSON value as {@link parseExactJson} returns it. */
export type ExactJson =
  | null
  | boolean
  | number
  | string
  | ExactNumber
  | ReadonlyArray<ExactJson>
  | { readonly [key: string]: ExactJson }

/** The body was not valid JSON. */
export class MalformedJson extends Error {
  override readonly name = "MalformedJson"
}

interface ReviverContext {
  readonly source?: string
}

/**
 * Parses JSON text keeping every number exact: safe integers stay numbers, anything else becomes
 * an {@link ExactNumber}. Throws {@link MalformedJson} on invalid text.
 */
export const parseExactJson = (text: string): ExactJson => {
  try {
    return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: ReviverContext) {
      if (typeof value !== "number") return value
      const source = context?.source
      if (source === undefined) return value
      return Number.isSafeInteger(value) && /^-?\d+$/u.test(source) ? value : new ExactNumber(source)
    } as (this: unknown, key: string, value: unknown) => unknown) as ExactJson
  } catch (error) {
    throw new MalformedJson(error instanceof Error ? error.message : String(error))
  }
}

/** JSON text of a value that may hold {@link ExactNumber}s (and bigints, written as integers). */
export const stringifyExactJson = (value: unknown, space?: number): string =>
  JSON.stringify(
    value,
    (_key, inner: unknown) => (typeof inner === "bigint" ? nativeJson.rawJSON(inner.toString()) : inner),
    space
  )

/**
 * The decimal text of a JSON number or numeric string as the vendor wrote it (`125.50`, `"50"`),
 * or null when the value is not a number. Exponent forms are expanded exactly (`1.5e2` → `150`).
 */
export const decimalTextOf = (value: unknown): string | null => {
  if (value instanceof ExactNumber) return expandExponent(value.source)
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : null
  if (typeof value === "string") {
    const text = value.trim()
    if (/^-?\d+(\.\d+)?$/u.test(text)) return text // a decimal string, leading zeros allowed (`"075.50"`)
    if (numberText.test(text)) return expandExponent(text)
  }
  return null
}

const expandExponent = (text: string): string => {
  const match = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/u.exec(text)
  if (match === null) return text
  const [, sign = "", whole = "", fraction = "", exponentText = "0"] = match
  const exponent = Number(exponentText)
  const digits = whole + fraction
  const point = whole.length + exponent
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** True for a plain JSON object (not an array, not an ExactNumber). */
export const isJsonObject = (value: unknown): value is { readonly [key: string]: ExactJson } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber)
