/**
 * Money on screen, in CSV exports and in amount inputs, by the ledger's own rules: everything here
 * delegates to `@paybridge/core/money` (dependency-free, so the bundle gets no Effect), whose
 * ISO 4217 table gives each currency's decimals — never the browser's `Intl`, whose CLDR digits
 * differ for HUF, COP, IDR, PKR, IQD and others. The API sends amounts as strings of integer minor
 * units; they become major-unit text with bigint arithmetic only, never a float. What a user types
 * is checked with the ledger's parser against the currency before it is sent, as the major-unit
 * decimal string the ledger parses exactly.
 */
import { formatMinorUnits, isCurrencyCode, exponentOf as isoExponentOf, readMinorUnits } from "@paybridge/core/money"

/** Decimal places of a currency per ISO 4217 (EUR 2, JPY 0, BHD 3, HUF 2); `null` for a code the ledger does not know. */
export const exponentOf = (currency: string): number | null =>
  isCurrencyCode(currency) ? isoExponentOf(currency) : null

const toBigInt = (minor: string | bigint): bigint => (typeof minor === "bigint" ? minor : BigInt(minor))

/**
 * Minor units as a plain major-unit decimal with the currency's decimals, e.g. `"1250"` EUR →
 * `"12.50"`, `"125000"` HUF → `"1250.00"` (what CSV exports carry). A code the ledger does not know
 * (which it never stores) is shown as what it is: `"125000 minor units"`, never with guessed decimals.
 */
export const minorToDecimal = (minor: string | bigint, currency: string): string =>
  isCurrencyCode(currency) ? formatMinorUnits(toBigInt(minor), currency) : `${toBigInt(minor)} minor units`

/** `"-1234567.50"` → `"-1,234,567.50"`. */
const groupThousands = (plain: string): string => {
  const negative = plain.startsWith("-")
  const [whole = "0", fraction] = (negative ? plain.slice(1) : plain).split(".")
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return `${negative ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`
}

/** Minor units for people: thousands separators and the currency code, e.g. `"-1,234.50 EUR"`, `"1,250.00 HUF"`. */
export const formatMoney = (minor: string | bigint, currency: string): string =>
  isCurrencyCode(currency)
    ? `${groupThousands(formatMinorUnits(toBigInt(minor), currency))} ${currency}`
    : `${groupThousands(toBigInt(minor).toString())} minor units of ${currency}`

/** Minor units as a number of major units, for chart axes only (never for arithmetic on money). */
export const minorToChartNumber = (minor: string | bigint, currency: string): number =>
  isCurrencyCode(currency) ? Number(formatMinorUnits(toBigInt(minor), currency)) : Number(toBigInt(minor))

/** Is `text` written as a major-unit amount the console sends (digits, optional decimals, optional minus)? */
export const isDecimalAmount = (text: string): boolean => /^-?\d+(\.\d+)?$/.test(text.trim())

/**
 * The ledger's objection to `text` as an amount of `currency`, in its own words (`"HUF amounts have
 * at most 2 decimal places"`, `"amount is too large"`), or `null` when the ledger will accept it.
 * `null` too for a currency the ledger does not know (the API says so when the form is sent).
 */
export const amountError = (text: string, currency: string | null | undefined): string | null => {
  if (currency === null || currency === undefined || !isCurrencyCode(currency)) return null
  const read = readMinorUnits(text, currency)
  return read.ok ? null : read.message
}

/**
 * A react-hook-form `validate` result for an amount input: `true` when `text` is a plain decimal the
 * ledger accepts for `currency`, else the message to show (`example` for text that is not a decimal).
 */
export const checkAmount = (text: string, currency: string | null | undefined, example: string): true | string =>
  isDecimalAmount(text) ? (amountError(text.trim(), currency) ?? true) : `Enter an amount such as ${example}`
