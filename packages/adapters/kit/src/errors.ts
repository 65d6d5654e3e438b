/**
 * Error rendering for dialects. A dialect supplies one {@link ErrorTable}: for every core error
 * tag (plus `Internal`, the kit's stand-in for an unexpected defect) the HTTP status and the body
 * in the vendor's own shape. The kit sends every failure through that table — ledger errors,
 * bad credentials, malformed JSON, wire-schema rejections, unknown routes, unimplemented
 * endpoints, oversize bodies, throttled logins and defects — so a client never sees a response the vendor could not have sent, and
 * a defect never leaks internals.
 */
import {
  type FieldIssue,
  type LedgerError,
  NotFound,
  NotImplemented,
  Unauthorized,
  ValidationFailed
} from "@paybridge/core"
import { Schema, SchemaIssue } from "effect"
import { jsonExactResponse } from "./json/exact-json.ts"

/**
 * An unexpected failure (a defect, an interrupted fiber, a bug in a dialect). Its message is
 * always the fixed text below; the cause is logged server-side, never rendered.
 */
export class InternalError extends Schema.TaggedError<InternalError>()("Internal", {
  message: Schema.String
}) {}

/** The fixed public message of every {@link InternalError}. */
export const internalErrorMessage = "An internal error occurred; the request id identifies it in the server log"

/**
 * The request body is larger than the server accepts (`RequestLimits.maxBodyBytes`); the body was
 * not read past the limit and nothing ran.
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", {
  message: Schema.String,
  limitBytes: Schema.Int
}) {}

/**
 * Too many logins or failed authentications from this client address or for this account name
 * (the host's `AuthThrottle`); nothing ran. Rendered with `Retry-After: <retryAfterSeconds>`.
 */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", {
  message: Schema.String,
  retryAfterSeconds: Schema.Int
}) {}

/**
 * Everything a dialect may have to render: a core ledger error, an {@link InternalError}, or one
 * of the edge's own refusals ({@link PayloadTooLarge}, {@link TooManyRequests}).
 */
export type DialectError = LedgerError | InternalError | PayloadTooLarge | TooManyRequests
export type DialectErrorTag = DialectError["_tag"]

/** Every tag an {@link ErrorTable} must cover, in a stable order. */
export const dialectErrorTags: ReadonlyArray<DialectErrorTag> = [
  "NotFound",
  "ValidationFailed",
  "InvalidTransition",
  "Conflict",
  "Unauthorized",
  "Forbidden",
  "NotImplemented",
  "StorageUnavailable",
  "Overloaded",
  "PayloadTooLarge",
  "TooManyRequests",
  "Internal"
]

/** What a renderer knows about the request that failed. */
export interface ErrorContext {
  readonly requestId: string
  /** The endpoint's operation id; `null` when no endpoint matched. */
  readonly operationId: string | null
  readonly method: string
  /** The request path as received (including the mount's base path). */
  readonly path: string
}

/** How one error tag is rendered: a fixed status, a vendor-shaped body and optional headers. */
export interface ErrorRendering<E> {
  readonly status: number
  readonly body: (error: E, context: ErrorContext) => unknown
  readonly headers?: ((error: E, context: ErrorContext) => Readonly<Record<string, string>>) | undefined
}

/** The dialect's one error table: every {@link DialectErrorTag} → its rendering. */
export type ErrorTable = {
  readonly [Tag in DialectErrorTag]: ErrorRendering<Extract<DialectError, { readonly _tag: Tag }>>
}

/**
 * Renders `error` through `table` as an exact JSON response. An error that says when to come back
 * (`TooManyRequests`, `Overloaded`) always carries `Retry-After` in whole seconds, whatever the
 * table's own headers.
 */
export const renderDialectError = (table: ErrorTable, error: DialectError, context: ErrorContext): Response => {
  const rendering = table[error._tag] as ErrorRendering<DialectError>
  const headers = rendering.headers?.(error, context) ?? {}
  const retryAfter = "retryAfterSeconds" in error ? { "retry-after": String(error.retryAfterSeconds) } : {}
  return jsonExactResponse(rendering.body(error, context), rendering.status, {
    "x-request-id": context.requestId,
    ...headers,
    ...retryAfter
  })
}

/** True when `value` is one of the errors an {@link ErrorTable} renders. */
export const isDialectError = (value: unknown): value is DialectError =>
  typeof value === "object" &&
  value !== null &&
  "_tag" in value &&
  typeof value._tag === "string" &&
  (dialectErrorTags as ReadonlyArray<string>).includes(value._tag)

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** Turns a wire-schema rejection into a `ValidationFailed` listing every field issue. */
export const validationFailedFromSchema = (
  error: Schema.SchemaError,
  location: "body" | "query" | "path"
): ValidationFailed => {
  const issues: Array<FieldIssue> = formatIssues(error.issue).issues.map((issue) => ({
    path: (issue.path ?? []).flatMap((key) => {
      const segment = typeof key === "object" && key !== null && "key" in key ? key.key : key
      return typeof segment === "string" || typeof segment === "number" ? [segment] : []
    }),
    message: issue.message
  }))
  const summary = issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message
  )
  return new ValidationFailed({ message: `Invalid request ${location}: ${summary.join("; ")}`, issues })
}

/** The body was not JSON. */
export const malformedJson = (detail: string): ValidationFailed =>
  new ValidationFailed({
    message: `The request body is not valid JSON: ${detail}`,
    issues: [{ path: [], message: "malformed JSON" }]
  })

/** The endpoint needs a JSON body and got none. */
export const missingBody = (): ValidationFailed =>
  new ValidationFailed({ message: "The request body is required", issues: [{ path: [], message: "missing body" }] })

/** No endpoint of the dialect has this method and path. */
export const routeNotFound = (method: string, path: string): NotFound =>
  new NotFound({ entity: "route", id: `${method} ${path}`, message: `No endpoint ${method} ${path}` })

/** A documented endpoint that Paybridge does not perform. */
export const endpointNotImplemented = (operationId: string): NotImplemented =>
  new NotImplemented({
    operation: operationId,
    message: `${operationId} is part of the vendor's API but is not implemented by Paybridge`
  })

/** The body is over `limitBytes`. */
export const payloadTooLarge = (limitBytes: number): PayloadTooLarge =>
  new PayloadTooLarge({ message: `The request body is larger than ${limitBytes} bytes`, limitBytes })

/** Refused by the login/failed-authentication throttle; retry after `retryAfterSeconds`. */
export const tooManyRequests = (retryAfterSeconds: number): TooManyRequests =>
  new TooManyRequests({
    message: `Too many attempts; try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}`,
    retryAfterSeconds
  })

/** No credentials, or credentials of the wrong style. */
export const missingCredentials = (detail = "Authentication credentials were not provided"): Unauthorized =>
  new Unauthorized({ message: detail })
