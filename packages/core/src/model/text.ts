/**
 * Text the ledger accepts and what it does to card numbers in it. Text must be well formed: no NUL
 * (U+0000, which cuts SQLite statements and which PostgreSQL refuses) and no lone UTF-16 surrogate
 * (`"\ud800"`, which SQLite silently stores as U+FFFD and PostgreSQL refuses); every string schema
 * of the command inputs checks it, and each protocol edge runs {@link illFormedTextPath} over the
 * whole request before reading credentials from it, so a bad string is a 400 in the protocol's own
 * shape and never reaches a store. Card numbers (PANs: Luhn-valid runs of 13–19 digits, also
 * written in groups with spaces or dashes) typed into free text are masked to their first six and
 * last four digits by {@link maskCardNumbers} before anything is stored (`card-number-masking.ts`).
 */
import { Schema } from "effect"

/** Why `text` is refused, or `null` when it is well formed. */
export const illFormedTextProblem = (text: string): string | null => {
  if (text.includes("\u0000")) return "must not contain NUL (U+0000) characters"
  if (!text.isWellFormed()) return "must not contain lone UTF-16 surrogates"
  return null
}

/** A refused string inside a value: where it is (`[]` for the value itself) and why. */
export interface IllFormedText {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

const maxScanDepth = 64

/**
 * The first ill-formed string in `value` — a string itself, or any string or property name inside
 * arrays and plain objects (depth-limited; deeper nesting is refused as such) — or `null`.
 */
export const illFormedTextPath = (value: unknown, path: ReadonlyArray<string | number> = []): IllFormedText | null => {
  if (typeof value === "string") {
    const problem = illFormedTextProblem(value)
    return problem === null ? null : { path, message: `text ${problem}` }
  }
  if (typeof value !== "object" || value === null) return null
  if (path.length >= maxScanDepth) return { path, message: `nested deeper than ${maxScanDepth} levels` }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = illFormedTextPath(value[index], [...path, index])
      if (found !== null) return found
    }
    return null
  }
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return null
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = illFormedTextProblem(key)
    if (keyProblem !== null) return { path: [...path, key], message: `field name ${keyProblem}` }
    const found = illFormedTextPath(item, [...path, key])
    if (found !== null) return found
  }
  return null
}

/** The schema check of a well-formed string (see the module comment). */
export const isWellFormedText = Schema.makeFilter<string>((text) => illFormedTextProblem(text) ?? undefined, {
  expected: "text without NUL characters or lone surrogates"
})

/** Any string the ledger accepts: well formed. */
export const WellFormedText = Schema.String.check(isWellFormedText)

/** A well-formed string of at most `max` characters (and at least `min`, default 0). */
export const TextOfLength = (max: number, min = 0) =>
  min > 0
    ? Schema.String.check(isWellFormedText, Schema.isMinLength(min), Schema.isMaxLength(max))
    : Schema.String.check(isWellFormedText, Schema.isMaxLength(max))

/** The schema check of a value whose strings and property names are all well formed (at any depth). */
export const hasWellFormedText = <A>() =>
  Schema.makeFilter<A>((value) => {
    const found = illFormedTextPath(value)
    return found === null ? undefined : { path: found.path, issue: found.message }
  })

/** Any JSON-like value whose strings and property names are all well formed. */
export const WellFormedUnknown = Schema.Unknown.check(hasWellFormedText())

/** True when `digits` (only 0–9) passes the Luhn check. */
export const isLuhnValid = (digits: string): boolean => {
  let sum = 0
  let double = false
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48
    if (double) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
    double = !double
  }
  return digits.length > 0 && sum % 10 === 0
}

/** Digit runs, optionally grouped by single spaces or dashes, that are not part of a longer run. */
const digitRun = /(?<![\d])\d(?:[ -]?\d)*(?![\d])/gu
const letter = /[A-Za-z]/u

/** A run with letters on both sides is inside an identifier (a hex id `EF7115604…4284AA`), not a card number. */
const insideWord = (text: string, offset: number, length: number): boolean =>
  letter.test(text.charAt(offset - 1)) && letter.test(text.charAt(offset + length))

/** `run` (digits with single separators) with each card number found in it masked. */
const maskRun = (run: string): string => {
  const positions: Array<number> = []
  for (let index = 0; index < run.length; index++) {
    const code = run.charCodeAt(index)
    if (code >= 48 && code <= 57) positions.push(index)
  }
  const digits = positions.map((index) => run[index]).join("")
  const masked = run.split("")
  let changed = false
  // Candidates: the whole run, then windows of whole groups (a PAN followed by a date or amount).
  const groupStarts = [0]
  for (let index = 1; index < positions.length; index++) {
    if ((positions[index] as number) - (positions[index - 1] as number) > 1) groupStarts.push(index)
  }
  groupStarts.push(positions.length)
  for (let from = 0; from < groupStarts.length - 1; from++) {
    for (let to = groupStarts.length - 1; to > from; to--) {
      const start = groupStarts[from] as number
      const end = groupStarts[to] as number
      const length = end - start
      if (length < 13 || length > 19) continue
      if (!isLuhnValid(digits.slice(start, end))) continue
      for (let digit = start + 6; digit < end - 4; digit++) masked[positions[digit] as number] = "*"
      changed = true
      from = to - 1
      break
    }
  }
  return changed ? masked.join("") : run
}

/**
 * `text` with every card number in it masked to its first six and last four digits
 * (`4111 1111 1111 1111` → `4111 11** **** 1111`, separators kept). A card number is a run of
 * 13–19 digits passing the Luhn check, written contiguously or in groups separated by single spaces
 * or dashes, and not part of a longer digit run (a longer grouped run is searched group by group)
 * nor between letters (an identifier such as a hex id is left whole; `ref4111…` is still masked).
 * Masked text has no card number left, so masking twice changes nothing.
 */
export const maskCardNumbers = (text: string): string => {
  if (!/\d{4}/u.test(text) && !/\d[ -]\d/u.test(text)) return text
  return text.replace(digitRun, (run: string, offset: number) =>
    run.replace(/[ -]/gu, "").length < 13 || insideWord(text, offset, run.length) ? run : maskRun(run)
  )
}

/** `value` with {@link maskCardNumbers} applied to every string inside it (arrays and plain objects; keys kept). */
export const maskCardNumbersDeep = (value: unknown): unknown => {
  if (typeof value === "string") return maskCardNumbers(value)
  if (typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) {
    let changed = false
    const items = value.map((item) => {
      const next = maskCardNumbersDeep(item)
      if (next !== item) changed = true
      return next
    })
    return changed ? items : value
  }
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return value
  let changed = false
  const entries = Object.entries(value).map(([key, item]) => {
    const next = maskCardNumbersDeep(item)
    if (next !== item) changed = true
    return [key, next] as const
  })
  return changed ? Object.fromEntries(entries) : value
}
