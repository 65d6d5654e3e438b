/**
 * Exact decimal text and integer minor units, with no dependencies: the one implementation the
 * ledger, the dialects (through `money.ts` and the adapter kit) and the browser console (through
 * `@paybridge/core/money`) share. A decimal is read from its text — plain (`12.50`, `-3`, `.5`) or
 * in exponent notation as JSON allows and Java/Jackson clients write it (`1.05e1`, `1.0E7`,
 * `1234e-2`) — into its significant digits and a scale, never through a float. Converting to minor
 * units refuses, never rounds, a value with more decimals than the currency has (`1e-3` USD is
 * refused like `0.001`) or beyond the ledger's range. The work is bounded by the text's length:
 * an exponent may move the decimal point at most {@link maxDecimalScale} places, so `1e400` and
 * `1e-400` are refused without building a 400-digit string.
 */
import { type CurrencyCode, exponentOf } from "./iso-4217.ts"

/** The outcome of reading a text: the value, or why the text is refused, in words. */
export type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

const ok = <A>(value: A): Checked<A> => ({ ok: true, value })
const refused = <A>(message: string): Checked<A> => ({ ok: false, message })

/** An exact decimal: `(negative ? -1 : 1) × digits × 10^-scale`. */
export interface DecimalValue {
  /** True only for a non-zero negative value (`-0` is zero). */
  readonly negative: boolean
  /** The significant digits, without leading or trailing zeros; `"0"` for zero. */
  readonly digits: string
  /** Decimal places of `digits`; negative for trailing zeros (`1e3` is digits `1`, scale `-3`); zero has 0. */
  readonly scale: number
}

/** Largest magnitude the ledger stores: fits a signed 64-bit column with room for sums. */
export const maxMinorUnits = 10n ** 17n

/** How far an exponent may move the decimal point (either way) before the text is refused. */
export const maxDecimalScale = 64

/** Longest amount text {@link readMinorUnits} reads (after trimming). */
export const maxAmountTextLength = 64

const zero: DecimalValue = { negative: false, digits: "0", scale: 0 }

// sign, whole digits, fraction digits (either side of the point may be empty, not both), exponent sign and digits
const decimalSyntax = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-])?(\d+))?$/u
const plainJsonDecimal = /^-?\d+(\.\d+)?$/u

/**
 * Reads a decimal text exactly: optional sign, digits with an optional point, optional exponent
 * (`e`/`E`, signed or not). Refuses anything else, and an exponent that leaves the point more than
 * {@link maxDecimalScale} places from the units (`"amount exponent is out of range"`).
 */
export const readDecimal = (text: string): Checked<DecimalValue> => {
  const match = decimalSyntax.exec(text)
  if (match === null) return refused(`"${text}" is not a decimal amount`)
  const [, sign, whole = "", fractionAfterWhole, fractionOnly, exponentSign, exponentDigits] = match
  const fraction = fractionAfterWhole ?? fractionOnly ?? ""
  const written = `${whole}${fraction}`
  const first = written.search(/[1-9]/u)
  // Zero is zero whatever its decimals or exponent ("0.000", "0e-400").
  if (first === -1) return ok(zero)
  let end = written.length
  while (written.charCodeAt(end - 1) === 48) end -= 1
  const digits = written.slice(first, end)
  const placesWritten = fraction.length - (written.length - end)
  if (exponentDigits === undefined) return ok({ negative: sign === "-", digits, scale: placesWritten })
  // Only an exponent can make the value's plain text longer than what was sent, so only it is bounded.
  const exponentText = exponentDigits.replace(/^0+(?=\d)/u, "")
  if (exponentText.length > 6) return refused("amount exponent is out of range")
  const exponent = Number.parseInt(exponentText, 10)
  const scale = placesWritten - (exponentSign === "-" ? -exponent : exponent)
  if (Math.abs(scale) > maxDecimalScale) return refused("amount exponent is out of range")
  return ok({ negative: sign === "-", digits, scale })
}

/** A decimal value as plain text without exponent: `{digits: "105", scale: 1}` → `"10.5"`. */
export const plainDecimalText = (value: DecimalValue): string => {
  const sign = value.negative ? "-" : ""
  const { digits, scale } = value
  if (scale <= 0) return `${sign}${digits}${"0".repeat(-scale)}`
  if (scale >= digits.length) return `${sign}0.${"0".repeat(scale - digits.length)}${digits}`
  return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
}

/**
 * A decimal text (e.g. a JSON number's source) as plain decimal text of the same value: plain text
 * comes back unchanged (`"12.10"`), exponent notation is written out (`"1.05e1"` → `"10.5"`,
 * `"1.0E7"` → `"10000000"`, `"1e-3"` → `"0.001"`). Refuses what {@link readDecimal} refuses.
 */
export const toPlainDecimal = (text: string): Checked<string> => {
  if (plainJsonDecimal.test(text)) return ok(text)
  const read = readDecimal(text)
  return read.ok ? ok(plainDecimalText(read.value)) : read
}

/** Decimals the currency allows, in words: `"USD amounts have at most 2 decimal places"`. */
const tooManyDecimals = (currency: CurrencyCode, exponent: number) =>
  `${currency} amounts have at most ${exponent} decimal place${exponent === 1 ? "" : "s"}`

/**
 * Major-unit decimal text (`"12.50"`, `" 19.99 "`, `"1.05e1"`, `"-0.001"` for BHD) → minor units of
 * `currency`, exactly. Refuses more decimals than the currency has (trailing zeros add none:
 * `"12.500"` USD is fine), magnitudes above {@link maxMinorUnits}, and text longer than
 * {@link maxAmountTextLength}.
 */
export const readMinorUnits = (input: string, currency: CurrencyCode): Checked<bigint> => {
  const text = input.trim()
  if (text.length > maxAmountTextLength) return refused("amount is too long")
  const read = readDecimal(text)
  if (!read.ok) return read
  const { negative, digits, scale } = read.value
  const exponent = exponentOf(currency)
  if (scale > exponent) return refused(tooManyDecimals(currency, exponent))
  // maxMinorUnits has 18 digits: anything longer is too large without computing it.
  if (digits.length + exponent - scale > 18) return refused("amount is too large")
  const minor = BigInt(digits) * 10n ** BigInt(exponent - scale)
  if (minor > maxMinorUnits) return refused("amount is too large")
  return ok(negative ? -minor : minor)
}

/**
 * A whole number (e.g. of minor units) read exactly from decimal text of any length: `"1250"`,
 * `"1.25e3"` and `"1250.0"` are all 1250; `"12.5"` is refused (not a whole number of minor units).
 */
export const readWholeNumber = (text: string): Checked<bigint> => {
  const read = readDecimal(text)
  if (!read.ok) return read
  const { negative, digits, scale } = read.value
  if (scale > 0) return refused("amount in minor units must be a whole number")
  const whole = BigInt(digits) * 10n ** BigInt(-scale)
  return ok(negative ? -whole : whole)
}

/** Formats minor units as a plain major-unit decimal with exactly the currency's decimals (`1250n` USD → `"12.50"`). */
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
  return full.includes(".") ? full.replace(/\.?0+$/u, "") : full
}
