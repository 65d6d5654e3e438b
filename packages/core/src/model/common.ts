/**
 * Value types shared by every ledger record: actor and public identifiers, business dates,
 * custom fields, external references of migrated records, and the context every command runs in
 * (who acts, through which protocol, with which request id and idempotency key).
 */
import { Schema } from "effect"
import { CustomerId, UserId } from "./ids.ts"
import { hasWellFormedText, TextOfLength, WellFormedText } from "./text.ts"

/**
 * Id of whoever acted: a user's id, or 0 for the system itself (seeds, migrations, jobs), so the
 * system never shares an actor id or an idempotency scope with a real user.
 */
export const ActorId = Schema.Union([UserId, Schema.Literal(0)]).annotate({ identifier: "ActorId" })
export type ActorId = typeof ActorId.Type

/** 32-character uppercase hex id (CRM.COM style), unique per record. */
export const PublicId = Schema.String.check(Schema.isPattern(/^[0-9A-F]{32}$/)).annotate({ identifier: "PublicId" })
export type PublicId = typeof PublicId.Type

export const newPublicId = (): string => crypto.randomUUID().replaceAll("-", "").toUpperCase()

/** True when `year-month-day` is a day of the proleptic Gregorian calendar between years 1 and 9999. */
const isCalendarDay = (year: number, month: number, day: number): boolean =>
  year >= 1 &&
  month >= 1 &&
  month <= 12 &&
  day >= 1 &&
  day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() &&
  (month !== 2 || day <= 28 || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)))

/**
 * A calendar date without time zone, `YYYY-MM-DD` (payment date, reversal effective date…): a day
 * that exists (`2026-02-30` and `0000-01-01` are refused), years 0001–9999.
 */
export const BusinessDate = Schema.String.check(
  Schema.isPattern(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: "expected a date as YYYY-MM-DD" }),
  Schema.makeFilter((text: string) =>
    isCalendarDay(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)))
      ? undefined
      : `not a calendar date: ${text}`
  )
).annotate({ identifier: "BusinessDate" })
export type BusinessDate = typeof BusinessDate.Type

/** Earliest and latest instant a timestamp filter may name: what both databases store (years 1–9999). */
export const earliestTimestamp = new Date("0001-01-01T00:00:00.000Z")
export const latestTimestamp = new Date("9999-12-31T23:59:59.999Z")

/**
 * An instant given as a filter (`since`, `createdSince`…): a valid date in years 0001–9999, so a
 * query never asks a database for a timestamp it cannot hold (`99999-01-01` is refused).
 */
export const Timestamp = Schema.Date.check(
  Schema.makeFilter((at: Date) =>
    Number.isNaN(at.getTime())
      ? "not a valid date"
      : at < earliestTimestamp || at > latestTimestamp
        ? "expected a date between the years 0001 and 9999"
        : undefined
  )
).annotate({ identifier: "Timestamp" })
export type Timestamp = typeof Timestamp.Type

export const toBusinessDate = (at: Date): BusinessDate => at.toISOString().slice(0, 10)

/** Free-form custom fields (CRM.COM `udf_*` and the like), string values only. */
export const CustomFields = Schema.Record(Schema.String, WellFormedText).check(hasWellFormedText())
export type CustomFields = typeof CustomFields.Type

/** Where a migrated record came from: the source system and its id there. */
export const ExternalRef = Schema.Struct({
  system: TextOfLength(40, 1),
  id: TextOfLength(120, 1)
})
export type ExternalRef = typeof ExternalRef.Type

/** The protocol a command came through: `trpc`, `dialect:<vendor>`, `cli`, `seed`, `migration`. */
export const Origin = Schema.String.check(Schema.isPattern(/^(trpc|cli|seed|migration|system|dialect:[a-z0-9-]+)$/))
export type Origin = typeof Origin.Type

export const Role = Schema.Literals(["admin", "finance", "read-only"])
export type Role = typeof Role.Type

/** Who is acting: a user or an API key, with the role that decides what it may do. */
export const Principal = Schema.Struct({
  id: ActorId,
  kind: Schema.Literals(["user", "api-key", "system"]),
  name: Schema.String,
  role: Role,
  /** `null` = sees every customer; otherwise only these customer ids. */
  customerScope: Schema.NullOr(Schema.Array(CustomerId))
})
export type Principal = typeof Principal.Type

export const systemPrincipal: Principal = { id: 0, kind: "system", name: "system", role: "admin", customerScope: null }

/** Paging of lists: opaque cursors (keyset, or the next offset of an offset-paged list). */
export const PageRequest = Schema.Struct({
  cursor: Schema.optional(Schema.NullOr(WellFormedText)),
  limit: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })))
})
export type PageRequest = typeof PageRequest.Type

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** Opaque cursor for the next page, `null` on the last page. */
  readonly nextCursor: string | null
  /** Every match of the list's filters, when the list was asked to count them (`withTotal`). */
  readonly total?: number | undefined
}

export const Page = <S extends Schema.Top>(item: S) =>
  Schema.Struct({ items: Schema.Array(item), nextCursor: Schema.NullOr(Schema.String) })
