/**
 * The LogiSense Billing v6 dialect (Payment object) over the Paybridge ledger. Mounted by default
 * at `/logisense`, so a LogiSense client whose server URL is `https://<host>/logisense` works
 * unchanged: its resources are under `api/v6/…` and its login under
 * `AuthorizationServer/api/v6/Access/Login`, both below the one base path. Login is form-encoded
 * and issues 30-minute session tokens used as `Authorization: Bearer`, with single-use 24-hour
 * refresh tokens (`grant_type=refresh_token`). Every endpoint of the vendor's Payment page is
 * implemented; writes run in `Ledger.atomically`, so each request is all or nothing and an
 * `Idempotency-Key` replays the first response exactly. This module only assembles the dialect;
 * the endpoints and their handlers live in one `*.endpoints.ts` file per LogiSense resource.
 */
import { defineDialect } from "@paybridge/adapter-kit"
import { accessEndpoints } from "./access.endpoints.ts"
import { logisenseAuthentication, logisenseSessions } from "./logisense.auth.ts"
import { LogisenseError, logisenseErrors } from "./logisense.errors.ts"
import { paymentEndpoints } from "./payment.endpoints.ts"
import { paymentReverseEndpoints } from "./payment-reverse.endpoints.ts"
import { renderPaymentDetail } from "./payment-rows.transformers.ts"
import { paymentSearchEndpoints } from "./payment-search.endpoints.ts"
import { paymentVendorEndpoints } from "./payment-vendor.endpoints.ts"

export const logisenseDialect = defineDialect({
  id: "logisense",
  title: "LogiSense Billing v6 (Payment)",
  vendorDocs: [
    { title: "LogiSense API v6: Payment", url: "https://www.logisense.com/learn/api/v6/Payment/" },
    { title: "LogiSense tokens", url: "https://developer.logisense.com/docs/tokens" },
    { title: "LogiSense search requests", url: "https://developer.logisense.com/docs/search-requests" }
  ],
  description:
    "Form-encoded login (`AuthorizationServer/api/v6/Access/Login`) → 30-minute bearer token; resources under " +
    "`api/v6/`. Amounts are exact JSON numbers in major units, dates ISO 8601 with milliseconds and `Z`. Errors are " +
    "`{trackingId, type, errors:[{code, message}]}`. Reversal rows have negative identities.",
  version: "v6",
  defaultBasePath: "/logisense",
  authenticate: logisenseAuthentication,
  sessions: logisenseSessions,
  renderError: logisenseErrors,
  errorSchema: LogisenseError,
  renderPayment: renderPaymentDetail,
  endpoints: [
    ...accessEndpoints,
    ...paymentEndpoints,
    ...paymentReverseEndpoints,
    ...paymentVendorEndpoints,
    ...paymentSearchEndpoints
  ]
})
