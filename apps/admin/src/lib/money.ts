/**
 * Money on screen. The API sends amounts as strings of integer minor units; this module turns
 * them into major-unit text with the currency's decimals (ISO 4217 digits as the browser's Intl
 * knows them) using bigint arithmetic only — never a float — and reads what a user types back as
 * a major-unit decimal string for the API, which parses it exactly against the currency.
 */

const exponents = new Map<string, number>()

/** Decimal places of a currency (EUR 2, JPY 0, BHD 3); 2 when the browser does not know the code. */
export const exponentOf = (currency: string): number => {
  const known = exponents.get(currency)
  if (known !== undefined) return known
  let digits = 2
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    digits = 2
  }
  exponents.set(currency, digits)
  return digits
}

/** Minor units as a plain major-unit decimal, e.g. `"1250"` EUR → `"12.50"` (what CSV exports carry). */
export const minorToDecimal = (minor: string | bigint, currency: string): string => {
  const amount = typeof minor === "bigint" ? minor : BigInt(minor)
  const exponent = exponentOf(currency)
  const negative = amount < 0n
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, "0")
  const whole = digits.slice(0, digits.length - exponent)
  const fraction = exponent === 0 ? "" : `.${digits.slice(digits.length - exponent)}`
  return `${negative ? "-" : ""}${whole}${fraction}`
}

/** Minor units for people: thousands separators and the currency code, e.g. `"-1,234.50 EUR"`. */
export const formatMoney = (minor: string | bigint, currency: string): string => {
  const plain = minorToDecimal(minor, currency)
  const negative = plain.startsWith("-")
  const [whole = "0", fraction] = (negative ? plain.slice(1) : plain).split(".")
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  return `${negative ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`} ${currency}`
}

/** Minor units as a number of major units, for chart axes only (never for arithmetic on money). */
export const minorToChartNumber = (minor: string | bigint, currency: string): number =>
  Number(minorToDecimal(minor, currency))

/** Is `text` a major-unit amount the API will accept (digits, optional decimals, optional minus)? */
export const isDecimalAmount = (text: string): boolean => /^-?\d+(\.\d+)?$/.test(text.trim())
