/**
 * Silver's invoices resource, as far as payments need it: `GET /invoices/<id>/`, so a payment's
 * `invoice` link resolves. An invoice is a ledger document of kind `invoice`, read-only here
 * (issued through tRPC); Silver's entries, series and archived provider/customer are not kept.
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"
import { SilverIdPath, SilverInvoice } from "./silver.schemas.ts"
import { getDocument, redirectTest, silverSuite } from "./silver.transformers.ts"

/** The invoice endpoint (retrieve). */
export const invoicesEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/invoices/:id{[0-9]+}/",
    operationId: "getInvoice",
    summary: "Retrieve an invoice (a ledger document of kind invoice)",
    tags: ["documents"],
    request: { params: SilverIdPath },
    responses: { 200: { description: "The invoice", schema: SilverInvoice } },
    tests: [`${silverSuite} › resolves every link of a payment with GET in Silver's representation`, redirectTest],
    implemented: true,
    handler: getDocument("invoice")
  })
]
