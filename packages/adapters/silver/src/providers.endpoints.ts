/**
 * Silver's providers resource (`/providers/`, `/providers/<id>/`): list, create and retrieve, so a
 * Silver client can create the provider its payments name and every payment's `provider` link
 * resolves. A provider is a Paybridge billing entity (its `flow`, proforma or invoice, is the
 * entity's flow); the fields the ledger has no place for (series, starting numbers, address, meta)
 * are its `provider-details` dialect record.
 */
import { type DialectRequest, type DialectResponse, type Endpoint, endpoint } from "@paybridge/adapter-kit"
import {
  type BillingEntity,
  BillingEntityId,
  BillingEntity as BillingEntityRecord,
  DialectRecords,
  LedgerUnits,
  Parties
} from "@paybridge/core"
import { Effect } from "effect"
import { FieldErrors, notADictionary } from "./silver.errors.ts"
import {
  parseChoice,
  parseNullableInteger,
  SilverIdPath,
  SilverPageQuery,
  SilverProvider,
  SilverProviderCreate,
  SilverProviderList
} from "./silver.schemas.ts"
import {
  type Body,
  detailOf,
  dialectId,
  getRecordData,
  isPlainObject,
  type Links,
  linksFor,
  listOf,
  optionalTexts,
  type Program,
  providerDetailsKind,
  recordDataByKey,
  redirectTest,
  requiredFields,
  silverResponse,
  silverSuite,
  textOrNull
} from "./silver.transformers.ts"

const integerOrNull = (data: Readonly<Record<string, unknown>>, key: string): number | null =>
  typeof data[key] === "number" ? (data[key] as number) : null

/** A provider as Silver's `ProviderSerializer` rendered it; what the ledger lacks comes from `details`. */
const toSilverProvider = (entity: BillingEntity, details: Readonly<Record<string, unknown>>, links: Links) => ({
  id: entity.id,
  url: links.provider(entity.id),
  name: entity.name,
  company: textOrNull(details, "company"),
  invoice_series: textOrNull(details, "invoice_series"),
  flow: entity.flow,
  display_email: textOrNull(details, "display_email") ?? entity.email,
  notification_email: textOrNull(details, "notification_email"),
  address_1: textOrNull(details, "address_1"),
  address_2: textOrNull(details, "address_2"),
  city: textOrNull(details, "city"),
  state: textOrNull(details, "state"),
  zip_code: textOrNull(details, "zip_code"),
  country: textOrNull(details, "country"),
  extra: textOrNull(details, "extra"),
  invoice_starting_number: integerOrNull(details, "invoice_starting_number"),
  proforma_series: textOrNull(details, "proforma_series"),
  proforma_starting_number: integerOrNull(details, "proforma_starting_number"),
  meta: details.meta ?? {},
  payment_processors: `${links.provider(entity.id)}payment_processors/`
})

/** A billing entity with its `provider-details` record, as Silver shows it. */
const providerView = (entity: BillingEntity, links: Links) =>
  Effect.map(getRecordData(providerDetailsKind, String(entity.id)), (details) =>
    toSilverProvider(entity, details ?? {}, links)
  )

/** A page of billing entities with their `provider-details` records, read in one statement. */
const providerViews = (entities: ReadonlyArray<BillingEntity>, links: Links) =>
  Effect.map(
    recordDataByKey(
      providerDetailsKind,
      entities.map((entity) => entity.id)
    ),
    (details) => entities.map((entity) => toSilverProvider(entity, details.get(String(entity.id)) ?? {}, links))
  )

const listProviders = (request: DialectRequest<unknown, typeof SilverPageQuery.Type, unknown>) =>
  listOf(
    request,
    ({ offset, limit }) =>
      Parties.use((parties) => parties.listBillingEntities({ cursor: null, offset, limit, withTotal: true })),
    providerViews
  )

const getProvider = (request: DialectRequest<typeof SilverIdPath.Type, unknown, unknown>) =>
  detailOf(request, BillingEntityId, (id) => Parties.use((parties) => parties.getBillingEntity(id)), providerView)

/** DRF's text when a proforma-flow provider lacks its proforma series or starting number. */
const proformaRequired = "This field is required as the chosen flow is proforma."

const createProvider = (request: DialectRequest<unknown, unknown, unknown>): Program<DialectResponse> =>
  Effect.gen(function* () {
    if (request.body !== undefined && !isPlainObject(request.body)) return notADictionary(request.body)
    const body: Body = request.body === undefined ? {} : (request.body as Body)
    const errors = new FieldErrors()
    const required = requiredFields(errors, body, ["name", "invoice_series", "address_1", "city", "country"])
    const flow = "flow" in body ? errors.check("flow", parseChoice(body.flow, ["proforma", "invoice"] as const)) : null
    const texts = optionalTexts(errors, body, [
      "company",
      "display_email",
      "notification_email",
      "address_2",
      "state",
      "zip_code",
      "extra",
      "proforma_series"
    ])
    const numbers: Record<string, number | null> = {}
    for (const field of ["invoice_starting_number", "proforma_starting_number"]) {
      if (!(field in body)) continue
      const value = errors.check(field, parseNullableInteger(body[field]))
      if (value !== undefined) numbers[field] = value
    }
    if (errors.any) return silverResponse(400, errors.errors)
    if (flow === "proforma") {
      const series = texts.proforma_series ?? null
      const starting = numbers.proforma_starting_number ?? null
      if (series === null && starting === null) {
        return silverResponse(400, { proforma_series: proformaRequired, proforma_starting_number: proformaRequired })
      }
      if (series === null) return silverResponse(400, { proforma_series: proformaRequired })
      if (starting === null) return silverResponse(400, { proforma_starting_number: proformaRequired })
    }
    const details = {
      ...texts,
      invoice_series: required.invoice_series,
      address_1: required.address_1,
      city: required.city,
      country: required.country,
      invoice_starting_number: numbers.invoice_starting_number ?? 1,
      proforma_starting_number: numbers.proforma_starting_number ?? 1,
      meta: isPlainObject(body.meta) ? body.meta : {}
    }
    const createAndDescribe = Effect.gen(function* () {
      const made = yield* Parties.use((parties) =>
        parties.createBillingEntity({
          name: required.name as string,
          email: texts.display_email ?? null,
          flow: flow ?? "proforma",
          defaultCurrency: "USD"
        })
      )
      yield* DialectRecords.use((dialectRecords) =>
        dialectRecords.saveDialectRecord({
          dialect: dialectId,
          kind: providerDetailsKind,
          key: String(made.id),
          data: details
        })
      )
      return made
    })
    const entity = yield* LedgerUnits.use((ledgerUnits) =>
      ledgerUnits.atomically(
        {
          operation: "silver:createProvider",
          input: { name: required.name, flow, details },
          result: BillingEntityRecord
        },
        createAndDescribe
      )
    )
    const representation = yield* providerView(entity, linksFor(request.url, request.basePath))
    return silverResponse(201, representation, { location: representation.url })
  })

/** The provider endpoints in registry order: list, create, retrieve. */
export const providersEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/providers/",
    operationId: "listProviders",
    summary: "List providers (Paybridge billing entities)",
    tags: ["providers"],
    request: { query: SilverPageQuery },
    responses: { 200: { description: "A bare array of providers", schema: SilverProviderList } },
    tests: [`${silverSuite} › creates and lists customers and providers a Silver client pays against`, redirectTest],
    implemented: true,
    handler: listProviders
  }),
  endpoint({
    method: "POST",
    path: "/providers/",
    operationId: "createProvider",
    summary: "Create a provider (a Paybridge billing entity)",
    tags: ["providers"],
    request: { body: SilverProviderCreate, bodyRequired: false },
    responses: { 201: { description: "The provider", schema: SilverProvider } },
    tests: [`${silverSuite} › creates and lists customers and providers a Silver client pays against`],
    implemented: true,
    handler: createProvider
  }),
  endpoint({
    method: "GET",
    path: "/providers/:id{[0-9]+}/",
    operationId: "getProvider",
    summary: "Retrieve a provider",
    tags: ["providers"],
    request: { params: SilverIdPath },
    responses: { 200: { description: "The provider", schema: SilverProvider } },
    tests: [`${silverSuite} › resolves every link of a payment with GET in Silver's representation`, redirectTest],
    implemented: true,
    handler: getProvider
  })
]
