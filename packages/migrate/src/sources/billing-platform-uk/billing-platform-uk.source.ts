/**
 * Reads a Billing Platform (UK) tenant as its clients do. The payments API cannot list customers,
 * so the operator names them (`--customers 1,2,7-90,@file`); per customer, several at once, one
 * `GET /customers/<id>/payments/?includeReversed` answers every valid and reversed payment and
 * every refund row (`R<n>`) as one bare array (a partly reversed payment is two rows: `N` for what
 * stands and `N-R` for the reversed part, read back as payment N and its partial reversal) — the vendor has no paging; clients sync
 * incrementally. So does the reader: a customer read completely leaves a watermark (the vendor's
 * `Date` when the read began), and the next run asks only `updatedSince=<watermark − 5 min>`
 * (created or changed since, refund rows included) unless `--full` is given. A customer the vendor
 * does not know answers 404: an error for a named id, skipped quietly for ids from a range.
 */
import { isJsonObject } from "../../http/exact-json.ts"
import { idOf, SourceFormatError, type SourceRecord } from "../source-model.ts"
import {
  configuredCurrency,
  parallelStreams,
  type ReadContext,
  type SourceBatch,
  type SourceReader,
  sourceTimeOf
} from "../source-reader.ts"
import {
  billingPlatformUkCustomerRecord,
  billingPlatformUkPartialReversalRecord,
  billingPlatformUkPaymentRecord,
  billingPlatformUkRefundRecord,
  billingPlatformUkReversalRecord,
  isRefundRow,
  reversedPartOf
} from "./billing-platform-uk.records.ts"

/** How far before the last watermark an incremental read starts by default (clock skew, commits in flight). */
export const watermarkOverlapMs = 5 * 60_000

export const billingPlatformUkSource: SourceReader = {
  vendor: "billing-platform-uk",
  read: (context) => readBillingPlatformUk(context)
}

async function* readBillingPlatformUk(context: ReadContext): AsyncGenerator<SourceBatch> {
  const selection = context.options.customers
  if (selection === null) {
    throw new SourceFormatError(
      "Billing Platform (UK)'s API cannot list customers: name them with --customers (ids, ranges a-b, or @file)"
    )
  }
  context.expect("customer", selection.length)
  yield* parallelStreams(
    selection.map(
      ({ id, probe }) =>
        () =>
          readCustomer(context, id, probe)
    ),
    context.options.concurrency
  )
}

async function* readCustomer(context: ReadContext, customerId: string, probing: boolean): AsyncGenerator<SourceBatch> {
  const stream = `customer:${customerId}/payments`
  if (context.resumeFrom(stream) !== null) return // one batch per customer: a position means done
  const watermark = context.options.full ? null : context.watermark(stream)
  const overlap = context.options.watermarkOverlapMs ?? watermarkOverlapMs
  const since = watermark === null ? undefined : new Date(Date.parse(watermark) - overlap).toISOString()
  const response = await context.http.request({
    path: `customers/${encodeURIComponent(customerId)}/payments/`,
    query: { includeReversed: "", updatedSince: since }
  })
  if (response.status === 404 && probing) {
    yield { stream, records: [], position: { done: true } }
    return
  }
  if (response.status !== 200) {
    throw new SourceFormatError(
      `customers/${customerId}/payments/: HTTP ${response.status}: ${response.text.slice(0, 200)}`
    )
  }
  const rows = response.json()
  if (!Array.isArray(rows)) throw new SourceFormatError(`customers/${customerId}/payments/: expected a JSON array`)
  const currency = configuredCurrency(context.options, customerId)
  const records: Array<SourceRecord> = [billingPlatformUkCustomerRecord(customerId, currency)]
  const objects = rows.map((row) => {
    if (!isJsonObject(row)) throw new SourceFormatError(`customers/${customerId}/payments/: expected objects`)
    return row
  })
  // A reversed part `N-R` belongs to payment N (the whole payment is both rows), wherever it is listed.
  const reversedParts = new Map(
    objects.flatMap((row) => {
      const paymentId = reversedPartOf(row)
      return paymentId === null ? [] : [[paymentId, row] as const]
    })
  )
  for (const row of objects) {
    if (isRefundRow(row)) {
      records.push(billingPlatformUkRefundRecord(row, customerId))
      continue
    }
    if (reversedPartOf(row) !== null) {
      records.push(billingPlatformUkPartialReversalRecord(row, customerId))
      continue
    }
    records.push(
      billingPlatformUkPaymentRecord(row, customerId, currency, reversedParts.get(idOf(row.id, "payment id")) ?? null)
    )
    const reversal = billingPlatformUkReversalRecord(row, customerId)
    if (reversal !== null) records.push(reversal)
  }
  yield { stream, records, position: { done: true, watermark: sourceTimeOf(response) } }
}
