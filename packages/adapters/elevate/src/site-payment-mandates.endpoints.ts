/**
 * Elevate's `site-payment-mandates` resource: dialect records of kind `site-payment-mandate`. A
 * site is a Paybridge customer (`siteId` = customer id, checked and scoped); the `flowToken` is
 * generated, stable for a request retried with the same `Idempotency-Key`.
 */
import { createHash } from "node:crypto"
import { created, type Endpoint, endpoint, ok } from "@paybridge/adapter-kit"
import { type DialectRecord, DialectRecords, Parties } from "@paybridge/core"
import { Effect } from "effect"
import {
  CreateSitePaymentMandate,
  SitePaymentMandate,
  SitePaymentMandateList,
  SitePaymentMandatePath,
  SitePaymentMandatesQuery
} from "./elevate.schemas.ts"
import { creationSeed, dialectId, kinds, missing, recordsOf } from "./elevate.transformers.ts"
import { type FieldSpecs, parseListQuery, type WireRow, wirePage } from "./list-grammar.transformers.ts"

/** A site-payment-mandate record as Elevate's wire body (`siteId` = the record's customer). */
const mandateWire = (record: DialectRecord) => {
  const text = (name: string) => (typeof record.data[name] === "string" ? (record.data[name] as string) : null)
  return {
    id: record.id,
    redirectURL: text("redirectURL"),
    flowToken: text("flowToken") ?? "",
    siteId: record.customerId ?? 0,
    returnURL: text("returnURL") ?? "",
    mandateReference: text("mandateReference"),
    thirdPartyCustomerReference: text("thirdPartyCustomerReference"),
    exitURL: text("exitURL")
  }
}

/** The site-payment-mandate fields, as the list grammar sees them. */
const mandateFields: FieldSpecs = {
  id: { kind: "integer" },
  redirectURL: { kind: "text" },
  flowToken: { kind: "text" },
  siteId: { kind: "integer" },
  returnURL: { kind: "text" },
  mandateReference: { kind: "text" },
  thirdPartyCustomerReference: { kind: "text" },
  exitURL: { kind: "text" }
}

const suite = "elevate.providers.test.ts"

export const sitePaymentMandatesEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/site-payment-mandates",
    operationId: "getSitePaymentMandates",
    summary: "Get a list of site payment mandates",
    tags: ["site-payment-mandates"],
    request: { query: SitePaymentMandatesQuery },
    responses: { 200: { description: "A page of site payment mandates", schema: SitePaymentMandateList } },
    tests: [`${suite} › site payment mandates › records a mandate per site and finds it by id and by site`],
    implemented: true,
    handler: ({ query }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const list = yield* parseListQuery(query, mandateFields)
        if (query.siteId !== undefined) yield* parties.getCustomer(query.siteId)
        const records = yield* recordsOf(kinds.mandate, query.siteId === undefined ? {} : { customerId: query.siteId })
        const rows: Array<WireRow> = records.map(mandateWire)
        return ok(wirePage(rows, list, mandateFields))
      })
  }),
  endpoint({
    method: "POST",
    path: "/site-payment-mandates",
    operationId: "createSitePaymentMandate",
    summary: "Create a site payment mandate (a site is a Paybridge customer)",
    tags: ["site-payment-mandates"],
    request: { body: CreateSitePaymentMandate },
    responses: { 201: { description: "Site payment mandate created", schema: SitePaymentMandate } },
    tests: [`${suite} › site payment mandates › records a mandate per site and finds it by id and by site`],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const parties = yield* Parties
        const dialectRecords = yield* DialectRecords
        const customer = yield* parties.getCustomer(body.siteId)
        const seed = yield* creationSeed
        const record = yield* dialectRecords.saveDialectRecord({
          dialect: dialectId,
          kind: kinds.mandate,
          key: `mandate-${seed}`,
          customerId: customer.id,
          data: {
            redirectURL: body.redirectURL ?? null,
            flowToken: createHash("sha256").update(`flow\n${seed}`).digest("base64url").slice(0, 32),
            returnURL: body.returnURL,
            exitURL: body.exitURL ?? null,
            mandateReference: body.mandateReference ?? null,
            thirdPartyCustomerReference: body.thirdPartyCustomerReference ?? null
          }
        })
        return created(mandateWire(record))
      })
  }),
  endpoint({
    method: "GET",
    path: "/site-payment-mandates/:site_payment_mandate_id",
    operationId: "getSitePaymentMandate",
    summary: "Get a specific site payment mandate",
    tags: ["site-payment-mandates"],
    request: { params: SitePaymentMandatePath },
    responses: { 200: { description: "The site payment mandate", schema: SitePaymentMandate } },
    tests: [`${suite} › site payment mandates › records a mandate per site and finds it by id and by site`],
    implemented: true,
    handler: ({ params }) =>
      Effect.gen(function* () {
        const record = (yield* recordsOf(kinds.mandate)).find((row) => row.id === params.site_payment_mandate_id)
        if (record === undefined)
          return yield* Effect.fail(missing("site payment mandate", params.site_payment_mandate_id))
        return ok(mandateWire(record))
      })
  })
]
