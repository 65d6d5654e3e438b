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
  deviations: [
    {
      what: "`baseAmount` is not converted: with the owner currency equal to the account's it equals `amount` (a different value is refused); otherwise it is the client's value kept verbatim, or `null` (disbursements and reversal rows: `null` unless given).",
      why: "The ledger holds no exchange rates, so it never invents a converted amount."
    },
    {
      what: "Reversal rows have negative identities (the negative ledger reversal id).",
      why: "The ledger keeps reversals as records of the original payment; negative identities never collide with payment ids, without a mapping table."
    },
    {
      what: "The bodies of `Payment/Reverse`, `Payment/Reverse/Vendor` and `Payment/Vendor` follow Paybridge's proposed contract (`{paymentId, amount?, date?, detail?}`, `{accountId, amount, paymentGatewayId | paymentMethodId, cardToken?, …}`).",
      why: "LogiSense does not publish these bodies (vendor-notes §3.5); the contract follows the documented fields and rules."
    },
    {
      what: "DELETE of a posted offline payment not issued to an invoice books a full reversal and hides the payment from LogiSense (404 afterwards); DELETE of gateway payments or payments issued to an invoice is refused.",
      why: "The ledger never deletes posted money; other protocols see the payment reversed."
    },
    {
      what: "Lists and Search show posted payments only; drafts and pending gateway payments are visible by identity only; rejected and cancelled payments answer 404.",
      why: "LogiSense has no status field and its lists show successful payments only."
    },
    {
      what: "The `OutputFormat` and `Filter` GET headers and DataFlow PATCH are not supported (ignored / not accepted).",
      why: "Not needed by the Payment clients migrated so far; documented as not done."
    },
    {
      what: "Search filters in process over at most 10 000 ledger payments; a wider request is refused asking to narrow it (by account, type, method or identity).",
      why: "Terms on computed fields cannot be pushed into the ledger query; the bound is the vendor's own `top` maximum."
    },
    {
      what: "Times without an offset are read as UTC; every time is written back in UTC (`…Z`), an offset as the same instant.",
      why: "Paybridge has no tenant time zone; the instant is kept exactly."
    },
    {
      what: "Error codes other than LogiSense's 11900000, 13100000 and 2000 are Paybridge's (10100000 unauthorized, 10400000 not found, 12000000 not allowed now, …).",
      why: "LogiSense publishes only the validation codes; each other situation gets one stable code."
    },
    {
      what: "Refresh tokens are single use and live 24 hours; `actingOwnerId` is always 1.",
      why: "LogiSense publishes no refresh-token lifetime; a Paybridge server is one owner."
    },
    {
      what: "A PATCH `update` of an invoice disbursement changes its amount only; moving it to another invoice is refused (delete and create instead).",
      why: "The disbursement keeps its identity because the ledger adjusts the allocation in place; a different invoice is a different allocation."
    },
    {
      what: "A payment is in its account's currency only (one currency per account).",
      why: "The ledger keeps one running balance per customer in one ISO 4217 currency."
    }
  ],
  endpoints: [
    ...accessEndpoints,
    ...paymentEndpoints,
    ...paymentReverseEndpoints,
    ...paymentVendorEndpoints,
    ...paymentSearchEndpoints
  ]
})
