/**
 * The import driver over a real source (a Paybridge server serving Silver and Billing Platform
 * (UK)), with the JSON-file checkpoint: a first run writes every record once; a second run writes
 * nothing; a change at the source is all a third run writes; a run interrupted mid-way resumes from
 * its checkpoint (finished streams skipped) and ends with exactly what an uninterrupted run gives;
 * the CLI killed with SIGKILL mid-run and started again gives the same file as a run never killed;
 * Billing Platform (UK) re-reads incrementally with `updatedSince`; a dry run writes nothing.
 */
import { spawn } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { CurrencyCode } from "@paybridge/core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import type { RunSummary } from "../src/checkpoint/checkpoint.ts"
import { jsonFileCheckpoint } from "../src/checkpoint/json-file.checkpoint.ts"
import { runImport } from "../src/import/import-run.ts"
import { type RecordSink, readJsonLines, type SinkRecord } from "../src/import/record-sink.ts"
import type { ReaderOptions } from "../src/sources/source-reader.ts"
import type { Credentials } from "../src/sources/vendor-auth.ts"
import { vendors } from "../src/sources/vendors.ts"
import { type FaultProxy, startFaultProxy } from "./support/fault-proxy.ts"
import { fastHttp, readerOptions, selectionOf } from "./support/read-source.ts"
import { type SourceServer, startSourceServer } from "./support/source-server.ts"
import { type SeededTenant, scenarios, seedTenant } from "./support/tenant-generator.ts"

const cli = fileURLToPath(new URL("../src/cli/migrate.cli.ts", import.meta.url))

let server: SourceServer
let tenant: SeededTenant
let proxy: FaultProxy
let dir: string

beforeAll(async () => {
  server = await startSourceServer()
  tenant = await seedTenant(server.client, {
    seed: 3,
    currencies: ["EUR", "JPY", "USD", "GBP"],
    paymentsPerCustomer: scenarios.length + 2
  })
  proxy = await startFaultProxy({
    target: server.url,
    seed: 9,
    rates: { drop: 0.05, error: 0.05, tooMany: 0.05, slow: 0.1 },
    slowMs: 20
  })
  dir = await mkdtemp(join(tmpdir(), "paybridge-migrate-run-"))
}, 180_000)

afterAll(async () => {
  await proxy?.close()
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** A sink that keeps the last write per key (idempotent like the ledger's) and counts every write. */
const collectingSink = (onBatch?: (batches: number) => void) => {
  const byKey = new Map<string, SinkRecord>()
  let writes = 0
  let batches = 0
  const sink: RecordSink = {
    description: "memory",
    write: async (records) => {
      for (const record of records) byKey.set(record.key, record)
      writes += records.length
      onBatch?.(++batches)
    },
    close: async () => {}
  }
  return { sink, byKey, writes: () => writes }
}

const silverCredentials = (): Credentials => ({ "api-key": server.apiKey })
const silverUrl = () => `${proxy.url}/silver`

const importSilver = (
  checkpoint: string,
  sink: RecordSink | null,
  options: { signal?: AbortSignal; reader?: Partial<ReaderOptions> } = {}
): Promise<RunSummary> =>
  runImport({
    vendor: vendors.silver,
    source: silverUrl(),
    http: fastHttp("silver", silverUrl(), silverCredentials()),
    reader: readerOptions({ pageSize: 4, concurrency: 2, ...options.reader }),
    checkpoint: jsonFileCheckpoint(checkpoint),
    sink,
    ...(options.signal === undefined ? {} : { signal: options.signal })
  })

const total = (summary: RunSummary, field: "read" | "new" | "changed" | "unchanged") =>
  Object.values(summary.counts).reduce((sum, counts) => sum + (counts?.[field] ?? 0), 0)

describe("runs of one source", () => {
  const checkpoint = () => join(dir, "silver.checkpoint.json")
  const target = collectingSink()

  test("the first run writes every record once, the second writes nothing", async () => {
    const first = await importSilver(checkpoint(), target.sink)
    expect(first.status).toBe("completed")
    expect(first.duplicates).toBe(0)
    expect(total(first, "new")).toBe(total(first, "read"))
    expect(target.writes()).toBe(total(first, "read"))
    expect(first.counts.payment?.read).toBe(tenant.payments.length)
    expect(first.timings.sourceMs).toBeGreaterThan(0)

    const second = await importSilver(checkpoint(), target.sink)
    expect(second.status).toBe("completed")
    expect(total(second, "unchanged")).toBe(total(first, "read"))
    expect(total(second, "new") + total(second, "changed")).toBe(0)
    expect(target.writes()).toBe(total(first, "read"))
  })

  test("a change at the source is all the next run writes", async () => {
    const before = target.writes()
    const customer = tenant.customers[0]
    if (customer === undefined) throw new Error("no customer")
    const created = await server.client.payments.create.mutate({
      customerId: customer.id,
      amount: "1",
      initialState: "draft",
      paymentDate: "2026-06-01"
    })
    const draft = tenant.payments.find((payment) => payment.scenario === "draft")
    if (draft === undefined) throw new Error("no draft")
    await server.client.payments.post.mutate({ paymentId: draft.id })

    const third = await importSilver(checkpoint(), target.sink)
    expect(third.counts.payment).toMatchObject({ new: 1, changed: 1 })
    expect(target.writes() - before).toBe(2)
    expect(target.byKey.get(`payment/${created.payment.id}`)?.record).toMatchObject({ state: "draft", amount: "1.00" })
    expect(target.byKey.get(`payment/${draft.id}`)).toMatchObject({ changed: true, record: { state: "posted" } })
  })

  test("a dry run reads and compares but writes and commits nothing", async () => {
    const saved = await readFile(checkpoint(), "utf8")
    const dry = await importSilver(checkpoint(), null)
    expect(dry.mode).toBe("dry-run")
    expect(total(dry, "new") + total(dry, "changed")).toBe(0)
    expect(JSON.parse(await readFile(checkpoint(), "utf8")).history.length).toBe(JSON.parse(saved).history.length)
  })
})

describe("interrupted runs", () => {
  test("a run stopped mid-way resumes from its checkpoint and ends with what an uninterrupted run gives", async () => {
    const reference = collectingSink()
    expect((await importSilver(join(dir, "reference.json"), reference.sink)).status).toBe("completed")

    const controller = new AbortController()
    const resumed = collectingSink((batches) => {
      if (batches === 3) controller.abort(new Error("stop"))
    })
    const cut = await importSilver(join(dir, "cut.json"), resumed.sink, { signal: controller.signal })
    expect(cut.status).toBe("interrupted")
    const saved = JSON.parse(await readFile(join(dir, "cut.json"), "utf8"))
    expect(Object.keys(saved.run.positions).length).toBeGreaterThanOrEqual(3)
    const writtenBefore = resumed.writes()

    const end = await importSilver(join(dir, "cut.json"), resumed.sink)
    expect(end).toMatchObject({ status: "completed", resumes: 1, duplicates: 0 })
    expect(new Map([...resumed.byKey].map(([key, value]) => [key, value.fingerprint]))).toEqual(
      new Map([...reference.byKey].map(([key, value]) => [key, value.fingerprint]))
    )
    // Only what the interrupted run had not committed was written again.
    expect(resumed.writes() - writtenBefore).toBeLessThan(reference.writes())
  })

  test("the CLI killed with SIGKILL and started again writes the same records as a run never killed", async () => {
    const slow = await startFaultProxy({ target: server.url, seed: 5, rates: { slow: 1 }, slowMs: 60 })
    const run = (out: string, checkpoint: string) =>
      spawn(
        process.execPath,
        [
          cli,
          "--",
          "--from",
          "silver",
          "--source-url",
          `${slow.url}/silver`,
          "--api-key",
          server.apiKey,
          "--out",
          out,
          "--checkpoint",
          checkpoint,
          "--page-size",
          "3",
          "--concurrency",
          "2"
        ],
        { stdio: ["ignore", "pipe", "pipe"] }
      )
    const finish = (child: ReturnType<typeof run>) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        let output = ""
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString()
        })
        child.stderr.on("data", (chunk: Buffer) => {
          output += chunk.toString()
        })
        child.once("exit", (code) => resolve({ code, output }))
      })
    try {
      const reference = await finish(run(join(dir, "ref.jsonl"), join(dir, "ref-cli.json")))
      expect(reference.code, reference.output).toBe(0)

      const killed = run(join(dir, "killed.jsonl"), join(dir, "killed-cli.json"))
      const done = finish(killed)
      // Kill once the checkpoint shows the run has processed some streams but not all.
      for (let tries = 0; tries < 400; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 25))
        const saved = await readFile(join(dir, "killed-cli.json"), "utf8").catch(() => null)
        const positions = saved === null ? 0 : Object.keys(JSON.parse(saved).run?.positions ?? {}).length
        if (positions >= 2) break
      }
      killed.kill("SIGKILL")
      expect((await done).code).toBeNull()
      const interrupted = JSON.parse(await readFile(join(dir, "killed-cli.json"), "utf8"))
      expect(interrupted.run).not.toBeNull()

      const again = await finish(run(join(dir, "killed.jsonl"), join(dir, "killed-cli.json")))
      expect(again.code, again.output).toBe(0)
      expect(again.output).toMatch(/resuming run/u)
      const expected = await readJsonLines(join(dir, "ref.jsonl"))
      const actual = await readJsonLines(join(dir, "killed.jsonl"))
      expect(new Map([...actual].map(([key, value]) => [key, value.fingerprint]))).toEqual(
        new Map([...expected].map(([key, value]) => [key, value.fingerprint]))
      )

      const lines = (await readFile(join(dir, "killed.jsonl"), "utf8")).split("\n").length
      const rerun = await finish(run(join(dir, "killed.jsonl"), join(dir, "killed-cli.json")))
      expect(rerun.code).toBe(0)
      expect((await readFile(join(dir, "killed.jsonl"), "utf8")).split("\n").length).toBe(lines)
      expect(rerun.output).toMatch(/payment\s+read \d+, new 0, changed 0/u)
    } finally {
      await slow.close()
    }
  }, 120_000)
})

describe("Billing Platform (UK) incremental runs", () => {
  test("the second run asks only for what changed since the first (updatedSince) and finds a reversal made in between", async () => {
    const checkpoint = join(dir, "bpuk.json")
    const url = `${proxy.url}/backend/api/v1`
    const currencies = Object.fromEntries(
      tenant.customers.map((customer) => [String(customer.id), customer.currency as CurrencyCode])
    )
    const target = collectingSink()
    const once = () =>
      runImport({
        vendor: vendors["billing-platform-uk"],
        source: url,
        http: fastHttp("billing-platform-uk", url, { "api-key": server.apiKey }),
        reader: readerOptions({
          customers: selectionOf(tenant.customers.map((customer) => String(customer.id))),
          customerCurrencies: currencies,
          // The whole tenant is minutes old: without this, the default 5-minute overlap would re-read it all.
          watermarkOverlapMs: 0
        }),
        checkpoint: jsonFileCheckpoint(checkpoint),
        sink: target.sink
      })
    const first = await once()
    expect(first).toMatchObject({ status: "completed", mode: "full" })
    const posted = tenant.payments.find((payment) => payment.scenario === "posted")
    if (posted === undefined) throw new Error("no posted payment")
    await server.client.payments.reverse.mutate({ paymentId: posted.id, effectiveDate: "2026-07-01", reason: "late" })

    const logged = proxy.log.length
    const second = await once()
    expect(second.mode).toBe("incremental")
    const asked = proxy.log.slice(logged).filter((line) => line.includes("/payments/"))
    expect(asked.length).toBe(tenant.customers.length)
    for (const line of asked) expect(line).toMatch(/updatedSince=/u)
    expect(target.byKey.get(`reversal/${posted.id}/reversal`)?.record).toMatchObject({
      kind: "reversal",
      paymentSourceId: String(posted.id),
      effectiveDate: "2026-07-01"
    })
    expect(second.counts.payment?.read).toBeLessThan(first.counts.payment?.read ?? 0)
  })
})
