/**
 * ISO 4217 minor units ↔ Stripe's `amount` units, exactly. Stripe expects amounts "in the
 * currency's smallest unit", which is the ISO minor unit for most currencies, with documented
 * exceptions (docs.stripe.com/currencies, "Zero-decimal currencies", "Three-decimal currencies"
 * and "Special cases"; written from that page as known to us, without network access — see the
 * package README for the points we are unsure of). Every currency whose ISO exponent is not 2 has
 * a row here (a test checks this against core's ISO table), so the default rule — Stripe unit =
 * ISO minor unit — only ever applies to two-decimal currencies. An amount Stripe cannot represent
 * is refused, never rounded.
 */

export interface StripeCurrencyRule {
  /** Decimal places of the ledger's minor unit (ISO 4217). */
  readonly isoExponent: number
  /** Decimal places of Stripe's `amount` unit. */
  readonly stripeExponent: number
  /** Stripe accepts only multiples of this, in Stripe units (1 = any integer). */
  readonly multipleOf: bigint
  /** Why this row exists. */
  readonly note: string
}

const zeroDecimal = (note = "Stripe zero-decimal currency (amount in whole units)"): StripeCurrencyRule => ({
  isoExponent: 0,
  stripeExponent: 0,
  multipleOf: 1n,
  note
})

const threeDecimal: StripeCurrencyRule = {
  isoExponent: 3,
  stripeExponent: 3,
  multipleOf: 10n,
  note: "Stripe three-decimal currency: amount in thousandths, last digit must be 0"
}

const twoDecimalWholeUnits = (note: string): StripeCurrencyRule => ({
  isoExponent: 0,
  stripeExponent: 2,
  multipleOf: 100n,
  note
})

/** Currencies Stripe does not take for payments (or whose Stripe units are undocumented). */
export const stripeUnsupportedCurrencies: Readonly<Record<string, string>> = {
  CLF: "ISO exponent 4 (Unidad de Fomento): not a Stripe presentment currency",
  UYW: "ISO exponent 4 (Unidad Previsional): not a Stripe presentment currency",
  UYI: "ISO fund code (Uruguay Peso en Unidades Indexadas): not a Stripe presentment currency",
  IQD: "ISO exponent 3 but not on Stripe's three-decimal list: Stripe units undocumented, refused",
  LYD: "ISO exponent 3 but not on Stripe's three-decimal list: Stripe units undocumented, refused"
}

/** The exceptions to "Stripe unit = ISO minor unit". */
export const stripeCurrencyRules: Readonly<Record<string, StripeCurrencyRule>> = {
  BIF: zeroDecimal(),
  CLP: zeroDecimal(),
  DJF: zeroDecimal(),
  GNF: zeroDecimal(),
  JPY: zeroDecimal(),
  KMF: zeroDecimal(),
  KRW: zeroDecimal(),
  PYG: zeroDecimal(),
  RWF: zeroDecimal(),
  VND: zeroDecimal(),
  VUV: zeroDecimal(),
  XAF: zeroDecimal(),
  XOF: zeroDecimal(),
  XPF: zeroDecimal(),
  MGA: {
    isoExponent: 2,
    stripeExponent: 0,
    multipleOf: 1n,
    note: "ISO exponent 2 but Stripe zero-decimal: only whole ariary can be charged"
  },
  ISK: twoDecimalWholeUnits("Special case: effectively zero-decimal, sent as two-decimal with 00 (5 ISK = 500)"),
  UGX: twoDecimalWholeUnits("Special case: effectively zero-decimal, sent as two-decimal with 00 (5 UGX = 500)"),
  HUF: {
    isoExponent: 2,
    stripeExponent: 2,
    multipleOf: 1n,
    note: "Special case for payouts only (zero-decimal there); charges and refunds are two-decimal"
  },
  TWD: {
    isoExponent: 2,
    stripeExponent: 2,
    multipleOf: 1n,
    note: "Special case for payouts only (zero-decimal there); charges and refunds are two-decimal"
  },
  BHD: threeDecimal,
  JOD: threeDecimal,
  KWD: threeDecimal,
  OMR: threeDecimal,
  TND: threeDecimal
}

const defaultRule: StripeCurrencyRule = {
  isoExponent: 2,
  stripeExponent: 2,
  multipleOf: 1n,
  note: "Stripe amount = ISO minor unit"
}

export const stripeRuleFor = (currency: string): StripeCurrencyRule | null => {
  const code = currency.toUpperCase()
  if (Object.hasOwn(stripeUnsupportedCurrencies, code)) return null
  return stripeCurrencyRules[code] ?? defaultRule
}

export type StripeAmount =
  | { readonly ok: true; readonly amount: number }
  | { readonly ok: false; readonly message: string }

const pow10 = (exponent: number): bigint => 10n ** BigInt(exponent)

/** Ledger minor units → Stripe `amount`, or why Stripe cannot represent it (never rounds). */
export const toStripeAmount = (currency: string, minorUnits: bigint): StripeAmount => {
  const code = currency.toUpperCase()
  const rule = stripeRuleFor(code)
  if (rule === null) {
    return { ok: false, message: `${code} cannot be charged through Stripe: ${stripeUnsupportedCurrencies[code]}` }
  }
  if (minorUnits <= 0n) return { ok: false, message: `amount must be positive, got ${minorUnits} ${code} minor units` }
  let stripeUnits: bigint
  if (rule.stripeExponent >= rule.isoExponent) {
    stripeUnits = minorUnits * pow10(rule.stripeExponent - rule.isoExponent)
  } else {
    const divisor = pow10(rule.isoExponent - rule.stripeExponent)
    if (minorUnits % divisor !== 0n) {
      return {
        ok: false,
        message: `Stripe takes ${code} in whole units only; ${minorUnits} minor units is not a multiple of ${divisor}`
      }
    }
    stripeUnits = minorUnits / divisor
  }
  if (stripeUnits % rule.multipleOf !== 0n) {
    return {
      ok: false,
      message: `Stripe takes ${code} amounts in multiples of ${rule.multipleOf} (its units); ${stripeUnits} is not (${rule.note})`
    }
  }
  if (stripeUnits > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, message: `amount ${minorUnits} ${code} minor units is too large for Stripe` }
  }
  return { ok: true, amount: Number(stripeUnits) }
}

/** Stripe `amount` → ledger minor units, or null when it is not a whole number of them. */
export const fromStripeAmount = (currency: string, stripeAmount: number): bigint | null => {
  if (!Number.isSafeInteger(stripeAmount)) return null
  const rule = stripeRuleFor(currency) ?? defaultRule
  const units = BigInt(stripeAmount)
  if (rule.stripeExponent <= rule.isoExponent) return units * pow10(rule.isoExponent - rule.stripeExponent)
  const divisor = pow10(rule.stripeExponent - rule.isoExponent)
  return units % divisor === 0n ? units / divisor : null
}
