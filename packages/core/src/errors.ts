/**
 * The one error taxonomy of the ledger. Every failure a caller can act on is one of these tagged
 * errors; tRPC maps them to its codes through one table and every vendor dialect renders them in
 * its own error shape through its own table. Infrastructure faults that no caller can act on are
 * defects, not errors, except `StorageUnavailable` and `Overloaded`, which are worth a retry.
 */
import { Schema } from "effect"

/** One problem with one input field; `path` is the field's path in the command (e.g. `["amount"]`). */
export const FieldIssue = Schema.Struct({
  path: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  message: Schema.String
})
export type FieldIssue = typeof FieldIssue.Type

/** A referenced record does not exist (or is outside the caller's visibility). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  entity: Schema.String,
  id: Schema.String,
  message: Schema.String
}) {}

/** The input is malformed or breaks a business rule tied to specific fields. */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  message: Schema.String,
  issues: Schema.Array(FieldIssue)
}) {}

/** The action is not allowed from the record's current state (lifecycle table says no). */
export class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", {
  entity: Schema.String,
  id: Schema.String,
  from: Schema.String,
  action: Schema.String,
  message: Schema.String
}) {}

/**
 * The request collides with existing state: a duplicate external id, an idempotency key reused
 * with a different request, an over-allocation, a concurrent modification that was not retried.
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  reason: Schema.Literals([
    "duplicate",
    "idempotency-key-reused",
    "idempotency-in-progress",
    "over-allocation",
    "insufficient-amount",
    "concurrent-modification"
  ]),
  message: Schema.String
}) {}

/** No valid credentials were presented. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  message: Schema.String
}) {}

/** The principal is known but may not do this. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  message: Schema.String
}) {}

/** The operation exists in a vendor's API but Paybridge does not perform it. */
export class NotImplemented extends Schema.TaggedError<NotImplemented>()("NotImplemented", {
  operation: Schema.String,
  message: Schema.String
}) {}

/** The database could not be reached or timed out; the command had no effect and may be retried. */
export class StorageUnavailable extends Schema.TaggedError<StorageUnavailable>()("StorageUnavailable", {
  message: Schema.String
}) {}

/**
 * A bounded resource of this process is saturated (today: the password-hashing slots of the
 * Authenticator); the command did not run and may be retried after `retryAfterSeconds`.
 */
export class Overloaded extends Schema.TaggedError<Overloaded>()("Overloaded", {
  message: Schema.String,
  retryAfterSeconds: Schema.Int
}) {}

export type LedgerError =
  | NotFound
  | ValidationFailed
  | InvalidTransition
  | Conflict
  | Unauthorized
  | Forbidden
  | NotImplemented
  | StorageUnavailable
  | Overloaded

export const LedgerError = Schema.Union([
  NotFound,
  ValidationFailed,
  InvalidTransition,
  Conflict,
  Unauthorized,
  Forbidden,
  NotImplemented,
  StorageUnavailable,
  Overloaded
])

export type LedgerErrorTag = LedgerError["_tag"]

export const validationFailed = (path: ReadonlyArray<string | number>, message: string): ValidationFailed =>
  new ValidationFailed({ message, issues: [{ path: [...path], message }] })

export const notFound = (entity: string, id: string | number | bigint): NotFound =>
  new NotFound({ entity, id: String(id), message: `${entity} ${String(id)} does not exist` })
