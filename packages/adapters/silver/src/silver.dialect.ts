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
