/**
 * The Silver (Presslabs) dialect: Silver's payments API of late 2016 (`/customers/<id>/payments/`
 * with its hyperlinked customers, providers, invoices and proformas) over the Paybridge ledger,
 * behaving as Silver's code did (@00bc43d) where its doc page disagrees. This module only
 * assembles it: the vendor's identity and docs, authentication (`silver.auth.ts`), the error table
 * (`silver.errors.ts`), the console's payment rendering, the endpoints of each Silver resource
 * (`<resource>.endpoints.ts`, in registry order), and in front of the kit's app the two things
 * its registry does not route — Django's APPEND_SLASH redirects and DRF's OPTIONS answers. Every
 * handler calls only the Ledger; Silver-only attributes (visible, due date, document links, provider
 * and customer details) live in dialect records. See README.md for the status mapping, the
 * reversal rule and every deliberate difference from Silver.
 */
import {
  type Dialect,
  defaultRequestLimits,
  defineDialect,
  type Endpoint,
  queryLimitProblem,
  renderDialectError
} from "@paybridge/adapter-kit"
import { Hono } from "hono"
import { customersEndpoints } from "./customers.endpoints.ts"
import { invoicesEndpoints } from "./invoices.endpoints.ts"
import { paymentsEndpoints, paymentsOptions } from "./payments.endpoints.ts"
import { renderSilverPayment } from "./payments.transformers.ts"
import { proformasEndpoints } from "./proformas.endpoints.ts"
import { providersEndpoints } from "./providers.endpoints.ts"
import { authenticateOutsideRegistry, silverAuthentication } from "./silver.auth.ts"
import { silverErrors } from "./silver.errors.ts"
import { SilverError } from "./silver.schemas.ts"
import { appendSlash, frontRequestId, unslashedPaths } from "./silver.transformers.ts"

const endpoints: ReadonlyArray<Endpoint> = [
  ...paymentsEndpoints,
  ...customersEndpoints,
  ...providersEndpoints,
  ...invoicesEndpoints,
  ...proformasEndpoints
]

const definition = defineDialect({
  id: "silver",
  title: "Silver (Presslabs)",
  vendorDocs: [
    {
      title: "Silver payments (docs/payments/payment.md)",
      url: "https://www.presslabs.com/docs/code/silver/payments/payment/"
    },
    {
      title: "Silver source @00bc43d (last commit with payments)",
      url: "https://github.com/silverapp/silver/tree/00bc43d9b98dca0db680a69bfb2e2df50d14f2ad"
    }
  ],
  description:
    "Silver's payments API as its code behaved at 00bc43d (Dec 2016): HTTP Basic (e-mail + password) or `Authorization: Token <API key>`, DRF error bodies, amounts as two-decimal strings, absolute hyperlinks with trailing slashes, page-number pagination with Silver's Link header. Served under /silver by default (DIALECT_BASE_PATHS=silver=<path> moves it).",
  version: "0.1.5b",
  defaultBasePath: "/silver",
  trailingSlash: "strict",
  renderPayment: (detail, { basePath }) => renderSilverPayment(detail, basePath),
  authenticate: silverAuthentication,
  renderError: silverErrors,
  errorSchema: SilverError,
  deviations: [
    {
      what: "A payment's currency must be its customer's (`Payments of this customer must be in USD.`); Silver allowed any currency per payment.",
      why: "The ledger keeps one running balance per customer in one ISO 4217 currency."
    },
    {
      what: "Amount `0.00` is refused (`Ensure this value is greater than or equal to 0.01.`, the currency's least amount), and OPTIONS shows `amount.min_value` 0.01.",
      why: "Ledger payments are greater than zero."
    },
    {
      what: "Amounts have their currency's ISO 4217 decimals instead of two: shown `200.00` (USD), `2.125` (BHD, KWD), `5000` (JPY); on input more decimals than the currency has are refused in DRF's words, but for trailing zeros within Silver's two places (JPY `5000.00` is taken as 5000).",
      why: "Every stored amount is shown exactly (two decimals would cut a 3-decimal amount), and a client may send what it is shown."
    },
    {
      what: "A reversal made elsewhere shows as `canceled` (fully reversed, original amount) or `paid` with the amount that stands (partly reversed); a rejected payment shows as `canceled`.",
      why: "Silver has no state after `paid` and no rejected state; `canceled` is final, so a Silver client will not try to move it."
    },
    {
      what: "A PATCH on a payment whose open collection was not started by Silver is refused (`Cannot update a payment with active transactions.`).",
      why: "Silver's doc forbids changes during an ongoing transaction though its code never enforced it; in Paybridge a collection really can be under way elsewhere."
    },
    {
      what: "Invoices and proformas are read-only (issued through tRPC); `series`, entries, archived provider/customer and sales tax are not kept.",
      why: "Documents are the ledger's; only the payment resource is migrated."
    },
    {
      what: "A create or PATCH runs as one all-or-nothing ledger unit and an `Idempotency-Key` replays it; only the best-effort allocation of a paid payment to its document runs on its own.",
      why: "Silver's multi-step writes could leave half a change behind; the allocation's failure must not undo the payment (Silver only logged it)."
    },
    {
      what: "Where Silver's doc page and code disagree (filters, `per_page` vs `page_size`), the code is followed; `per_page` is accepted too.",
      why: "Silver's clients saw the code's behaviour."
    },
    {
      what: "A path without its trailing slash answers 404 instead of Django's 301 for methods other than GET/HEAD.",
      why: "A redirect of a write would drop its body; the vendor's paths all end with a slash."
    },
    {
      what: "Errors Silver never produced: idempotency conflicts 409, storage unavailable 503, a body over the size limit 413, too many failed authentications 429 with DRF's throttling text.",
      why: "These situations do not exist in Silver; each answer uses DRF's `{detail}` shape."
    }
  ],
  endpoints
})

/** The Silver dialect, with Django's slash redirects and DRF's OPTIONS answers in front of the kit's app. */
export const silverDialect: Dialect = {
  ...definition,
  createApp: (deps) => {
    const inner = definition.createApp(deps)
    const app = new Hono()
    const authenticate = authenticateOutsideRegistry(deps)
    // The kit's query bound, in front of the redirects too (their Location repeats the query).
    const limits = { ...defaultRequestLimits, ...deps.limits }
    app.use("*", async (c, next) => {
      const problem = queryLimitProblem(c.req.url, limits)
      if (problem === null) return next()
      const context = { requestId: frontRequestId(c), operationId: null, method: c.req.method, path: c.req.path }
      return renderDialectError(silverErrors, problem, context)
    })
    for (const path of unslashedPaths(endpoints)) app.all(path, appendSlash)
    for (const options of paymentsOptions) app.options(options.path, (c) => options.answer(c, authenticate))
    app.route("/", inner)
    return app
  }
}
