/**
 * Reads a LogiSense tenant as a LogiSense client would: `GET {server}/api/v6/Payment/Paged/Detail`
 * with the page in the `Pagination` request header (`{"pageNumber":n,"pageSize":s}`, page size at
 * most 10 000), which answers `pagedResults.totalCount` and the rows with their disbursements and
 * reversals. LogiSense lists only successful payments (posted, and the reversal rows of posted
 * payments); drafts and pending payments exist only by identity and are not read. Every page is
 * read (a few at a time) before the first batch is yielded, because an invoice's total is what all
 * its disbursements paid (LogiSense's Payment API shows no invoice of its own); rows come in
 * LogiSense's order (created, a reversal after its payment). No time filter reaches the ledger without a 10 000-row scan cap
 * (`Payment/Search`), so every run reads everything and the driver keeps what changed.
 */
import { type ExactJson, isJsonObject } from "../../http/exact-json.ts"
import { SourceFormatError, type SourceRecord } from "../source-model.ts"
import {
  configuredCurrency,
  firstPage,
  type ReadContext,
  type SourceBatch,
  type SourceReader
} from "../source-reader.ts"
import {
  disbursementsOf,
  isReversalRow,
  logisenseCustomerRecord,
  logisenseDocumentRecord,
  logisenseInvoiceTotals,
  logisensePaymentRecord,
  logisenseReversalRecord
} from "./logisense.records.ts"

type Row = { readonly [key: string]: ExactJson }

export const logisenseMaxPageSize = 10_000
/**
 * Large pages by default: Paybridge's own LogiSense dialect builds every row for each page it
 * serves (a page costs the same whatever its size), so small pages make a read quadratic.
 */
const defaultPageSize = 2000

const readPage = async (context: ReadContext, pageNumber: number, pageSize: number) => {
  const body = await context.http.json({
    path: "api/v6/Payment/Paged/Detail",
    headers: { pagination: JSON.stringify({ pageNumber, pageSize, excludeTotalCount: false }) }
  })
  const results = isJsonObject(body) ? body.pagedResults : undefined
  if (!isJsonObject(results) || !Array.isArray(results.items)) {
    throw new SourceFormatError("Payment/Paged/Detail: expected pagedResults.items")
  }
  const rows = results.items.filter(isJsonObject)
  const total = typeof results.totalCount === "number" ? results.totalCount : null
  return { rows: rows as ReadonlyArray<Row>, total }
}

export const logisenseSource: SourceReader = {
  vendor: "logisense",
  read: (context) => readLogisense(context)
}

async function* readLogisense(context: ReadContext): AsyncGenerator<SourceBatch> {
  const stream = "payments"
  const start = firstPage(context.resumeFrom(stream))
  if (start === null) return
  const pageSize = Math.min(context.options.pageSize ?? defaultPageSize, logisenseMaxPageSize)
  context.notice("LogiSense lists posted payments and their reversals only; drafts and pending payments are not read")
  const seenCustomers = new Set<string>()
  const seenDocuments = new Set<string>()

  // Every page before the first batch (from page 1 also on a resumed run): LogiSense shows an invoice
  // only through the disbursements of the payments that paid it, so its total is known only once
  // every row is read. Up to `concurrency` pages in flight once the total is known.
  const pages: Array<ReadonlyArray<Row>> = []
  const ahead = new Map<number, ReturnType<typeof readPage>>()
  let lastPage: number | null = null
  const prefetch = (from: number) => {
    if (lastPage === null) return
    for (let next = from; next <= Math.min(lastPage, from + context.options.concurrency - 1); next++) {
      if (ahead.has(next)) continue
      const request = readPage(context, next, pageSize)
      request.catch(() => {}) // awaited (and its failure raised) when its turn comes
      ahead.set(next, request)
    }
  }
  for (let pageNumber = 1; ; pageNumber++) {
    const { rows, total } = await (ahead.get(pageNumber) ?? readPage(context, pageNumber, pageSize))
    ahead.delete(pageNumber)
    if (total !== null) {
      lastPage = Math.max(1, Math.ceil(total / pageSize))
      if (pageNumber === 1) context.expect("payment", total)
    }
    prefetch(pageNumber + 1)
    pages.push(rows)
    if (!(lastPage === null ? rows.length === pageSize : pageNumber < lastPage)) break
  }
  const invoiceTotals = logisenseInvoiceTotals(pages.flat())

  for (let pageNumber = start; pageNumber <= pages.length; pageNumber++) {
    const rows = pages[pageNumber - 1] ?? []
    const records: Array<SourceRecord> = []
    for (const row of rows) {
      const customerId = String(row.accountId)
      const currency = configuredCurrency(context.options, customerId)
      if (!seenCustomers.has(customerId)) {
        seenCustomers.add(customerId)
        records.push(logisenseCustomerRecord(row, currency))
      }
      if (isReversalRow(row)) {
        records.push(logisenseReversalRecord(row))
        continue
      }
      for (const disbursement of disbursementsOf(row)) {
        const documentId = String(disbursement.invoiceId)
        if (seenDocuments.has(documentId)) continue
        seenDocuments.add(documentId)
        records.push(logisenseDocumentRecord(disbursement, customerId, currency, invoiceTotals.get(documentId) ?? null))
      }
      records.push(logisensePaymentRecord(row, currency))
    }
    yield { stream, records, position: pageNumber < pages.length ? { page: pageNumber } : { done: true } }
  }
}
