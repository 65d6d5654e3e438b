/**
 * Reads a Silver tenant as a Silver client would. `GET /customers/` (page-number pagination,
 * `page_size` at most 100, the `Link` header saying whether a next page exists) discovers the
 * customers; `GET /providers/` (the same paging) gives the providers, booked as billing entities
 * before anything names them; then, per customer and several customers at once, `GET /customers/<id>/payments/`
 * ordered by id (so pages stay stable while the tenant grows), each invoice or proforma a payment
 * links to read once with `GET /invoices/<id>/` / `GET /proformas/<id>/`. Silver has no filter by
 * time, so every run reads everything and the driver keeps only what changed. A customer's record
 * comes first in its stream, with the currency its payments are in. An open invoice or proforma
 * also shows as an `unpaid` payment (id `1000000000000 + document id`) for its outstanding
 * amount — what the document asks, not money received — so the reader yields its document (whose
 * `outstanding_amount` is the same figure) and no payment for it.
 */
import { type ExactJson, isJsonObject } from "../../http/exact-json.ts"
import { parseLinkHeader } from "../../http/link-header.ts"
import { SourceFormatError, type SourceRecord } from "../source-model.ts"
import {
  configuredCurrency,
  firstPage,
  parallelStreams,
  type ReadContext,
  type SourceBatch,
  type SourceReader
} from "../source-reader.ts"
import {
  isDocumentDueRow,
  silverCustomerRecord,
  silverDocumentLinks,
  silverDocumentRecord,
  silverPaymentRecord,
  silverProviderRecord
} from "./silver.records.ts"

type Row = { readonly [key: string]: ExactJson }

/** Silver's page size cap (`max_page_size`). */
export const silverMaxPageSize = 100

const rowsOf = (body: ExactJson, what: string): ReadonlyArray<Row> => {
  if (!Array.isArray(body)) throw new SourceFormatError(`${what}: expected a JSON array`)
  return body.map((row) => {
    if (!isJsonObject(row)) throw new SourceFormatError(`${what}: expected objects`)
    return row
  })
}

/** One page of a Silver list: its rows, whether a next page exists, and the last page number. */
const readPage = async (context: ReadContext, path: string, page: number, pageSize: number, extra = {}) => {
  const response = await context.http.requestOk({ path, query: { page, page_size: pageSize, ...extra } })
  const links = parseLinkHeader(response.headers.get("link"))
  const last = links.get("last")
  const lastPage = last === undefined ? null : Number(new URL(last, context.http.baseUrl).searchParams.get("page") ?? 1)
  return { rows: rowsOf(response.json(), path), hasNext: links.has("next"), lastPage }
}

export const silverSource: SourceReader = {
  vendor: "silver",
  read: (context) => readSilver(context)
}

async function* readSilver(context: ReadContext): AsyncGenerator<SourceBatch> {
  const pageSize = Math.min(context.options.pageSize ?? silverMaxPageSize, silverMaxPageSize)
  // Discovery: every run lists every customer (a few requests), so later streams know them all.
  const customers: Array<Row> = []
  for (let page = 1; ; page++) {
    const { rows, hasNext, lastPage } = await readPage(context, "customers/", page, pageSize)
    if (page === 1 && lastPage !== null) context.expect("customer", lastPage * pageSize)
    customers.push(...rows)
    if (!hasNext) break
  }
  context.expect("customer", customers.length)
  // Providers (billing entities) before the customers' streams, whose payments and documents name them.
  const providers: Array<SourceRecord> = []
  if (context.resumeFrom("providers") === null) {
    for (let page = 1; ; page++) {
      const { rows, hasNext } = await readPage(context, "providers/", page, pageSize)
      providers.push(...rows.map(silverProviderRecord))
      if (!hasNext) break
    }
    yield { stream: "providers", records: providers, position: { done: true } }
  }
  yield { stream: "customers", records: [], position: { done: true } }

  const seenDocuments = new Set<string>()
  yield* parallelStreams(
    customers.map((customer) => () => readCustomer(context, customer, pageSize, seenDocuments)),
    context.options.concurrency
  )
}

async function* readCustomer(
  context: ReadContext,
  customer: Row,
  pageSize: number,
  seenDocuments: Set<string>
): AsyncGenerator<SourceBatch> {
  const customerId = String(customer.id)
  const stream = `customer:${customerId}/payments`
  const start = firstPage(context.resumeFrom(stream))
  if (start === null) return
  for (let page = start; ; page++) {
    const { rows, hasNext } = await readPage(context, `customers/${customerId}/payments/`, page, pageSize, {
      ordering: "id"
    })
    const records: Array<SourceRecord> = []
    if (page === 1) {
      const firstCurrency = rows[0]?.currency
      const currency =
        typeof firstCurrency === "string"
          ? (silverPaymentRecord(rows[0] as Row).currency ?? configuredCurrency(context.options, customerId))
          : configuredCurrency(context.options, customerId)
      records.push(silverCustomerRecord(customer, currency))
    }
    for (const row of rows) {
      for (const [kind, id, url] of silverDocumentLinks(row)) {
        const key = `${kind}:${id}`
        if (seenDocuments.has(key)) continue
        seenDocuments.add(key)
        const document = await context.http.json({ path: url })
        if (!isJsonObject(document)) throw new SourceFormatError(`${url}: expected an object`)
        records.push(silverDocumentRecord(document, kind))
      }
      // An open document's `unpaid` row is what the document still asks, not money received: its
      // document (read above, with its outstanding amount) is the record; the row is not a payment.
      if (!isDocumentDueRow(row)) records.push(silverPaymentRecord(row))
    }
    yield { stream, records, position: hasNext ? { page } : { done: true } }
    if (!hasNext) return
  }
}
