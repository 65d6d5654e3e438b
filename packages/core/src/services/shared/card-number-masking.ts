/**
 * Card numbers never reach a store: every ledger service method gets its input with the card numbers
 * in its free-text fields masked (first six and last four digits kept, `model/text.ts`), so ledger
 * records, balance entries, events, idempotency responses and dialect records only ever hold the
 * masked form, whichever protocol sent the text. Free text is what a person types: names,
 * descriptions, notes, references, reasons, gateway references, custom-field values, search text,
 * and every string inside a dialect record's `data` or a migrated payment's `sourceRecord`.
 * Identifiers (numbers, external refs, public ids, idempotency keys, dialect record keys) are
 * looked up by value and stay as given. `ledgerLayer` applies {@link maskingCardNumbers} to every
 * service once, so no service, dialect or procedure has to remember it.
 */
import { type Context, Effect, Layer } from "effect"
import { maskCardNumbers, maskCardNumbersDeep } from "../../model/text.ts"

/** Top-level input fields holding free text (a string, or `null`). */
export const freeTextFields: ReadonlySet<string> = new Set([
  "name",
  "description",
  "notes",
  "reference",
  "customerReference",
  "checkNumber",
  "thirdPartyReference",
  "reason",
  "gatewayReference",
  "search"
])

/** Top-level input fields whose every string (at any depth) is free text. */
export const freeTextContainers: ReadonlySet<string> = new Set(["customFields", "data", "sourceRecord"])

const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** A command input with the card numbers in its free-text fields masked (anything else is returned as is). */
export const maskCommandInput = <A>(input: A): A => {
  if (!isPlainObject(input)) return input
  let masked: Record<string, unknown> | null = null
  for (const [key, value] of Object.entries(input)) {
    const next =
      freeTextFields.has(key) && typeof value === "string"
        ? maskCardNumbers(value)
        : freeTextContainers.has(key)
          ? maskCardNumbersDeep(value)
          : value
    if (next === value) continue
    masked ??= { ...input }
    masked[key] = next
  }
  return (masked ?? input) as A
}

/** `service` with every method's first argument passed through {@link maskCommandInput}. */
export const maskServiceInputs = <Shape extends object>(service: Shape): Shape => {
  const wrapped: Record<string, unknown> = {}
  for (const [name, member] of Object.entries(service)) {
    wrapped[name] =
      typeof member === "function"
        ? (first: unknown, ...rest: ReadonlyArray<unknown>) => member(maskCommandInput(first), ...rest)
        : member
  }
  return wrapped as Shape
}

/** `layer`'s service, with its inputs' card numbers masked (see the module comment). */
export const maskingCardNumbers = <Identifier, Shape extends object, E, R>(
  service: Context.Service<Identifier, Shape>,
  layer: Layer.Layer<Identifier, E, R>
): Layer.Layer<Identifier, E, R> =>
  Layer.effect(service, Effect.map(Effect.service(service), maskServiceInputs)).pipe(Layer.provide(layer))
