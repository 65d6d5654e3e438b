/**
 * Exact money: an integer number of minor units (bigint) in one ISO 4217 currency, as Effect
 * values (`Result`, a tagged parse error, the `MinorUnits` schema) over the dependency-free rules
 * of `decimal.ts`. Parsing accepts decimal strings (plain or with an exponent, `"1.05e1"`) and JSON
 * numbers and is exact: a value with more decimals than the currency allows, NaN, Infinity,
 * exponents that do not resolve to a whole number of minor units, or anything that is not a
 * decimal is rejected. No JS float takes part in arithmetic; a JSON number is read through its
 * shortest round-trip decimal text, never multiplied.
 */
import { Result, Schema } from "effect"
import { type CurrencyCode, exponentOf } from "./currency.ts"
import { formatMinorUnits, maxMinorUnits, readMinorUnits } from "./decimal.ts"

export {
  type Checked,
  type DecimalValue,
  formatMinorUnits,
  formatMinorUnitsCompact,
  maxAmountTextLength,
  maxDecimalScale,
  maxMinorUnits,
  plainDecimalText,
  readDecimal,
  readMinorUnits,
  readWholeNumber,
  toPlainDecimal
} from "./decimal.ts"

export interface Money {
  readonly amount: bigint
  readonly currency: CurrencyCode
}

export const money = (amount: bigint, currency: CurrencyCode): Money => ({ amount, currency })

/** Why a text or number is not an amount of a currency. */
export class MoneyParseError extends Schema.TaggedError<MoneyParseError>()("MoneyParseError", {
  input: Schema.String,
  message: Schema.String
}) {}

/**
 * Parses a major-unit decimal (e.g. `"12.50"`, `12.5`, `"-0.001"` for BHD, `"1e3"`, `"1.05e1"`) into
 * minor units of `currency`. Rejects excess precision instead of rounding. A JSON number is read
 * through its shortest round-trip decimal text (`1e-7` → `"1e-7"`), never multiplied; a bigint is
 * a whole number of major units. The text rules live in `decimal.ts` ({@link readMinorUnits}).
 */
export const parseMinorUnits = (
  input: string | number | bigint,
  currency: CurrencyCode
): Result.Result<bigint, MoneyParseError> => {
  if (typeof input === "bigint") {
    const minor = input * 10n ** BigInt(exponentOf(currency))
    return (minor < 0n ? -minor : minor) > maxMinorUnits
      ? Result.fail(new MoneyParseError({ input: String(input), message: "amount is too large" }))
      : Result.succeed(minor)
  }
  if (typeof input === "number" && !Number.isFinite(input)) {
    return Result.fail(new MoneyParseError({ input: String(input), message: "amount must be a finite number" }))
  }
  const read = readMinorUnits(typeof input === "number" ? String(input) : input, currency)
  return read.ok
    ? Result.succeed(read.value)
    : Result.fail(new MoneyParseError({ input: String(input), message: read.message }))
}

export const parseMoney = (input: string | number, currency: CurrencyCode): Result.Result<Money, MoneyParseError> =>
  Result.map(parseMinorUnits(input, currency), (amount) => money(amount, currency))

export const formatMoney = (value: Money): string => formatMinorUnits(value.amount, value.currency)

/** Schema of a stored/serialised minor-unit amount: a bigint, encoded as a decimal integer string. */
export const MinorUnits = Schema.BigInt.annotate({
  identifier: "MinorUnits",
  description: "integer number of minor units of the currency"
})
