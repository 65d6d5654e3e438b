/**
 * Value types shared by every ledger record: actor and public identifiers, business dates,
 * custom fields, external references of migrated records, and the context every command runs in
 * (who acts, through which protocol, with which request id and idempotency key).
 */
import { Schema } from "effect"
import { CustomerId, UserId } from "./ids.ts"

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

/** A calendar date without time zone, `YYYY-MM-DD` (payment date, reversal effective date…). */
export const BusinessDate = Schema.String.check(
  Schema.isPattern(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: "expected a date as YYYY-MM-DD" })
).annotate({ identifier: "BusinessDate" })
export type BusinessDate = typeof BusinessDate.Type

export const toBusinessDate = (at: Date): BusinessDate => at.toISOString().slice(0, 10)

/** Free-form custom fields (CRM.COM `udf_*` and the like), string values only. */
export const CustomFields = Schema.Record(Schema.String, Schema.String)
export type CustomFields = typeof CustomFields.Type

/** Where a migrated record came from: the source system and its id there. */
export const ExternalRef = Schema.Struct({
  system: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(40)),
  id: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(120))
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

/** Paging of lists: keyset cursors, never offsets. */
export const PageRequest = Schema.Struct({
  cursor: Schema.optional(Schema.NullOr(Schema.String)),
  limit: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })))
})
export type PageRequest = typeof PageRequest.Type

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** Opaque cursor for the next page, `null` on the last page. */
  readonly nextCursor: string | null
}

export const Page = <S extends Schema.Top>(item: S) =>
  Schema.Struct({ items: Schema.Array(item), nextCursor: Schema.NullOr(Schema.String) })
