/**
 * Silver transformers shared by its resources: the dialect-record kinds that keep what the ledger
 * has no field for, Silver's absolute hyperlinks (built from the request's scheme, host and base
 * path) and their resolution back to ledger ids as DRF's `HyperlinkedRelatedField` did, the
 * invoice and proforma representations, page-number pagination with the Link header in Silver's
 * own format, the ledger reads and answers several resources' handlers share (list and detail
 * answers, provider lookups, the document detail, per-step idempotency keys), the proving tests
 * several resources cite, and what Django and DRF answered in front of the views (APPEND_SLASH
 * redirects, OPTIONS), which the kit's registry does not route. Payment-only conversions (status
 * table, filters, ordering, transitions) live in `payments.transformers.ts`.
 */
import {
  DateFormats,
  type DialectRequest,
  type DialectResponse,
  type DialectServices,
  type Endpoint,
  JsonDecimal,
  jsonExactResponse,
  shownCustomerId,
  wellFormedRequestId
} from "@paybridge/adapter-kit"
import {
  type BillingEntity,
  BillingEntityId,
  CommandContext,
  CustomerId,
  DialectRecords,
  type Document,
  DocumentId,
  Documents,
  type LedgerError,
  mayAccess,
  type Page,
  Parties
} from "@paybridge/core"
import { Clock, Effect, Option, Schema } from "effect"
import type { Context } from "hono"
import type { OutsideAuthentication } from "./silver.auth.ts"
import { type FieldErrors, invalidPage, notFoundResponse } from "./silver.errors.ts"
import {
  type FieldResult,
  parseRequiredText,
  parseText,
  pythonTypeName,
  type SilverIdPath,
  type SilverPageQuery,
  silverMoney
} from "./silver.schemas.ts"

// ---------------------------------------------------------------------------------------------
// Dialect records: Silver-only attributes

export const dialectId = "silver"
export const paymentAttributesKind = "payment-attributes"
export const documentPaymentKind = "document-payment"
export const customerDetailsKind = "customer-details"
export const providerDetailsKind = "provider-details"

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

/** The ledger id each kind of hyperlink names. */
const linkIds = { customer: CustomerId, provider: BillingEntityId, invoice: DocumentId, proforma: DocumentId } as const
type LinkId<K extends LinkKind> = (typeof linkIds)[K]["Type"]

/**
 * A path id as the ledger id of one kind, or `null` when no record of that kind can have it
 * (`0`, beyond the id range): callers answer as for an id the ledger does not hold.
 */
export const pathIdOf = <Id>(kind: Schema.Codec<Id, number>, text: string): Id | null =>
  // Ledger ids are 32-bit columns: a larger number names no ledger record (PostgreSQL refuses to compare it).
  Number(text) > 2_147_483_647 ? null : Option.getOrNull(Schema.decodeOption(kind)(Number(text)))

/**
 * DRF's `HyperlinkedRelatedField.to_internal_value`: the URL's path (host ignored, the mount's
 * base path removed) must resolve to this kind of resource. Returns the id, or DRF's text.
 */
export const parseHyperlink = <K extends LinkKind>(
  value: unknown,
  kind: K,
  basePath: string
): FieldResult<LinkId<K>> => {
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
    const id = Schema.decodeOption(linkIds[kind] as Schema.Codec<LinkId<K>, number>)(Number(match[1]))
    return Option.isSome(id)
      ? { ok: true, value: id.value }
      : { ok: false, error: "Invalid hyperlink - Object does not exist." }
  }
  return { ok: false, error: "Invalid hyperlink - No URL match." }
}

// ---------------------------------------------------------------------------------------------
// Representations

/** A text field of a details record, or `null`. */
export const textOrNull = (data: Readonly<Record<string, unknown>>, key: string): string | null =>
  typeof data[key] === "string" ? (data[key] as string) : null

/** A Python float's repr of an exact amount, as DRF rendered a document's `total`: `200.0`, `12.5`, `2.125`, JPY `700.0`. */
const pythonFloatTotal = (document: Document): JsonDecimal => {
  const [whole = "0", fraction = ""] = silverMoney.format(document.total, document.currency).split(".")
  const kept = fraction.replace(/0+$/u, "")
  return new JsonDecimal(`${whole}.${kept === "" ? "0" : kept}`)
}

const documentState = { issued: "issued", paid: "paid", cancelled: "canceled" } as const

/** An invoice or proforma as Silver shows it (entries and archives are not kept by the ledger). */
/** `customerShownId`: the id its customer link shows (the Silver id of a customer migrated from Silver). */
export const toSilverDocument = (
  document: Document,
  provider: BillingEntity | null,
  links: Links,
  customerShownId: number = document.customerId,
  migrated: Readonly<Record<string, unknown>> | null = null
) => {
  const series = null
  const updated = DateFormats.businessDateOf(document.updatedAt)
  // A document migrated from Silver shows the day Silver showed it paid (its `migrated-document` record).
  const shownPaid = typeof migrated?.paid_date === "string" ? migrated.paid_date : updated
  const common = {
    id: document.id,
    series,
    number: /^\d{1,15}$/u.test(document.number) ? Number(document.number) : document.number,
    provider: provider === null ? null : links.provider(provider.id),
    customer: links.customer(customerShownId),
    archived_provider: {},
    archived_customer: {},
    due_date: document.dueDate,
    issue_date: document.issueDate,
    paid_date: document.state === "paid" ? shownPaid : null,
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

/** Silver's Link header of page `page` of `pages`. */
export const pageLink = (url: URL, page: number, pages: number): string => {
  const links: Array<string> = []
  if (page < pages) links.push(`<${withPage(url, page + 1)}; rel="next">`)
  if (page > 1) links.push(`<${withPage(url, page - 1 === 1 ? null : page - 1)}; rel="prev">`)
  links.push(`<${withPage(url, 1)}; rel="first">`)
  links.push(`<${withPage(url, pages)}; rel="last">`)
  return links.join(", ")
}

/** The page a request asks for: a number (not yet checked against the last page), `last`, or `null` when invalid. */
export const requestedPage = (query: Readonly<Record<string, string | undefined>>): number | "last" | null => {
  const raw = query.page ?? "1"
  if (raw === "last") return "last"
  if (!/^\s*[+-]?\d+\s*$/u.test(raw)) return null
  const page = Number.parseInt(raw, 10)
  return page < 1 ? null : page
}

/** How many pages `total` rows fill (at least one, as DRF's paginator counted an empty list). */
export const pageCount = (total: number, size: number) => Math.max(1, Math.ceil(total / size))

/** One page of `rows` and Silver's Link header, or `ok: false` for `Invalid page.`. */
export const paginate = <A>(
  rows: ReadonlyArray<A>,
  query: Readonly<Record<string, string | undefined>>,
  url: URL
): PageResult<A> => {
  const size = pageSizeOf(query)
  const pages = pageCount(rows.length, size)
  const asked = requestedPage(query)
  if (asked === null) return { ok: false }
  const page = asked === "last" ? pages : asked
  if (page > pages) return { ok: false }
  return { ok: true, items: rows.slice((page - 1) * size, page * size), link: pageLink(url, page, pages) }
}

/** Ids are 32-bit, so a page starting beyond 2^31 rows is past the last page of any list. */
export const beyondIds = (page: number, size: number) => (page - 1) * size >= 2 ** 31

/** A window of a list ordered by id that the ledger pages in SQL, with the count of every match. */
export interface PageWindow {
  readonly offset: number
  readonly limit: number
}

/**
 * One page of a list the ledger pages in SQL (ordered by id): the rows before it are never read and
 * the page's statement counts every match for the Link header. `page=last` counts first (a one-row
 * window). Ids are 32-bit, so a page starting beyond 2^31 rows is past the last one.
 */
export const paginateInLedger = <A>(
  query: Readonly<Record<string, string | undefined>>,
  url: URL,
  read: (window: PageWindow) => Program<Page<A>>
): Program<PageResult<A>> =>
  Effect.gen(function* () {
    const size = pageSizeOf(query)
    const asked = requestedPage(query)
    if (asked === null) return { ok: false } as const
    const page = asked === "last" ? pageCount((yield* read({ offset: 0, limit: 1 })).total ?? 0, size) : asked
    if (beyondIds(page, size)) return { ok: false } as const
    const offset = (page - 1) * size
    const found = yield* read({ offset, limit: size })
    const pages = pageCount(found.total ?? 0, size)
    if (page > pages) return { ok: false } as const
    return { ok: true, items: found.items, link: pageLink(url, page, pages) } as const
  })

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
    maybe(DialectRecords.use((dialectRecords) => dialectRecords.getDialectRecord({ dialect: dialectId, kind, key }))),
    (record) => record?.data ?? null
  )

/** A provider (billing entity) reader that reads each id once; `null` for none or an unknown one. */
export const providerCache = () => {
  const cache = new Map<BillingEntityId, BillingEntity | null>()
  return (id: BillingEntityId | null): Program<BillingEntity | null> => {
    if (id === null) return Effect.succeed(null)
    const cached = cache.get(id)
    if (cached !== undefined) return Effect.succeed(cached)
    return Effect.tap(maybe(Parties.use((parties) => parties.getBillingEntity(id))), (entity) =>
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
 * A list endpoint's answer: one page of the rows the ledger holds of one kind, oldest id first, paged
 * in SQL (`Invalid page.` past the last), as a bare array of Silver representations with its `Link`;
 * `views` renders the page's rows together (their records read in one statement).
 */
export const listOf = <Row extends { readonly id: number }, View>(
  request: DialectRequest<unknown, typeof SilverPageQuery.Type, unknown>,
  read: (window: PageWindow) => Program<Page<Row>>,
  views: (rows: ReadonlyArray<Row>, links: Links) => Program<ReadonlyArray<View>>
): Program<DialectResponse> =>
  Effect.gen(function* () {
    const links = linksFor(request.url, request.basePath)
    const page = yield* paginateInLedger(request.query, request.url, read)
    if (!page.ok) return invalidPage()
    return silverResponse(200, yield* views(page.items, links), { link: page.link })
  })

/** The data of Silver's dialect records of one kind keyed by these row ids, in one read (`{}` for a row without one). */
export const recordDataByKey = (
  kind: string,
  ids: ReadonlyArray<number>
): Program<ReadonlyMap<string, Readonly<Record<string, unknown>>>> =>
  ids.length === 0
    ? Effect.succeed(new Map())
    : Effect.map(
        DialectRecords.use((dialectRecords) =>
          dialectRecords.listDialectRecords({
            dialect: dialectId,
            kind,
            keys: ids.map(String),
            cursor: null,
            limit: ids.length
          })
        ),
        (page) => new Map(page.items.map((record) => [record.key, record.data] as const))
      )

/** A detail endpoint's answer: the row's Silver representation, or `Not found.` (also outside the caller's scope). */
export const detailOf = <Id, Row, View>(
  request: DialectRequest<typeof SilverIdPath.Type, unknown, unknown>,
  kind: Schema.Codec<Id, number>,
  get: (id: Id) => Program<Row>,
  view: (row: Row, links: Links) => Program<View>
): Program<DialectResponse> =>
  Effect.gen(function* () {
    const id = pathIdOf(kind, request.params.id)
    const row = id === null ? null : yield* maybe(get(id))
    if (row === null) return notFoundResponse()
    return silverResponse(200, yield* view(row, linksFor(request.url, request.basePath)))
  })

/** The record `pnpm migrate` keeps of a document migrated from Silver (keyed by its id): the `paid_date` Silver showed. */
export const migratedDocumentKind = "migrated-document"

/** The detail endpoint of Silver's two document resources (`/invoices/<id>/`, `/proformas/<id>/`). */
export const getDocument =
  (kind: "invoice" | "proforma") =>
  (request: DialectRequest<typeof SilverIdPath.Type, unknown, unknown>): Program<DialectResponse> =>
    Effect.gen(function* () {
      const id = pathIdOf(DocumentId, request.params.id)
      const document = id === null ? null : yield* maybe(Documents.use((documents) => documents.getDocument(id)))
      if (document === null || document.kind !== kind) return notFoundResponse()
      const provider = yield* providerCache()(document.billingEntityId)
      const customer = yield* maybe(Parties.use((parties) => parties.getCustomer(document.customerId)))
      const customerShownId = customer === null ? document.customerId : shownCustomerId(dialectId, customer)
      const migrated =
        document.state === "paid" ? yield* getRecordData(migratedDocumentKind, String(document.id)) : null
      return silverResponse(
        200,
        toSilverDocument(document, provider, linksFor(request.url, request.basePath), customerShownId, migrated)
      )
    })

/**
 * Runs one later ledger command of a multi-command request under an idempotency key derived from
 * the request's (`<key>#<step>`), so a retried request replays every step instead of colliding
 * with the first step's key.
 */
export const step =
  (name: string) =>
  <A, E>(program: Effect.Effect<A, E, DialectServices>): Effect.Effect<A, E, DialectServices> =>
    Effect.gen(function* () {
      const context = yield* CommandContext
      return yield* Effect.provideService(program, CommandContext, {
        ...context,
        idempotencyKey: context.idempotencyKey === null ? null : `${context.idempotencyKey}#silver-${name}`
      })
    })

/** Today's date (`YYYY-MM-DD`, UTC) by the Effect clock. */
export const today = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString().slice(0, 10))

// ---------------------------------------------------------------------------------------------
// Proving tests several resources' endpoints cite

/** The suite of lifecycle, links, customers and providers (`test/silver.test.ts`). */
export const silverSuite = "silver.test.ts"

/** Django's APPEND_SLASH redirect, which every Silver resource path has. */
export const redirectTest =
  "silver.framework.test.ts › redirects GET and HEAD on a Silver path without its trailing slash with 301, keeping the query"

// ---------------------------------------------------------------------------------------------
// Django in front of the views (what the kit's registry does not route)

/** The request id a route outside the registry answers with: the client's `X-Request-Id`, else a new one. */
export const frontRequestId = (c: Context): string =>
  wellFormedRequestId(c.req.header("x-request-id")) ?? crypto.randomUUID()

/** Every Silver resource path of `endpoints` without its trailing slash (where {@link appendSlash} answers). */
export const unslashedPaths = (endpoints: ReadonlyArray<Endpoint>): ReadonlyArray<string> =>
  [...new Set(endpoints.map((entry) => entry.path))].map((path) => path.slice(0, -1))

/**
 * Django's CommonMiddleware (APPEND_SLASH) on a Silver resource path without its trailing slash:
 * GET/HEAD get a 301 to the slashed URL (query kept) before any view or authentication runs.
 */
export const appendSlash = (c: Context): Response => {
  const requestId = frontRequestId(c)
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    // Django redirected these too (a POST in DEBUG raised a 500); a redirected POST or PATCH comes
    // back as a GET or without its body in common clients, so we answer Silver's 404 instead (README).
    return jsonExactResponse({ detail: "Not found." }, 404, { "x-request-id": requestId })
  }
  const url = new URL(c.req.url)
  url.pathname = `${url.pathname}/`
  return new Response(null, { status: 301, headers: { location: url.toString(), "x-request-id": requestId } })
}

/** A view's OPTIONS answer (DRF's metadata) at `path`, which the kit's registry does not route. */
export interface OptionsRoute {
  readonly path: string
  readonly answer: (c: Context, authenticate: OutsideAuthentication) => Promise<Response>
}

/**
 * DRF's OPTIONS on a view: the caller must authenticate (else the usual 403); the body is the
 * view's metadata, which describes a write method only to a caller whose permission check for it
 * passes (`mayWrite`); `Allow` lists the view's methods.
 */
export const optionsRoute = (path: string, allow: string, metadata: (mayWrite: boolean) => unknown): OptionsRoute => ({
  path,
  answer: async (c, authenticate) => {
    const requestId = frontRequestId(c)
    const principal = await authenticate(c, requestId)
    if (principal instanceof Response) return principal
    return jsonExactResponse(metadata(mayAccess(principal.role, "write")), 200, { allow, "x-request-id": requestId })
  }
})
