/**
 * LogiSense's error table: every core error tag → its HTTP status and the vendor's body
 * `{trackingId, type, errors:[{code, message}]}`, listing every problem at once, with the numeric
 * codes documented in the README (LogiSense's own `11900000` for an invalid field, `13100000` for
 * a reference to an object that does not exist and `2000` for the closing "errors found" line;
 * Paybridge-assigned codes for the rest), and the error body schema. The tracking id is the
 * request id when that is a UUID, otherwise a UUID derived from it, so a request's response and
 * its error agree. Below the table: the errors handlers raise (validation issues, references that
 * do not exist, amount limits as validation errors, the 404 of a payment, a gateway's decline).
 */
import { createHash } from "node:crypto"
import type { ErrorContext, ErrorTable } from "@paybridge/adapter-kit"
import { Conflict, type FieldIssue, type LedgerError, NotFound, type Payment, ValidationFailed } from "@paybridge/core"
import { Effect, Schema } from "effect"
import { InvalidField } from "./logisense.schemas.ts"

/** Every LogiSense error: `{trackingId, type, errors:[{code, message}]}` (every problem at once). */
export const LogisenseError = Schema.Struct({
  trackingId: Schema.String,
  type: Schema.String,
  errors: Schema.Array(Schema.Struct({ code: Schema.Int, message: Schema.String }))
}).annotate({ identifier: "LogisenseError" })

/** The numeric error codes this dialect sends. */
export const logisenseErrorCodes = {
  invalidField: 11900000,
  doesNotExist: 13100000,
  errorsFound: 2000,
  notAllowedNow: 12000000,
  gatewayDeclined: 15000000,
  conflict: 14000000,
  unauthorized: 10100000,
  forbidden: 10300000,
  notFound: 10400000,
  payloadTooLarge: 11300000,
  tooManyRequests: 12900000,
  notImplemented: 50100000,
  unavailable: 50300000,
  internal: 50000000
} as const

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu

/** The `trackingId` of a request: its request id when that is a UUID, else a UUID derived from it. */
export const trackingIdOf = (requestId: string): string => {
  if (uuidPattern.test(requestId)) return requestId.toLowerCase()
  const hex = createHash("sha1").update(`paybridge-logisense:${requestId}`).digest("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** The envelope `type` of an operation (`create`, `update`, `patch`, `delete`, or the read kind). */
export const envelopeTypeOf = (operationId: string | null, method: string): string => {
  switch (operationId) {
    case "login":
      return "login"
    case "searchPayments":
      return "search"
    case "patchPayment":
      return "patch"
    default:
      return method === "POST"
        ? "create"
        : method === "PUT"
          ? "update"
          : method === "PATCH"
            ? "patch"
            : method === "DELETE"
              ? "delete"
              : "get"
  }
}

const pascal = (segment: string | number): string =>
  typeof segment === "number" ? `[${segment}]` : segment.charAt(0).toUpperCase() + segment.slice(1)

/**
 * The ledger's command field names that LogiSense calls otherwise (a refusal raised by a ledger
 * command names the client's field: `'PaymentMethodId'`, not `'MethodId'`).
 */
const ledgerFieldNames: Readonly<Record<string, string>> = {
  customerId: "accountId",
  methodId: "paymentMethodId",
  typeId: "paymentTypeId",
  gatewayId: "paymentGatewayId",
  paymentDate: "date",
  receivedAt: "date",
  postedOn: "posting",
  postedAt: "posting",
  effectiveDate: "date",
  documentId: "invoiceId",
  description: "detail",
  reason: "detail"
}

/** `["payments","items",0,"amount"]` → `Payments.Items[0].Amount`. */
export const fieldName = (path: ReadonlyArray<string | number>): string =>
  path
    .map((segment) => (typeof segment === "string" ? (ledgerFieldNames[segment] ?? segment) : segment))
    .map(pascal)
    .reduce((name, part) => (name === "" || part.startsWith("[") ? `${name}${part}` : `${name}.${part}`), "")

/** The code of one validation issue: a missing reference or an invalid value. */
const issueCode = (issue: FieldIssue): number =>
  /does not exist/u.test(issue.message) ? logisenseErrorCodes.doesNotExist : logisenseErrorCodes.invalidField

const issueMessage = (issue: FieldIssue): string =>
  issue.path.length === 0 ? issue.message : `'${fieldName(issue.path)}' ${issue.message}`

const body = (context: ErrorContext, errors: ReadonlyArray<{ code: number; message: string }>) => ({
  trackingId: trackingIdOf(context.requestId),
  type: envelopeTypeOf(context.operationId, context.method),
  errors
})

const one = (code: number) => (error: { readonly message: string }, context: ErrorContext) =>
  body(context, [{ code, message: error.message }])

export const logisenseErrors: ErrorTable = {
  NotFound: { status: 404, body: one(logisenseErrorCodes.notFound) },
  ValidationFailed: {
    status: 400,
    body: (error, context) =>
      body(context, [
        ...(error.issues.length === 0
          ? [{ code: logisenseErrorCodes.invalidField, message: error.message }]
          : error.issues.map((issue) => ({ code: issueCode(issue), message: issueMessage(issue) }))),
        { code: logisenseErrorCodes.errorsFound, message: "Errors found. Transaction has been rolled back." }
      ])
  },
  InvalidTransition: { status: 400, body: one(logisenseErrorCodes.notAllowedNow) },
  Conflict: { status: 409, body: one(logisenseErrorCodes.conflict) },
  Unauthorized: {
    status: 401,
    body: one(logisenseErrorCodes.unauthorized),
    headers: () => ({ "www-authenticate": 'Bearer realm="LogiSense"' })
  },
  Forbidden: { status: 403, body: one(logisenseErrorCodes.forbidden) },
  NotImplemented: { status: 501, body: one(logisenseErrorCodes.notImplemented) },
  StorageUnavailable: { status: 503, body: one(logisenseErrorCodes.unavailable) },
  Overloaded: { status: 503, body: one(logisenseErrorCodes.unavailable) },
  PayloadTooLarge: { status: 413, body: one(logisenseErrorCodes.payloadTooLarge) },
  TooManyRequests: { status: 429, body: one(logisenseErrorCodes.tooManyRequests) },
  Internal: { status: 500, body: one(logisenseErrorCodes.internal) }
}

// ---------------------------------------------------------------------------------------------
// Errors the handlers raise (rendered through the table above)

type Path = ReadonlyArray<string | number>

/** A validation error listing every issue (message: the issues joined). */
export const invalid = (issues: ReadonlyArray<FieldIssue>) =>
  new ValidationFailed({ message: issues.map((issue) => issue.message).join("; "), issues: [...issues] })

/**
 * Takes the values the wire schema refused ({@link InvalidField}) out of a decoded body: the body
 * without them, and their issues under `path`, to be reported with every other problem the
 * handler finds (LogiSense answers all errors of a request at once).
 */
export const withoutInvalid = <T extends object>(
  body: T,
  path: Path = []
): { readonly body: T; readonly issues: ReadonlyArray<FieldIssue> } => {
  const issues: Array<FieldIssue> = []
  const clean: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (value instanceof InvalidField) {
      for (const issue of value.issues) issues.push({ path: [...path, key, ...issue.path], message: issue.message })
    } else clean[key] = value
  }
  return { body: clean as T, issues }
}

/** A referenced object that does not exist (code 13100000: the message says "does not exist"). */
export const doesNotExist = (path: Path, id: number, object: string): FieldIssue => ({
  path: [...path],
  message: `(${id}) does not exist in '${object}'`
})

/** Amount limits broken inside a command (over-allocation, over-reversal) are validation errors of `amount`. */
export const limitsAsValidation =
  (path: Path) =>
  <A, R>(effect: Effect.Effect<A, LedgerError, R>): Effect.Effect<A, LedgerError, R> =>
    Effect.catchIf(
      effect,
      (error): error is Conflict =>
        error instanceof Conflict && (error.reason === "insufficient-amount" || error.reason === "over-allocation"),
      (error) => Effect.fail(invalid([{ path: [...path], message: error.message }]))
    )

/** `NotFound` of an object the request refers to (not the payment it is about) → a validation error. */
export const referencesAsValidation =
  (path: Path) =>
  <A, R>(effect: Effect.Effect<A, LedgerError, R>): Effect.Effect<A, LedgerError, R> =>
    Effect.catchTag(effect, "NotFound", (error) =>
      Effect.fail(invalid([{ path: [...path], message: `(${error.id}) does not exist in '${error.entity}'` }]))
    )

/** The payment (or reversal row) a request is about does not exist, or LogiSense would not show it (404). */
export const paymentNotFound = (identity: number) =>
  new NotFound({ entity: "Payment", id: String(identity), message: `Payment (${identity}) does not exist` })

/** The decline of a Payment/Vendor charge as LogiSense's error list. */
export const declinedErrors = (payment: Payment) => [
  {
    code: logisenseErrorCodes.gatewayDeclined,
    message: `The payment gateway declined the payment (${payment.gatewayReference ?? "no reference"}): ${payment.rejectionReason ?? "declined"}`
  }
]
