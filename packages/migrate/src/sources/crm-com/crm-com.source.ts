/**
 * Reads a CRM.COM tenant as its clients do. `payments/list` needs an accounts receivable and
 * CRM.COM documents no way to list accounts, so the operator names them (`--customers` with account
 * numbers, 32-hex account ids, ranges of numbers `1-500`, or `@file`); per account, several at
 * once, one `GET payments/list?accounts_receivable_identifier=number=<n>` answers all its payments
 * in every state (CRM.COM documents no paging) with the documents each pays. No time filter
 * exists, so every run reads everything and the driver keeps what changed. An unknown account
 * answers `NOT_FOUND`: an error for a named account, skipped for numbers from a range.
 */
import { isJsonObject } from "../../http/exact-json.ts"
import { SourceFormatError, type SourceRecord } from "../source-model.ts"
import {
  configuredCurrency,
  parallelStreams,
  type ReadContext,
  type SourceBatch,
  type SourceReader
} from "../source-reader.ts"
import { crmStatusCode } from "./crm-com.auth.ts"
import {
  crmAccountOf,
  crmCancellationRecord,
  crmCustomerRecord,
  crmDocumentRecord,
  crmDocumentsOf,
  crmPaymentRecord
} from "./crm-com.records.ts"

/** `accounts_receivable_identifier` for a selection entry: a 32-hex id, else an account number. */
export const crmAccountIdentifier = (entry: string): string =>
  /^[0-9A-Fa-f]{32}$/u.test(entry) ? `id=${entry.toUpperCase()}` : `number=${entry}`

export const crmComSource: SourceReader = {
  vendor: "crm-com",
  read: (context) => readCrmCom(context)
}

async function* readCrmCom(context: ReadContext): AsyncGenerator<SourceBatch> {
  const selection = context.options.customers
  if (selection === null) {
    throw new SourceFormatError(
      "CRM.COM's API cannot list accounts: name them with --customers (account numbers, ids, ranges a-b, or @file)"
    )
  }
  context.expect("customer", selection.length)
  const seenDocuments = new Set<string>()
  yield* parallelStreams(
    selection.map(
      ({ id, probe }) =>
        () =>
          readAccount(context, id, probe, seenDocuments)
    ),
    context.options.concurrency
  )
}

async function* readAccount(
  context: ReadContext,
  entry: string,
  probing: boolean,
  seenDocuments: Set<string>
): AsyncGenerator<SourceBatch> {
  const stream = `account:${entry}/payments`
  if (context.resumeFrom(stream) !== null) return
  const response = await context.http.requestOk({
    path: "payments/list",
    query: { accounts_receivable_identifier: crmAccountIdentifier(entry) }
  })
  const code = crmStatusCode(response)
  if (code === "NOT_FOUND" && probing) {
    yield { stream, records: [], position: { done: true } }
    return
  }
  const body = response.json()
  if (code !== "OK" || !isJsonObject(body) || !Array.isArray(body.data)) {
    throw new SourceFormatError(
      `payments/list for account ${entry}: ${code ?? "no status"}: ${response.text.slice(0, 200)}`
    )
  }
  const payments = body.data.filter(isJsonObject)
  const first = payments[0]
  if (first === undefined) {
    context.notice(`CRM.COM account ${entry} has no payments: nothing names its id, so it is not read`)
    yield { stream, records: [], position: { done: true } }
    return
  }
  const account = crmAccountOf(first)
  const customerId = String(account.id)
  const currency = context.options.customerCurrencies[entry] ?? configuredCurrency(context.options, customerId)
  const records: Array<SourceRecord> = [crmCustomerRecord(account, currency)]
  for (const payment of payments) {
    for (const [kind, row] of crmDocumentsOf(payment)) {
      const key = String(row.id)
      if (seenDocuments.has(key)) continue
      seenDocuments.add(key)
      records.push(crmDocumentRecord(kind, row, customerId, currency))
    }
    records.push(crmPaymentRecord(payment, currency))
    const cancellation = crmCancellationRecord(payment)
    if (cancellation !== null) records.push(cancellation)
  }
  yield { stream, records, position: { done: true } }
}
