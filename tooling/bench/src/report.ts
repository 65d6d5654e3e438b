/**
 * The benchmark's results: one row per (database, workers, target, connections) with throughput,
 * latency percentiles, the ratio to the floor for the same operation, database and connections,
 * and the bad answers — shown loudly, never counted as throughput. Printed as a fixed-width table
 * on stdout and written as JSON (everything, for tools) and Markdown (for people) under
 * `bench/results/`, plus `latest.json` / `latest.md` for a full run.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { DatabaseKind } from "./bench-options.ts"
import type { LoadResult } from "./load-run.ts"
import { type Operation, operations, type Protocol } from "./targets.ts"

export const resultsDir = fileURLToPath(new URL("../../../bench/results/", import.meta.url))

export interface ResultRow {
  readonly database: DatabaseKind
  /** PAYBRIDGE_WORKERS the server was started with (`null`: unset; always `null` for the floor). */
  readonly workers: number | null
  readonly operation: Operation
  readonly protocol: Protocol
  readonly endpoint: string
  readonly connections: number
  readonly result: LoadResult
}

export interface RunReport {
  readonly startedAt: string
  readonly finishedAt: string
  readonly commit: string
  readonly machine: Readonly<Record<string, string | number>>
  readonly settings: Readonly<Record<string, unknown>>
  readonly databases: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly rows: ReadonlyArray<ResultRow>
}

const floorOf = (rows: ReadonlyArray<ResultRow>, row: ResultRow): ResultRow | undefined =>
  rows.find(
    (candidate) =>
      candidate.protocol === "floor" &&
      candidate.operation === row.operation &&
      candidate.database === row.database &&
      candidate.connections === row.connections
  )

/** This row's good answers per second over the floor's; `null` without a floor or when either measured nothing. */
export const ratioToFloor = (rows: ReadonlyArray<ResultRow>, row: ResultRow): number | null => {
  const floor = floorOf(rows, row)
  if (floor === undefined || floor.result.rps === 0 || row.result.good === 0) return null
  return row.result.rps / floor.result.rps
}

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 })
const ms = (value: number | null) => (value === null ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(1))
const ratio = (value: number | null) => (value === null ? "—" : value < 0.1 ? value.toFixed(3) : value.toFixed(2))

const badText = (result: LoadResult): string => {
  const bad =
    result.bad === 0
      ? "0"
      : `!! ${integer.format(result.bad)} bad (${Object.entries(result.badReasons)
          .map(([reason, count]) => `${reason} ×${count}`)
          .join(", ")})`
  return result.note === null ? bad : `${bad} — !! ${result.note}`
}

const targetName = (row: ResultRow) => (row.workers === null ? row.protocol : `${row.protocol} w${row.workers}`)

const columns = ["operation", "target", "db", "conns", "rps", "p50 ms", "p99 ms", "× floor", "bad / note"] as const

const cells = (rows: ReadonlyArray<ResultRow>, row: ResultRow): ReadonlyArray<string> => [
  row.operation,
  targetName(row),
  row.database,
  String(row.connections),
  row.result.rps < 10 ? row.result.rps.toFixed(1) : integer.format(row.result.rps),
  ms(row.result.p50Ms),
  ms(row.result.p99Ms),
  ratio(ratioToFloor(rows, row)),
  badText(row.result)
]

const rightAligned = new Set([3, 4, 5, 6, 7])
const widths = [10, 26, 8, 5, 8, 7, 7, 7, 0]

/** One line of the stdout table (also used while the run goes on). */
export const formatLine = (rows: ReadonlyArray<ResultRow>, row: ResultRow): string =>
  cells(rows, row)
    .map((cell, index) =>
      rightAligned.has(index) ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0)
    )
    .join("  ")
    .trimEnd()

export const formatHeader = (): string =>
  columns
    .map((name, index) =>
      rightAligned.has(index) ? name.padStart(widths[index] ?? 0) : name.padEnd(widths[index] ?? 0)
    )
    .join("  ")
    .trimEnd()

const protocolOrder: ReadonlyArray<Protocol> = [
  "floor",
  "trpc",
  "billing-platform-uk",
  "crm-com",
  "logisense",
  "elevate",
  "silver"
]

/** Operation, then protocol, then database, workers and connections: each operation's rows side by side. */
export const sortedRows = (rows: ReadonlyArray<ResultRow>): ReadonlyArray<ResultRow> =>
  [...rows].sort(
    (a, b) =>
      operations.indexOf(a.operation) - operations.indexOf(b.operation) ||
      protocolOrder.indexOf(a.protocol) - protocolOrder.indexOf(b.protocol) ||
      a.database.localeCompare(b.database) ||
      (a.workers ?? 0) - (b.workers ?? 0) ||
      a.connections - b.connections
  )

export const formatTable = (rows: ReadonlyArray<ResultRow>): string =>
  [formatHeader(), ...sortedRows(rows).map((row) => formatLine(rows, row))].join("\n")

const failures = (rows: ReadonlyArray<ResultRow>) =>
  rows.filter((row) => row.result.bad > 0 || row.result.note !== null)

export const failureSummary = (rows: ReadonlyArray<ResultRow>): string | null => {
  const failed = failures(rows)
  if (failed.length === 0) return null
  return [
    `!! ${failed.length} measurement(s) got bad answers or could not be loaded; rps counts good answers only:`,
    ...failed.map(
      (row) =>
        `!!   ${row.operation} ${targetName(row)} ${row.database} c${row.connections}: ${badText(row.result)}` +
        (row.result.badSample === null ? "" : `\n!!     first: ${row.result.badSample.replaceAll("\n", " ")}`)
    )
  ].join("\n")
}

const markdown = (report: RunReport): string => {
  const { rows } = report
  const line = (values: ReadonlyArray<string>) =>
    `| ${values.map((value) => value.replaceAll("|", "\\|")).join(" | ")} |`
  const lines = [
    "# HTTP benchmark (`pnpm bench:http`)",
    "",
    `Run ${report.startedAt} → ${report.finishedAt} on commit \`${report.commit}\`.`,
    "",
    `Machine: ${Object.entries(report.machine)
      .map(([key, value]) => `${key} ${value}`)
      .join(", ")}.`,
    "",
    `Settings: ${Object.entries(report.settings)
      .map(([key, value]) => `${key} ${JSON.stringify(value)}`)
      .join(", ")}.`,
    "",
    ...report.databases.map(
      (database) =>
        `- ${Object.entries(database)
          .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
          .join("; ")}`
    ),
    "",
    "rps counts good answers per second; p50/p99 are their latencies as the load generator saw them;",
    "× floor is rps over the floor server's rps for the same operation, database and connections.",
    "",
    line(columns),
    line(columns.map((_, index) => (rightAligned.has(index) ? "---:" : "---"))),
    ...sortedRows(rows).map((row) => line(cells(rows, row))),
    "",
    "Endpoints:",
    "",
    ...[...new Map(sortedRows(rows).map((row) => [`${row.operation} ${row.protocol}`, row])).values()].map(
      (row) => `- ${row.operation} ${row.protocol}: \`${row.endpoint}\``
    )
  ]
  const failed = failureSummary(rows)
  if (failed !== null) lines.push("", "## Bad answers", "", "```", failed, "```")
  return `${lines.join("\n")}\n`
}

/**
 * Writes `<stamp>.json` and `<stamp>.md`, and — for a full run (`full`: every target, both databases, 1/8/32
 * connections, one worker) — `latest.json` and `latest.md`, so a partial run never replaces the last full one;
 * returns the Markdown path.
 */
export const writeReport = (report: RunReport, full: boolean): string => {
  mkdirSync(resultsDir, { recursive: true })
  const stamp = report.startedAt.replaceAll(":", "-").replace(/\.\d+Z$/, "Z")
  const body = `${JSON.stringify(
    { ...report, rows: report.rows.map((row) => ({ ...row, ratioToFloor: ratioToFloor(report.rows, row) })) },
    null,
    2
  )}\n`
  const text = markdown(report)
  writeFileSync(join(resultsDir, `${stamp}.json`), body)
  writeFileSync(join(resultsDir, `${stamp}.md`), text)
  if (full) {
    writeFileSync(join(resultsDir, "latest.json"), body)
    writeFileSync(join(resultsDir, "latest.md"), text)
  }
  return join(resultsDir, `${stamp}.md`)
}
