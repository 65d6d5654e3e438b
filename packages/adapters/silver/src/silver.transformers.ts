/**
 * Silver transformers: ledger records (plus Silver's own attributes kept in dialect records) →
 * Silver's JSON representations with absolute hyperlinks, Silver hyperlinks → ledger ids, and
 * the list machinery Silver's clients saw — django-filter filters, DRF ordering, page-number
 * pagination and the Link header in Silver's own format. The status table is total over the
 * ledger's payment states; a reversed payment has no Silver state, so the rule for it lives here.
 */
import {
  DateFormats,
  type DialectRequest,
  type DialectResponse,
  type DialectServices,
  JsonDecimal
} from "@paybridge/adapter-kit"
import {
  type BillingEntity,
  type Customer,
  type Document,
  Ledger,
  type LedgerError,
  type Page,
  type Payment,
  type PaymentState
} from "@paybridge/core"
import { Effect } from "effect"
import { type FieldErrors, invalidPage, notFoundResponse } from "./silver.errors.ts"
import {
  type FieldResult,
  parseFilterBoolean,
  parseFilterDecimal,
  parseRequiredText,
  parseText,
  pythonTypeName,
  type SilverIdPath,
  type SilverPageQuery,
  type SilverPayment,
  type SilverStatus,
  silverMoney
} from "./silver.schemas.ts"

// ---------------------------------------------------------------------------------------------
// Status

/** Ledger state → Silver status. A rejected payment never brought money: Silver calls that canceled. */
export const silverStatusOf = {
  draft: "unpaid",
  pending: "pending",
  posted: "paid",
  rejected: "canceled",
  cancelled: "canceled"
} as const satisfies Record<PaymentState, SilverStatus>

/** True when every cent of a posted payment was reversed in the ledger. */
export const isFullyReversed = (payment: Payment): boolean =>
  payment.state === "posted" && payment.reversedAmount >= payment.amount

/**
 * What Silver shows for a payment: a fully reversed payment is `canceled` with its original
 * amount (it no longer settles anything); a partly reversed one stays `paid` showing the amount
 * that still stands (amount − reversed); everything else maps through {@link silverStatusOf}.
 */
export const silverView = (payment: Payment): { readonly status: SilverStatus; readonly amount: bigint } => {
  if (isFullyReversed(payment)) return { status: "canceled", amount: payment.amount }
  if (payment.state === "posted") return { status: "paid", amount: payment.amount - payment.reversedAmount }
  return { status: silverStatusOf[payment.state], amount: payment.amount }
}

// ---------------------------------------------------------------------------------------------
// Dialect records: Silver-only attributes

export const dialectId = "silver"
export const paymentAttributesKind = "payment-attributes"
export const documentPaymentKind = "document-payment"
export const customerDetailsKind = "customer-details"
export const providerDetailsKind = "provider-details"

/** Silver attributes of a payment the ledger has no field for (kept as `payment-attributes`). */
export interface PaymentAttributes {
  readonly visible: boolean
  readonly dueDate: string | null
  readonly proformaId: number | null
  readonly invoiceId: number | null
  /** The collection Silver itself opened (its `pending` status); any other open collection is "active". */
  readonly silverCollectionId: number | null
}

export const defaultAttributes: PaymentAttributes = {
  visible: true,
  dueDate: null,
  proformaId: null,
  invoiceId: null,
  silverCollectionId: null
}

const numberOrNull = (value: unknown): number | null => (typeof value === "number" ? value : null)

export const attributesFromData = (data: Readonly<Record<string, unknown>>): PaymentAttributes => ({
  visible: typeof data.visible === "boolean" ? data.visible : true,
  dueDate: typeof data.dueDate === "string" ? data.dueDate : null,
  proformaId: numberOrNull(data.proformaId),
  invoiceId: numberOrNull(data.invoiceId),
  silverCollectionId: numberOrNull(data.silverCollectionId)
})

export const attributesToData = (attributes: PaymentAttributes): Record<string, unknown> => ({ ...attributes })

// ---------------------------------------------------------------------------------------------
// Hyperlinks

/** Builds Silver's absolute links from the request's scheme and host and the mount's base path. */
export interface Links {
  readonly root: string
  readonly customer: (id: number) => string
  readonly payments: (customerId: number) => string
  readonly payment: (customerId: number, paymentId: number) => string
  readonly provider: (id: number) => string
  readonly invoice: (id: number) => string
  readonly proforma: (id: number) => string
}

export const linksFor = (url: URL, basePath: string): Links =>
  linksAt(`${url.protocol}//${url.host}${basePath.replace(/\/+$/u, "")}`)

/** Links under a fixed root (a path alone when no request gives a scheme and host, as in the admin console). */
export const linksAt = (root: string): Links => {
  return {
    root,
    customer: (id) => `${root}/customers/${id}/`,
    payments: (customerId) => `${root}/customers/${customerId}/payments/`,
    payment: (customerId, paymentId) => `${root}/customers/${customerId}/payments/${paymentId}/`,
    provider: (id) => `${root}/providers/${id}/`,
    invoice: (id) => `${root}/invoices/${id}/`,
    proforma: (id) => `${root}/proformas/${id}/`
  }
}

/** Silver's URL patterns (enough to tell "another resource" from "no resource at all"). */
const routePatterns: ReadonlyArray<readonly [string, RegExp]> = [
  ["customer", /^\/customers\/(\d+)\/$/u],
  ["provider", /^\/providers\/(\d+)\/$/u],
  ["invoice", /^\/invoices\/(\d+)\/$/u],
  ["proforma", /^\/proformas\/(\d+)\/$/u],
  ["payment", /^\/customers\/\d+\/payments\/(\d+)\/$/u],
  ["other", /^\/(customers|providers|invoices|proformas|plans|subscriptions|product-codes|payment_processors)\/$/u],
  ["other", /^\/customers\/\d+\/(payments|payment_methods|transactions|subscriptions)\/$/u],
  ["other", /^\/providers\/\d+\/payment_processors\/$/u],
  ["other", /^\/(invoices|proformas)\/\d+\/(entries|state|pdf)\/$/u],
  ["other", /^\/plans\/\d+\/$/u]
]

export type LinkKind = "customer" | "provider" | "invoice" | "proforma"

/**
 * DRF's `HyperlinkedRelatedField.to_internal_value`: the URL's path (host ignored, the mount's
 * base path removed) must resolve to this kind of resource. Returns the id, or DRF's text.
 */
export const parseHyperlink = (value: unknown, kind: LinkKind, basePath: string): FieldResult<number> => {
  if (typeof value !== "string") {
    return { ok: false, error: `Incorrect type. Expected URL string, received ${pythonTypeName(value)}.` }
  }
  let path = value
  if (/^https?:/u.test(value)) {
    try {
      path = decodeURI(new URL(value).pathname)
    } catch {
      return { ok: false, error: "Invalid hyperlink - No URL match." }
    }
  }
  const base = basePath.replace(/\/+$/u, "")
  if (base !== "" && path.startsWith(`${base}/`)) path = path.slice(base.length)
  for (const [name, pattern] of routePatterns) {
    const match = pattern.exec(path)
    if (match === null) continue
    if (name !== kind) return { ok: false, error: "Invalid hyperlink - Incorrect URL match." }
    const id = Number(match[1])
    return Number.isSafeInteger(id) && id > 0
      ? { ok: true, value: id }
      : { ok: false, error: "Invalid hyperlink - Object does not exist." }
  }
  return { ok: false, error: "Invalid hyperlink - No URL match." }
}

// ---------------------------------------------------------------------------------------------
// Representations

/** Everything one Silver payment is rendered from. */
export interface PaymentRecord {
  readonly payment: Payment
  readonly attributes: PaymentAttributes
  /** The billing entity (Silver provider), when the payment has one. */
  readonly provider: BillingEntity | null
}

export const toSilverPayment = (record: PaymentRecord, links: Links): SilverPayment => {
  const { payment, attributes } = record
  const view = silverView(payment)
  return {
    id: payment.id,
    url: links.payment(payment.customerId, payment.id),
    customer: links.customer(payment.customerId),
    provider: payment.billingEntityId === null ? null : links.provider(payment.billingEntityId),
    amount: silverMoney.format(view.amount, payment.currency),
    currency: payment.currency,
    due_date: attributes.dueDate,
    status: view.status,
    visible: attributes.visible,
    proforma: attributes.proformaId === null ? null : links.proforma(attributes.proformaId),
    invoice: attributes.invoiceId === null ? null : links.invoice(attributes.invoiceId)
  }
}

const textOrNull = (data: Readonly<Record<string, unknown>>, key: string): string | null =>
  typeof data[key] === "string" ? (data[key] as string) : null

export const toSilverCustomer = (customer: Customer, details: Readonly<Record<string, unknown>>, links: Links) => ({
  id: customer.id,
  url: links.customer(customer.id),
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
  payments: links.payments(customer.id),
  payment_methods: `${links.customer(customer.id)}payment_methods/`,
  transactions: `${links.customer(customer.id)}transactions/`,
  meta: details.meta ?? {}
})

const integerOrNull = (data: Readonly<Record<string, unknown>>, key: string): number | null =>
  typeof data[key] === "number" ? (data[key] as number) : null

export const toSilverProvider = (entity: BillingEntity, details: Readonly<Record<string, unknown>>, links: Links) => ({
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

/** A Python float's repr of a two-decimal amount, as DRF rendered a document's `total`: `200.0`, `12.5`. */
const pythonFloatTotal = (document: Document): JsonDecimal => {
  const text = silverMoney.format(document.total, document.currency)
  const trimmed = text.replace(/0$/u, "")
  return new JsonDecimal(trimmed.endsWith(".") ? `${trimmed}0` : trimmed)
}

const documentState = { issued: "issued", paid: "paid", cancelled: "canceled" } as const

/** An invoice or proforma as Silver shows it (entries and archives are not kept by the ledger). */
export const toSilverDocument = (document: Document, provider: BillingEntity | null, links: Links) => {
  const series = null
  const updated = DateFormats.businessDateOf(document.updatedAt)
  const common = {
    id: document.id,
    series,
    number: /^\d{1,15}$/u.test(document.number) ? Number(document.number) : document.number,
    provider: provider === null ? null : links.provider(provider.id),
    customer: links.customer(document.customerId),
    archived_provider: {},
    archived_customer: {},
    due_date: document.dueDate,
    issue_date: document.issueDate,
    paid_date: document.state === "paid" ? updated : null,
    cancel_date: document.state === "cancelled" ? updated : null,
    sales_tax_name: null,
    sales_tax_percent: null,
    currency: document.currency,
    state: documentState[document.state]
  }
  const related = document.relatedDocumentId
  if (document.kind === "proforma") {
    return {
      ...common,
      invoice: related === null ? null : links.invoice(related),
      proforma_entries: [],
      total: pythonFloatTotal(document),
      pdf_url: null
    }
  }
  return {
    ...common,
    proforma: related === null ? null : links.proforma(related),
    invoice_entries: [],
    total: pythonFloatTotal(document),
    pdf_url: null
  }
}

// ---------------------------------------------------------------------------------------------
// Filters and ordering (PaymentFilter and OrderingFilter @00bc43d)

export interface FilterablePayment {
  readonly silver: SilverPayment
  readonly amountMinor: bigint
  readonly provider: BillingEntity | null
}

const isOpen = (status: SilverStatus) => status === "unpaid" || status === "pending"

/**
 * Applies Silver's list filters. Returns `null` when a typed filter value is invalid, which made
 * django-filter's form invalid and the list empty.
 */
export const filterPayments = (
  rows: ReadonlyArray<FilterablePayment>,
  query: Readonly<Record<string, string | undefined>>,
  today: string
): ReadonlyArray<FilterablePayment> => {
  const given = (name: string): string | undefined => {
    const value = query[name]
    return value === undefined || value === "" ? undefined : value
  }
  const minText = given("min_amount")
  const maxText = given("max_amount")
  const min = minText === undefined ? undefined : parseFilterDecimal(minText)
  const max = maxText === undefined ? undefined : parseFilterDecimal(maxText)
  if (min === null || max === null) return []
  const overdue = parseFilterBoolean(given("is_overdue"))
  const visible = parseFilterBoolean(given("visible"))
  const status = given("status")
  const flow = given("flow")
  const provider = given("provider")?.toLowerCase()
  const currency = given("currency")?.toLowerCase()
  // Amounts are compared in units of 10^-12 like parseFilterDecimal's result.
  const scaled = (cents: bigint) => cents * 10n ** 10n
  return rows.filter((row) => {
    const { silver } = row
    if (overdue === true && !(isOpen(silver.status) && silver.due_date !== null && silver.due_date < today)) {
      return false
    }
    if (overdue === false && !(!isOpen(silver.status) || (silver.due_date !== null && silver.due_date >= today))) {
      return false
    }
    if (visible !== null && silver.visible !== visible) return false
    if (status !== undefined && silver.status !== status) return false
    if (flow !== undefined && row.provider?.flow !== flow) return false
    if (provider !== undefined && row.provider?.name.toLowerCase() !== provider) return false
    if (min !== undefined && scaled(row.amountMinor) < min) return false
    if (max !== undefined && scaled(row.amountMinor) > max) return false
    if (currency !== undefined && silver.currency.toLowerCase() !== currency) return false
    return true
  })
}

const orderingFields = [
  "id",
  "customer",
  "provider",
  "amount",
  "currency",
  "due_date",
  "status",
  "visible",
  "proforma",
  "invoice"
] as const
type OrderingField = (typeof orderingFields)[number]

const linkId = (link: string | null): number | null => {
  if (link === null) return null
  const match = /\/(\d+)\/$/u.exec(link)
  return match === null ? null : Number(match[1])
}

const sortKey = (row: FilterablePayment, field: OrderingField): string | number | bigint | boolean | null => {
  switch (field) {
    case "id":
      return row.silver.id
    case "amount":
      return row.amountMinor
    case "customer":
    case "provider":
    case "proforma":
    case "invoice":
      return linkId(row.silver[field])
    default:
      return row.silver[field]
  }
}

/** Compares like SQLite: NULL first ascending (so last descending), then values. */
const compareValues = (a: ReturnType<typeof sortKey>, b: ReturnType<typeof sortKey>): number => {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** DRF's OrderingFilter: `?ordering=a,-b` over serializer fields (not `url`); default `-due_date`; ties by id. */
export const orderPayments = (
  rows: ReadonlyArray<FilterablePayment>,
  ordering: string | undefined
): ReadonlyArray<FilterablePayment> => {
  const requested = (ordering ?? "")
    .split(",")
    .map((term) => term.trim())
    .filter((term) => (orderingFields as ReadonlyArray<string>).includes(term.replace(/^-/u, "")))
  const terms = requested.length > 0 ? requested : ["-due_date"]
  return [...rows].sort((a, b) => {
    for (const term of terms) {
      const descending = term.startsWith("-")
      const field = term.replace(/^-/u, "") as OrderingField
      const order = compareValues(sortKey(a, field), sortKey(b, field))
      if (order !== 0) return descending ? -order : order
    }
    return a.silver.id - b.silver.id
  })
}

// ---------------------------------------------------------------------------------------------
// Pagination (LinkHeaderPagination @00bc43d)

export const defaultPageSize = 30
export const maxPageSize = 100

/** Python's `urlencode(sorted(params), doseq=True)` (quote_plus). */
const pythonUrlencode = (params: ReadonlyArray<readonly [string, string]>): string => {
  const quote = (text: string) =>
    encodeURIComponent(text)
      .replace(/[!'()*~]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/gu, "+")
      .replace(/%7E/gu, "~")
  return params.map(([key, value]) => `${quote(key)}=${quote(value)}`).join("&")
}

/** DRF's `replace_query_param` / `remove_query_param`: parameters sorted by name. */
const withPage = (url: URL, page: number | null): string => {
  const grouped = new Map<string, Array<string>>()
  for (const [key, value] of url.searchParams) grouped.set(key, [...(grouped.get(key) ?? []), value])
  if (page === null) grouped.delete("page")
  else grouped.set("page", [String(page)])
  const params = [...grouped.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, values]) => values.map((value) => [key, value] as const))
  const query = pythonUrlencode(params)
  return `${url.protocol}//${url.host}${url.pathname}${query === "" ? "" : `?${query}`}`
}

/** The page size a request asks for: `page_size` (alias `per_page`), capped at 100, default 30. */
export const pageSizeOf = (query: Readonly<Record<string, string | undefined>>): number => {
  const raw = query.page_size ?? query.per_page
  if (raw === undefined || !/^\s*\+?\d+\s*$/u.test(raw)) return defaultPageSize
  const size = Number.parseInt(raw, 10)
  if (size <= 0) return defaultPageSize
  return Math.min(size, maxPageSize)
}

export type PageResult<A> =
  | { readonly ok: true; readonly items: ReadonlyArray<A>; readonly link: string }
  | { readonly ok: false }

/** One page of `rows` and Silver's Link header, or `ok: false` for `Invalid page.`. */
export const paginate = <A>(
  rows: ReadonlyArray<A>,
  query: Readonly<Record<string, string | undefined>>,
  url: URL
): PageResult<A> => {
  const size = pageSizeOf(query)
  const pages = Math.max(1, Math.ceil(rows.length / size))
  const raw = query.page ?? "1"
  let page: number
  if (raw === "last") page = pages
  else if (/^\s*[+-]?\d+\s*$/u.test(raw)) page = Number.parseInt(raw, 10)
  else return { ok: false }
  if (page < 1 || page > pages) return { ok: false }
  const links: Array<string> = []
  if (page < pages) links.push(`<${withPage(url, page + 1)}; rel="next">`)
  if (page > 1) links.push(`<${withPage(url, page - 1 === 1 ? null : page - 1)}; rel="prev">`)
  links.push(`<${withPage(url, 1)}; rel="first">`)
  links.push(`<${withPage(url, pages)}; rel="last">`)
  return { ok: true, items: rows.slice((page - 1) * size, page * size), link: links.join(", ") }
}

// ---------------------------------------------------------------------------------------------
// Ledger reads and answers shared by the resources

/** A handler's ledger program. */
export type Program<A> = Effect.Effect<A, LedgerError, DialectServices>
/** A request body DRF accepted: a JSON object. */
export type Body = Readonly<Record<string, unknown>>

/** A dialect response with Silver's body. */
export const silverResponse = (
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>
): DialectResponse => ({
  status,
  body,
  headers
})

/** The value, or `null` when the ledger says it does not exist or is outside the caller's scope. */
export const maybe = <A>(program: Program<A>): Program<A | null> =>
  program.pipe(
    Effect.map((value): A | null => value),
    Effect.catchIf(
      (error) => error._tag === "NotFound" || error._tag === "Forbidden",
      () => Effect.succeed(null)
    )
  )

/** Every item of a cursor-paged ledger list, read to the end. */
export const readAll = <A>(read: (cursor: string | null) => Program<Page<A>>): Program<ReadonlyArray<A>> =>
  Effect.gen(function* () {
    const items: Array<A> = []
    let cursor: string | null = null
    do {
      const page: Page<A> = yield* read(cursor)
      items.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
    return items
  })

/** A JSON object (what DRF accepts as a request body). */
export const isPlainObject = (value: unknown): value is Body =>
  typeof value === "object" && value !== null && !Array.isArray(value) && value.constructor === Object

/** The data of one of Silver's dialect records, or `null` when there is none. */
export const getRecordData = (kind: string, key: string) =>
  Effect.map(
    maybe(Ledger.use((ledger) => ledger.getDialectRecord({ dialect: dialectId, kind, key }))),
    (record) => record?.data ?? null
  )

/** A provider (billing entity) reader that reads each id once; `null` for none or an unknown one. */
export const providerCache = () => {
  const cache = new Map<number, BillingEntity | null>()
  return (id: number | null): Program<BillingEntity | null> => {
    if (id === null) return Effect.succeed(null)
    const cached = cache.get(id)
    if (cached !== undefined) return Effect.succeed(cached)
    return Effect.tap(maybe(Ledger.use((ledger) => ledger.getBillingEntity(id))), (entity) =>
      Effect.sync(() => cache.set(id, entity))
    )
  }
}

/** Required `CharField`s of a create body: the valid values, each problem added to `errors`. */
export const requiredFields = (errors: FieldErrors, body: Body, fields: ReadonlyArray<string>) => {
  const values: Record<string, string> = {}
  for (const field of fields) {
    const value = errors.check(field, parseRequiredText(body[field]))
    if (value !== undefined) values[field] = value
  }
  return values
}

/** Optional nullable `CharField`s of a create body: the ones sent and valid, each problem added to `errors`. */
export const optionalTexts = (errors: FieldErrors, body: Body, fields: ReadonlyArray<string>) => {
  const values: Record<string, string | null> = {}
  for (const field of fields) {
    if (!(field in body)) continue
    const value = errors.check(field, parseText(body[field], { allowNull: true }))
    if (value !== undefined) values[field] = value
  }
  return values
}

/**
 * A list endpoint's answer: every row the ledger holds of one kind, oldest id first, one page of
 * them (`Invalid page.` past the last) as a bare array of Silver representations with its `Link`.
 */
export const listOf = <Row extends { readonly id: number }, View>(
  request: DialectRequest<unknown, typeof SilverPageQuery.Type, unknown>,
  read: (cursor: string | null) => Program<Page<Row>>,
  view: (row: Row, links: Links) => Program<View>
): Program<DialectResponse> =>
  Effect.gen(function* () {
    const links = linksFor(request.url, request.basePath)
    const rows = yield* readAll(read)
    const page = paginate(
      [...rows].sort((a, b) => a.id - b.id),
      request.query,
      request.url
    )
    if (!page.ok) return invalidPage()
    const body = yield* Effect.forEach(page.items, (row) => view(row, links))
    return silverResponse(200, body, { link: page.link })
  })

/** A detail endpoint's answer: the row's Silver representation, or `Not found.` (also outside the caller's scope). */
export const detailOf = <Row, View>(
  request: DialectRequest<typeof SilverIdPath.Type, unknown, unknown>,
  get: (id: number) => Program<Row>,
  view: (row: Row, links: Links) => Program<View>
): Program<DialectResponse> =>
  Effect.gen(function* () {
    const row = yield* maybe(get(Number(request.params.id)))
    if (row === null) return notFoundResponse()
    return silverResponse(200, yield* view(row, linksFor(request.url, request.basePath)))
  })

/** The detail endpoint of Silver's two document resources (`/invoices/<id>/`, `/proformas/<id>/`). */
export const getDocument =
  (kind: "invoice" | "proforma") =>
  (request: DialectRequest<typeof SilverIdPath.Type, unknown, unknown>): Program<DialectResponse> =>
    Effect.gen(function* () {
      const document = yield* maybe(Ledger.use((ledger) => ledger.getDocument(Number(request.params.id))))
      if (document === null || document.kind !== kind) return notFoundResponse()
      const provider = yield* providerCache()(document.billingEntityId)
      return silverResponse(200, toSilverDocument(document, provider, linksFor(request.url, request.basePath)))
    })
