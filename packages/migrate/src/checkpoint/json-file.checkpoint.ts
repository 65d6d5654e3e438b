/**
 * The checkpoint kept in a JSON file (`--checkpoint <file>`): everything in memory, written whole
 * to a temporary file and renamed over the old one, so a crash leaves the previous or the new
 * state, never half of one. Writes between batches are spaced by `flushIntervalMs` (a run killed
 * in between reprocesses at most that much, which the sink's idempotency by source id absorbs);
 * starting, finishing and `flush` always write. The file names its vendor and source: opening it
 * for another is refused, so two migrations cannot mix their state.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
import type { VendorId } from "../sources/source-model.ts"
import {
  type BatchCommit,
  type CheckpointSnapshot,
  type CheckpointStore,
  checkpointFormat,
  type RunState,
  type RunSummary
} from "./checkpoint.ts"

interface CheckpointFile {
  readonly format: typeof checkpointFormat
  readonly vendor: VendorId
  readonly source: string
  readonly updatedAt: string
  readonly run: RunState | null
  readonly watermarks: Record<string, string>
  readonly records: Record<string, string>
  readonly history: ReadonlyArray<RunSummary>
}

/** The checkpoint file's content could not be used (wrong format, other vendor or source). */
export class CheckpointMismatch extends Error {
  override readonly name = "CheckpointMismatch"
}

const historyLimit = 50

export const jsonFileCheckpoint = (
  path: string,
  options: { readonly flushIntervalMs?: number } = {}
): CheckpointStore => {
  const interval = options.flushIntervalMs ?? 1000
  let state: {
    vendor: VendorId
    source: string
    run: RunState | null
    watermarks: Record<string, string>
    records: Map<string, string>
    history: Array<RunSummary>
  } | null = null
  let lastWrite = 0
  let dirty = false

  const write = async () => {
    if (state === null) return
    const file: CheckpointFile = {
      format: checkpointFormat,
      vendor: state.vendor,
      source: state.source,
      updatedAt: new Date().toISOString(),
      run: state.run,
      watermarks: state.watermarks,
      records: Object.fromEntries(state.records),
      history: state.history
    }
    await mkdir(dirname(path), { recursive: true })
    const temporary = `${path}.${process.pid}.tmp`
    await writeFile(temporary, `${JSON.stringify(file)}\n`)
    await rename(temporary, path)
    lastWrite = Date.now()
    dirty = false
  }

  const opened = () => {
    if (state === null) throw new Error("checkpoint used before open()")
    return state
  }

  return {
    description: path,
    open: async (vendor, source): Promise<CheckpointSnapshot> => {
      let file: CheckpointFile | null = null
      try {
        file = JSON.parse(await readFile(path, "utf8")) as CheckpointFile
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
          throw new CheckpointMismatch(`${path}: not a readable checkpoint (${(error as Error).message})`)
        }
      }
      if (file !== null) {
        if (file.format !== checkpointFormat) throw new CheckpointMismatch(`${path}: not a ${checkpointFormat} file`)
        if (file.vendor !== vendor || file.source !== source) {
          throw new CheckpointMismatch(
            `${path} is the checkpoint of ${file.vendor} at ${file.source}, not of ${vendor} at ${source}: use another --checkpoint`
          )
        }
      }
      state = {
        vendor,
        source,
        run: file?.run ?? null,
        watermarks: { ...(file?.watermarks ?? {}) },
        records: new Map(Object.entries(file?.records ?? {})),
        history: [...(file?.history ?? [])]
      }
      return { run: state.run, watermarks: { ...state.watermarks }, history: [...state.history] }
    },
    fingerprints: async (keys) => {
      const { records } = opened()
      const found = new Map<string, string>()
      for (const key of keys) {
        const fingerprint = records.get(key)
        if (fingerprint !== undefined) found.set(key, fingerprint)
      }
      return found
    },
    saveRun: async (run) => {
      opened().run = run
      await write()
    },
    commit: async (commit: BatchCommit) => {
      const current = opened()
      for (const { key, fingerprint } of commit.records) current.records.set(key, fingerprint)
      if (current.run !== null && current.run.id === commit.runId) {
        current.run = {
          ...current.run,
          positions: { ...current.run.positions, [commit.stream]: commit.position },
          counts: commit.counts
        }
      }
      if ("done" in commit.position && commit.position.watermark) {
        current.watermarks[commit.stream] = commit.position.watermark
      }
      dirty = true
      if (Date.now() - lastWrite >= interval) await write()
    },
    finishRun: async (summary) => {
      const current = opened()
      if (summary.status === "completed") current.run = null
      current.history = [...current.history, summary].slice(-historyLimit)
      await write()
    },
    flush: async () => {
      if (dirty) await write()
    }
  }
}
