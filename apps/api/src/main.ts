/**
 * Starts the Paybridge server: reads the configuration, opens the database (running migrations),
 * optionally loads the demo dataset (`--demo`, which also enables the test gateway), listens, prints
 * where it listens and which gateways are live (on SQLite, requests start in budgeted event-loop turns,
 * first come first served: `request-turns.ts`), purges expired idempotency keys and console sessions
 * on a schedule (`maintenance.ts`), settles gateway attempts left pending at start and on a schedule
 * (`gateways.ts`), and shuts down gracefully
 * on SIGINT/SIGTERM (`shutdown.ts`): stop accepting, answer what is in flight with
 * `Connection: close`, exit once it is answered (at most `SHUTDOWN_TIMEOUT`), closing the database.
 * With `PAYBRIDGE_WORKERS` > 1 this process becomes the cluster's primary (`cluster.ts`): it
 * migrates and seeds once, then runs that many worker processes of this same script on one port.
 *
 * stdout carries the JSON log and nothing else; the banner — with the demo admin's password and
 * API key — goes to stderr, the terminal, so no credential ever reaches the log stream.
 *
 *   node apps/api/src/main.ts [--demo]
 */
import cluster from "node:cluster"
import { mkdirSync } from "node:fs"
import { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { dirname } from "node:path"
import { serve } from "@hono/node-server"
import { SecretsUnreadable } from "@paybridge/core"
import { Redacted } from "effect"
import { makeAdminSessions } from "./admin-console.ts"
import { createApp } from "./app.ts"
import { reportListening, runPrimary } from "./cluster.ts"
import { type AppConfig, databaseDialect } from "./config.ts"
import { type DemoOutcome, prepareDemo } from "./demo/prepare-demo.ts"
import { describeGateways, liveGateways, startReconciler, storedGatewayCodes } from "./gateways.ts"
import { logFrom } from "./logger.ts"
import { startMaintenance } from "./maintenance.ts"
import { inBudgetedTurns } from "./request-turns.ts"
import { openRuntime } from "./runtime.ts"
import { gracefulShutdown } from "./shutdown.ts"
import { describeError, exitWithError, loadConfigOrExit, parseCliArgs } from "./startup.ts"

/** The terminal: stderr, never the log stream on stdout. */
const say = (lines: ReadonlyArray<string>) => process.stderr.write(`${lines.join("\n")}\n`)

const keyHelp = [
  "  Create an admin and its API key:  pnpm --filter @paybridge/api admin:create -- --email you@example.com --name 'Your Name'",
  "  Replace a lost key:               pnpm --filter @paybridge/api admin:issue-key -- --email you@example.com"
]

const printBanner = (url: string, demo: DemoOutcome | null, gateways: string, workers: number) => {
  const rule = "─".repeat(72)
  const lines = [
    rule,
    workers > 1 ? ` Paybridge is running (${workers} worker processes)` : " Paybridge is running",
    `   URL:      ${url}`,
    `   tRPC:     ${url}/trpc`,
    `   Docs:     ${url}/docs`,
    `   Admin:    ${url}/admin`,
    `   Gateways: ${gateways}`
  ]
  if (demo?.kind === "seeded") {
    const { summary } = demo
    const states = Object.entries(summary.payments)
      .map(([state, count]) => `${count} ${state}`)
      .join(", ")
    lines.push(
      "",
      " Demo data loaded:",
      `   ${summary.customers.length} customers (${summary.customers.map((c) => c.currency).join(", ")}), ${summary.documents} documents`,
      `   payments: ${states}`,
      "",
      " Demo credentials (shown once; keep the key):",
      `   User:     ${demo.email}`,
      `   Password: ${demo.password}  (admin console sign-in)`,
      `   API key:  ${demo.key.apiKey}`,
      "",
      " Try it:",
      `   curl -H 'Authorization: Bearer ${demo.key.apiKey}' '${url}/trpc/payments.list?input=%7B%22limit%22%3A5%7D'`
    )
  } else {
    lines.push(
      "",
      demo === null ? " API keys:" : " Existing data found (demo data not loaded again). API keys:",
      ...keyHelp
    )
  }
  lines.push(rule)
  say(lines)
}

const displayUrl = (config: AppConfig, address: AddressInfo): string => {
  if (config.publicUrl !== null) return config.publicUrl
  const host = address.address.includes(":") ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

const main = async () => {
  const values = parseCliArgs({ demo: { type: "boolean", default: false } })
  const loaded = await loadConfigOrExit()
  // The demo takes card payments through the test gateway (no real money moves).
  const config: AppConfig = values.demo ? { ...loaded, gateways: { ...loaded.gateways, testGateway: true } } : loaded

  const databaseUrl = Redacted.value(config.databaseUrl)
  if (databaseDialect(config) === "sqlite" && !databaseUrl.endsWith(":memory:")) {
    mkdirSync(dirname(databaseUrl.slice("sqlite:".length)), { recursive: true })
  }
  const runtime = await openRuntime(config).catch((error: unknown) =>
    exitWithError(
      error instanceof SecretsUnreadable
        ? `cannot start: ${error.message} (set PAYBRIDGE_SECRETS_KEY to the key the gateway secrets were stored with)`
        : `cannot open the ${databaseDialect(config)} database: ${describeError(error)}`
    )
  )
  const storedGateways = await storedGatewayCodes(runtime)
  const log = logFrom(runtime)
  log("info", "database ready", { dialect: databaseDialect(config) })

  // With PAYBRIDGE_WORKERS > 1 the primary seeds the demo once; its workers (forked with the same
  // arguments) only serve.
  const demo =
    values.demo && !cluster.isWorker
      ? await runtime
          .runPromise(prepareDemo)
          .catch((error: unknown) => exitWithError(`loading the demo data failed: ${describeError(error)}`))
      : null

  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary({
      config,
      log,
      onListening: (address) => {
        const url = displayUrl(config, address)
        log("info", "listening", { url, host: address.address, port: address.port, workers: config.workers })
        printBanner(url, demo, describeGateways(liveGateways(config.gateways, storedGateways)), config.workers)
      },
      release: () => runtime.dispose()
    })
    return
  }

  let draining = false
  const adminSessions = makeAdminSessions()
  const app = createApp({ runtime, config, draining: () => draining, adminSessions })
  // On SQLite a request runs without yielding; its requests start in budgeted turns (request-turns.ts).
  const fetchAnswer = databaseDialect(config) === "sqlite" ? inBudgetedTurns(app.fetch) : app.fetch
  const server = serve({ fetch: fetchAnswer, port: config.port, hostname: config.host }, (address) => {
    const url = displayUrl(config, address)
    log("info", "listening", { url, host: address.address, port: address.port })
    if (cluster.isWorker) reportListening(address)
    else printBanner(url, demo, describeGateways(liveGateways(config.gateways, storedGateways)), 1)
  })
  server.on("error", (error) => exitWithError(`cannot listen on ${config.host}:${config.port}: ${error.message}`))
  if (!(server instanceof Server)) return exitWithError("the HTTP server is not a node:http server")
  const maintenance = startMaintenance({ runtime, config, log })
  const reconciler = startReconciler({ runtime, setup: config.gateways, log })

  const shutdown = gracefulShutdown({
    server,
    timeout: config.shutdownTimeout,
    startDraining: () => {
      draining = true
      maintenance.stop()
      reconciler.stop()
    },
    log,
    release: () => runtime.dispose(),
    exit: (code) => process.exit(code)
  })
  process.on("SIGINT", shutdown)
  process.on("SIGTERM", shutdown)
}

await main()
