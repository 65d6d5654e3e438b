/**
 * Silver's customers resource (`/customers/`, `/customers/<id>/`): list, create and retrieve, so a
 * Silver client can create the customer it records payments for and every payment's `customer`
 * link resolves. A customer is a ledger customer; the fields the ledger has no place for (address,
 * reference, sales tax, emails beyond the first, meta) are its `customer-details` dialect record.
 * `currency` on create is a Paybridge extension (default `USD`): a customer's payments are in it.
 */
import {
  type DialectRequest,
  type DialectResponse,
  type Endpoint,
  endpoint,
  shownCustomerId
} from "@paybridge/adapter-kit"
import {
  type Customer,
  Customer as CustomerRecord,
  currencyCodes,
  DialectRecords,
  LedgerUnits,
  Parties
} from "@paybridge/core"
import { Effect } from "effect"
import { customerOfPath } from "./payments.transformers.ts"
import { FieldErrors, notADictionary, notFoundResponse } from "./silver.errors.ts"
import {
  parseAmount,
  parseBoolean,
  parseChoice,
  SilverCustomer,
  SilverCustomerCreate,
  SilverCustomerList,
  SilverIdPath,
  SilverPageQuery
} from "./silver.schemas.ts"
import {
  type Body,
  customerDetailsKind,
  dialectId,
  getRecordData,
  isPlainObject,
  type Links,
  linksFor,
  listOf,
  maybe,
  optionalTexts,
  type Program,
  recordDataByKey,
  redirectTest,
  requiredFields,
  silverResponse,
  silverSuite,
  textOrNull
} from "./silver.transformers.ts"

/**
 * A customer as Silver's `CustomerSerializer` rendered it; what the ledger lacks comes from `details`.
 * A customer migrated from Silver shows its Silver id (issue 16.2), as its payments' links do.
 */
const toSilverCustomer = (customer: Customer, details: Readonly<Record<string, unknown>>, links: Links) => {
  const shownId = shownCustomerId(dialectId, customer)
  return {
    id: shownId,
    url: links.customer(shownId),
    customer_reference: textOrNull(details, "customer_reference"),
    name: customer.name,
    company: textOrNull(details, "company"),
    emails: Array.isArray(details.emails)
      ? (details.emails as Array<unknown>).filter((email): email is string => typeof email === "string")
      : customer.email === null
        ? []
        : [customer.email],
    address_1: textOrNull(details, "address_1"),
    address_2: textOrNull(details, "address_2"),
    city: textOrNull(details, "city"),
    state: textOrNull(details, "state"),
    zip_code: textOrNull(details, "zip_code"),
    country: textOrNull(details, "country"),
    extra: textOrNull(details, "extra"),
    sales_tax_number: textOrNull(details, "sales_tax_number"),
    sales_tax_name: textOrNull(details, "sales_tax_name"),
    sales_tax_percent: textOrNull(details, "sales_tax_percent"),
    consolidated_billing: details.consolidated_billing === true,
    subscriptions: [] as Array<string>,
    payments: links.payments(shownId),
    payment_methods: `${links.customer(shownId)}payment_methods/`,
    transactions: `${links.customer(shownId)}transactions/`,
    meta: details.meta ?? {}
  }
}

/** The text fields of a customer kept in its `customer-details` record, in serializer order. */
const customerDetailFields = [
  "customer_reference",
  "company",
  "address_1",
  "address_2",
  "city",
  "state",
  "zip_code",
  "country",
  "extra",
  "sales_tax_number",
  "sales_tax_name"
] as const

/** A ledger customer with its `customer-details` record, as Silver shows it. */
const customerView = (customer: Customer, links: Links) =>
  Effect.map(getRecordData(customerDetailsKind, String(customer.id)), (details) =>
    toSilverCustomer(customer, details ?? {}, links)
  )

/** A page of customers with their `customer-details` records, read in one statement. */
const customerViews = (customers: ReadonlyArray<Customer>, links: Links) =>
  Effect.map(
    recordDataByKey(
      customerDetailsKind,
      customers.map((customer) => customer.id)
    ),
    (details) => customers.map((customer) => toSilverCustomer(customer, details.get(String(customer.id)) ?? {}, links))
  )

const listCustomers = (request: DialectRequest<unknown, typeof SilverPageQuery.Type, unknown>) =>
  listOf(
    request,
    ({ offset, limit }) =>
      Parties.use((parties) => parties.listCustomers({ cursor: null, offset, limit, withTotal: true })),
    customerViews
  )

/** `customers/<id>/`: a customer migrated from Silver by its Silver id first, then the ledger's (as payments' paths). */
const getCustomer = (request: DialectRequest<typeof SilverIdPath.Type, unknown, unknown>): Program<DialectResponse> =>
  Effect.gen(function* () {
    const id = yield* customerOfPath(request.params.id)
    const customer = id === null ? null : yield* maybe(Parties.use((parties) => parties.getCustomer(id)))
    if (customer === null) return notFoundResponse()
    return silverResponse(200, yield* customerView(customer, linksFor(request.url, request.basePath)))
  })

const createCustomer = (request: DialectRequest<unknown, unknown, unknown>): Program<DialectResponse> =>
  Effect.gen(function* () {
    if (request.body !== undefined && !isPlainObject(request.body)) return notADictionary(request.body)
    const body: Body = request.body === undefined ? {} : (request.body as Body)
    const errors = new FieldErrors()
    const required = requiredFields(errors, body, ["name", "address_1", "city", "country"])
    const texts = optionalTexts(
      errors,
      body,
      customerDetailFields.filter((field) => !["address_1", "city", "country"].includes(field))
    )
    let emails: Array<string> = []
    if ("emails" in body && body.emails !== null) {
      if (Array.isArray(body.emails) && body.emails.every((email) => typeof email === "string")) {
        emails = body.emails as Array<string>
      } else errors.add("emails", "Expected a list of items.")
    }
    const salesTaxPercent =
      "sales_tax_percent" in body && body.sales_tax_percent !== null
        ? errors.check("sales_tax_percent", parseAmount(body.sales_tax_percent))
        : null
    const consolidated =
      "consolidated_billing" in body
        ? errors.check("consolidated_billing", parseBoolean(body.consolidated_billing))
        : false
    const currency =
      "currency" in body ? errors.check("currency", parseChoice(body.currency, currencyCodes)) : ("USD" as const)
    if (errors.any || currency === undefined) return silverResponse(400, errors.errors)
    const details = {
      ...texts,
      address_1: required.address_1,
      city: required.city,
      country: required.country,
      emails,
      sales_tax_percent: salesTaxPercent ?? null,
      consolidated_billing: consolidated ?? false,
      meta: isPlainObject(body.meta) ? body.meta : {}
    }
    const createAndDescribe = Effect.gen(function* () {
      const made = yield* Parties.use((parties) =>
        parties.createCustomer({ name: required.name as string, currency, email: emails[0] ?? null })
      )
      yield* DialectRecords.use((dialectRecords) =>
        dialectRecords.saveDialectRecord({
          dialect: dialectId,
          kind: customerDetailsKind,
          key: String(made.id),
          customerId: made.id,
          data: details
        })
      )
      return made
    })
    const customer = yield* LedgerUnits.use((ledgerUnits) =>
      ledgerUnits.atomically(
        {
          operation: "silver:createCustomer",
          input: { name: required.name, currency, details },
          result: CustomerRecord
        },
        createAndDescribe
      )
    )
    const representation = yield* customerView(customer, linksFor(request.url, request.basePath))
    return silverResponse(201, representation, { location: representation.url })
  })

/** The customer endpoints in registry order: list, create, retrieve. */
export const customersEndpoints: ReadonlyArray<Endpoint> = [
  endpoint({
    method: "GET",
    path: "/customers/",
    operationId: "listCustomers",
    summary: "List customers",
    tags: ["customers"],
    request: { query: SilverPageQuery },
    responses: { 200: { description: "A bare array of customers", schema: SilverCustomerList } },
    tests: [`${silverSuite} › creates and lists customers and providers a Silver client pays against`, redirectTest],
    implemented: true,
    handler: listCustomers
  }),
  endpoint({
    method: "POST",
    path: "/customers/",
    operationId: "createCustomer",
    summary: "Create a customer",
    tags: ["customers"],
    request: { body: SilverCustomerCreate, bodyRequired: false },
    responses: { 201: { description: "The customer", schema: SilverCustomer } },
    tests: [`${silverSuite} › creates and lists customers and providers a Silver client pays against`],
    implemented: true,
    handler: createCustomer
  }),
  endpoint({
    method: "GET",
    path: "/customers/:id{[0-9]+}/",
    operationId: "getCustomer",
    summary: "Retrieve a customer (with its payments link)",
    tags: ["customers"],
    request: { params: SilverIdPath },
    responses: { 200: { description: "The customer", schema: SilverCustomer } },
    tests: [`${silverSuite} › resolves every link of a payment with GET in Silver's representation`, redirectTest],
    implemented: true,
    handler: getCustomer
  })
]
