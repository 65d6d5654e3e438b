/**
 * Amounts as commands receive them (major-unit decimals, text or JSON number) parsed exactly into
 * minor units of a currency, with `ValidationFailed` naming the input field; the rule that a
 * currency a caller names must be the customer's; and how error messages write an amount (major
 * units with the currency code, so every protocol's renderer shows what its clients send).
 */
import { Effect, Result } from "effect"
import { type ValidationFailed, validationFailed } from "../../errors.ts"
import type { Customer } from "../../model/records.ts"
import type { CurrencyCode } from "../../money/currency.ts"
import { formatMinorUnits } from "../../money/decimal.ts"
import { parseMinorUnits } from "../../money/money.ts"
import type { AmountInput } from "../ledger-commands.ts"

/** An amount in an error message: major units and the currency code (`12.50 USD`, `1000 JPY`), never minor units. */
export const amountText = (amount: bigint, currency: CurrencyCode): string =>
  `${formatMinorUnits(amount, currency)} ${currency}`

/** The path of an input field in a command, for `ValidationFailed` issues. */
export type FieldPath = ReadonlyArray<string | number>

/** Parses a major-unit amount exactly in `currency`; an error names the field. */
export const parseAmount = (
  input: AmountInput,
  currency: CurrencyCode,
  path: FieldPath
): Effect.Effect<bigint, ValidationFailed> => {
  const parsed = parseMinorUnits(input, currency)
  return Result.isFailure(parsed)
    ? Effect.fail(validationFailed(path, parsed.failure.message))
    : Effect.succeed(parsed.success)
}

/** {@link parseAmount}, refusing zero and negative amounts. */
export const parsePositiveAmount = (input: AmountInput, currency: CurrencyCode, path: FieldPath) =>
  Effect.flatMap(parseAmount(input, currency, path), (amount) =>
    amount > 0n ? Effect.succeed(amount) : Effect.fail(validationFailed(path, "amount must be greater than zero"))
  )

/** A currency named by the caller must be the customer's. */
export const ensureCurrency = (
  given: CurrencyCode | undefined,
  customer: Customer,
  path: FieldPath = ["currency"]
): Effect.Effect<CurrencyCode, ValidationFailed> =>
  given === undefined || given === customer.currency
    ? Effect.succeed(customer.currency)
    : Effect.fail(validationFailed(path, `customer ${customer.id} is billed in ${customer.currency}, not ${given}`))
