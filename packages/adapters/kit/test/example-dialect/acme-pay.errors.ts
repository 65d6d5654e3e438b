/**
 * Acme Pay's error table: every core error tag → its HTTP status and Acme's error body
 * `{ "error": { "code", "message", "fields"? } }`. The kit sends every failure through it.
 */
import type { ErrorTable } from "@paybridge/adapter-kit"

const body = (code: string, message: string) => ({ error: { code, message } })

export const acmeErrors: ErrorTable = {
  NotFound: { status: 404, body: (e) => body("not_found", e.message) },
  ValidationFailed: {
    status: 422,
    body: (e) => ({
      error: {
        code: "invalid_request",
        message: e.message,
        fields: e.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }))
      }
    })
  },
  InvalidTransition: { status: 409, body: (e) => body("invalid_state", e.message) },
  Conflict: {
    status: 409,
    body: (e) => body(e.reason === "idempotency-key-reused" ? "idempotency_key_reused" : "conflict", e.message)
  },
  Unauthorized: {
    status: 401,
    body: (e) => body("unauthorized", e.message),
    headers: () => ({ "www-authenticate": 'Bearer realm="acme"' })
  },
  Forbidden: { status: 403, body: (e) => body("forbidden", e.message) },
  NotImplemented: { status: 501, body: (e) => body("not_implemented", e.message) },
  StorageUnavailable: { status: 503, body: () => body("unavailable", "Try again shortly") },
  Overloaded: { status: 503, body: (e) => body("busy", e.message) },
  PayloadTooLarge: { status: 413, body: (e) => body("payload_too_large", e.message) },
  TooManyRequests: { status: 429, body: (e) => body("too_many_requests", e.message) },
  Internal: { status: 500, body: (e) => body("internal_error", e.message) }
}
