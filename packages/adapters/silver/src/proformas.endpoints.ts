/**
 * Silver's proformas resource, as far as payments need it: `GET /proformas/<id>/`, so a payment's
 * `proforma` link resolves. A proforma is a ledger document of kind `proforma` (its invoice is the
 * document's `relatedDocumentId`), read-only here (issued through tRPC).
 */
import { type Endpoint, endpoint } from "@paybridge/adapter-kit"
import { SilverIdPath, SilverProforma } from "./silver.schemas.ts"
import { getDocument, redirectTest, silverSuite } from "./silver.transformers.ts"

/** The proforma endpoint (retrieve). */
export const proformasEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/proformas/:id{[0-9]+}/",
    operationId: "getProforma",
    summary: "Retrieve a proforma (a ledger document of kind proforma)",
    tags: ["documents"],
    request: { params: SilverIdPath },
    responses: { 200: { description: "The proforma", schema: SilverProforma } },
    tests: [`${silverSuite} › resolves every link of a payment with GET in Silver's representation`, redirectTest],
    implemented: true,
    handler: getDocument("proforma")
  })
]
