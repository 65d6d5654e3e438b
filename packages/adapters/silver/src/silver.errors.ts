/**
 * Silver's error table: every core error tag → the status and body Django REST Framework sent.
 * Silver answered authentication problems with 403 (session authentication came first, so no
 * `WWW-Authenticate` challenge), unknown objects with `{"detail": "Not found."}` and field
 * problems with `{"<field>": ["…"]}` / `{"non_field_errors": ["…"]}`. Most of Silver's field errors
 * are produced by the handlers themselves in these shapes (collected with {@link FieldErrors}); the
 * table covers whatever reaches it.
 */
import type { DialectResponse, ErrorTable } from "@paybridge/adapter-kit"
import { type FieldResult, pythonTypeName } from "./silver.schemas.ts"

export const notProvided = "Authentication credentials were not provided."
export const invalidCredentials = "Invalid username/password."
export const invalidToken = "Invalid token."
const silverAuthTexts = new Set([notProvided, invalidCredentials, invalidToken])

/** DRF's body for a 405. */
export const methodNotAllowed = (method: string) => ({ detail: `Method "${method}" not allowed.` })

/** The ledger's command field names → Silver's serializer fields (a refusal the ledger raises names the client's field). */
const ledgerFieldNames: Readonly<Record<string, string>> = {
  customerId: "customer",
  billingEntityId: "provider",
  documentId: "invoice",
  allocations: "invoice"
}

export const silverErrors: ErrorTable = {
  NotFound: { status: 404, body: () => ({ detail: "Not found." }) },
  ValidationFailed: {
    status: 400,
    body: (e) => {
      if (e.message.startsWith("The request body is not valid JSON")) {
        return { detail: `JSON parse error - ${e.message.replace(/^The request body is not valid JSON: /u, "")}` }
      }
      // Keyed by the client's own field names (`__proto__` included), so a Map, never a plain object's properties.
      const byField = new Map<string, Array<string>>()
      for (const issue of e.issues) {
        const field =
          typeof issue.path[0] === "string" ? (ledgerFieldNames[issue.path[0]] ?? issue.path[0]) : "non_field_errors"
        byField.set(field, [...(byField.get(field) ?? []), issue.message])
      }
      return byField.size === 0 ? { non_field_errors: [e.message] } : Object.fromEntries(byField)
    }
  },
  InvalidTransition: { status: 400, body: (e) => ({ non_field_errors: [e.message] }) },
  Conflict: { status: 409, body: (e) => ({ detail: e.message }) },
  Unauthorized: {
    status: 403,
    body: (e) => ({ detail: silverAuthTexts.has(e.message) ? e.message : notProvided })
  },
  Forbidden: { status: 403, body: () => ({ detail: "You do not have permission to perform this action." }) },
  NotImplemented: { status: 501, body: (e) => ({ detail: e.message }) },
  StorageUnavailable: {
    status: 503,
    body: () => ({ detail: "Service temporarily unavailable, try again later." }),
    headers: () => ({ "retry-after": "1" })
  },
  Overloaded: {
    status: 503,
    body: () => ({ detail: "Service temporarily unavailable, try again later." })
  },
  PayloadTooLarge: { status: 413, body: () => ({ detail: "Request body too large." }) },
  // DRF's `Throttled` (rest_framework/exceptions.py of the era), with its `Retry-After` header.
  TooManyRequests: {
    status: 429,
    body: (e) => ({
      detail: `Request was throttled. Expected available in ${e.retryAfterSeconds} second${e.retryAfterSeconds === 1 ? "" : "s"}.`
    })
  },
  Internal: { status: 500, body: (e) => ({ detail: e.message }) }
}

// ---------------------------------------------------------------------------------------------
// Answers the handlers give themselves

/** DRF's 404 for an unknown object (or one outside the caller's scope). */
export const notFoundResponse = (): DialectResponse => ({ status: 404, body: { detail: "Not found." } })

/** DRF's 404 for a page number out of range or not a number. */
export const invalidPage = (): DialectResponse => ({ status: 404, body: { detail: "Invalid page." } })

/** DRF's answer to a body that is not a JSON object. */
export const notADictionary = (body: unknown) => ({
  status: 400,
  body: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(body)}.`] }
})

/** Field errors in serializer order, as DRF collected them. */
export class FieldErrors {
  readonly errors: Record<string, Array<string>> = Object.create(null)
  add(field: string, message: string) {
    this.errors[field] = [...(Object.hasOwn(this.errors, field) ? (this.errors[field] ?? []) : []), message]
  }
  check<A>(field: string, result: FieldResult<A>): A | undefined {
    if (result.ok) return result.value
    this.add(field, result.error)
    return undefined
  }
  get any() {
    return Object.keys(this.errors).length > 0
  }
}
