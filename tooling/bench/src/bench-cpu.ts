/**
 * `pnpm bench:cpu`: CPU time per request of the read path, in process, so that a machine loaded by
 * other work does not blur it (wall-clock rps does). For each database it takes a working copy of
 * the seeded ledger (`seed-cache.ts`, the same seed as `pnpm bench:http`), builds the production app
 * (`openRuntime` + `createApp`, production logging into a file), logs every dialect in over a
 * loopback server (`paybridge-fixtures.ts`), then calls each target's requests (`targets.ts`)
 * through `@hono/node-server`'s request listener as the served app gets them (`node-listener.ts`:
 * Node's request and response objects on an in-memory socket) one after another: a warm-up, then
 * `--requests` measured calls whose
 * `process.cpuUsage()` (user + system) is divided by their number; `--rounds` rounds interleave the
 * targets and the median is shown, with the lowest round beside it (other work on the machine only
 * ever adds CPU time — caches, contention —, so on a shared machine the minimum is the steadier figure). The floor's handler (`floor/floor-app.ts`) on the same database
 * is measured the same way. Socket I/O and HTTP parsing are not in these figures (no socket); the
 * listener's work (lightweight Request, answer headers and body written out) is; on
 * SQLite the database's own work is (it runs in this process), on PostgreSQL it is not (the server's).
 *
 *   pnpm bench:cpu [--db sqlite,postgres] [--only REGEX] [--requests 2000] [--warmup 500] [--rounds 3]
 *   pnpm bench:cpu --db sqlite --only 'get trpc' --profile /tmp/trpc   # V8 profile of the measured rounds only
 *   node tooling/bench/src/profile-summary.ts /tmp/trpc-sqlite.cpuprofile
 */
import { randomBytes } from "node:crypto"
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { serve } from "@hono/node-server"
import { createApp, loadConfig, openRuntime } from "@paybridge/api"
import { Effect } from "effect"
import type { DatabaseKind } from "./bench-options.ts"
import { defaultPostgresUrl } from "./bench-options.ts"
import { floorApp } from "./floor/floor-app.ts"
import { openFloorStore } from "./floor/open-floor-store.ts"
import type { HttpRequest } from "./load-run.ts"
import { type ListenerAnswer, type ListenerRequest, nodeListenerCaller } from "./node-listener.ts"
import { createAdmin, prepareFixtures } from "./paybridge-fixtures.ts"
import { prepareWorkingDatabase } from "./seed-cache.ts"
import { buildTargets, type Target } from "./targets.ts"

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite,postgres" },
    only: { type: "string", default: "^get " },
    requests: { type: "string", default: "2000" },
    warmup: { type: "string", default: "500" },
    rounds: { type: "string", default: "3" },
    payments: { type: "string", default: "10000" },
    reseed: { type: "boolean", default: false },
    "postgres-url": { type: "string" },
    // Its own working copy per concurrent run (two runs on one name would drop each other's copy).
    "working-database": { type: "string", default: "paybridge_bench_cpu" },
    "log-level": { type: "string", default: "info" },
    profile: { type: "string" }
  }
})
const positive = (name: string, raw: string): number => {
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`)
  return value
}
const requests = positive("requests", values.requests)
const warmup = positive("warmup", values.warmup)
const rounds = positive("rounds", values.rounds)
const payments = positive("payments", values.payments)
const only = new RegExp(values.only)
const databases = values.db.split(",").map((name) => name.trim()) as Array<DatabaseKind>

// The report goes to the terminal; the app's JSON log lines (production logging) go to a file.
const say = process.stdout.write.bind(process.stdout)
const log = (line: string) => say(`${line}\n`)
const logDir = mkdtempSync(join(tmpdir(), "paybridge-bench-cpu-"))
const appLog = createWriteStream(join(logDir, "paybridge.log"))
process.stdout.write = ((chunk: string | Uint8Array, ...rest: Array<unknown>) =>
  appLog.write(chunk, ...(rest as []))) as typeof process.stdout.write

/** One request to the app as the served process gets it, and its answer. */
type Caller = (request: ListenerRequest) => Promise<ListenerAnswer>

const toListenerRequest = (request: HttpRequest): ListenerRequest => ({
  method: request.method,
  path: request.path,
  headers: {
    ...(request.body === undefined ? {} : { "content-type": "application/json" }),
    ...request.headers
  },
  ...(request.body === undefined ? {} : { body: request.body })
})

/** Runs `count` requests of `target` one after another; the CPU microseconds per request. */
const cpuPerRequest = async (call: Caller, target: Target, offset: number, count: number) => {
  const start = process.cpuUsage()
  for (let n = offset; n < offset + count; n++) {
    const { status, body } = await call(toListenerRequest(target.request(n)))
    const problem = target.check(status, body)
    if (problem !== null) throw new Error(`${target.protocol} ${target.endpoint}: ${problem} ${body.slice(0, 300)}`)
  }
  const used = process.cpuUsage(start)
  return (used.user + used.system) / count
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const runDatabase = async (database: DatabaseKind) => {
  log(`\n=== ${database} ===`)
  const working = await prepareWorkingDatabase(
    database,
    {
      payments,
      reseed: values.reseed,
      postgresUrl: values["postgres-url"] ?? defaultPostgresUrl(),
      workingDatabase: values["working-database"]
    },
    log
  )
  const dataDir = mkdtempSync(join(tmpdir(), "paybridge-bench-cpu-data-"))
  const env = {
    DATABASE_URL: working.url,
    PAYBRIDGE_DATA_DIR: dataDir,
    LOG_LEVEL: values["log-level"],
    ELEVATE_JWT_SECRET: randomBytes(32).toString("base64url")
  }
  const admin = await createAdmin(env)
  const config = await Effect.runPromise(loadConfig(env))
  const runtime = await openRuntime(config)
  const app = createApp({ runtime, config })
  const floorStore = await openFloorStore(working.url)
  const floor = floorApp(floorStore)
  // Fixtures log in over HTTP (the dialects' own login flows); the measurement needs no socket.
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" })
  await new Promise<void>((resolve) => server.once("listening", () => resolve()))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  try {
    const fixtures = await prepareFixtures(baseUrl, working.plan, admin, log)
    const targets = buildTargets(fixtures, () => "http://paybridge.bench").filter((target) =>
      only.test(`${target.operation} ${target.protocol} ${target.endpoint}`)
    )
    const callApp = nodeListenerCaller(app.fetch)
    const callFloor = nodeListenerCaller(floor.fetch)
    const appOf = (target: Target): Caller => (target.server === "floor" ? callFloor : callApp)
    for (const target of targets) await cpuPerRequest(appOf(target), target, 0, warmup)
    const samples = new Map<Target, Array<number>>(targets.map((target) => [target, []]))
    // `--profile`: a V8 CPU profile of the measured rounds only (not seeding, fixtures or warm-up).
    const inspector = values.profile === undefined ? null : new Session()
    if (inspector !== null) {
      inspector.connect()
      await inspector.post("Profiler.enable")
      await inspector.post("Profiler.start")
    }
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        samples.get(target)?.push(await cpuPerRequest(appOf(target), target, warmup + round * requests, requests))
      }
    }
    if (inspector !== null) {
      const { profile } = await inspector.post("Profiler.stop")
      const file = `${values.profile}-${database}.cpuprofile`
      writeFileSync(file, JSON.stringify(profile))
      inspector.disconnect()
      log(`  profile of the measured rounds: ${file}`)
    }
    const floorTarget = targets.find((target) => target.server === "floor")
    const floorCost = floorTarget === undefined ? Number.NaN : median(samples.get(floorTarget) ?? [])
    log(`  ${requests} requests × ${rounds} rounds per target after ${warmup} warm-up (median µs CPU per request)`)
    log(
      `  ${"operation".padEnd(10)} ${"protocol".padEnd(20)} ${"endpoint".padEnd(30)} ${"µs/req".padStart(8)} ×floor ${"min".padStart(6)}`
    )
    for (const target of targets) {
      const cost = median(samples.get(target) ?? [])
      const lowest = Math.min(...(samples.get(target) ?? []))
      const ratio = Number.isNaN(floorCost) ? "–" : (cost / floorCost).toFixed(2)
      log(
        `  ${target.operation.padEnd(10)} ${target.protocol.padEnd(20)} ${target.endpoint.padEnd(30)} ${cost.toFixed(0).padStart(8)} ${ratio.padStart(6)} ${lowest.toFixed(0).padStart(6)}`
      )
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await runtime.dispose()
    await floorStore.close()
    await working.remove()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

try {
  for (const database of databases) await runDatabase(database)
  log(`\napp log: ${join(logDir, "paybridge.log")}`)
} finally {
  appLog.end()
}
process.exit(0)
