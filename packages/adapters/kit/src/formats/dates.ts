/**
 * Dates and timestamps on the wire. Vendors disagree: a business date `YYYY-MM-DD` (Elevate,
 * Silver, Billing Platform UK), a zone-less local timestamp `yyyy-MM-ddTHH:mm:ss` (CRM.COM, read
 * and written as UTC), ISO 8601 with milliseconds and `Z` (LogiSense) and ISO 8601 to the second
 * with `Z` (Elevate). Each is a {@link DateFormat}: exact format and parse functions plus a
 * request wire schema that rejects impossible calendar dates (`2024-02-30`). Output is always
 * the vendor's exact form; input is strict about the date and lenient only where noted.
 * {@link iso8601} reads every ISO 8601 form a client may send (date only, local time, offset,
 * fractions, basic format) for vendors documented as "ISO 8601" without naming one form.
 */
import type { BusinessDate } from "@paybridge/core"
import { Result, Schema, SchemaGetter } from "effect"

/** Why a text is not a date or timestamp in the expected format. */
export class DateParseError extends Schema.TaggedError<DateParseError>()("DateParseError", {
  input: Schema.String,
  message: Schema.String
}) {}

/** One vendor date format: how a value is written, how it is read back, and its wire schema. */
export interface DateFormat<T> {
  /** Human form for docs and error messages, e.g. `YYYY-MM-DD`. */
  readonly description: string
  readonly format: (value: T) => string
  readonly parse: (text: string) => Result.Result<T, DateParseError>
  /** Request wire schema: a string in this format → `T`. */
  readonly schema: Schema.Codec<T, string>
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** A day that exists, in years 0001–9999 (what both databases store; year 0 does not exist). */
const isRealDate = (year: number, month: number, day: number): boolean => {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day <= daysInMonth
}

const fail = (input: string, expected: string) =>
  Result.fail(new DateParseError({ input, message: `expected a date as ${expected}, got "${input}"` }))

const schemaOf = <T>(
  description: string,
  pattern: RegExp,
  parse: (text: string) => Result.Result<T, DateParseError>,
  format: (value: T) => string,
  typeSchema: Schema.Codec<T>
): Schema.Codec<T, string> =>
  Schema.String.annotate({ description })
    .check(
      Schema.isPattern(pattern, { expected: description }),
      Schema.makeFilter((text: string) => (Result.isSuccess(parse(text)) ? undefined : `not a real date: ${text}`))
    )
    .pipe(
      Schema.decodeTo(typeSchema, {
        decode: SchemaGetter.transform((text: string) => Result.getOrThrow(parse(text))),
        encode: SchemaGetter.transform(format)
      })
    )

const businessDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/u

/** Reads `YYYY-MM-DD`, checking that the day exists. */
export const parseBusinessDate = (text: string): Result.Result<BusinessDate, DateParseError> => {
  const m = businessDatePattern.exec(text)
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return fail(text, "YYYY-MM-DD")
  return Result.succeed(text)
}

/** A calendar date without zone, `YYYY-MM-DD`; the ledger's `BusinessDate` as is. */
export const businessDate: DateFormat<BusinessDate> = {
  description: "YYYY-MM-DD",
  format: (value) => value,
  parse: parseBusinessDate,
  schema: schemaOf("YYYY-MM-DD", businessDatePattern, parseBusinessDate, (value: BusinessDate) => value, Schema.String)
}

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export const businessDateOf = (at: Date): BusinessDate => at.toISOString().slice(0, 10)

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/u

interface TimestampRules {
  readonly description: string
  /** `required`: a `Z` or `±hh:mm` must be present; `forbidden`: must be absent (read as UTC). */
  readonly zone: "required" | "forbidden"
  /** Fraction digits: `forbidden`, or `optional` (1 to 9 digits, below a millisecond truncated). */
  readonly fraction: "forbidden" | "optional"
}

const parseTimestamp =
  (rules: TimestampRules) =>
  (text: string): Result.Result<Date, DateParseError> => {
    const m = timestampPattern.exec(text)
    if (!m) return fail(text, rules.description)
    const [, year, month, day, hour, minute, second, fraction, zone] = m
    if ((rules.zone === "required") !== (zone !== undefined)) return fail(text, rules.description)
    if (rules.fraction === "forbidden" && fraction !== undefined) return fail(text, rules.description)
    const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number
    ]
    if (!isRealDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return fail(text, rules.description)
    const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, "0").slice(0, 3))
    let offsetMinutes = 0
    if (zone !== undefined && zone !== "Z") {
      const sign = zone.startsWith("-") ? -1 : 1
      const [oh, om] = zone.slice(1).split(":").map(Number) as [number, number]
      if (oh > 23 || om > 59) return fail(text, rules.description)
      offsetMinutes = sign * (oh * 60 + om)
    }
    const at = Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000
    return Result.succeed(new Date(at))
  }

const dateSchema = Schema.instanceOf(Date).check(
  Schema.makeFilter((d: Date) => !Number.isNaN(d.getTime()), { expected: "a valid date" })
)

const isoSeconds = (at: Date): string => `${at.toISOString().slice(0, 19)}Z`

const localDateTimeRules: TimestampRules = {
  description: "yyyy-MM-ddTHH:mm:ss",
  zone: "forbidden",
  fraction: "forbidden"
}
/** `yyyy-MM-ddTHH:mm:ss` without zone (CRM.COM), read and written as UTC. */
export const localDateTime: DateFormat<Date> = {
  description: localDateTimeRules.description,
  format: (at) => at.toISOString().slice(0, 19),
  parse: parseTimestamp(localDateTimeRules),
  schema: schemaOf(
    localDateTimeRules.description,
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/u,
    parseTimestamp(localDateTimeRules),
    (at: Date) => at.toISOString().slice(0, 19),
    dateSchema
  )
}

const isoMillisRules: TimestampRules = {
  description: "ISO 8601 with zone, e.g. 2021-04-26T15:25:27.587Z",
  zone: "required",
  fraction: "optional"
}
/**
 * ISO 8601 with milliseconds and `Z` (LogiSense `2021-04-26T15:25:27.587Z`). Output always has
 * three fraction digits and `Z`; input may omit the fraction or use a `±hh:mm` offset.
 */
export const isoDateTimeMillis: DateFormat<Date> = {
  description: "YYYY-MM-DDTHH:mm:ss.sssZ",
  format: (at) => at.toISOString(),
  parse: parseTimestamp(isoMillisRules),
  schema: schemaOf(
    "YYYY-MM-DDTHH:mm:ss.sssZ",
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/u,
    parseTimestamp(isoMillisRules),
    (at: Date) => at.toISOString(),
    dateSchema
  )
}

const isoSecondsRules: TimestampRules = {
  description: "YYYY-MM-DDTHH:mm:ssZ",
  zone: "required",
  fraction: "optional"
}
/**
 * ISO 8601 to the second with `Z` (Elevate `2024-05-01T10:00:00Z`). Output drops milliseconds
 * (truncates); input may carry a fraction or a `±hh:mm` offset.
 */
export const isoDateTimeSeconds: DateFormat<Date> = {
  description: isoSecondsRules.description,
  format: isoSeconds,
  parse: parseTimestamp(isoSecondsRules),
  schema: schemaOf(
    isoSecondsRules.description,
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/u,
    parseTimestamp(isoSecondsRules),
    isoSeconds,
    dateSchema
  )
}

/** `YYYY-MM-DD` from a local timestamp's parts, for dialects that split dates (e.g. `{year, month, day}`). */
export const businessDateFromParts = (
  year: number,
  month: number,
  day: number
): Result.Result<BusinessDate, DateParseError> => parseBusinessDate(`${pad(year, 4)}-${pad(month)}-${pad(day)}`)

/** ISO 8601 extended form: date, optionally time (minutes, seconds, fraction) and zone. */
const iso8601Extended =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/iu
/** ISO 8601 basic form: `20210426`, `20210426T152527.587Z`, `20210426T1525+0200`. */
const iso8601Basic =
  /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?:\d{2})?)?)?$/iu

const iso8601Description =
  "an ISO 8601 date or date and time, e.g. 2021-04-26, 2021-04-26T15:25:27, 2021-04-26T15:25:27.587Z or 2021-04-26T17:25:27+02:00"

/**
 * Reads any ISO 8601 date or date-time: date only (midnight UTC), a time without zone (read as
 * UTC), `Z` or an offset (`+02:00`, `+0200`, `+02`), minutes with or without seconds, a fraction
 * of 1 to 9 digits (below a millisecond truncated), extended or basic format. One error for text
 * that is none of these or names a day or time that does not exist.
 */
export const parseIso8601 = (text: string): Result.Result<Date, DateParseError> => {
  const m = iso8601Extended.exec(text) ?? iso8601Basic.exec(text)
  const invalid = Result.fail(
    new DateParseError({ input: text, message: `must be ${iso8601Description}; got "${text}"` })
  )
  if (!m) return invalid
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction, zone] = m
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  if (!isRealDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return invalid
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, "0").slice(0, 3))
  let offsetMinutes = 0
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "")
    const oh = Number(digits.slice(0, 2))
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0
    if (oh > 23 || om > 59) return invalid
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om)
  }
  return Result.succeed(new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000))
}

/**
 * Any ISO 8601 date or date-time in, ISO 8601 with milliseconds and `Z` out (LogiSense: "Date and
 * time values are specified in the ISO 8601 format"). See {@link parseIso8601} for what is read.
 * The wire schema has a single check, so an invalid value is one error naming the accepted forms.
 */
export const iso8601: DateFormat<Date> = {
  description: "ISO 8601 (output YYYY-MM-DDTHH:mm:ss.sssZ)",
  format: (at) => at.toISOString(),
  parse: parseIso8601,
  schema: Schema.String.annotate({ description: `${iso8601Description}; written back as 2021-04-26T15:25:27.587Z` })
    .check(
      Schema.makeFilter((text: string) => {
        const parsed = parseIso8601(text)
        return Result.isSuccess(parsed) ? undefined : parsed.failure.message
      })
    )
    .pipe(
      Schema.decodeTo(dateSchema, {
        decode: SchemaGetter.transform((text: string) => Result.getOrThrow(parseIso8601(text))),
        encode: SchemaGetter.transform((at: Date) => at.toISOString())
      })
    )
}
