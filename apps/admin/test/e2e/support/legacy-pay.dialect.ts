/**
 * A tiny vendor dialect used only by the end-to-end suite: it implements the adapter kit's
 * optional `renderPayment` hook (the real dialects add theirs as they land), so the console's
 * dialect views have one vendor rendering to show and to update after every action. Its shape is
 * a typical legacy one: snake_case, amounts as major-unit strings, upper-case status, and the
 * amount once more as a two-decimal JSON number (`100.00`), which the console must show verbatim.
 */
import { bearerApiKey, defineDialect, type ErrorTable, rawJsonNumber } from "@paybridge/adapter-kit"
import { Effect, Schema } from "effect"

const errorBody = (code: string) => (error: { readonly message: string }) => ({
  error: { code, message: error.message }
})

const errors: ErrorTable = {
  NotFound: { status: 404, body: errorBody("not_found") },
  ValidationFailed: { status: 422, body: errorBody("invalid") },
  InvalidTransition: { status: 409, body: errorBody("invalid_state") },
  Conflict: { status: 409, body: errorBody("conflict") },
  Unauthorized: { status: 401, body: errorBody("unauthorized") },
  Forbidden: { status: 403, body: errorBody("forbidden") },
  NotImplemented: { status: 501, body: errorBody("not_implemented") },
  StorageUnavailable: { status: 503, body: errorBody("unavailable") },
  Overloaded: { status: 503, body: errorBody("busy") },
  PayloadTooLarge: { status: 413, body: errorBody("payload_too_large") },
  TooManyRequests: { status: 429, body: errorBody("too_many_requests") },
  Internal: { status: 500, body: errorBody("internal") }
}

const major = (minor: string | bigint): string => {
  const value = BigInt(minor)
  const sign = value < 0n ? "-" : ""
  const digits = (value < 0n ? -value : value).toString().padStart(3, "0")
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

export const legacyPayDialect = defineDialect({
  id: "legacy-pay",
  title: "Legacy Pay (e2e test dialect)",
  vendorDocs: "https://docs.legacy-pay.invalid/",
  defaultBasePath: "/legacy-pay/v2",
  authenticate: bearerApiKey(),
  renderError: errors,
  errorSchema: Schema.Struct({ error: Schema.Struct({ code: Schema.String, message: Schema.String }) }),
  endpoints: [],
  renderPayment: (detail) =>
    Effect.succeed({
      payment_ref: detail.payment.referenceNumber,
      status: detail.payment.state.toUpperCase(),
      amount: major(detail.payment.amount),
      amount_value: rawJsonNumber(major(detail.payment.amount)),
      amount_reversed: major(detail.payment.reversedAmount),
      amount_allocated: major(detail.payment.allocatedAmount),
      currency: detail.payment.currency,
      invoices: detail.allocations.map((allocation) => ({
        invoice_id: allocation.documentId,
        amount: major(allocation.amount)
      }))
    })
})
