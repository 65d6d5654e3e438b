/**
 * What a vendor reader is: something that pages through one vendor's documented API as a client
 * would and yields batches of normalised records. A reader splits its work into named streams
 * (`customers`, `customer:17/payments` …); every batch says which stream it belongs to and where
 * that stream resumes once the batch has been processed (a page number, a keyset id, or done), so
 * the import driver can checkpoint after each batch and a killed run continues where it stopped.
 * A stream's `watermark` is the vendor's clock when its read began: the next run may ask the
 * vendor only for what changed since then, where the vendor can filter by time. This module also
 * holds the small tools every reader shares: bounded parallel streams and the customer selection.
 */
import type { CurrencyCode } from "@paybridge/core"
import type { SourceHttp, SourceResponse } from "../http/source-http.ts"
import type { SourceKind, SourceRecord, VendorId } from "./source-model.ts"

/** Where a stream resumes: after this page (1-based), after this keyset id, or not at all. */
export type StreamPosition =
  | { readonly page: number }
  | { readonly after: string }
  | { readonly done: true; readonly watermark?: string | null }

export interface SourceBatch {
  readonly stream: string
  /** In dependency order: a customer before its documents, a document before the payment allocated to it. */
  readonly records: ReadonlyArray<SourceRecord>
  readonly position: StreamPosition
}

/**
 * Which customers (accounts) to read, for vendors whose API cannot list them: vendor customer ids
 * (or account numbers) in reading order. `probe` marks ids that came from a range: those the
 * vendor does not know are skipped quietly, while an unknown id named on its own is an error.
 */
export type CustomerSelection = ReadonlyArray<{ readonly id: string; readonly probe: boolean }>

export interface ReaderOptions {
  /** Records per page where the vendor lets the client choose (each reader has its default and maximum). */
  readonly pageSize: number | null
  /** Streams read at once (the HTTP client bounds requests separately). */
  readonly concurrency: number
  readonly customers: CustomerSelection | null
  /** The currency of customers whose currency the vendor's API does not show. */
  readonly defaultCurrency: CurrencyCode | null
  readonly customerCurrencies: Readonly<Record<string, CurrencyCode>>
  /** Ignore watermarks: read everything and let the driver compare (a "full compare" run). */
  readonly full: boolean
  /**
   * How far before a watermark an incremental read starts, in ms (clock skew between the vendor's
   * `Date` and its data, commits in flight); null for the reader's default (5 minutes).
   */
  readonly watermarkOverlapMs?: number | null
}

export interface ReadContext {
  readonly http: SourceHttp
  readonly options: ReaderOptions
  /** Where this stream stopped in the interrupted run (null: read it from the start). */
  readonly resumeFrom: (stream: string) => StreamPosition | null
  /** The watermark the last completed read of this stream left (null: read everything). */
  readonly watermark: (stream: string) => string | null
  /** Tells the progress display how many records of a kind to expect in all (estimates welcome). */
  readonly expect: (kind: SourceKind, total: number) => void
  /** Tells the progress display something worth a log line (a skipped customer, a lossy view). */
  readonly notice: (message: string) => void
}

export interface SourceReader {
  readonly vendor: VendorId
  readonly read: (context: ReadContext) => AsyncIterable<SourceBatch>
}

/** The currency of a customer the vendor does not show a currency for. */
export const configuredCurrency = (options: ReaderOptions, customerSourceId: string): CurrencyCode | null =>
  options.customerCurrencies[customerSourceId] ?? options.defaultCurrency

/** The page a stream continues from: 1 when new, the page after the last one processed otherwise. */
export const firstPage = (position: StreamPosition | null): number | null => {
  if (position === null) return 1
  if ("done" in position) return null
  return "page" in position ? position.page + 1 : 1
}

/** The vendor's clock (its `Date` header) as ISO text, else ours; a watermark must be in the vendor's time. */
export const sourceTimeOf = (response: SourceResponse): string => {
  const header = response.headers.get("date")
  const time = header === null ? Number.NaN : Date.parse(header)
  return new Date(Number.isNaN(time) ? Date.now() : time).toISOString()
}

/**
 * Runs the stream producers with at most `concurrency` at once and yields their batches as they
 * come (each stream's batches stay in order). A producer waits until its batch has been taken, so
 * nothing piles up in memory; the first failure stops everything and is rethrown.
 */
export async function* parallelStreams(
  producers: Iterable<() => AsyncIterable<SourceBatch>>,
  concurrency: number
): AsyncGenerator<SourceBatch> {
  const queue: Array<{ batch: SourceBatch; taken: () => void }> = []
  let wake: (() => void) | null = null
  const failure: { error?: unknown; failed: boolean } = { failed: false }
  let running = 0
  let stopped = false
  const iterator = producers[Symbol.iterator]()
  let exhausted = false

  const notify = () => {
    const next = wake
    wake = null
    next?.()
  }
  const startNext = (): boolean => {
    if (exhausted || stopped) return false
    const step = iterator.next()
    if (step.done === true) {
      exhausted = true
      return false
    }
    running++
    const produce = step.value
    void (async () => {
      try {
        for await (const batch of produce()) {
          if (stopped) return
          await new Promise<void>((taken) => {
            queue.push({ batch, taken })
            notify()
          })
        }
      } catch (error) {
        if (!failure.failed) {
          failure.failed = true
          failure.error = error
        }
      } finally {
        running--
        if (!stopped) startNext()
        notify()
      }
    })()
    return true
  }

  try {
    for (let i = 0; i < Math.max(1, concurrency); i++) if (!startNext()) break
    while (true) {
      if (failure.failed) throw failure.error
      const item = queue.shift()
      if (item !== undefined) {
        yield item.batch
        item.taken()
        continue
      }
      if (running === 0 && exhausted) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
  } finally {
    stopped = true
    for (const item of queue.splice(0)) item.taken()
  }
}
