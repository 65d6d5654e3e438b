/**
 * ISO 4217 currencies and their minor-unit exponents. Money in Paybridge is always an integer
 * count of minor units; the exponent says how many decimal places a major amount has (JPY 0,
 * USD 2, BHD 3, CLF 4). The table is the active ISO 4217 list (in the dependency-free
 * `iso-4217.ts`, shared with the browser console); this module adds the Effect schema of a code,
 * which rejects unknown codes.
 */
import { Schema } from "effect"
import { currencyCodes, type CurrencyCode as IsoCurrencyCode } from "./iso-4217.ts"

export { currencyCodes, currencyExponents, exponentOf, isCurrencyCode } from "./iso-4217.ts"

export type CurrencyCode = IsoCurrencyCode

/** A supported ISO 4217 code, e.g. `"EUR"`. */
export const CurrencyCode = Schema.Literals(currencyCodes as [CurrencyCode, ...Array<CurrencyCode>]).annotate({
  identifier: "CurrencyCode",
  description: "ISO 4217 alphabetic currency code"
})
