/**
 * Import-rate benchmark (issue 16): starts a local source Paybridge server, seeds it with a
 * generated tenant through tRPC (not timed), then imports one vendor's view of it into a fresh
 * ledger — a SQLite file and/or a PostgreSQL database (`TEST_DATABASE_URL`) — and prints, per
 * target and booking mode, the payments booked, the wall time, the import rate in payments per
 * second, and where the time went: waiting for the source (reads), in the sink (ledger writes) and
 * in checkpoint commits — plus the importing process's CPU time (reader and ledger; the source server
 * is another process), the steadier figure on a loaded machine. The modes are `per-record` (one ledger transaction per record),
 * `units` (`--batch-size` records per transaction with the checkpoint in the last one, command by command) and `bulk`
 * (the same units, each run of one customer's records one `LedgerUnits.bulkImport`: the default path); `all` runs the three.
 *
 *   pnpm --filter @paybridge/migrate bench:import [--customers 2] [--payments-per-customer 150]
 *     [--vendor billing-platform-uk] [--target sqlite|postgres|both] [--mode bulk|units|per-record|both|all]
 *     [--batch-size 200] [--statements]
 *
 * `--statements` also counts the statements the ledger ran (transaction control aside) and prints
 * them per payment, with the most frequent statement shapes.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { attachStatementLog, createPostgresTestDatabase } from "@paybridge/db/testing"
import { openLedger } from "../src/booking/ledger-runtime.ts"
import type { VendorId } from "../src/sources/source-model.ts"
import type { Credentials } from "../src/sources/vendor-auth.ts"
import { readLedgerTruth } from "../test/support/ledger-truth.ts"
import { migrateInto } from "../test/support/migrate-into.ts"
import { currenciesOf, selectionOf } from "../test/support/read-source.ts"
import { startSourceServer } from "../test/support/source-server.ts"
import { seedTenant } from "../test/support/tenant-generator.ts"
import { vendorRules } from "../test/support/vendor-views.ts"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    customers: { type: "string", default: "2" },
    "payments-per-customer": { type: "string", default: "150" },
    vendor: { type: "string", default: "billing-platform-uk" },
    target: { type: "string", default: "both" },
    mode: { type: "string", default: "both" },
    "batch-size": { type: "string", default: "200" },
    statements: { type: "boolean", default: false }
  },
  strict: true
})
const vendor = values.vendor as VendorId
const targets = values.target === "both" ? ["sqlite", "postgres"] : [values.target]
const modes =
  values.mode === "all"
    ? ["per-record", "units", "bulk"]
    : values.mode === "both"
      ? ["per-record", "bulk"]
      : [values.mode]
const batchSize = Number(values["batch-size"])

const log = (line: string) => process.stdout.write(`${line}\n`)

const server = await startSourceServer()
const dir = await mkdtemp(join(tmpdir(), "paybridge-bench-import-"))
try {
  const seedStarted = Date.now()
  await seedTenant(server.client, {
    seed: 16,
    currencies: Array.from(
      { length: Number(values.customers) },
      (_, index) => ["EUR", "JPY", "BHD", "GBP", "USD", "KWD"][index % 6] ?? "EUR"
    ),
    paymentsPerCustomer: Number(values["payments-per-customer"]),
    concurrency: 2
  })
  const truth = await readLedgerTruth(server.client)
  log(
    `source: ${truth.payments.length} payments in ${truth.customers.length} customers, seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`
  )

  // Each vendor's credentials as its clients give them (a reader refuses flags of another vendor's form).
  const credentials: Credentials = vendorRules[vendor].credentials(server, server.apiKey)
  const reader = {
    customers: selectionOf(
      truth.customers.map((customer) => String(vendor === "crm-com" ? customer.number : customer.id))
    ),
    customerCurrencies: currenciesOf(truth.customers)
  }

  log(
    `load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(" ")} on ${cpus().length} cores`
  )
  log(
    "target    mode        payments  wall s  payments/s  source s  ledger s  checkpoint s  import CPU s  payments/CPU-s"
  )
  for (const target of targets) {
    for (const mode of modes) {
      const postgres = target === "postgres" ? await createPostgresTestDatabase(undefined, "pb_bench_import") : null
      const url = postgres?.url ?? `sqlite:${join(dir, `${mode}.sqlite`)}`
      const ledger = await openLedger(url)
      const statementLog = values.statements ? attachStatementLog(ledger.database.orm) : null
      try {
        const cpuBefore = process.cpuUsage()
        const { summary } = await migrateInto(ledger, vendor, server.dialectUrl(vendor), credentials, {
          reader,
          batchUnit: mode !== "per-record",
          customerBulk: mode === "bulk",
          batchSize
        })
        const cpu = process.cpuUsage(cpuBefore)
        const cpuSeconds = (cpu.user + cpu.system) / 1e6
        if (summary.status !== "completed") throw new Error(`run ${summary.status}: ${summary.error}`)
        const payments = (summary.counts.payment?.new ?? 0) + (summary.counts.payment?.changed ?? 0)
        const { totalMs, sourceMs, sinkMs, checkpointMs } = summary.timings
        log(
          [
            target.padEnd(9),
            mode.padEnd(11),
            String(payments).padStart(8),
            (totalMs / 1000).toFixed(1).padStart(7),
            ((payments * 1000) / totalMs).toFixed(1).padStart(11),
            (sourceMs / 1000).toFixed(1).padStart(9),
            (sinkMs / 1000).toFixed(1).padStart(9),
            (checkpointMs / 1000).toFixed(1).padStart(13),
            cpuSeconds.toFixed(1).padStart(10),
            (payments / cpuSeconds).toFixed(1).padStart(12)
          ].join(" ")
        )
        if (statementLog !== null) {
          const { statements, transactions } = statementLog.tally()
          const shapes = new Map<string, number>()
          for (const { sql } of statements) {
            const shape = sql.replace(/\s+/g, " ").slice(0, 90)
            shapes.set(shape, (shapes.get(shape) ?? 0) + 1)
          }
          log(
            `  statements: ${statements.length} (${(statements.length / payments).toFixed(2)} per payment), transactions: ${transactions}`
          )
          for (const [shape, count] of [...shapes].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
            log(`  ${String(count).padStart(6)}  ${shape}`)
          }
        }
      } finally {
        await ledger.close()
        await postgres?.drop()
      }
    }
  }
} finally {
  await server.stop()
  await rm(dir, { recursive: true, force: true })
}
