/**
 * CRM.COM's error table. Every failure is CRM.COM's envelope with a non-OK `status.code`, a human
 * `status.message`, a `status.description` (the field issues, or null) and `data: null`. Like the
 * vendor's RPC-style API, refusals a client can act on travel with HTTP 200 and are told apart by
 * `status.code`; only faults of the server itself use HTTP 5xx, and the server's own protections
 * (a body over its size limit, a throttled login) use 413 and 429 (with `Retry-After`), as a proxy
 * in front of CRM.COM would:
 *
 * | ledger error         | status.code              | HTTP |
 * | -------------------- | ------------------------ | ---- |
 * | Unauthorized         | INVALID_TOKEN / AUTHENTICATION_FAILED | 200 |
 * | Forbidden            | PERMISSION_DENIED        | 200  |
 * | ValidationFailed     | INVALID_PARAMETERS       | 200  |
 * | NotFound             | NOT_FOUND                | 200  |
 * | InvalidTransition    | INVALID_LIFE_CYCLE_STATE | 200  |
 * | Conflict             | CONFLICT / IDEMPOTENCY_KEY_REUSED | 200 |
 * | NotImplemented       | NOT_SUPPORTED            | 501  |
 * | StorageUnavailable   | SERVICE_UNAVAILABLE      | 503  |
 * | Overloaded           | SERVICE_UNAVAILABLE      | 503  |
 * | PayloadTooLarge      | REQUEST_TOO_LARGE        | 413  |
 * | TooManyRequests      | TOO_MANY_REQUESTS        | 429  |
 * | Internal             | INTERNAL_ERROR           | 500  |
 */
import type { ErrorTable } from "@paybridge/adapter-kit"
import type { FieldIssue } from "@paybridge/core"

/** The ledger's command field names → the CRM.COM parameter a client sent. */
const parameterOf: Readonly<Record<string, string>> = {
  amount: "payment_amount",
  cardToken: "card_identifier",
  methodId: "payment_method_identifier",
  typeId: "type_identifier",
  customerId: "accounts_receivable_identifier",
  documentId: "invoice_identifier",
  allocations: "invoices_to_pay_set",
  paymentDate: "received_on",
  initialState: "life_cycle_state",
  gatewayId: "payment_method_identifier",
  reason: "rejection_reason_identifier"
}

const issueText = (issue: FieldIssue): string => {
  const [head, ...rest] = issue.path
  const path = [typeof head === "string" ? (parameterOf[head] ?? head) : head, ...rest]
    .filter((segment) => segment !== undefined)
    .join(".")
  return path === "" ? issue.message : `${path}: ${issue.message}`
}

/** One error body. */
export const crmError = (code: string, message: string, description: string | null = null) => ({
  status: { message, description, code },
  data: null
})

export const crmComErrors: ErrorTable = {
  Unauthorized: {
    status: 200,
    body: (e) => crmError(/token/iu.test(e.message) ? "INVALID_TOKEN" : "AUTHENTICATION_FAILED", e.message, null)
  },
  Forbidden: { status: 200, body: (e) => crmError("PERMISSION_DENIED", e.message) },
  ValidationFailed: {
    status: 200,
    body: (e) => crmError("INVALID_PARAMETERS", e.message, e.issues.map(issueText).join("; ") || null)
  },
  NotFound: { status: 200, body: (e) => crmError("NOT_FOUND", e.message) },
  InvalidTransition: {
    status: 200,
    body: (e) => crmError("INVALID_LIFE_CYCLE_STATE", e.message)
  },
  Conflict: {
    status: 200,
    body: (e) => crmError(e.reason === "idempotency-key-reused" ? "IDEMPOTENCY_KEY_REUSED" : "CONFLICT", e.message)
  },
  NotImplemented: { status: 501, body: (e) => crmError("NOT_SUPPORTED", e.message) },
  StorageUnavailable: {
    status: 503,
    body: () => crmError("SERVICE_UNAVAILABLE", "The service is temporarily unavailable; try again shortly")
  },
  Overloaded: { status: 503, body: (e) => crmError("SERVICE_UNAVAILABLE", e.message) },
  PayloadTooLarge: { status: 413, body: (e) => crmError("REQUEST_TOO_LARGE", e.message) },
  TooManyRequests: { status: 429, body: (e) => crmError("TOO_MANY_REQUESTS", e.message) },
  Internal: { status: 500, body: (e, context) => crmError("INTERNAL_ERROR", e.message, `request ${context.requestId}`) }
}
