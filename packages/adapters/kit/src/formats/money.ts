/**
 * Money on the wire. The ledger keeps integer minor units (bigint); vendors show amounts as a
 * major-unit string with fixed decimals (Silver `"12.50"`), an exact JSON number (Elevate
 * `10.5`, LogiSense `36.61`, CRM.COM `60`) or an integer of minor units. Each of those is a
 * {@link MoneyFormat}: a pair of exact converters plus the request wire schema, so a dialect picks
 * its format in one line and its transformers never touch a float. JSON numbers are read from
 * and written as their source text ({@link JsonDecimal}); see `json/exact-json.ts`. Any spelling
 * JSON allows is read exactly, exponent notation included (`1.05e1`, `1.0E7` as Java/Jackson
 * clients write them): a request schema hands the dialect plain decimal text (`"10.5"`), so its
 * transformers only ever see plain decimals.
 */
import {
  type CurrencyCode,
  exponentOf,
  formatMinorUnits,
  MoneyParseError,
  parseMinorUnits,
  readWholeNumber,
  toPlainDecimal
} from "@paybridge/core"
import { Result, Schema, SchemaGetter } from "effect"
import { isJsonDecimal, type JsonDecimal, rawJsonNumber } from "../json/exact-json.ts"

/** A JSON number as read by `parseJsonExact`: a safe integer, or the exact text of any other number. */
export type ExactJsonNumberValue = number | JsonDecimal

const isExactJsonNumber = (value: unknown): value is ExactJsonNumberValue =>
  isJsonDecimal(value) || (typeof value === "number" && Number.isSafeInteger(value))

/** A whole number of any size, documented as `{ "type": "integer" }` (no safe-integer bounds). */
const wholeNumber = Schema.makeFilter((n: number) => Number.isInteger(n), {
  expected: "a whole number",
  toJsonSchema: () => ({ type: "integer" })
})

/**
 * Schema of a JSON number read exactly. Decoding accepts a safe integer or a {@link JsonDecimal}
 * (what `parseJsonExact` produces) and refuses a fractional JS number, which could only have come
 * through a float. Documented in JSON Schema as `{ "type": "number" }` (`"integer"` with
 * `integer: true`) carrying `description`.
 */
export const exactJsonNumber = (description?: string, options: { readonly integer?: boolean } = {}) =>
  Schema.declare(isExactJsonNumber, {
    expected: "a JSON number",
    toCodecJson: () =>
      Schema.link<ExactJsonNumberValue>()(
        (options.integer ? Schema.Finite.check(wholeNumber) : Schema.Finite).annotate(
          description === undefined ? {} : { description }
        ),
        {
          decode: SchemaGetter.transform((n: number) => rawJsonNumber(String(n))),
          encode: SchemaGetter.transform((v: ExactJsonNumberValue) => (typeof v === "number" ? v : Number(v.source)))
        }
      )
  })

/** {@link exactJsonNumber} without a description. */
export const ExactJsonNumber = exactJsonNumber()

const textOf = (value: ExactJsonNumberValue): string => (typeof value === "number" ? String(value) : value.source)

const plainDecimal = /^-?\d+(\.\d+)?$/u
const unsignedDecimal = /^\d+(\.\d+)?$/u

/** Options shared by the major-unit formats. */
export interface MajorUnitOptions {
  /**
   * Decimals written on output. Default: the currency's exponent (USD 2, JPY 0, BHD 3). A value
   * above the exponent pads with zeros (JPY `"100.00"`); below it, an amount that needs the
   * missing digits cannot be written and formatting throws (a configuration error).
   */
  readonly decimals?: number | undefined
  /** Accept negative amounts on input. Default `false`. */
  readonly allowNegative?: boolean | undefined
}

/** Why an amount could not be formatted with the requested decimals. */
export class MoneyFormatError extends RangeError {
  override readonly name = "MoneyFormatError"
}

/**
 * Minor units → major-unit decimal text with a fixed number of decimals:
 * `minorToMajorString(1250n, "USD")` → `"12.50"`, `minorToMajorString(100n, "JPY", { decimals: 2 })` → `"100.00"`.
 */
export const minorToMajorString = (
  amount: bigint,
  currency: CurrencyCode,
  options: Pick<MajorUnitOptions, "decimals"> = {}
): string => {
  const exponent = exponentOf(currency)
  const decimals = options.decimals ?? exponent
  const exact = formatMinorUnits(amount, currency)
  if (decimals === exponent) return exact
  if (decimals > exponent) return `${exact}${exponent === 0 ? "." : ""}${"0".repeat(decimals - exponent)}`
  const cut = exponent - decimals
  const [whole = "0", fraction = ""] = exact.split(".")
  if (!/^0*$/u.test(fraction.slice(fraction.length - cut))) {
    throw new MoneyFormatError(`${exact} ${currency} cannot be written with ${decimals} decimals`)
  }
  const kept = fraction.slice(0, fraction.length - cut)
  return kept === "" ? whole : `${whole}.${kept}`
}

/** Like {@link minorToMajorString} but without trailing fractional zeros: `1210n` USD → `"12.1"`. */
export const minorToCompactMajorString = (amount: bigint, currency: CurrencyCode): string => {
  const full = formatMinorUnits(amount, currency)
  return full.includes(".") ? full.replace(/\.?0+$/u, "") : full
}

const checkSign = (text: string, allowNegative: boolean | undefined): Result.Result<string, MoneyParseError> =>
  !allowNegative && text.startsWith("-")
    ? Result.fail(new MoneyParseError({ input: text, message: "amount must not be negative" }))
    : Result.succeed(text)

/**
 * Major-unit decimal text → minor units, exactly. Only plain decimals (`"12.50"`, `"-3"`) are
 * accepted; more decimals than the currency has are rejected, never rounded.
 */
export const majorStringToMinor = (
  text: string,
  currency: CurrencyCode,
  options: Pick<MajorUnitOptions, "allowNegative"> = {}
): Result.Result<bigint, MoneyParseError> => {
  if (!plainDecimal.test(text)) {
    return Result.fail(new MoneyParseError({ input: text, message: `"${text}" is not a decimal amount` }))
  }
  return Result.flatMap(checkSign(text, options.allowNegative), (checked) => parseMinorUnits(checked, currency))
}

/**
 * Minor units → an exact JSON number in major units. Compact by default (`1210n` USD → `12.1`);
 * with `decimals` the digits are fixed (`12.10`). Either way the digits are written verbatim.
 */
export const minorToMajorNumber = (
  amount: bigint,
  currency: CurrencyCode,
  options: Pick<MajorUnitOptions, "decimals"> = {}
): JsonDecimal =>
  rawJsonNumber(
    options.decimals === undefined
      ? minorToCompactMajorString(amount, currency)
      : minorToMajorString(amount, currency, options)
  )

/** An exact JSON number (or, for lenient dialects, its text) in major units → minor units. */
export const majorNumberToMinor = (
  value: ExactJsonNumberValue | string,
  currency: CurrencyCode,
  options: Pick<MajorUnitOptions, "allowNegative"> = {}
): Result.Result<bigint, MoneyParseError> => {
  const text = typeof value === "string" ? value.trim() : textOf(value)
  return Result.flatMap(checkSign(text, options.allowNegative), (checked) => parseMinorUnits(checked, currency))
}

/** Minor units → an exact JSON integer (bigint-safe): `1250n` → `1250`. */
export const minorToMinorInteger = (amount: bigint): JsonDecimal => rawJsonNumber(amount)

/**
 * An exact JSON number of minor units → bigint, any size. A whole value is accepted in any
 * spelling (`1250`, `1.25e3`, `1250.0`); a fraction of a minor unit is refused.
 */
export const minorIntegerToMinor = (
  value: ExactJsonNumberValue,
  options: Pick<MajorUnitOptions, "allowNegative"> = {}
): Result.Result<bigint, MoneyParseError> => {
  const text = textOf(value)
  const whole = readWholeNumber(text)
  if (!whole.ok) return Result.fail(new MoneyParseError({ input: text, message: whole.message }))
  return !options.allowNegative && whole.value < 0n
    ? Result.fail(new MoneyParseError({ input: text, message: "amount must not be negative" }))
    : Result.succeed(whole.value)
}

/**
 * How one vendor writes amounts. `Wire` is the JSON value; `Decoded` is what the request wire
 * schema yields (a major-unit decimal text for the major formats, a bigint for minor units) and
 * `toAmountInput` turns it into the major-unit text every core command accepts.
 */
export interface MoneyFormat<Wire, Decoded> {
  /** One line for docs: `major-unit string, 2 decimals`. */
  readonly description: string
  /** Request wire schema of one amount (JSON value → `Decoded`). */
  readonly schema: Schema.Codec<Decoded, Wire>
  /** Ledger minor units → wire value. */
  readonly format: (amount: bigint, currency: CurrencyCode) => Wire
  /** Wire value → ledger minor units, exactly. */
  readonly parse: (wire: Wire, currency: CurrencyCode) => Result.Result<bigint, MoneyParseError>
  /** Decoded request value → a core `AmountInput` (major-unit decimal text). */
  readonly toAmountInput: (decoded: Decoded, currency: CurrencyCode) => string
}

const decimalTextSchema = (allowNegative: boolean | undefined) =>
  Schema.String.check(
    Schema.isPattern(allowNegative ? plainDecimal : unsignedDecimal, {
      expected: allowNegative ? "a decimal amount such as 12.50 or -3" : "a decimal amount such as 12.50"
    })
  )

/** Major units as a JSON string with fixed decimals (Silver: `"12.50"`). */
export const majorUnitString = (options: MajorUnitOptions = {}): MoneyFormat<string, string> => ({
  description: `major-unit decimal string, ${options.decimals === undefined ? "currency" : options.decimals} decimals`,
  schema: decimalTextSchema(options.allowNegative).annotate({
    description: 'amount in major units as a decimal string, e.g. "12.50"'
  }),
  format: (amount, currency) => minorToMajorString(amount, currency, options),
  parse: (wire, currency) => majorStringToMinor(wire, currency, options),
  toAmountInput: (decoded) => decoded
})

const majorDescription = "amount in major units, e.g. 12.5"

/** The number's plain decimal text (`1.05e1` → `"10.5"`); `hasPlainText` has already refused numbers without one. */
const plainTextOf = (value: ExactJsonNumberValue): string => {
  const plain = toPlainDecimal(textOf(value))
  return plain.ok ? plain.value : textOf(value)
}

/** Refuses a number with no plain decimal text (an absurd exponent: `1e400`), in core's words. */
const hasPlainText = Schema.makeFilter((value: ExactJsonNumberValue) => {
  const plain = toPlainDecimal(textOf(value))
  return plain.ok || plain.message
})

const exactNumberText = (allowNegative: boolean | undefined) =>
  exactJsonNumber(majorDescription)
    .check(hasPlainText)
    .pipe(
      Schema.decodeTo(decimalTextSchema(allowNegative), {
        decode: SchemaGetter.transform(plainTextOf),
        encode: SchemaGetter.transform((text: string) => rawJsonNumber(text))
      })
    )

/**
 * Major units as an exact JSON number (Elevate `amountInMajorCurrency: 10.5`). Compact output
 * unless `decimals` is given. With `acceptStrings` a decimal string is accepted on input too
 * (CRM.COM's examples send `"payment_amount": "50"`).
 */
export const majorUnitNumber = (
  options: MajorUnitOptions & { readonly acceptStrings?: boolean | undefined } = {}
): MoneyFormat<ExactJsonNumberValue | string, string> => {
  const numberSchema = exactNumberText(options.allowNegative)
  const schema: Schema.Codec<string, ExactJsonNumberValue | string> = options.acceptStrings
    ? Schema.Union([numberSchema, decimalTextSchema(options.allowNegative)])
    : numberSchema
  return {
    description: `major-unit JSON number${options.acceptStrings ? " (decimal strings accepted)" : ""}`,
    schema: schema.annotate({ description: majorDescription }),
    format: (amount, currency) => minorToMajorNumber(amount, currency, options),
    parse: (wire, currency) => majorNumberToMinor(wire, currency, options),
    toAmountInput: (decoded) => decoded
  }
}

/** The whole number a JSON number checked by `readWholeNumber` holds (`1.25e3` → `1250n`). */
const wholeNumberOf = (value: ExactJsonNumberValue): bigint => {
  const whole = readWholeNumber(textOf(value))
  if (!whole.ok) throw new TypeError(`not a whole number: ${textOf(value)}`) // the schema's check ran first
  return whole.value
}

/** Minor units as a JSON number of minor units (`1250` for 12.50 USD; `1.25e3` reads as 1250 too). */
export const minorUnitInteger = (
  options: Pick<MajorUnitOptions, "allowNegative"> = {}
): MoneyFormat<ExactJsonNumberValue, bigint> => ({
  description: "integer JSON number of minor units",
  schema: exactJsonNumber("amount in minor units, e.g. 1250 for 12.50", { integer: true })
    .check(
      Schema.makeFilter((value: ExactJsonNumberValue) => readWholeNumber(textOf(value)).ok, {
        expected: "a whole number of minor units"
      })
    )
    .pipe(
      Schema.decodeTo(
        Schema.BigInt.check(
          Schema.makeFilter((n: bigint) => options.allowNegative === true || n >= 0n, {
            expected: "a non-negative amount"
          })
        ),
        {
          decode: SchemaGetter.transform(wholeNumberOf),
          encode: SchemaGetter.transform((amount: bigint) => rawJsonNumber(amount))
        }
      )
    )
    .annotate({ description: "amount in minor units, e.g. 1250 for 12.50" }),
  format: (amount) => minorToMinorInteger(amount),
  parse: (wire) => minorIntegerToMinor(wire, options),
  toAmountInput: (decoded, currency) => formatMinorUnits(decoded, currency)
})
