/**
 * Billing Platform (UK) error table. The vendor documents no error body, so Paybridge chose one
 * and uses it for every failure of this dialect:
 * `{ "error": { "code", "message", "fields"?: [{ "field", "message" }], "requestId" } }`.
 * Statuses: 400 invalid input, 401 missing or invalid API key, 403 outside the key's customer
 * scope or role, 404 unknown payment, customer or route, 409 refused by the payment's lifecycle
 * (e.g. deleting posted money) or a conflicting request, 413 a body over the server's limit, 429 too
 * many failed authentications (with `Retry-After`), 501 not performed, 503 retry later.
 */
import type { ErrorContext, ErrorTable } from "@paybridge/adapter-kit"

const body = (code: string, message: string, context: ErrorContext) => ({
  error: { code, message, requestId: context.requestId }
})

export const billingPlatformUkErrors: ErrorTable = {
  NotFound: { status: 404, body: (e, c) => body("not_found", e.message, c) },
  ValidationFailed: {
    status: 400,
    body: (e, c) => ({
      error: {
        code: "invalid_request",
        message: e.message,
        fields: e.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
        requestId: c.requestId
      }
    })
  },
  InvalidTransition: { status: 409, body: (e, c) => body("not_allowed", e.message, c) },
  Conflict: {
    status: 409,
    body: (e, c) => body(e.reason === "idempotency-key-reused" ? "idempotency_key_reused" : "conflict", e.message, c)
  },
  Unauthorized: {
    status: 401,
    body: (e, c) => body("unauthorized", e.message, c),
    headers: () => ({ "www-authenticate": 'Bearer realm="backend-api"' })
  },
  Forbidden: { status: 403, body: (e, c) => body("forbidden", e.message, c) },
  NotImplemented: { status: 501, body: (e, c) => body("not_implemented", e.message, c) },
  StorageUnavailable: {
    status: 503,
    body: (_e, c) => body("unavailable", "The service is temporarily unavailable; try again shortly", c),
    headers: () => ({ "retry-after": "1" })
  },
  Overloaded: {
    status: 503,
    body: (e, c) => body("unavailable", e.message, c)
  },
  PayloadTooLarge: { status: 413, body: (e, c) => body("payload_too_large", e.message, c) },
  TooManyRequests: { status: 429, body: (e, c) => body("too_many_requests", e.message, c) },
  Internal: { status: 500, body: (e, c) => body("internal_error", e.message, c) }
}
