/**
 * `pnpm migrate` — brings a tenant's data over from a vendor's API, or (`shadow`) compares the
 * vendor's answers with Paybridge's before cutover. This file only wires the parsed command line to
 * the import driver or the shadow proxy, with a progress display on the terminal, Ctrl-C handling
 * (the first interrupts cleanly and keeps the checkpoint; a second stops at once) and exit codes:
 * 0 done, 1 bad command line, 2 the run failed, 3 done but the reconciliation found differences,
 * 130 interrupted (resume by running it again).
 *
 *   pnpm migrate -- --from silver --source-url https://billing.example.com --username … --password … --dry-run
 *   pnpm migrate -- shadow --from silver --source-url … --paybridge-url http://paybridge/silver --paybridge-api-key … --listen 8080
 */
import { readFileSync } from "node:fs"
import type { LedgerSink } from "../booking/ledger.sink.ts"
import type { Ledger } from "../booking/ledger-runtime.ts"
import type { CheckpointStore } from "../checkpoint/checkpoint.ts"
import { jsonFileCheckpoint } from "../checkpoint/json-file.checkpoint.ts"
import type { SourceSession } from "../http/source-http.ts"
import { SourceHttp } from "../http/source-http.ts"
import type { ResolvedBalance } from "../import/balances-file.ts"
import { runImport } from "../import/import-run.ts"
import { jsonLinesSink } from "../import/record-sink.ts"
import { createProgress } from "../progress/progress.ts"
import { migratedIdMapping } from "../shadow/migrated-id-mapping.ts"
import { writeReadinessReport } from "../shadow/readiness-report.ts"
import { type ShadowIdMapping, startShadowProxy } from "../shadow/shadow-proxy.ts"
import type { Credentials } from "../sources/vendor-auth.ts"
import { vendors } from "../sources/vendors.ts"
import { type ImportCommand, parseCommandLine, type ShadowCommand } from "./cli-args.ts"

const userAgent = "paybridge-migrate/1"

const sessionOf = (command: ImportCommand | ShadowCommand, credentials: Credentials): SourceSession => {
  const session = vendors[command.vendor].auth.session(credentials)
  if ("error" in session) throw new Error(session.error) // checked while parsing
  return session
}

/** Ctrl-C: the first aborts cleanly, a second exits at once. */
const interruptible = (): AbortController => {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130)
    process.stderr.write(`\n${signal}: stopping after the current batch (again to stop at once)\n`)
    controller.abort(new Error(`interrupted by ${signal}`))
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  return controller
}

const runImportCommand = async (command: ImportCommand): Promise<number> => {
  const vendor = vendors[command.vendor]
  const controller = interruptible()
  const progress = createProgress({
    output: process.stdout,
    title: `${command.dryRun ? "Dry run: reading" : "Importing"} ${vendor.title} from ${command.sourceUrl}`
  })
  const http = new SourceHttp({
    baseUrl: command.sourceUrl,
    session: sessionOf(command, command.credentials),
    concurrency: command.http.concurrency,
    timeoutMs: command.http.timeoutMs,
    maxAttempts: command.http.maxAttempts,
    userAgent,
    signal: controller.signal,
    onEvent: progress.http
  })
  const booking = !command.dryRun && command.out === null
  const wiring = booking || command.checkpoint === "db" ? await import("./booking-wiring.ts") : null
  const ledger: Ledger | null = wiring === null ? null : await wiring.openLedger(command.databaseUrl)
  try {
    const checkpoint =
      command.checkpoint === "db" && ledger !== null && wiring !== null ? wiring.ledgerCheckpoint(ledger) : null
    const sink: LedgerSink | null =
      booking && ledger !== null && wiring !== null
        ? await wiring.ledgerSink({
            ledger,
            vendor: vendor.id,
            vendorTitle: vendor.title,
            batchUnit: !command.perRecord,
            ...(command.batchSize === null ? {} : { batchSize: command.batchSize }),
            ...(checkpoint === null ? {} : { checkpoint })
          })
        : null
    return await importInto(command, ledger, sink, checkpoint, http, progress, controller)
  } finally {
    await ledger?.close()
  }
}

const importInto = async (
  command: ImportCommand,
  ledger: Ledger | null,
  sink: LedgerSink | null,
  ledgerCheckpoint: CheckpointStore | null,
  http: SourceHttp,
  progress: ReturnType<typeof createProgress>,
  controller: AbortController
): Promise<number> => {
  const vendor = vendors[command.vendor]
  let fileBalances: ReadonlyArray<ResolvedBalance> = []
  const summary = await runImport({
    vendor,
    source: command.sourceUrl,
    http,
    reader: {
      pageSize: command.pageSize,
      concurrency: command.http.concurrency,
      customers: command.customers,
      defaultCurrency: command.defaultCurrency,
      customerCurrencies: command.customerCurrencies,
      full: command.full
    },
    checkpoint: ledgerCheckpoint ?? jsonFileCheckpoint(command.checkpoint),
    sink: command.dryRun ? null : command.out !== null ? await jsonLinesSink(command.out) : sink,
    progress,
    signal: controller.signal,
    balances: command.balances,
    onBalances: (rows) => {
      fileBalances = rows
    }
  })
  if (summary.status !== "completed") return summary.status === "interrupted" ? 130 : 2
  if (ledger === null || sink === null) return 0
  const { reconcile, reconciliationMarkdown, saveRunRecord, writeReconciliation } = await import("./booking-wiring.ts")
  const report = await ledger.run(reconcile(vendor.id, summary.id, sink.refusals(), fileBalances))
  await writeReconciliation(command.report, report)
  await saveRunRecord(ledger, summary, { report, reportMarkdown: reconciliationMarkdown(report) })
  process.stdout.write(
    report.matched
      ? `Reconciliation: everything matches${fileBalances.length > 0 ? `, ${fileBalances.length} balance(s) of the balances file included` : ""} (${command.report}.md)\n`
      : `Reconciliation: ${report.differences.length} difference(s), ${report.unbooked.length} record(s) not fully booked — see ${command.report}.md\n`
  )
  return report.matched ? 0 : 3
}

const runShadowCommand = async (command: ShadowCommand): Promise<number> => {
  const vendor = vendors[command.vendor]
  const paybridge = new SourceHttp({
    baseUrl: command.paybridgeUrl,
    session: sessionOf(command, command.paybridgeCredentials),
    concurrency: command.http.concurrency,
    timeoutMs: command.http.timeoutMs,
    maxAttempts: Math.min(command.http.maxAttempts, 3),
    userAgent
  })
  let idMapping: ShadowIdMapping | undefined
  let mappingNote = "  ids compared as they are (give --database-url for the migration's id mapping)"
  if (command.databaseUrl !== null) {
    const wiring = await import("./booking-wiring.ts")
    const ledger = await wiring.openLedger(command.databaseUrl)
    try {
      const table = await ledger.run(wiring.loadShadowIdTable(vendor.id))
      idMapping = migratedIdMapping(vendor.shadow, table)
      mappingNote = `  ids mapped through ${table.size} migrated object(s) in ${ledger.description}`
    } finally {
      await ledger.close()
    }
  }
  const proxy = await startShadowProxy({
    vendor,
    sourceUrl: command.sourceUrl,
    paybridgeUrl: command.paybridgeUrl,
    paybridge,
    ...(idMapping === undefined ? {} : { idMapping }),
    ignoreFields: command.ignoreFields,
    host: command.host,
    port: command.port
  })
  const write = () => writeReadinessReport(command.report, proxy.report())
  process.stdout.write(
    [
      `Shadow proxy for ${vendor.title} listening on ${proxy.url}`,
      `  forwards to ${command.sourceUrl}, mirrors reads to ${command.paybridgeUrl}`,
      mappingNote,
      `  readiness report: ${command.report}.md / .json (every ${command.reportIntervalMs / 1000} s, and on exit)`,
      ""
    ].join("\n")
  )
  const timer = setInterval(() => void write().catch(() => {}), command.reportIntervalMs)
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve())
    process.once("SIGTERM", () => resolve())
  })
  clearInterval(timer)
  await proxy.close()
  await write()
  const report = proxy.report()
  process.stdout.write(`${report.matched} of ${report.reads} reads matched; report written to ${command.report}.md\n`)
  return 0
}

const main = async (): Promise<number> => {
  const command = parseCommandLine(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    readText: (path) => readFileSync(path, "utf8")
  })
  switch (command.kind) {
    case "help":
      process.stdout.write(`${command.text}\n`)
      return 0
    case "error":
      process.stderr.write(`paybridge migrate: ${command.message}\n`)
      return 1
    case "import":
      return runImportCommand(command)
    case "shadow":
      return runShadowCommand(command)
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`paybridge migrate: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(2)
  }
)
