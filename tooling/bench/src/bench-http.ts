/**
 * `pnpm bench:http`: Paybridge's HTTP throughput and latency against a floor. For each database
 * (SQLite, PostgreSQL) it takes a working copy of a cached bulk-seeded ledger (≥ 100,000
 * payments), starts the floor server and Paybridge itself (`apps/api/src/main.ts`, a real process
 * configured only through its environment) on it, learns its fixtures over HTTP, and drives every
 * target of `targets.ts` with autocannon at each connection count: reads first, then creates (so
 * reads see the seeded data). Each row gives rps, p50, p99, the ratio to the floor and the bad
 * answers; the table is printed and written under `bench/results/`. A run whose targets
 * answered badly exits with code 1 after writing its results.
 *
 *   pnpm bench:http [--quick] [--payments N] [--duration S] [--connections 1,8,32] [--only REGEX]
 *     [--db sqlite,postgres] [--workers 1,2] [--reseed] — see bench-options.ts and tooling/bench/README.md
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { cpus, loadavg, tmpdir, totalmem } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { type BenchOptions, type DatabaseKind, parseOptions } from "./bench-options.ts"
import { type LoadResult, runLoad, runSequential } from "./load-run.ts"
import { call, createAdmin, type Fixtures, prepareFixtures } from "./paybridge-fixtures.ts"
import { failureSummary, formatHeader, formatLine, formatTable, type ResultRow, writeReport } from "./report.ts"
import { prepareWorkingDatabase } from "./seed-cache.ts"
import { quiesce, repoRoot, type ServerProcess, startServer, stopAllChildren } from "./server-process.ts"
import { buildTargets, type Operation, operations, type Target } from "./targets.ts"

const options = parseOptions()
const startedAt = new Date()
const log = (line: string) => process.stdout.write(`${line}\n`)
const rows: Array<ResultRow> = []
const databaseNotes: Array<Record<string, unknown>> = []
const cleanups: Array<() => Promise<void>> = []
const logDir = mkdtempSync(join(tmpdir(), "paybridge-bench-logs-"))

const cleanUp = async () => {
  await stopAllChildren()
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`))
  }
}

process.once("SIGINT", () => {
  log("\ninterrupted: stopping the servers and removing the working databases…")
  void cleanUp().then(() => process.exit(130))
})

/** `--only` picks targets; the floor of every picked operation runs too, so each row has its ratio. */
const pick = (targets: ReadonlyArray<Target>): ReadonlyArray<Target> => {
  const only = options.only
  if (only === null) return targets
  const chosen = targets.filter((target) => only.test(`${target.operation} ${target.protocol} ${target.endpoint}`))
  const chosenOperations = new Set(chosen.map((target) => target.operation))
  return targets.filter(
    (target) => chosen.includes(target) || (target.protocol === "floor" && chosenOperations.has(target.operation))
  )
}

const failedProbe = (reason: string, body: string): LoadResult => ({
  good: 0,
  bad: 1,
  badReasons: { [`probe: ${reason}`]: 1 },
  badSample: `${reason}: ${body.slice(0, 300)}`,
  seconds: 0,
  rps: 0,
  p50Ms: null,
  p99Ms: null,
  meanMs: null,
  note: "the probe request failed; not loaded"
})

/** One request taking longer than this is too slow to load (abandoned answers would pile up on the server). */
const slowProbeMs = 1_000
const sequentialRequests = 3

const counters = new Map<Target, { value: number }>()

const send = async (target: Target, baseUrl: string, n: number) => {
  const request = target.request(n)
  const started = performance.now()
  const answer = await call(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: { ...request.headers, ...(request.body === undefined ? {} : { "content-type": "application/json" }) },
    ...(request.body === undefined ? {} : { body: request.body })
  })
  return { status: answer.status, body: answer.text, ms: performance.now() - started }
}

/**
 * One target at every connection count. A probe request goes first: a bad answer is recorded as
 * such without load; an answer slower than `slowProbeMs` gets a few sequential requests instead
 * of load. After each load the servers are given time to finish what was abandoned.
 */
const measure = async (
  target: Target,
  baseUrl: string,
  database: DatabaseKind,
  workers: number | null,
  settle: () => Promise<void>
) => {
  const counter = counters.get(target) ?? { value: 0 }
  counters.set(target, counter)
  counter.value += 1
  let probe = await send(target, baseUrl, counter.value)
  // A first request may pay for cold code and caches: a slow one gets a second chance.
  if (probe.ms > slowProbeMs && target.check(probe.status, probe.body) === null) {
    counter.value += 1
    const again = await send(target, baseUrl, counter.value)
    if (again.ms < probe.ms) probe = again
  }
  const refused = target.check(probe.status, probe.body)
  const slow = refused === null && probe.ms > slowProbeMs
  const sequential = slow
    ? await runSequential(
        (n) => send(target, baseUrl, n),
        target.check,
        sequentialRequests,
        counter,
        `too slow to load (one request took ${(probe.ms / 1000).toFixed(1)} s)`
      )
    : null
  for (const connections of options.connections) {
    let result: LoadResult
    if (refused !== null) result = failedProbe(refused, probe.body)
    else if (sequential !== null) result = sequential
    else {
      result = await runLoad(
        {
          baseUrl,
          connections,
          durationSeconds: options.durationSeconds,
          warmupSeconds: options.warmupSeconds,
          request: target.request,
          check: target.check
        },
        counter
      )
      await settle()
      if (result.good === 0 && result.bad === 0) {
        // Not one answer within the duration: put a number on it one request at a time.
        result = await runSequential(
          (n) => send(target, baseUrl, n),
          target.check,
          sequentialRequests,
          counter,
          `no answer completed within ${options.durationSeconds} s at ${connections} connections`
        )
      }
    }
    const row: ResultRow = {
      database,
      workers: target.server === "floor" ? null : workers,
      operation: target.operation,
      protocol: target.protocol,
      endpoint: target.endpoint,
      connections,
      result
    }
    rows.push(row)
    log(formatLine(rows, row))
  }
}

const byOperation = (targets: ReadonlyArray<Target>, wanted: ReadonlyArray<Operation>) =>
  [...targets]
    .filter((target) => wanted.includes(target.operation))
    .sort((a, b) => operations.indexOf(a.operation) - operations.indexOf(b.operation))

const runDatabase = async (database: DatabaseKind, settings: BenchOptions) => {
  log(`\n=== ${database} ===`)
  const working = await prepareWorkingDatabase(database, settings, log)
  cleanups.push(working.remove)
  const dataDir = mkdtempSync(join(tmpdir(), "paybridge-bench-data-"))
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }))
  const env = {
    DATABASE_URL: working.url,
    PAYBRIDGE_DATA_DIR: dataDir,
    LOG_LEVEL: settings.logLevel,
    ELEVATE_JWT_SECRET: randomBytes(32).toString("base64url")
  }
  const admin = await createAdmin(env)
  const floor = await startServer({
    name: `floor (${database})`,
    script: "tooling/bench/src/floor/floor-server.ts",
    env: { DATABASE_URL: working.url },
    logFile: join(logDir, `floor-${database}.log`),
    healthPath: "/health"
  })

  // ---- Paybridge processes ----------------------------------------------------------------------
  // One server per PAYBRIDGE_WORKERS value (`--workers`; bare: 1, 2 and the core count), each a
  // node:cluster of that many processes on one port. Several workers are measured on PostgreSQL
  // only: SQLite takes one writer at a time, so its rows stay at one worker.
  let paybridge: ServerProcess | null = null
  let paybridgeWorkers: number | null = null
  let sessionsAt = 0
  const paybridgeWith = async (workers: number | null): Promise<ServerProcess> => {
    if (paybridge !== null && paybridgeWorkers === workers) return paybridge
    await paybridge?.stop()
    paybridge = await startServer({
      name: "Paybridge",
      script: "apps/api/src/main.ts",
      env: { ...env, ...(workers === null ? {} : { PAYBRIDGE_WORKERS: String(workers) }) },
      logFile: join(logDir, `paybridge-${database}${workers === null ? "" : `-w${workers}`}.log`),
      healthPath: "/health/ready"
    })
    paybridgeWorkers = workers
    sessionsAt = 0
    return paybridge
  }
  const workerSettings = settings.workers === null ? [null] : database === "postgres" ? settings.workers : [1]
  const first = await paybridgeWith(workerSettings[0] ?? null)
  const fixtures: Fixtures = await prepareFixtures(first.baseUrl, working.plan, admin, log)
  sessionsAt = Date.now()
  const targets = pick(buildTargets(fixtures, () => paybridge?.baseUrl ?? first.baseUrl))
  databaseNotes.push({
    database,
    seed: `${working.plan.payments} payments, ${working.plan.customers} customers, customer 1 has ${working.plan.bigCustomerPayments}`,
    cache: working.seeded ? "seeded in this run" : "reused",
    deepPage: fixtures.deepPage
  })
  // Between measurements: both servers (and PostgreSQL's backends for this database) idle again.
  const activeQueries = working.kind === "postgres" ? await activeQueryCounter(working.url) : null
  if (activeQueries !== null) cleanups.push(activeQueries.close)
  const settle = async () => {
    const pids = [floor.pid, ...(paybridge === null ? [] : [paybridge.pid])]
    const waited = await quiesce(pids, async () => (activeQueries === null ? false : (await activeQueries.count()) > 0))
    if (!waited.idle) log(`  (servers still busy after ${Math.round(waited.waitedMs / 1000)} s; going on)`)
    else if (waited.waitedMs > 5_000)
      log(`  (waited ${Math.round(waited.waitedMs / 1000)} s for the servers to finish abandoned requests)`)
  }
  log(formatHeader())

  // Reads first (the idAfter sync and the customers' lists see the seeded data), then creates.
  const phases: ReadonlyArray<ReadonlyArray<Operation>> = [operations.filter((op) => op !== "create"), ["create"]]
  for (const phase of phases) {
    for (const target of byOperation(targets, phase).filter((t) => t.server === "floor")) {
      await measure(target, floor.baseUrl, database, null, settle)
    }
    for (const workers of workerSettings) {
      const server = await paybridgeWith(workers)
      for (const target of byOperation(targets, phase).filter((t) => t.server === "paybridge")) {
        // Tokens expire (Elevate after 15 minutes): log in again well before that.
        if (sessionsAt === 0 || Date.now() - sessionsAt > 5 * 60_000) {
          await fixtures.refreshSessions(server.baseUrl)
          sessionsAt = Date.now()
        }
        await measure(target, server.baseUrl, database, workers, settle)
      }
    }
  }
  await stopAllChildren()
  await activeQueries?.close()
  await working.remove()
}

/** Counts the other sessions running a query on the working PostgreSQL database. */
const activeQueryCounter = async (url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  let closed = false
  return {
    count: async () =>
      Number(
        (
          await client.query<{ active: string }>(
            "select count(*) as active from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()"
          )
        ).rows[0]?.active ?? 0
      ),
    close: async () => {
      if (!closed) await client.end()
      closed = true
    }
  }
}

const commit = () => {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim()
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: repoRoot, encoding: "utf8" }).trim() !== ""
    return dirty ? `${head} (with uncommitted changes)` : head
  } catch {
    return "unknown"
  }
}

const machine = {
  cpus: cpus().length,
  model: cpus()[0]?.model ?? "?",
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtStart: loadavg()
    .map((value) => value.toFixed(2))
    .join(" ")
}

log(
  `bench:http — ${options.payments.toLocaleString("en")} payments, ${options.durationSeconds} s per measurement ` +
    `(+${options.warmupSeconds} s warm-up), connections ${options.connections.join("/")}, ${options.databases.join(" + ")}` +
    `; ${machine.cpus} cores, load average ${machine.loadAverageAtStart}; server logs in ${logDir}`
)
try {
  for (const database of options.databases) await runDatabase(database, options)
} catch (error) {
  await cleanUp()
  throw error
}
await cleanUp()

// Only a run of every target, on both databases at 1, 8 and 32 connections with one worker, replaces `latest.*`.
const fullRun =
  options.only === null &&
  options.workers === null &&
  options.databases.length === 2 &&
  options.connections.join(",") === "1,8,32"
const path = writeReport(
  {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit: commit(),
    machine: {
      ...machine,
      loadAverageAtEnd: loadavg()
        .map((value) => value.toFixed(2))
        .join(" ")
    },
    settings: {
      payments: options.payments,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      workers: options.workers,
      only: options.only?.source ?? null,
      logLevel: options.logLevel,
      loadGenerator: "autocannon 9 (programmatic, 1 process, no pipelining)"
    },
    databases: databaseNotes,
    rows
  },
  fullRun
)
log(`\n${formatTable(rows)}\n`)
const failed = failureSummary(rows)
if (failed !== null) log(`${failed}\n`)
log(
  `results: ${path}${fullRun ? " (and latest.md / latest.json beside it)" : " (a partial run: latest.* left as they were)"}`
)
if (rows.some((row) => row.result.bad > 0)) {
  log(`server logs kept in ${logDir}`)
  process.exitCode = 1
} else {
  rmSync(logDir, { recursive: true, force: true })
}
