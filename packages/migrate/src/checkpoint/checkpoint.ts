/**
 * The checkpoint model: what a migration from one vendor source has read, up to where, and what
 * each record looked like when it was processed. Three parts:
 *
 * - **records** — per record key (`payment/123`) the fingerprint (SHA-256 of the normalised record,
 *   raw vendor record included) it had when it was last processed. A record whose fingerprint is
 *   unchanged is not processed again, which makes every run idempotent by source id and lets a
 *   vendor without a time filter be re-read in full ("full compare") while only changes are booked.
 * - **run** — the run under way: its id, mode, and per stream the position after the last batch
 *   processed (`{page}`, `{after}`, `{done}`). A killed run leaves it behind; the next start resumes
 *   it, skipping finished streams and continuing the others after their last processed batch.
 * - **watermarks** — per stream, the vendor's clock when its last complete read began, for vendors
 *   that can filter by time (Billing Platform (UK)'s `updatedSince`).
 *
 * Stores implement {@link CheckpointStore} at batch granularity, so a database store (phase 2) can
 * commit a batch's fingerprints and position in one transaction; the JSON file store keeps it all
 * in memory and writes the file atomically.
 */
import { createHash } from "node:crypto"
import { ExactNumber, stringifyExactJson } from "../http/exact-json.ts"
import type { SourceKind, SourceRecord, VendorId } from "../sources/source-model.ts"
import type { StreamPosition } from "../sources/source-reader.ts"

export const checkpointFormat = "paybridge-migrate-checkpoint/1"

export type RunMode = "full" | "incremental" | "dry-run"
export type RunStatus = "running" | "completed" | "failed" | "interrupted"

export interface KindCounts {
  /** Records the source yielded. */
  readonly read: number
  /** Never processed before. */
  readonly new: number
  /** Processed before with another fingerprint. */
  readonly changed: number
  /** Same fingerprint as last processed: skipped. */
  readonly unchanged: number
}

export type RunCounts = Readonly<Partial<Record<SourceKind, KindCounts>>>

export interface RunState {
  readonly id: string
  readonly startedAt: string
  readonly mode: RunMode
  /** How many times this run was resumed after an interruption. */
  readonly resumes: number
  readonly positions: Readonly<Record<string, StreamPosition>>
  readonly counts: RunCounts
}

export interface RunSummary {
  readonly id: string
  readonly vendor: VendorId
  readonly source: string
  readonly mode: RunMode
  readonly status: RunStatus
  readonly startedAt: string
  readonly finishedAt: string
  readonly resumes: number
  readonly counts: RunCounts
  /** Records yielded twice within the run (a reader fault; always 0 when all is well). */
  readonly duplicates: number
  readonly notices: ReadonlyArray<string>
  /** Where the time went, in ms: waiting for the source, in the sink (ledger writes), in checkpoint commits. */
  readonly timings: {
    readonly sourceMs: number
    readonly sinkMs: number
    readonly checkpointMs: number
    readonly totalMs: number
  }
  readonly error: string | null
}

/** What a store holds for one (vendor, source). */
export interface CheckpointSnapshot {
  readonly run: RunState | null
  readonly watermarks: Readonly<Record<string, string>>
  readonly history: ReadonlyArray<RunSummary>
}

export interface RecordFingerprint {
  readonly key: string
  readonly fingerprint: string
}

/** One processed batch: committed after the sink has written its records. */
export interface BatchCommit {
  readonly runId: string
  readonly stream: string
  readonly position: StreamPosition
  readonly records: ReadonlyArray<RecordFingerprint>
  readonly counts: RunCounts
}

export interface CheckpointStore {
  /** Where it lives, for messages (`checkpoint.json`, `ledger database`). */
  readonly description: string
  /** The saved state of (vendor, source); an empty snapshot the first time. Refuses another vendor's or source's checkpoint. */
  readonly open: (vendor: VendorId, source: string) => Promise<CheckpointSnapshot>
  /** The fingerprints last processed for these record keys (absent: never processed). */
  readonly fingerprints: (keys: ReadonlyArray<string>) => Promise<ReadonlyMap<string, string>>
  /**
   * The vendor ids of records booked under these alias keys (`customer/number/ACR-1`); absent when
   * the store keeps no aliases (the JSON file store: a balances file then names customers by vendor id).
   */
  readonly aliasedSourceIds?: (keys: ReadonlyArray<string>) => Promise<ReadonlyMap<string, string>>
  /** Starts (or resumes) a run. */
  readonly saveRun: (run: RunState) => Promise<void>
  /** Records a processed batch: fingerprints, the stream's new position, its watermark when done. */
  readonly commit: (commit: BatchCommit) => Promise<void>
  /** Ends the run: completed runs clear the run state; interrupted and failed ones keep it to resume. */
  readonly finishRun: (summary: RunSummary) => Promise<void>
  /** Makes everything durable (a store may delay writes between batches). */
  readonly flush: () => Promise<void>
}

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical)
  if (value instanceof ExactNumber || value === null || typeof value !== "object") return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])])
  )
}

/** SHA-256 (hex) of the record's canonical JSON (keys sorted, numbers exact). */
export const fingerprintOf = (record: SourceRecord): string =>
  createHash("sha256")
    .update(stringifyExactJson(canonical(record)))
    .digest("hex")

export const emptyCounts: KindCounts = { read: 0, new: 0, changed: 0, unchanged: 0 }

/** Adds one record's outcome to the counts. */
export const countRecord = (
  counts: RunCounts,
  kind: SourceKind,
  outcome: "new" | "changed" | "unchanged"
): RunCounts => {
  const current = counts[kind] ?? emptyCounts
  return { ...counts, [kind]: { ...current, read: current.read + 1, [outcome]: current[outcome] + 1 } }
}
