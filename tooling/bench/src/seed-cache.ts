/**
 * The benchmark's databases. Seeding ≥ 100,000 payments through the API would take far too long,
 * so the db package's bulk seeder (`packages/db/bench/bulk-seed.ts`, set-based SQL on a database
 * migrated by `@paybridge/db`) writes them once per size into a cache: a SQLite file under
 * `tooling/bench/.cache/` and a PostgreSQL database `paybridge_bench_seed_<payments>_<hash>`. The
 * hash covers the seeder's source, the migration list and the plan, so a change to any of them
 * seeds afresh. Every run works on a copy (a file copy; `CREATE DATABASE paybridge_bench TEMPLATE …`)
 * that the creates may change, and removes it at the end; the cache stays as seeded.
 */
import { createHash } from "node:crypto"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { initOrm, ledgerMigrations, migrateToLatest } from "@paybridge/db"
import pg from "pg"
import { type SeedPlan, seedLedger } from "../../../packages/db/bench/bulk-seed.ts"
import { type DatabaseKind, workingPostgresDatabase } from "./bench-options.ts"

export type { SeedPlan }

const seederFile = fileURLToPath(new URL("../../../packages/db/bench/bulk-seed.ts", import.meta.url))
const cacheDir = fileURLToPath(new URL("../.cache/", import.meta.url))

/**
 * Customers are one fiftieth of the payments, so a typical customer's whole list is about one page
 * (47–48 payments); customer 1, the big customer, has a twentieth of all payments.
 */
export const seedPlanFor = (payments: number): SeedPlan => ({
  payments,
  customers: Math.max(2, Math.round(payments / 50)),
  bigCustomerPayments: Math.max(1, Math.floor(payments / 20))
})

export interface WorkingDatabase {
  readonly kind: DatabaseKind
  /** `DATABASE_URL` for Paybridge and the floor. */
  readonly url: string
  readonly label: string
  readonly plan: SeedPlan
  /** Whether this run seeded the cache (else it was reused). */
  readonly seeded: boolean
  readonly remove: () => Promise<void>
}

const seedHash = (plan: SeedPlan): string =>
  createHash("sha256")
    .update(readFileSync(seederFile))
    .update(JSON.stringify(ledgerMigrations.map((migration) => migration.name)))
    .update(JSON.stringify(plan))
    .digest("hex")
    .slice(0, 10)

const seedInto = async (kind: DatabaseKind, url: string, plan: SeedPlan, log: (line: string) => void) => {
  const orm =
    kind === "sqlite"
      ? await initOrm({ driver: "sqlite", filename: url })
      : await initOrm({ driver: "postgresql", url }, { poolSize: 2 })
  try {
    await migrateToLatest(orm, kind === "sqlite" ? "sqlite" : "postgresql")
    const started = performance.now()
    const timings = await seedLedger(orm, kind === "sqlite" ? "sqlite" : "postgresql", plan)
    log(
      `  seeded in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
        `(${timings.map((step) => `${step.step} ${step.seconds.toFixed(1)} s`).join(", ")})`
    )
  } finally {
    await orm.close(true)
  }
}

const describePlan = (plan: SeedPlan) =>
  `${plan.payments.toLocaleString("en")} payments, ${plan.customers.toLocaleString("en")} customers ` +
  `(customer 1: ${plan.bigCustomerPayments.toLocaleString("en")})`

const sqliteWorkingCopy = async (
  plan: SeedPlan,
  reseed: boolean,
  log: (line: string) => void
): Promise<WorkingDatabase> => {
  mkdirSync(cacheDir, { recursive: true })
  const prefix = `sqlite-${plan.payments}-`
  const cached = join(cacheDir, `${prefix}${seedHash(plan)}.db`)
  let seeded = false
  if (reseed || !existsSync(cached)) {
    for (const stale of readdirSync(cacheDir).filter((name) => name.startsWith(prefix))) {
      rmSync(join(cacheDir, stale), { force: true })
    }
    log(`SQLite: seeding ${describePlan(plan)} into ${cached}…`)
    const building = `${cached}.building`
    rmSync(building, { force: true })
    await seedInto("sqlite", building, plan, log)
    // Closing the last connection checkpoints the WAL into the file and deletes it.
    if (existsSync(`${building}-wal`)) throw new Error(`SQLite left ${building}-wal behind; not caching a partial file`)
    renameSync(building, cached)
    seeded = true
  } else {
    log(`SQLite: reusing the seeded cache ${cached}`)
  }
  const directory = mkdtempSync(join(tmpdir(), "paybridge-bench-"))
  const file = join(directory, "paybridge.db")
  copyFileSync(cached, file)
  return {
    kind: "sqlite",
    url: `sqlite:${file}`,
    label: `SQLite copy ${file}`,
    plan,
    seeded,
    remove: async () => rmSync(directory, { recursive: true, force: true })
  }
}

const databaseUrl = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs `work` on a client of the server's `postgres` database. */
const withAdmin = async <A>(serverUrl: string, work: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, "postgres") })
  try {
    await client.connect()
  } catch (cause) {
    throw new Error(`PostgreSQL is unreachable at ${serverUrl.replace(/\/\/[^@]*@/, "//***@")}: ${String(cause)}`, {
      cause
    })
  }
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

const postgresWorkingCopy = async (
  serverUrl: string,
  plan: SeedPlan,
  reseed: boolean,
  log: (line: string) => void,
  working: string
): Promise<WorkingDatabase> => {
  const prefix = `${working}_seed_${plan.payments}_`
  const cached = `${prefix}${seedHash(plan)}`
  const building = `${cached}_building`
  const present = await withAdmin(serverUrl, async (admin) => {
    // Filtered here, not with LIKE: its `_` matches any character, so `…_10000_%` would match `…_100000_…`.
    const names = (await admin.query<{ datname: string }>("select datname from pg_database")).rows
      .map((row) => row.datname)
      .filter((name) => name.startsWith(prefix) && /^[0-9a-f]+(_building)?$/.test(name.slice(prefix.length)))
    const keep = !reseed && names.includes(cached)
    for (const name of names.filter((name) => !(keep && name === cached))) {
      await admin.query(`drop database if exists "${name}" with (force)`)
    }
    if (!keep) await admin.query(`create database "${building}"`)
    return keep
  })
  if (present) {
    log(`PostgreSQL: reusing the seeded cache database ${cached}`)
  } else {
    log(`PostgreSQL: seeding ${describePlan(plan)} into database ${cached}…`)
    await seedInto("postgres", databaseUrl(serverUrl, building), plan, log)
    await withAdmin(serverUrl, (admin) => admin.query(`alter database "${building}" rename to "${cached}"`))
  }
  const drop = () => withAdmin(serverUrl, (admin) => admin.query(`drop database if exists "${working}" with (force)`))
  await drop()
  await withAdmin(serverUrl, (admin) => admin.query(`create database "${working}" template "${cached}"`))
  return {
    kind: "postgres",
    url: databaseUrl(serverUrl, working),
    label: `PostgreSQL database ${working} (from ${cached})`,
    plan,
    seeded: !present,
    remove: async () => {
      await drop()
    }
  }
}

/**
 * A fresh working copy of the seeded database of `kind`, seeding the cache first when needed. On
 * PostgreSQL the working database is `workingDatabase` (default `paybridge_bench`) and its cache
 * `<workingDatabase>_seed_<N>_<hash>`, so `pnpm bench:cpu` and `pnpm bench:http` never share either.
 */
export const prepareWorkingDatabase = (
  kind: DatabaseKind,
  options: {
    readonly payments: number
    readonly reseed: boolean
    readonly postgresUrl: string
    readonly workingDatabase?: string
  },
  log: (line: string) => void
): Promise<WorkingDatabase> => {
  const plan = seedPlanFor(options.payments)
  return kind === "sqlite"
    ? sqliteWorkingCopy(plan, options.reseed, log)
    : postgresWorkingCopy(
        options.postgresUrl,
        plan,
        options.reseed,
        log,
        options.workingDatabase ?? workingPostgresDatabase
      )
}
