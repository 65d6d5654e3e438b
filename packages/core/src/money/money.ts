/**
 * Exact money: an integer number of minor units (bigint) in one ISO 4217 currency. Parsing
 * accepts decimal strings and JSON numbers and is exact: a value with more decimals than the
 * currency allows, NaN, Infinity, exponents that do not resolve to a whole number of minor units,
 * or anything that is not a plain decimal is rejected. No JS float takes part in arithmetic; a
 * JSON number is read through its shortest round-trip decimal text, never multiplied.
 */
import { Result, Schema } from "effect"
import { type CurrencyCode, exponentOf } from "./currency.ts"

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

// sign, whole digits, fraction digits (either side of the point may be empty, not both), exponent
const decimalPattern = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d{1,4}))?$/

/**
 * Parses a major-unit decimal (e.g. `"12.50"`, `12.5`, `"-0.001"` for BHD, `"1e3"`) into minor
 * units of `currency`. Rejects excess precision instead of rounding.
 */
export const parseMinorUnits = (
  input: string | number | bigint,
  currency: CurrencyCode
): Result.Result<bigint, MoneyParseError> => {
  const exponent = exponentOf(currency)
  if (typeof input === "bigint") {
    const minor = input * 10n ** BigInt(exponent)
    return (minor < 0n ? -minor : minor) > maxMinorUnits
      ? Result.fail(new MoneyParseError({ input: String(input), message: "amount is too large" }))
      : Result.succeed(minor)
  }
  if (typeof input === "number" && !Number.isFinite(input)) {
    return Result.fail(new MoneyParseError({ input: String(input), message: "amount must be a finite number" }))
  }
  const text = typeof input === "number" ? String(input) : input.trim()
  const fail = (message: string) => Result.fail(new MoneyParseError({ input: String(input), message }))
  if (text.length > 64) return fail("amount is too long")
  const m = decimalPattern.exec(text)
  if (!m) return fail(`"${text}" is not a decimal amount`)
  const [, sign, whole = "", fractionAfterWhole, fractionOnly, exp] = m
  const fraction = fractionAfterWhole ?? fractionOnly ?? ""
  let digits = (whole + fraction).replace(/^0+(?=\d)/, "") || "0"
  let scale = fraction.length - (exp === undefined ? 0 : Number.parseInt(exp, 10))
  if (!Number.isSafeInteger(scale) || Math.abs(scale) > 64) return fail("amount exponent is out of range")
  // Zero is zero whatever its decimals ("0.000" in a 2-decimal currency).
  if (digits === "0") scale = Math.min(scale, exponent)
  // Drop trailing zeros that only add precision (e.g. "12.500" in a 2-decimal currency).
  while (scale > exponent && digits.endsWith("0") && digits.length > 1) {
    digits = digits.slice(0, -1)
    scale -= 1
  }
  if (scale > exponent) {
    return fail(`${currency} amounts have at most ${exponent} decimal place${exponent === 1 ? "" : "s"}`)
  }
  const minor = BigInt(digits) * 10n ** BigInt(exponent - scale)
  if (minor > maxMinorUnits) return fail("amount is too large")
  return Result.succeed(sign === "-" ? -minor : minor)
}

/** Largest magnitude the ledger stores: fits a signed 64-bit column with room for sums. */
export const maxMinorUnits = 10n ** 17n

/** Formats minor units as a plain major-unit decimal with exactly the currency's decimals. */
export const formatMinorUnits = (amount: bigint, currency: CurrencyCode): string => {
  const exponent = exponentOf(currency)
  const negative = amount < 0n
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, "0")
  const whole = digits.slice(0, digits.length - exponent)
  const fraction = exponent === 0 ? "" : `.${digits.slice(digits.length - exponent)}`
  return `${negative ? "-" : ""}${whole}${fraction}`
}

/** Like {@link formatMinorUnits} but without trailing fractional zeros (`"12.5"`, `"12"`). */
export const formatMinorUnitsCompact = (amount: bigint, currency: CurrencyCode): string => {
  const full = formatMinorUnits(amount, currency)
  return full.includes(".") ? full.replace(/\.?0+$/, "") : full
}

export const parseMoney = (input: string | number, currency: CurrencyCode): Result.Result<Money, MoneyParseError> =>
  Result.map(parseMinorUnits(input, currency), (amount) => money(amount, currency))

export const formatMoney = (value: Money): string => formatMinorUnits(value.amount, value.currency)

/** Schema of a stored/serialised minor-unit amount: a bigint, encoded as a decimal integer string. */
export const MinorUnits = Schema.BigInt.annotate({
  identifier: "MinorUnits",
  description: "integer number of minor units of the currency"
})
