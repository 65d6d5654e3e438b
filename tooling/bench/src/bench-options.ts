/**
 * The command line of `pnpm bench:http`: flags, their defaults and their checks, turned into one
 * `BenchOptions` value that every other module reads. A bad flag stops the run with a usage line
 * before anything is started.
 */
import { availableParallelism } from "node:os"
import { parseArgs } from "node:util"

export type DatabaseKind = "sqlite" | "postgres"

/** The working database's name on the PostgreSQL server (`--working-database`). */
export const workingPostgresDatabase = "paybridge_bench"

export interface BenchOptions {
  /** Seeded payments (customers and the big customer's share follow from it, see `seedPlanFor`). */
  readonly payments: number
  /** Seconds of measurement per target and connection count. */
  readonly durationSeconds: number
  /** Seconds of discarded load before each measurement (same connections, same requests). */
  readonly warmupSeconds: number
  readonly connections: ReadonlyArray<number>
  /** Targets whose `<operation> <name>` matches are run; the floor of a selected operation always runs. */
  readonly only: RegExp | null
  readonly databases: ReadonlyArray<DatabaseKind>
  /** PAYBRIDGE_WORKERS values to start Paybridge with; `null` = leave the variable unset (the server's default). */
  readonly workers: ReadonlyArray<number> | null
  /** Throw the cached seed away and seed again. */
  readonly reseed: boolean
  /** The PostgreSQL server (its `postgres` database is used for CREATE/DROP DATABASE). */
  readonly postgresUrl: string
  /** The working copy's database name on that server (two runs at once need two names). */
  readonly workingDatabase: string
  /** LOG_LEVEL of the Paybridge process (production default: info). */
  readonly logLevel: "debug" | "info" | "warn" | "error"
  readonly quick: boolean
}

export const usage = `usage: pnpm bench:http [--payments N] [--duration S] [--warmup S] [--connections 1,8,32]
  [--only REGEX] [--db sqlite,postgres] [--workers [1,2,...]] [--reseed] [--quick]
  [--postgres-url postgresql://postgres@127.0.0.1:5432] [--working-database paybridge_bench] [--log-level info]`

const fail = (message: string): never => {
  process.stderr.write(`bench:http: ${message}\n${usage}\n`)
  process.exit(2)
}

const integerList = (flag: string, raw: string): ReadonlyArray<number> =>
  raw.split(",").map((part) => {
    const value = Number(part.trim())
    if (!Number.isSafeInteger(value) || value < 1) fail(`--${flag} takes positive integers separated by commas`)
    return value
  })

const positive = (flag: string, raw: string | undefined, fallback: number, minimum: number): number => {
  if (raw === undefined) return fallback
  const value = Number(raw.replaceAll("_", ""))
  if (!Number.isFinite(value) || value < minimum) fail(`--${flag} must be a number ≥ ${minimum}, got ${raw}`)
  return value
}

/** The worker counts a bare `--workers` measures: 1, 2 and the number of cores (each once). */
export const defaultWorkerCounts = (): ReadonlyArray<number> => [...new Set([1, 2, availableParallelism()])]

const withDefaultWorkers = (args: ReadonlyArray<string>): Array<string> =>
  args.flatMap((arg, index) => {
    const next = args[index + 1]
    return arg === "--workers" && (next === undefined || next.startsWith("--"))
      ? [arg, defaultWorkerCounts().join(",")]
      : [arg]
  })

const parseFlags = () => {
  try {
    return parseArgs({
      // pnpm passes a literal "--" through when flags follow it; ignore it. A bare `--workers`
      // means 1, 2 and the number of cores.
      args: withDefaultWorkers(process.argv.slice(2).filter((arg) => arg !== "--")),
      options: {
        payments: { type: "string" },
        duration: { type: "string" },
        warmup: { type: "string" },
        connections: { type: "string" },
        only: { type: "string" },
        db: { type: "string" },
        workers: { type: "string" },
        reseed: { type: "boolean", default: false },
        quick: { type: "boolean", default: false },
        "postgres-url": { type: "string" },
        "working-database": { type: "string" },
        "log-level": { type: "string" },
        help: { type: "boolean", short: "h", default: false }
      }
    })
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
}

/** The PostgreSQL server of `TEST_DATABASE_URL` (without its database), else the local default. */
export const defaultPostgresUrl = (): string => {
  const fromEnv = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_DATABASE_URL
  if (fromEnv === undefined || fromEnv === "") return "postgresql://postgres@127.0.0.1:5432"
  const url = new URL(fromEnv)
  url.pathname = ""
  return url.toString().replace(/\/$/, "")
}

const workingDatabaseName = (raw: string | undefined): string => {
  if (raw === undefined) return workingPostgresDatabase
  return /^[a-z_][a-z0-9_]{0,40}$/u.test(raw)
    ? raw
    : fail(`--working-database must be a lower-case SQL name, got ${raw}`)
}

export const parseOptions = (): BenchOptions => {
  const { values } = parseFlags()
  if (values.help) {
    process.stdout.write(`${usage}\n`)
    process.exit(0)
  }
  const quick = values.quick
  const databases = (values.db ?? "sqlite,postgres").split(",").map((name): DatabaseKind => {
    const trimmed = name.trim()
    if (trimmed === "sqlite") return "sqlite"
    if (trimmed === "postgres" || trimmed === "postgresql") return "postgres"
    return fail(`--db takes sqlite and/or postgres, got ${trimmed}`)
  })
  let only: RegExp | null = null
  if (values.only !== undefined) {
    try {
      only = new RegExp(values.only, "i")
    } catch {
      fail(`--only is not a regular expression: ${values.only}`)
    }
  }
  const logLevel = values["log-level"] ?? "info"
  if (logLevel !== "debug" && logLevel !== "info" && logLevel !== "warn" && logLevel !== "error") {
    return fail(`--log-level must be debug, info, warn or error, got ${logLevel}`)
  }
  return {
    payments: Math.round(positive("payments", values.payments, quick ? 10_000 : 100_000, 1_000)),
    durationSeconds: positive("duration", values.duration, quick ? 1 : 5, 0.5),
    warmupSeconds: positive("warmup", values.warmup, 1, 0),
    connections:
      values.connections === undefined ? (quick ? [8] : [1, 8, 32]) : integerList("connections", values.connections),
    only,
    databases: [...new Set(databases)],
    workers: values.workers === undefined ? null : integerList("workers", values.workers),
    reseed: values.reseed,
    postgresUrl: values["postgres-url"] ?? defaultPostgresUrl(),
    workingDatabase: workingDatabaseName(values["working-database"]),
    logLevel,
    quick
  }
}
