/**
 * The JSON-file checkpoint: what a run commits (fingerprints, positions, watermarks) survives a
 * restart of the process; a completed run clears its run state while an interrupted one keeps it to
 * resume; the file of another vendor or source is refused; fingerprints change exactly when a
 * record does.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, expect, test } from "vitest"
import { fingerprintOf, type RunSummary } from "../src/checkpoint/checkpoint.ts"
import { CheckpointMismatch, jsonFileCheckpoint } from "../src/checkpoint/json-file.checkpoint.ts"
import { parseExactJson } from "../src/http/exact-json.ts"
import type { CustomerRecord } from "../src/sources/source-model.ts"

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "paybridge-checkpoint-"))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const summary = (id: string, status: RunSummary["status"]): RunSummary => ({
  id,
  vendor: "silver",
  source: "http://vendor",
  mode: "full",
  status,
  startedAt: "2026-12-01T00:00:00.000Z",
  finishedAt: "2026-12-01T00:01:00.000Z",
  resumes: 0,
  counts: {},
  duplicates: 0,
  notices: [],
  timings: { sourceMs: 1, sinkMs: 1, checkpointMs: 1, totalMs: 3 },
  error: null
})

test("commits survive a new process; an interrupted run stays to be resumed, a completed one is cleared", async () => {
  const path = join(dir, "a.json")
  const first = jsonFileCheckpoint(path, { flushIntervalMs: 60_000 })
  expect(await first.open("silver", "http://vendor")).toEqual({ run: null, watermarks: {}, history: [] })
  await first.saveRun({ id: "r1", startedAt: "t", mode: "full", resumes: 0, positions: {}, counts: {} })
  await first.commit({
    runId: "r1",
    stream: "customer:1/payments",
    position: { page: 2 },
    records: [{ key: "payment/7", fingerprint: "f7" }],
    counts: {}
  })
  await first.commit({
    runId: "r1",
    stream: "customer:2/payments",
    position: { done: true, watermark: "2026-12-01T10:00:00.000Z" },
    records: [],
    counts: {}
  })
  await first.finishRun(summary("r1", "interrupted"))

  const second = jsonFileCheckpoint(path)
  const snapshot = await second.open("silver", "http://vendor")
  expect(snapshot.run?.positions).toEqual({
    "customer:1/payments": { page: 2 },
    "customer:2/payments": { done: true, watermark: "2026-12-01T10:00:00.000Z" }
  })
  expect(snapshot.watermarks).toEqual({ "customer:2/payments": "2026-12-01T10:00:00.000Z" })
  expect(await second.fingerprints(["payment/7", "payment/8"])).toEqual(new Map([["payment/7", "f7"]]))
  await second.finishRun(summary("r1", "completed"))
  const saved = JSON.parse(await readFile(path, "utf8"))
  expect(saved.run).toBeNull()
  expect(saved.history.map((run: RunSummary) => run.status)).toEqual(["interrupted", "completed"])
})

test("another vendor's or source's checkpoint, or a file that is not one, is refused", async () => {
  const path = join(dir, "b.json")
  const store = jsonFileCheckpoint(path)
  await store.open("silver", "http://vendor")
  await store.saveRun({ id: "r", startedAt: "t", mode: "full", resumes: 0, positions: {}, counts: {} })
  await expect(jsonFileCheckpoint(path).open("elevate", "http://vendor")).rejects.toThrow(CheckpointMismatch)
  await expect(jsonFileCheckpoint(path).open("silver", "http://other")).rejects.toThrow(
    /not of silver at http:\/\/other/u
  )
  await writeFile(join(dir, "c.json"), "{oops")
  await expect(jsonFileCheckpoint(join(dir, "c.json")).open("silver", "x")).rejects.toThrow(CheckpointMismatch)
})

test("a fingerprint changes exactly when the record does, raw vendor record and exact digits included", () => {
  const record = (raw: string, name: string): CustomerRecord => ({
    kind: "customer",
    sourceId: "1",
    customerSourceId: "1",
    aliases: {},
    notes: [],
    raw: parseExactJson(raw),
    name,
    number: null,
    email: null,
    currency: "EUR",
    creditLimit: null
  })
  const base = fingerprintOf(record('{"a":1,"b":10.50}', "A"))
  expect(fingerprintOf(record('{"b":10.50,"a":1}', "A"))).toBe(base)
  expect(fingerprintOf(record('{"a":1,"b":10.5}', "A"))).not.toBe(base)
  expect(fingerprintOf(record('{"a":1,"b":10.50}', "B"))).not.toBe(base)
})
