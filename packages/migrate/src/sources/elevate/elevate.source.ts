/**
 * Reads an Elevate tenant as an Elevate client would. Every list takes `page` (from 1) and
 * `pageSize` (at most 1000) and answers a bare array; the last page is the first shorter than
 * `pageSize`. `GET /customer-credit-status` lists every customer (discovery, every run); every
 * customer is yielded first, in that order, with its currency (`GET /customer-balances`) and the
 * credit status's `openBillRunValue` (what its open invoices still owe: one invoice brought forward
 * before the payments). Then per customer, several at once: `GET /customer-payments?customer_id=`
 * (the whole list first: payments, then the balance movement rows from `1000000000000 + balance
 * entry id`, see elevate.records.ts for what each books); for each payment that paid a document
 * `GET /invoice-payments?customerPaymentId=` and `GET /adhoc-invoice-payments?customerPaymentId=`
 * (its allocations and the documents they name), and for each document once the same list by
 * `generatedInvoiceId` (what every payment paid it: the total it is issued with); `GET
 * /refunds?customerId=` (each refund booked at its movement row); the balance snapshot (`GET
 * /customer-balances`) last. Elevate filters nothing by time, so every run reads everything and the
 * driver keeps what changed.
 */
import { type ExactJson, isJsonObject } from "../../http/exact-json.ts"
import { type SourceAllocation, SourceFormatError, type SourceRecord } from "../source-model.ts"
import { firstPage, parallelStreams, type ReadContext, type SourceBatch, type SourceReader } from "../source-reader.ts"
import {
  elevateAllocation,
  elevateBalanceRecord,
  elevateCustomerRecord,
  elevateDocumentId,
  elevateDocumentRecord,
  elevateMovementPlan,
  elevateOpenBillRunRecord,
  elevatePaidTotal,
  elevatePaymentRecord,
  elevateRefundRecord
} from "./elevate.records.ts"

type Row = { readonly [key: string]: ExactJson }

/** Elevate's documented maximum `pageSize`. */
export const elevateMaxPageSize = 1000

const rowsOf = (body: ExactJson, what: string): ReadonlyArray<Row> => {
  if (!Array.isArray(body)) throw new SourceFormatError(`${what}: expected a JSON array`)
  return body.map((row) => {
    if (!isJsonObject(row)) throw new SourceFormatError(`${what}: expected objects`)
    return row
  })
}

const objectOf = (body: ExactJson, what: string): Row => {
  if (!isJsonObject(body)) throw new SourceFormatError(`${what}: expected an object`)
  return body
}

const page = async (
  context: ReadContext,
  path: string,
  query: Readonly<Record<string, string | number>>,
  pageNumber: number,
  pageSize: number
) => rowsOf(await context.http.json({ path, query: { ...query, page: pageNumber, pageSize } }), path)

/** Every row of a list, page by page (for small lists: a payment's invoice payments). */
const allRows = async (
  context: ReadContext,
  path: string,
  query: Readonly<Record<string, string | number>>,
  pageSize: number
) => {
  const rows: Array<Row> = []
  for (let pageNumber = 1; ; pageNumber++) {
    const batch = await page(context, path, query, pageNumber, pageSize)
    rows.push(...batch)
    if (batch.length < pageSize) return rows
  }
}

export const elevateSource: SourceReader = {
  vendor: "elevate",
  read: (context) => readElevate(context)
}

async function* readElevate(context: ReadContext): AsyncGenerator<SourceBatch> {
  const pageSize = Math.min(context.options.pageSize ?? elevateMaxPageSize, elevateMaxPageSize)
  const customers = await allRows(context, "customer-credit-status", {}, pageSize)
  context.expect("customer", customers.length)
  if (firstPage(context.resumeFrom("customers")) !== null) {
    // Every customer first, in Elevate's order (it lists customers by id, and so does the ledger), each
    // with its currency (`customer-balances`) and what its open documents owe brought forward.
    const balances = await Promise.all(
      customers.map(async (customer) =>
        objectOf(
          await context.http.json({ path: "customer-balances", query: { customer_id: String(customer.customerId) } }),
          "customer-balances"
        )
      )
    )
    const records = customers.flatMap((creditStatus, index) => {
      const customer = elevateCustomerRecord(creditStatus, balances[index] ?? {})
      const open = elevateOpenBillRunRecord(creditStatus, customer.currency)
      return open === null ? [customer] : [customer, open]
    })
    yield { stream: "customers", records, position: { done: true } }
  }
  const seenDocuments = new Set<string>()
  yield* parallelStreams(
    customers.map((customer) => () => readCustomer(context, customer, pageSize, seenDocuments)),
    context.options.concurrency
  )
}

async function* readCustomer(
  context: ReadContext,
  creditStatus: Row,
  pageSize: number,
  seenDocuments: Set<string>
): AsyncGenerator<SourceBatch> {
  const customerId = String(creditStatus.customerId)
  const paymentsStream = `customer:${customerId}/payments`
  const refundsStream = `customer:${customerId}/refunds`
  const paymentsStart = firstPage(context.resumeFrom(paymentsStream))
  const refundsStart = firstPage(context.resumeFrom(refundsStream))

  // The customer's whole list and refunds first (also on a resumed run): a reinstatement undoes the
  // reversal before it, and each refund's movement row says which payment it paid back.
  const pages: Array<ReadonlyArray<Row>> = []
  let refunds: ReadonlyArray<Row> = []
  if (paymentsStart !== null || refundsStart !== null) {
    for (let pageNumber = 1; ; pageNumber++) {
      const rows = await page(context, "customer-payments", { customer_id: customerId }, pageNumber, pageSize)
      pages.push(rows)
      if (rows.length < pageSize) break
    }
    refunds = await allRows(context, "refunds", { customerId }, pageSize)
  }
  const movements = elevateMovementPlan(pages.flat(), refunds)

  if (paymentsStart !== null) {
    for (let pageNumber = paymentsStart; pageNumber <= pages.length; pageNumber++) {
      const records: Array<SourceRecord> = []
      for (const row of pages[pageNumber - 1] ?? []) {
        const movement = movements.get(String(row.id))
        if (movement !== undefined) {
          if (movement !== null) records.push(movement)
          continue
        }
        const allocations: Array<SourceAllocation> = []
        if (row.invoiceId !== null && row.invoiceId !== undefined) {
          for (const path of ["invoice-payments", "adhoc-invoice-payments"]) {
            for (const event of await allRows(context, path, { customerPaymentId: String(row.id) }, pageSize)) {
              if (String(event.customerPaymentId) !== String(row.id)) continue
              const documentId = elevateDocumentId(event.billRunType, event.invoiceId)
              if (!seenDocuments.has(documentId)) {
                seenDocuments.add(documentId)
                // What every payment paid the document (Elevate's `generatedInvoiceId` filter): its total here.
                const paid = await allRows(context, path, { generatedInvoiceId: String(event.invoiceId) }, pageSize)
                records.push(elevateDocumentRecord(event, elevatePaidTotal(paid)))
              }
              allocations.push(elevateAllocation(event))
            }
          }
        }
        records.push(elevatePaymentRecord(row, allocations))
      }
      const more = pageNumber < pages.length
      yield { stream: paymentsStream, records, position: more ? { page: pageNumber } : { done: true } }
    }
  }

  // Refunds whose movement row was not told apart (none, when every refund has its row): one batch.
  if (refundsStart !== null) {
    const paired = new Set(
      [...movements.values()].flatMap((record) => (record?.kind === "refund" ? [record.sourceId] : []))
    )
    yield {
      stream: refundsStream,
      records: refunds.map((row) => elevateRefundRecord(row, null)).filter((record) => !paired.has(record.sourceId)),
      position: { done: true }
    }
  }

  const balanceStream = `customer:${customerId}/balance`
  if (context.resumeFrom(balanceStream) === null) {
    const balance = objectOf(
      await context.http.json({ path: "customer-balances", query: { customer_id: customerId } }),
      "customer-balances"
    )
    yield { stream: balanceStream, records: [elevateBalanceRecord(balance)], position: { done: true } }
  }
}
