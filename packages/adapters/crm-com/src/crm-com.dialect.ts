/**
 * The CRM.COM Web API v4 dialect, assembled: the `authentication` methods (`authentication/token`,
 * `authentication/token/release`, `authentication/web_api_key/token`) and the `payments` methods
 * (`payments/show`, `list`, `get_latest`, `create`, `update`, `pay_invoice`, `pay_bill`, `post`,
 * `reject`, `cancel`) over the Paybridge ledger, under `/crmapi/rest/v4` by default, with CRM.COM's
 * token parameter, error table and full payment. See README.md for every mapping and decision.
 */
import { defineDialect } from "@paybridge/adapter-kit"
import { authenticationEndpoints } from "./authentication.endpoints.ts"
import { crmComAuthentication, crmComSessions } from "./crm-com.auth.ts"
import { crmComErrors } from "./crm-com.errors.ts"
import { CrmComError } from "./crm-com.schemas.ts"
import { crmComPresets, makeLoader } from "./crm-com.transformers.ts"
import { paymentsEndpoints } from "./payments.endpoints.ts"
import { fullPayment } from "./payments.transformers.ts"

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
  endpoints: [...authenticationEndpoints, ...paymentsEndpoints]
})
