/**
 * The checkpoint in the ledger database (`--checkpoint db`, the default when booking): a
 * `CheckpointStore` over dialect records, so a killed run resumes from what the ledger itself
 * holds. Record fingerprints are the `migrated` records the ledger sink writes in the same unit as
 * the booking (so `commit` has nothing to add for them); the run under way, its stream positions
 * and the watermarks are one `migrate/checkpoint` record per (vendor, source); every finished run
 * is a `migrate/run` record (summary, later its reconciliation report) — what the admin console
 * lists.
 */
import { createHash } from "node:crypto"
import { DialectRecords } from "@paybridge/core"
import { Effect } from "effect"
import type {
  BatchCommit,
  CheckpointSnapshot,
  CheckpointStore,
  RunState,
  RunSummary
} from "../checkpoint/checkpoint.ts"
import type { VendorId } from "../sources/source-model.ts"
import type { Ledger, MigrationServices } from "./ledger-runtime.ts"
import { readAliasesMany, readMigratedMany } from "./migrated-records.ts"

export const migrateDialect = "migrate"
export const checkpointKind = "checkpoint"
export const runKind = "run"

interface CheckpointData {
  readonly vendor: VendorId
  readonly source: string
  readonly run: RunState | null
  readonly watermarks: Readonly<Record<string, string>>
}

/** The checkpoint record's key: vendor and a hash of the source URL (keys are at most 200 characters). */
export const checkpointKey = (vendor: VendorId, source: string): string =>
  `${vendor}:${createHash("sha256").update(source).digest("hex").slice(0, 32)}`

const readData = (key: string) =>
  Effect.flatMap(DialectRecords, (records) =>
    records.getDialectRecord({ dialect: migrateDialect, kind: checkpointKind, key }).pipe(
      Effect.map((record) => record.data as unknown as CheckpointData),
      Effect.catchTag("NotFound", () => Effect.succeed(null))
    )
  )

const saveData = (key: string, data: CheckpointData) =>
  Effect.flatMap(DialectRecords, (records) =>
    records.saveDialectRecord({ dialect: migrateDialect, kind: checkpointKind, key, data: { ...data } })
  )

/** Saves a run's record (summary, and the reconciliation report once there is one). */
export const saveRunRecord = (ledger: Ledger, summary: RunSummary, extra: Readonly<Record<string, unknown>> = {}) =>
  ledger.run(
    Effect.flatMap(DialectRecords, (records) =>
      records.saveDialectRecord({
        dialect: migrateDialect,
        kind: runKind,
        key: summary.id,
        data: { summary, ...extra },
        merge: true
      })
    )
  )

/**
 * The checkpoint in the ledger database. Besides the store's calls it lets the ledger sink write a
 * batch's commit in the batch's own last transaction (`commitEffect`, then `committedWith` once that
 * transaction committed), so the booking and the stream position commit together; the driver's
 * `commit` of that same batch then has nothing left to write.
 */
export interface LedgerCheckpoint extends CheckpointStore {
  readonly commitEffect: (commit: BatchCommit) => Effect.Effect<void, unknown, MigrationServices>
  readonly committedWith: (commit: BatchCommit) => void
}

/** The checkpoint data after a batch's commit: the stream's new position, the counts, its watermark when done. */
const afterCommit = (data: CheckpointData, commit: BatchCommit): CheckpointData => {
  const run = data.run
  return {
    ...data,
    run:
      run !== null && run.id === commit.runId
        ? { ...run, positions: { ...run.positions, [commit.stream]: commit.position }, counts: commit.counts }
        : run,
    watermarks:
      "done" in commit.position && commit.position.watermark
        ? { ...data.watermarks, [commit.stream]: commit.position.watermark }
        : data.watermarks
  }
}

export const ledgerCheckpoint = (ledger: Ledger): LedgerCheckpoint => {
  let opened: { vendor: VendorId; source: string; key: string; data: CheckpointData } | null = null
  const current = () => {
    if (opened === null) throw new Error("checkpoint used before open()")
    return opened
  }
  /** The commit the sink wrote in its own transaction (the driver's `commit` of it is then a no-op). */
  let inSinkTransaction: BatchCommit | null = null
  const persist = async () => {
    const state = current()
    await ledger.run(saveData(state.key, state.data))
  }
  return {
    description: `ledger ${ledger.description}`,
    open: async (vendor, source): Promise<CheckpointSnapshot> => {
      const key = checkpointKey(vendor, source)
      const data = (await ledger.run(readData(key))) ?? { vendor, source, run: null, watermarks: {} }
      opened = { vendor, source, key, data }
      return { run: data.run, watermarks: { ...data.watermarks }, history: [] }
    },
    fingerprints: async (keys) => {
      const { vendor } = current()
      const found = new Map<string, string>()
      // One list read per 500 keys (not one read per key).
      for (let start = 0; start < keys.length; start += 500) {
        for (const migrated of await ledger.run(readMigratedMany(vendor, keys.slice(start, start + 500)))) {
          found.set(migrated.key, migrated.data.fingerprint)
        }
      }
      return found
    },
    aliasedSourceIds: async (keys) => {
      const { vendor } = current()
      const found = new Map<string, string>()
      for (let start = 0; start < keys.length; start += 500) {
        for (const [key, sourceId] of await ledger.run(readAliasesMany(vendor, keys.slice(start, start + 500)))) {
          found.set(key, sourceId)
        }
      }
      return found
    },
    saveRun: async (run) => {
      const state = current()
      state.data = { ...state.data, run }
      await persist()
    },
    commit: async (commit: BatchCommit) => {
      if (commit === inSinkTransaction) {
        inSinkTransaction = null
        return
      }
      const state = current()
      state.data = afterCommit(state.data, commit)
      await persist()
    },
    commitEffect: (commit) => {
      const state = current()
      return Effect.asVoid(saveData(state.key, afterCommit(state.data, commit)))
    },
    committedWith: (commit) => {
      const state = current()
      state.data = afterCommit(state.data, commit)
      inSinkTransaction = commit
    },
    finishRun: async (summary) => {
      const state = current()
      if (summary.status === "completed") state.data = { ...state.data, run: null }
      await persist()
      await saveRunRecord(ledger, summary, { vendor: summary.vendor, source: summary.source })
    },
    flush: async () => {}
  }
}
