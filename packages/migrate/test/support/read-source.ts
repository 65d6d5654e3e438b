/**
 * Runs one vendor's reader to the end outside the import driver (no checkpoint, no sink) and
 * collects its batches, records and HTTP events — what the reader tests compare. Retries are fast
 * (a few ms of backoff) so fault-injected reads stay quick.
 */
import type { CurrencyCode } from "@paybridge/core"
import { SourceHttp, type SourceHttpEvent } from "../../src/http/source-http.ts"
import { recordKey, type SourceRecord, type VendorId } from "../../src/sources/source-model.ts"
import type { CustomerSelection, ReaderOptions, SourceBatch } from "../../src/sources/source-reader.ts"
import type { Credentials } from "../../src/sources/vendor-auth.ts"
import { vendors } from "../../src/sources/vendors.ts"

export interface SourceRead {
  readonly batches: ReadonlyArray<SourceBatch>
  readonly records: ReadonlyArray<SourceRecord>
  readonly byKey: ReadonlyMap<string, SourceRecord>
  /** Keys yielded more than once. */
  readonly duplicates: ReadonlyArray<string>
  readonly events: ReadonlyArray<SourceHttpEvent>
  readonly notices: ReadonlyArray<string>
}

export const readerOptions = (overrides: Partial<ReaderOptions> = {}): ReaderOptions => ({
  pageSize: null,
  concurrency: 3,
  customers: null,
  defaultCurrency: null,
  customerCurrencies: {},
  full: false,
  ...overrides
})

export const sessionFor = (vendor: VendorId, credentials: Credentials) => {
  const session = vendors[vendor].auth.session(credentials)
  if ("error" in session) throw new Error(session.error)
  return session
}

export const fastHttp = (
  vendor: VendorId,
  baseUrl: string,
  credentials: Credentials,
  events: Array<SourceHttpEvent> = [],
  /** Per request (large tenants' pages take longer to build on a busy machine). */
  timeoutMs = 5_000
) =>
  new SourceHttp({
    baseUrl,
    session: sessionFor(vendor, credentials),
    concurrency: 3,
    maxAttempts: 8,
    backoffMs: 2,
    maxBackoffMs: 20,
    timeoutMs,
    onEvent: (event) => events.push(event)
  })

export const readSource = async (
  vendor: VendorId,
  baseUrl: string,
  credentials: Credentials,
  options: Partial<ReaderOptions> = {}
): Promise<SourceRead> => {
  const events: Array<SourceHttpEvent> = []
  const notices: Array<string> = []
  const http = fastHttp(vendor, baseUrl, credentials, events)
  const batches: Array<SourceBatch> = []
  const records: Array<SourceRecord> = []
  const byKey = new Map<string, SourceRecord>()
  const duplicates: Array<string> = []
  for await (const batch of vendors[vendor].source.read({
    http,
    options: readerOptions(options),
    resumeFrom: () => null,
    watermark: () => null,
    expect: () => {},
    notice: (message) => notices.push(message)
  })) {
    batches.push(batch)
    for (const record of batch.records) {
      const key = recordKey(record)
      if (byKey.has(key)) duplicates.push(key)
      byKey.set(key, record)
      records.push(record)
    }
  }
  return { batches, records, byKey, duplicates, events, notices }
}

/** `1,2,…` ranges for `--customers`, with probing entries. */
export const selectionOf = (ids: ReadonlyArray<string>, probeUpTo = 0): CustomerSelection => [
  ...ids.map((id) => ({ id, probe: false })),
  ...Array.from({ length: probeUpTo }, (_, index) => ({ id: String(1000 + index), probe: true }))
]

export const currenciesOf = (
  customers: ReadonlyArray<{ readonly id: number; readonly number?: string; readonly currency: string }>
): Record<string, CurrencyCode> =>
  Object.fromEntries(
    customers.flatMap((customer) => [
      [String(customer.id), customer.currency as CurrencyCode],
      ...(customer.number === undefined ? [] : [[customer.number, customer.currency as CurrencyCode]])
    ])
  )
