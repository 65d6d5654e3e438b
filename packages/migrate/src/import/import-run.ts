/**
 * The import driver: one run of a vendor reader into a sink, checkpointed after every batch.
 * For each batch it fingerprints the records, asks the checkpoint which are new or changed, has the
 * sink write those (in the batch's order), then commits the fingerprints and the stream's new
 * position. So a re-run writes only what changed, never a record twice, and a run killed at any
 * moment resumes from its last commit: finished streams are skipped, the others continue after
 * their last committed batch, and a batch written but not yet committed is written again, which the
 * sink's idempotency by key absorbs. A dry run reads and compares but writes and commits nothing.
 * The summary says what was read per kind, what was new, changed or unchanged, and where the time
 * went (waiting for the source, in the sink, in checkpoint commits). With an operator's balances
 * file, a last step (stream `balances-file`) books each listed customer's balance after the vendor's
 * records (`balances-file.ts`), through the same fingerprints, so a re-run books only a changed value.
 */
import { randomUUID } from "node:crypto"
import {
  type BatchCommit,
  type CheckpointStore,
  countRecord,
  fingerprintOf,
  type RecordFingerprint,
  type RunCounts,
  type RunMode,
  type RunState,
  type RunStatus,
  type RunSummary
} from "../checkpoint/checkpoint.ts"
import type { SourceHttp } from "../http/source-http.ts"
import { type Progress, silentProgress } from "../progress/progress.ts"
import { recordKey, type SourceRecord } from "../sources/source-model.ts"
import type { ReaderOptions, SourceBatch } from "../sources/source-reader.ts"
import type { Vendor } from "../sources/vendors.ts"
import {
  type BalancesFile,
  balanceFileRecord,
  balancesStream,
  type KnownCustomer,
  type ResolvedBalance,
  resolveBalances
} from "./balances-file.ts"
import type { RecordSink, SinkRecord } from "./record-sink.ts"

export interface ImportOptions {
  readonly vendor: Vendor
  /** The source URL, as given (the checkpoint is kept per vendor and source). */
  readonly source: string
  readonly http: SourceHttp
  readonly reader: ReaderOptions
  readonly checkpoint: CheckpointStore
  /** Null for a dry run. */
  readonly sink: RecordSink | null
  readonly progress?: Progress
  /** Aborting ends the run as `interrupted` (resumable). */
  readonly signal?: AbortSignal
  readonly now?: () => number
  /** The operator's balances file (`--balances`): booked after the vendor's records. */
  readonly balances?: BalancesFile | null
  /** Told the file's rows as resolved (for the reconciliation), once the balances step ran. */
  readonly onBalances?: (resolved: ReadonlyArray<ResolvedBalance>) => void
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export const runImport = async (options: ImportOptions): Promise<RunSummary> => {
  const now = options.now ?? Date.now
  const progress = options.progress ?? silentProgress
  const dryRun = options.sink === null
  const started = now()
  const snapshot = await options.checkpoint.open(options.vendor.id, options.source)
  const incremental = !options.reader.full && Object.keys(snapshot.watermarks).length > 0

  let run: RunState
  if (!dryRun && snapshot.run !== null) {
    // A resumed run keeps its mode: a full run stays full even if earlier streams left watermarks.
    run = { ...snapshot.run, resumes: snapshot.run.resumes + 1 }
    progress.notice(`resuming run ${run.id} (${Object.keys(run.positions).length} stream(s) already processed)`)
  } else {
    const mode: RunMode = dryRun ? "dry-run" : incremental ? "incremental" : "full"
    run = { id: randomUUID(), startedAt: new Date(started).toISOString(), mode, resumes: 0, positions: {}, counts: {} }
  }
  const mode = run.mode
  const reader = mode === "full" ? { ...options.reader, full: true } : options.reader
  if (!dryRun) await options.checkpoint.saveRun(run)

  const notices: Array<string> = []
  const seenThisRun = new Set<string>()
  let counts: RunCounts = dryRun ? {} : run.counts
  let duplicates = 0
  const timings = { sourceMs: 0, sinkMs: 0, checkpointMs: 0 }
  let status: RunStatus = "completed"
  let error: string | null = null

  const batches = options.vendor.source
    .read({
      http: options.http,
      options: reader,
      resumeFrom: (stream) => (dryRun ? null : (run.positions[stream] ?? null)),
      watermark: (stream) => snapshot.watermarks[stream] ?? null,
      expect: progress.expect,
      notice: (message) => {
        if (!notices.includes(message)) notices.push(message)
        progress.notice(message)
      }
    })
    [Symbol.asyncIterator]()

  // What the balances step resolves the file's customers against: the customers read in this run.
  const customersRead = new Map<string, KnownCustomer>()
  const balancesShown = new Set<string>()
  const remember = (record: SourceRecord) => {
    if (record.kind === "customer") {
      const known = { sourceId: record.sourceId, currency: record.currency }
      customersRead.set(record.sourceId, known)
      for (const alias of Object.values(record.aliases)) if (!customersRead.has(alias)) customersRead.set(alias, known)
    } else if (record.kind === "balance" && record.origin === undefined) balancesShown.add(record.customerSourceId)
  }

  const processBatch = async (batch: SourceBatch) => {
    for (const record of batch.records) remember(record)
    const keyed = batch.records.map((record) => ({
      record,
      key: recordKey(record),
      fingerprint: fingerprintOf(record)
    }))
    const stored = await options.checkpoint.fingerprints(keyed.map(({ key }) => key))
    const toWrite: Array<SinkRecord> = []
    const committed: Array<RecordFingerprint> = []
    for (const { record, key, fingerprint } of keyed) {
      if (seenThisRun.has(key)) duplicates++
      seenThisRun.add(key)
      const before = stored.get(key)
      const outcome = before === undefined ? "new" : before === fingerprint ? "unchanged" : "changed"
      counts = countRecord(counts, record.kind, outcome)
      progress.records(record.kind, outcome)
      for (const note of record.notes) if (!notices.includes(note)) notices.push(note)
      if (outcome === "unchanged") continue
      toWrite.push({ key, fingerprint, record, changed: outcome === "changed" })
      committed.push({ key, fingerprint })
    }
    if (dryRun) return
    const commit: BatchCommit = {
      runId: run.id,
      stream: batch.stream,
      position: batch.position,
      records: committed,
      counts
    }
    if (toWrite.length > 0 && options.sink !== null) {
      const sinkStarted = now()
      await options.sink.write(toWrite, { runId: run.id, stream: batch.stream, commit })
      timings.sinkMs += now() - sinkStarted
    }
    const commitStarted = now()
    await options.checkpoint.commit(commit)
    run = { ...run, positions: { ...run.positions, [batch.stream]: batch.position }, counts }
    timings.checkpointMs += now() - commitStarted
  }

  try {
    while (true) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("interrupted")
      const readStarted = now()
      const next = await batches.next()
      timings.sourceMs += now() - readStarted
      if (next.done === true) break
      await processBatch(next.value)
    }
    if (options.balances !== undefined && options.balances !== null) {
      const batch = await balancesBatch(options, options.balances, customersRead, balancesShown)
      const stored = await options.checkpoint.fingerprints(batch.records.map(recordKey))
      const changed = batch.records.filter((record) => stored.get(recordKey(record)) !== fingerprintOf(record))
      const verb = dryRun ? "would bring forward" : "brings forward"
      progress.notice(
        `balances step (${options.balances.path}): ${options.balances.rows.length} customer(s) listed, ${verb} ${changed.length} new or changed balance(s)`
      )
      for (const record of changed.slice(0, 50)) {
        if (record.kind !== "balance") continue
        const before = stored.has(recordKey(record)) ? "changed" : "new"
        progress.notice(
          `balances step: customer ${record.customerSourceId} ${verb} to ${record.balance} ${record.currency ?? ""} (ledger sign; ${before})`
        )
      }
      if (run.positions[balancesStream] === undefined) await processBatch(batch)
    }
  } catch (failure) {
    status = options.signal?.aborted ? "interrupted" : "failed"
    error = status === "interrupted" ? "interrupted" : describe(failure)
    await batches.return?.(undefined).catch(() => undefined)
  }

  const summary: RunSummary = {
    id: run.id,
    vendor: options.vendor.id,
    source: options.source,
    mode,
    status,
    startedAt: run.startedAt,
    finishedAt: new Date(now()).toISOString(),
    resumes: run.resumes,
    counts,
    duplicates,
    notices,
    timings: { ...timings, totalMs: now() - started },
    error
  }
  if (!dryRun) {
    await options.checkpoint.finishRun(summary)
    await options.sink?.close()
  }
  progress.finish(summary)
  return summary
}

/**
 * The balances step's batch: the file's rows resolved against the customers this run read (else
 * those a previous run booked, by an alias the vendor gives customers or by vendor id), checked (unknown customer, other currency: nothing of
 * the file is booked), and the rows whose balance the vendor does not show as `balance` records.
 */
const balancesBatch = async (
  options: ImportOptions,
  file: BalancesFile,
  customersRead: ReadonlyMap<string, KnownCustomer>,
  balancesShown: ReadonlySet<string>
): Promise<SourceBatch> => {
  const unread = file.rows.map((row) => row.customer).filter((customer) => !customersRead.has(customer))
  // A customer a previous (interrupted) run read: by an alias it was booked under, else by its vendor id.
  const aliasKeys = unread.flatMap((customer) =>
    options.vendor.customerAliases.map((alias) => `customer/${alias}/${customer}`)
  )
  const aliased = (aliasKeys.length > 0 && (await options.checkpoint.aliasedSourceIds?.(aliasKeys))) || new Map()
  const unreadIds = new Map(
    unread.map((customer) => {
      const viaAlias = options.vendor.customerAliases
        .map((alias) => aliased.get(`customer/${alias}/${customer}`))
        .find((sourceId) => sourceId !== undefined)
      return [customer, viaAlias ?? customer] as const
    })
  )
  const booked = await options.checkpoint.fingerprints([
    ...[...unreadIds.values()].map((sourceId) => `customer/${sourceId}`),
    ...[...customersRead.values(), ...[...unreadIds.values()].map((sourceId) => ({ sourceId }))].map(
      ({ sourceId }) => `balance/${sourceId}`
    )
  ])
  const previouslyRead = (customer: string): KnownCustomer | null => {
    const sourceId = unreadIds.get(customer)
    return sourceId !== undefined && booked.has(`customer/${sourceId}`) ? { sourceId, currency: null } : null
  }
  const resolved = resolveBalances(
    file,
    options.vendor.title,
    file.sign ?? options.vendor.balanceSign,
    (customer) => customersRead.get(customer) ?? previouslyRead(customer),
    (customer) => balancesShown.has(customer) || booked.has(`balance/${customer}`)
  )
  options.onBalances?.(resolved)
  return {
    stream: balancesStream,
    records: resolved.filter((row) => !row.vendorShown).map(balanceFileRecord),
    position: { done: true }
  }
}
