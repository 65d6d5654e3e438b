/**
 * Elevate's error table: every core error tag → its HTTP status and the Elevate error body
 * `{ status, error, message, path, requestId, errors? }`. Elevate documents 400, 401, 403 and
 * 404; Paybridge keeps those for validation, credentials, permissions and unknown records, and
 * adds 409 (a refused state change or a conflicting request), 413 (a body over the server's
 * limit), 429 (too many logins or failed authentications, with `Retry-After`), 501 (documented
 * endpoints it does not perform), 503 (storage down or every password-hashing slot busy) and 500
 * (an unexpected defect), always in the same shape.
 */
import type { ErrorContext, ErrorTable } from "@paybridge/adapter-kit"

const reasons: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable"
}

const body = (status: number, message: string, context: ErrorContext) => ({
  status,
  error: reasons[status] ?? "Error",
  message,
  path: context.path,
  requestId: context.requestId
})

/** The ledger's command field names → the Elevate request field a client sent (refusals name the client's field). */
const fieldOf: Readonly<Record<string, string>> = {
  amount: "amountInMajorCurrency",
  customerId: "customerId",
  documentId: "invoiceId",
  allocations: "invoiceId",
  gatewayId: "paymentProviderId",
  cardToken: "mandateReference",
  thirdPartyReference: "reference",
  reason: "description"
}

/** An issue's path with the first segment in Elevate's name. */
const fieldName = (path: ReadonlyArray<string | number>): string =>
  path
    .map((segment, index) => (index === 0 && typeof segment === "string" ? (fieldOf[segment] ?? segment) : segment))
    .join(".")

export const elevateErrors: ErrorTable = {
  NotFound: { status: 404, body: (e, context) => body(404, e.message, context) },
  ValidationFailed: {
    status: 400,
    body: (e, context) => ({
      ...body(400, e.message, context),
      errors: e.issues.map((issue) => ({ field: fieldName(issue.path), message: issue.message }))
    })
  },
  InvalidTransition: { status: 409, body: (e, context) => body(409, e.message, context) },
  Conflict: { status: 409, body: (e, context) => body(409, e.message, context) },
  Unauthorized: {
    status: 401,
    body: (e, context) => body(401, e.message, context),
    headers: () => ({ "www-authenticate": 'Bearer realm="elevate"' })
  },
  Forbidden: { status: 403, body: (e, context) => body(403, e.message, context) },
  NotImplemented: { status: 501, body: (e, context) => body(501, e.message, context) },
  StorageUnavailable: {
    status: 503,
    body: (_e, context) => body(503, "The service is temporarily unavailable; try again shortly", context)
  },
  Overloaded: { status: 503, body: (e, context) => body(503, e.message, context) },
  PayloadTooLarge: { status: 413, body: (e, context) => body(413, e.message, context) },
  TooManyRequests: { status: 429, body: (e, context) => body(429, e.message, context) },
  Internal: { status: 500, body: (e, context) => body(500, e.message, context) }
}
