/**
 * The ledger benchmark: seeds a throwaway database with a million payments (by default) in bulk
 * SQL, then measures through the real `LedgerStore` and `Ledger` how long the everyday reads and
 * writes take at that size: a payment by id, one customer's payments with a payment-date filter
 * (the first page, and a page deep into the keyset cursor chain), and creating a posted payment
 * (balance chain and event log included). Prints the seeding time and a p50/p95/mean table per
 * driver, the deep-to-first page ratio and the query plans of the two list queries.
 *
 *   pnpm --filter @paybridge/db bench [--driver sqlite|postgres|both] [--payments 1000000] [--samples 200]
 *     [--customers 10000] [--big-customer-payments 50000] [--warmup 20] [--page-size 50] [--deep-page 200]
 *     [--postgres-url postgresql://…] [--no-explain] [--keep]
 *
 * Every flag has an environment twin (BENCH_DRIVER, BENCH_PAYMENTS, BENCH_SAMPLES, BENCH_CUSTOMERS,
 * BENCH_BIG_CUSTOMER_PAYMENTS, BENCH_WARMUP, BENCH_PAGE_SIZE, BENCH_DEEP_PAGE, BENCH_DATABASE_URL);
 * the PostgreSQL server defaults to TEST_DATABASE_URL. SQLite runs on a file in a temporary
 * directory, PostgreSQL in a new `pb_bench_<random>` database; both are removed at the end, also
 * after a failure or Ctrl-C, unless `--keep` asks to leave them for a closer look.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import {
  CommandContext,
  CustomerId,
  LedgerStore,
  ledgerLayer,
  type Page,
  type Payment,
  PaymentGateways,
  PaymentId,
  Payments,
  systemPrincipal
} from "@paybridge/core"
import { Effect, Layer, ManagedRuntime } from "effect"
import { Database, type LedgerOrm, openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase, testDatabaseUrl } from "../src/testing/index.ts"
import { type SeedDriver, type SeedPlan, seedLedger } from "./bulk-seed.ts"
import { formatTable, type LatencySummary, sampleLatency, summarize } from "./latency-stats.ts"

// ---- options --------------------------------------------------------------------------------

interface BenchOptions {
  readonly drivers: ReadonlyArray<SeedDriver>
  readonly plan: SeedPlan
  readonly samples: number
  readonly warmup: number
  readonly pageSize: number
  readonly deepPage: number
  readonly postgresUrl: string
  readonly explain: boolean
  /** Leave the seeded databases in place (for EXPLAIN sessions); their location is printed. */
  readonly keep: boolean
}

const usage = `usage: pnpm --filter @paybridge/db bench [--driver sqlite|postgres|both] [--payments N] [--samples N]
  [--customers N] [--big-customer-payments N] [--warmup N] [--page-size N] [--deep-page N]
  [--postgres-url URL] [--no-explain] [--keep]`

const fail = (message: string): never => {
  process.stderr.write(`bench: ${message}\n${usage}\n`)
  process.exit(2)
}

const parseOptions = (): BenchOptions => {
  let parsed: ReturnType<typeof parseArgsOf>
  try {
    parsed = parseArgsOf()
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
  const { values } = parsed
  if (values.help === true) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  const integer = (name: string, flag: string | undefined, env: string, fallback: number, minimum = 1): number => {
    const raw = flag ?? process.env[env]
    if (raw === undefined || raw === "") return fallback
    const value = Number(raw.replaceAll("_", ""))
    if (!Number.isSafeInteger(value) || value < minimum) fail(`--${name} must be an integer ≥ ${minimum}, got ${raw}`)
    return value
  }
  const driver = values.driver ?? process.env.BENCH_DRIVER ?? "both"
  const drivers: ReadonlyArray<SeedDriver> =
    driver === "both"
      ? ["sqlite", "postgresql"]
      : driver === "sqlite"
        ? ["sqlite"]
        : driver === "postgres" || driver === "postgresql"
          ? ["postgresql"]
          : fail(`--driver must be sqlite, postgres or both, got ${driver}`)
  const payments = integer("payments", values.payments, "BENCH_PAYMENTS", 1_000_000, 100)
  const customers = integer("customers", values.customers, "BENCH_CUSTOMERS", 10_000, 2)
  const bigCustomerPayments = integer(
    "big-customer-payments",
    values["big-customer-payments"],
    "BENCH_BIG_CUSTOMER_PAYMENTS",
    Math.min(50_000, Math.floor(payments / 20))
  )
  if (bigCustomerPayments > payments) fail("--big-customer-payments cannot exceed --payments")
  return {
    drivers,
    plan: { payments, customers, bigCustomerPayments },
    samples: integer("samples", values.samples, "BENCH_SAMPLES", 200),
    warmup: integer("warmup", values.warmup, "BENCH_WARMUP", 20, 0),
    pageSize: integer("page-size", values["page-size"], "BENCH_PAGE_SIZE", 50),
    deepPage: integer("deep-page", values["deep-page"], "BENCH_DEEP_PAGE", 200, 2),
    postgresUrl: values["postgres-url"] ?? process.env.BENCH_DATABASE_URL ?? testDatabaseUrl(),
    explain: values.explain ?? true,
    keep: values.keep ?? false
  }
}

const parseArgsOf = () =>
  parseArgs({
    // pnpm passes a literal "--" through when flags follow it; ignore it.
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    allowNegative: true,
    options: {
      driver: { type: "string" },
      payments: { type: "string" },
      customers: { type: "string" },
      "big-customer-payments": { type: "string" },
      samples: { type: "string" },
      warmup: { type: "string" },
      "page-size": { type: "string" },
      "deep-page": { type: "string" },
      "postgres-url": { type: "string" },
      explain: { type: "boolean" },
      keep: { type: "boolean" },
      help: { type: "boolean", short: "h" }
    }
  })

// ---- throwaway databases ----------------------------------------------------------------------

interface BenchDatabase {
  readonly url: string
  readonly label: string
  readonly size: (orm: LedgerOrm) => Promise<string>
  readonly remove: () => Promise<void>
}

const pendingRemovals = new Set<() => Promise<void>>()

let interrupted = false

const onInterrupt = () => {
  interrupted = true
  process.stderr.write("\nbench: interrupted, removing the benchmark databases…\n")
  void Promise.allSettled([...pendingRemovals].map((remove) => remove())).then(() => process.exit(130))
}
process.once("SIGINT", onInterrupt)
process.once("SIGTERM", onInterrupt)

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

const sqliteDatabase = (): BenchDatabase => {
  const directory = mkdtempSync(join(tmpdir(), "paybridge-bench-"))
  const file = join(directory, "ledger.db")
  const fileSize = (path: string) => {
    try {
      return statSync(path).size
    } catch {
      return 0
    }
  }
  return {
    url: `sqlite:${file}`,
    label: `file ${file}`,
    size: async () => megabytes(fileSize(file) + fileSize(`${file}-wal`)),
    remove: async () => rmSync(directory, { recursive: true, force: true })
  }
}

const postgresDatabase = async (serverUrl: string): Promise<BenchDatabase> => {
  const database = await createPostgresTestDatabase(serverUrl, "pb_bench")
  return {
    url: database.url,
    label: `database ${database.name}`,
    size: async (orm) => {
      const rows = (await orm.em
        .fork()
        .execute("select pg_database_size(current_database()) as bytes")) as ReadonlyArray<{
        bytes: string
      }>
      return megabytes(Number(rows[0]?.bytes ?? 0))
    },
    remove: database.drop
  }
}

// ---- measurements -----------------------------------------------------------------------------

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so runs pick the same rows. */
const randomSource = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const bigCustomerId = CustomerId.make(1)
const dateFilter = { paymentDateFrom: "2021-01-01", paymentDateTo: "2025-06-30" } as const

interface Measurements {
  readonly rows: ReadonlyArray<LatencySummary>
  readonly first: LatencySummary
  readonly deep: LatencySummary
  readonly deepPageReached: number
  readonly deepCursor: string | null
  readonly deepKey: Payment | null
}

const measure = (options: BenchOptions) =>
  Effect.gen(function* () {
    const paymentsService = yield* Payments
    const store = yield* LedgerStore
    const { plan, pageSize } = options
    const random = randomSource(20261121)
    const sampling = { warmup: options.warmup, samples: options.samples }
    const randomPaymentId = () => PaymentId.make(1 + Math.floor(random() * plan.payments))
    const randomCustomerId = () => CustomerId.make(2 + Math.floor(random() * (plan.customers - 1)))
    const bigFilter = { customerId: bigCustomerId, ...dateFilter, limit: pageSize }
    const rows: Array<LatencySummary> = []
    const time = <A, E, R>(operation: string, run: (iteration: number) => Effect.Effect<A, E, R>) =>
      Effect.map(sampleLatency(run, sampling), (timings) => {
        const summary = summarize(operation, timings)
        rows.push(summary)
        return summary
      })

    yield* time("get payment by id: Payments.getPayment (with its allocations, reversals…)", () =>
      paymentsService.getPayment({ id: randomPaymentId() })
    )
    yield* time("get payment by id: LedgerStore.payments.get", () => store.payments.get(randomPaymentId()))

    // Follow the cursor chain (untimed) to the cursor of the deep page.
    let cursor: string | null = null
    let page = 1
    let lastOfPreviousPage: Payment | null = null
    let next: Page<Payment> = yield* paymentsService.listPayments(bigFilter)
    while (page < options.deepPage - 1 && next.nextCursor !== null) {
      cursor = next.nextCursor
      lastOfPreviousPage = next.items.at(-1) ?? null
      next = yield* paymentsService.listPayments({ ...bigFilter, cursor })
      page += 1
    }
    if (next.nextCursor !== null) {
      cursor = next.nextCursor
      lastOfPreviousPage = next.items.at(-1) ?? null
      page += 1
    }
    const deepCursor = cursor

    const first = yield* time(`big customer's payments, date filter: page 1 (${pageSize} rows)`, () =>
      paymentsService.listPayments(bigFilter)
    )
    const deep = yield* time(`big customer's payments, date filter: page ${page} via its cursor`, () =>
      paymentsService.listPayments({ ...bigFilter, cursor: deepCursor })
    )
    yield* time(`a typical customer's payments, date filter: page 1`, () =>
      paymentsService.listPayments({ customerId: randomCustomerId(), ...dateFilter, limit: pageSize })
    )
    const amount = () => {
      const minor = 100 + Math.floor(random() * 499_900)
      return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`
    }
    yield* time("create posted payment: Payments.createPayment, random customer", (i) =>
      paymentsService.createPayment({ customerId: randomCustomerId(), amount: amount(), reference: `bench ${i}` })
    )
    yield* time("create posted payment: Payments.createPayment, big customer", (i) =>
      paymentsService.createPayment({ customerId: bigCustomerId, amount: amount(), reference: `bench big ${i}` })
    )
    return {
      rows,
      first,
      deep,
      deepPageReached: page,
      deepCursor,
      deepKey: lastOfPreviousPage
    } satisfies Measurements
  }).pipe(Effect.orDie)

// ---- query plans ------------------------------------------------------------------------------

/**
 * The statement `LedgerStore.payments.list` issues for the big customer's filtered list (as logged
 * by MikroORM). With `tightened`, the upper payment-date bound of a cursor page is the cursor's own
 * date instead of the filter's: the same rows, and the variant the benchmark compares on SQLite.
 */
const listStatement = (driver: SeedDriver, limit: number, after: Payment | null, tightened = false) => {
  const q = (name: string) => (driver === "postgresql" ? `"${name}"` : `\`${name}\``)
  const column = (name: string) => `${q("p0")}.${q(name)}`
  const keyset = after === null ? "" : ` and (p0.payment_date, p0.id) < ('${after.paymentDate}', ${after.id})`
  const upper =
    tightened && after !== null && after.paymentDate < dateFilter.paymentDateTo
      ? after.paymentDate
      : dateFilter.paymentDateTo
  return (
    `select ${q("p0")}.* from ${q("payments")} as ${q("p0")} where ${column("customer_id")} = ${bigCustomerId} ` +
    `and ${column("payment_date")} >= '${dateFilter.paymentDateFrom}' and ${column("payment_date")} <= '${upper}'${keyset} ` +
    `order by ${column("payment_date")} desc, ${column("id")} desc limit ${limit + 1}`
  )
}

/** The plan of `statement`, and its p50 time when run alone (raw SQL, rows not hydrated into records). */
const queryPlan = async (orm: LedgerOrm, driver: SeedDriver, statement: string): Promise<string> => {
  const em = orm.em.fork()
  const plan =
    driver === "postgresql"
      ? (
          (await em.execute(`explain (analyze, buffers, costs off) ${statement}`)) as ReadonlyArray<
            Record<string, string>
          >
        ).map((row) => row["QUERY PLAN"])
      : ((await em.execute(`explain query plan ${statement}`)) as ReadonlyArray<{ detail: string }>).map(
          (row) => row.detail
        )
  const timings = await Effect.runPromise(
    sampleLatency(() => Effect.promise(() => em.execute(statement)), { warmup: 20, samples: 100 })
  )
  return [...plan, `statement alone: p50 ${summarize("", timings).p50Ms.toFixed(3)} ms`]
    .map((line) => `    ${line}`)
    .join("\n")
}

// ---- one driver ----------------------------------------------------------------------------------

const driverNames: Record<SeedDriver, string> = { sqlite: "SQLite", postgresql: "PostgreSQL" }

const serverVersion = async (orm: LedgerOrm, driver: SeedDriver): Promise<string> => {
  const rows = (await orm.em
    .fork()
    .execute(
      driver === "postgresql" ? "select current_setting('server_version') as v" : "select sqlite_version() as v"
    )) as ReadonlyArray<{ v: string }>
  return rows[0]?.v ?? "?"
}

const seconds = (value: number) => `${value.toFixed(1)} s`

const benchDriver = async (driver: SeedDriver, options: BenchOptions): Promise<void> => {
  const database = driver === "sqlite" ? sqliteDatabase() : await postgresDatabase(options.postgresUrl)
  if (!options.keep) pendingRemovals.add(database.remove)
  const log = (line: string) => process.stdout.write(`${line}\n`)
  try {
    const runtime = ManagedRuntime.make(
      ledgerLayer.pipe(
        Layer.provide(PaymentGateways.layerTest),
        Layer.provideMerge(openDatabase({ url: database.url, poolSize: 10 })),
        Layer.orDie
      )
    )
    try {
      const orm = await runtime.runPromise(Effect.map(Database, (opened) => opened.orm))
      const { plan } = options
      log(`\n=== ${driverNames[driver]} ${await serverVersion(orm, driver)} (${database.label}) ===`)
      log(
        `seeding ${plan.payments.toLocaleString("en")} payments over ${plan.customers.toLocaleString("en")} customers ` +
          `(big customer: ${plan.bigCustomerPayments.toLocaleString("en")} payments), 2020-01-01 to 2025-12-31…`
      )
      const started = performance.now()
      const timings = await seedLedger(orm, driver, plan, (step) => process.stdout.write(`  ${step}…\n`))
      const total = (performance.now() - started) / 1000
      log(
        `seeded in ${seconds(total)} (${timings.map((t) => `${t.step} ${seconds(t.seconds)}`).join(", ")}); ` +
          `database size ${await database.size(orm)}`
      )

      log(`measuring (${options.warmup} warm-up + ${options.samples} samples per operation)…\n`)
      const context = CommandContext.layer({
        principal: systemPrincipal,
        origin: "cli",
        requestId: null,
        idempotencyKey: null
      })
      const result = await runtime.runPromise(measure(options).pipe(Effect.provide(context)))
      log(formatTable(result.rows))
      log(
        `\ndeep page (${result.deepPageReached}) / first page: p50 ${(result.deep.p50Ms / result.first.p50Ms).toFixed(2)}x, ` +
          `mean ${(result.deep.meanMs / result.first.meanMs).toFixed(2)}x`
      )
      if (result.deepPageReached < options.deepPage) {
        log(`(the filtered list has only ${result.deepPageReached} pages of ${options.pageSize})`)
      }
      if (options.explain) {
        log("\nquery plan, page 1:")
        log(await queryPlan(orm, driver, listStatement(driver, options.pageSize, null)))
        log(`query plan, page ${result.deepPageReached}:`)
        log(await queryPlan(orm, driver, listStatement(driver, options.pageSize, result.deepKey)))
        log(`query plan, page ${result.deepPageReached}, upper date bound tightened to the cursor's date:`)
        log(await queryPlan(orm, driver, listStatement(driver, options.pageSize, result.deepKey, true)))
      }
    } finally {
      await runtime.dispose()
    }
  } finally {
    pendingRemovals.delete(database.remove)
    if (options.keep) log(`kept ${database.label}: ${database.url}`)
    else await database.remove()
  }
}

const options = parseOptions()
try {
  for (const driver of options.drivers) await benchDriver(driver, options)
} catch (error) {
  // After Ctrl-C the database connections are cut; the interrupt handler ends the process.
  if (!interrupted) throw error
  await new Promise(() => {})
}
