/**
 * Where imported records go. Phase 2's sink books them into the ledger through its services; the
 * sink here writes them to a JSON-lines file (`--out <file>`: one `{key, fingerprint, record}` line
 * per record booked, for inspection and for tests). Every sink must be idempotent by record key:
 * a batch reprocessed after a crash (its checkpoint commit lost) is written again, and the second
 * write of the same record with the same fingerprint must change nothing.
 */
import { appendFile, mkdir, readFile } from "node:fs/promises"
import { dirname } from "node:path"
import type { BatchCommit } from "../checkpoint/checkpoint.ts"
import { stringifyExactJson } from "../http/exact-json.ts"
import type { SourceRecord } from "../sources/source-model.ts"

export interface SinkRecord {
  readonly key: string
  readonly fingerprint: string
  readonly record: SourceRecord
  /** True when a record with this key was processed before (another fingerprint). */
  readonly changed: boolean
}

export interface RecordSink {
  readonly description: string
  /**
   * Writes the new and changed records of one batch, in order (a customer before its payments).
   * `commit` is the checkpoint commit that follows the batch: a sink that keeps the checkpoint in its
   * own database may write it in the batch's last transaction (the driver still calls the
   * checkpoint's `commit`, which then has nothing left to do).
   */
  readonly write: (
    records: ReadonlyArray<SinkRecord>,
    batch: { readonly runId: string; readonly stream: string; readonly commit?: BatchCommit }
  ) => Promise<void>
  readonly close: () => Promise<void>
}

/** A JSON-lines file: appends `{key, fingerprint, record}` per record it has not written with that fingerprint. */
export const jsonLinesSink = async (path: string): Promise<RecordSink> => {
  const written = new Map<string, string>()
  try {
    for (const line of (await readFile(path, "utf8")).split("\n")) {
      if (line.trim() === "") continue
      const { key, fingerprint } = JSON.parse(line) as { key: string; fingerprint: string }
      written.set(key, fingerprint)
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error
  }
  await mkdir(dirname(path), { recursive: true })
  return {
    description: path,
    write: async (records) => {
      const lines: Array<string> = []
      for (const { key, fingerprint, record } of records) {
        if (written.get(key) === fingerprint) continue
        written.set(key, fingerprint)
        lines.push(stringifyExactJson({ key, fingerprint, record }))
      }
      if (lines.length > 0) await appendFile(path, `${lines.join("\n")}\n`)
    },
    close: async () => {}
  }
}

/** Reads a JSON-lines sink file back: the last line per key wins. */
export const readJsonLines = async (
  path: string
): Promise<ReadonlyMap<string, { fingerprint: string; line: string }>> => {
  const byKey = new Map<string, { fingerprint: string; line: string }>()
  for (const line of (await readFile(path, "utf8")).split("\n")) {
    if (line.trim() === "") continue
    const { key, fingerprint } = JSON.parse(line) as { key: string; fingerprint: string }
    byKey.set(key, { fingerprint, line })
  }
  return byKey
}
