/**
 * The CRM.COM Web API v4 dialect, assembled: the `authentication` methods (`authentication/token`,
 * `authentication/token/release`, `authentication/web_api_key/token`) and the `payments` methods
 * (`payments/show`, `list`, `get_latest`, `create`, `update`, `pay_invoice`, `pay_bill`, `post`,
 * `reject`, `cancel`) over the Paybridge ledger, under `/crmapi/rest/v4` by default, with CRM.COM's
 * token parameter, error table and full payment. See README.md for every mapping and decision.
 */
import { defineDialect } from "@paybridge/adapter-kit"
import { authenticationEndpoints } from "./authentication.endpoints.ts"
import { crmComPresets } from "./configuration.transformers.ts"
import { crmComAuthentication, crmComSessions } from "./crm-com.auth.ts"
import { crmComErrors } from "./crm-com.errors.ts"
import { CrmComError } from "./crm-com.schemas.ts"
import { fullPayment } from "./full-payment.transformers.ts"
import { makeLoader } from "./payment-loader.transformers.ts"
import { paymentsEndpoints } from "./payments.endpoints.ts"

export const crmComDialect = defineDialect({
  id: "crm-com",
  title: "CRM.COM Web API v4",
  vendorDocs: [
    {
      title: "CRM.COM Web API V4: payments",
      url: "https://crmdevelopment.atlassian.net/wiki/pages/viewpage.action?pageId=522625"
    },
    {
      title: "CRM.COM Web API V4: authentication",
      url: "https://crmdevelopment.atlassian.net/wiki/pages/viewpage.action?pageId=494531"
    }
  ],
  description:
    "CRM.COM's RPC-style payments methods. Log in with `authentication/token` (e-mail, password, organisation, optional unit) or `authentication/web_api_key/token` (a Paybridge API key as the HTTP Basic user name, empty password) and send the token as the `token` parameter: query string for GET, JSON body for POST. Tokens expire two hours after issue. Every answer is `{status:{message,description,code},data}`; refusals use HTTP 200 with a non-OK `status.code`. Identifiers are objects with exactly one field (`param=field=value` in GET query strings); amounts are JSON numbers in major units (decimal strings accepted); datetimes `yyyy-MM-ddTHH:mm:ss` (UTC).",
  version: "v4",
  defaultBasePath: "/crmapi/rest/v4",
  authenticate: crmComAuthentication,
  sessions: crmComSessions,
  renderError: crmComErrors,
  errorSchema: CrmComError,
  // The admin console's "what does a CRM.COM client see": the `data` of payments/show.
  renderPayment: (detail) => fullPayment(detail, makeLoader()),
  // Units, categories, rejection reasons and cancellation types: managed on the console's Presets page.
  presets: crmComPresets,
  deviations: [
    {
      what: "`username` is the Paybridge user's e-mail, and users in responses show the e-mail as `username` and `email`; `organisation` is required but not checked.",
      why: "Paybridge users are identified by e-mail and one Paybridge server serves one organisation."
    },
    {
      what: "Tokens live in the server process's memory: a restart signs every client out.",
      why: "Tokens expire two hours after issue anyway (CRM.COM R12+), so clients already log in again regularly."
    },
    {
      what: "Errors are answered in the envelope with HTTP 200 and Paybridge's `status.code` values (`INVALID_PARAMETERS`, `NOT_FOUND`, `INVALID_LIFE_CYCLE_STATE`, `INVALID_TOKEN`, …).",
      why: "CRM.COM's error envelope and codes were not published (vendor-notes §2.5); the envelope follows its success envelope, HTTP 200 as RPC-style clients expect."
    },
    {
      what: "`payments/cancel` reverses the payment's whole unreversed amount in the ledger and records the payment cancellation (type, category, notes, UDFs) beside it; the cancellation's `number` and `reference_number` are the reversal's id.",
      why: "The ledger has no separate cancellation transaction: a reversal moves the same money back, and every protocol sees the payment reversed."
    },
    {
      what: "The `payments/cancel` answer shows the payment POSTED (as the vendor's example does); every later read shows it CANCELLED, as does a payment fully reversed through another protocol.",
      why: "Clients written against the example keep working, and the state list's CANCELLED reports what the ledger's money says."
    },
    {
      what: "A gateway payment awaiting the gateway is DRAFT in the full payment and PENDING_VERIFICATION in the short payment; `post`, `update` and `reject` refuse it.",
      why: "The full payment documents only DRAFT, POSTED, REJECTED, CANCELLED; such a payment is not posted yet, and it is the gateway, not the client, that posts or rejects it."
    },
    {
      what: "Datetimes are read and written as UTC (`yyyy-MM-ddTHH:mm:ss` without zone).",
      why: "CRM.COM datetimes carry no zone; Paybridge has no tenant time zone, so UTC is the one unambiguous reading."
    },
    {
      what: "The `reference_number` of an invoice or bill is its ledger id.",
      why: "Ledger documents have a number but no separate reference number."
    },
    {
      what: "`payments/update` cannot move a payment to another accounts receivable, change its invoices/bills or switch a draft to a gateway-linked method.",
      why: "The ledger charges gateways only when a payment is created, and a payment stays on its customer."
    },
    {
      what: "A payment is in its customer's currency only (one currency per accounts receivable).",
      why: "The ledger keeps one running balance per customer in one ISO 4217 currency."
    }
  ],
  endpoints: [...authenticationEndpoints, ...paymentsEndpoints]
})
