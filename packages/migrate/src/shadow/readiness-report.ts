/**
 * The shadow proxy's tally and its readiness report. Per endpoint (`GET customers/{id}/payments/`)
 * it counts the reads mirrored, how many Paybridge answered exactly as the vendor did, how many
 * differed and how many could not be compared (Paybridge unreachable), and keeps the first
 * differences (field, vendor value, Paybridge value, and the request that showed them). The report
 * (JSON and Markdown) lists every endpoint with its readiness — the share of matching answers —
 * and calls an endpoint ready when every one of its reads matched; writes are counted as forwarded.
 */
import { mkdir, rename, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
import type { Difference } from "./json-compare.ts"

export interface RecordedDifference extends Difference {
  readonly request: string
}

export interface EndpointTally {
  readonly endpoint: string
  total: number
  matched: number
  mismatched: number
  errors: number
  readonly differences: Array<RecordedDifference>
  /** Differences beyond the ones kept. */
  omitted: number
}

export interface ReadinessReport {
  readonly vendor: string
  readonly source: string
  readonly paybridge: string
  readonly generatedAt: string
  readonly startedAt: string
  readonly reads: number
  readonly matched: number
  readonly writesForwarded: number
  /** Matched reads / compared reads, 0–100 (100 when nothing was compared yet is not claimed: null). */
  readonly readiness: number | null
  readonly endpoints: ReadonlyArray<EndpointTally & { readonly readiness: number | null; readonly ready: boolean }>
}

export class ShadowTally {
  private readonly endpoints = new Map<string, EndpointTally>()
  writesForwarded = 0
  readonly startedAt = new Date().toISOString()
  private readonly maxDifferences: number

  constructor(maxDifferences = 50) {
    this.maxDifferences = maxDifferences
  }

  private entry(endpoint: string): EndpointTally {
    let tally = this.endpoints.get(endpoint)
    if (tally === undefined) {
      tally = { endpoint, total: 0, matched: 0, mismatched: 0, errors: 0, differences: [], omitted: 0 }
      this.endpoints.set(endpoint, tally)
    }
    return tally
  }

  /** One compared read: matched when `differences` is empty. */
  recordComparison(endpoint: string, request: string, differences: ReadonlyArray<Difference>): void {
    const tally = this.entry(endpoint)
    tally.total++
    if (differences.length === 0) {
      tally.matched++
      return
    }
    tally.mismatched++
    for (const difference of differences) {
      if (tally.differences.length < this.maxDifferences) tally.differences.push({ ...difference, request })
      else tally.omitted++
    }
  }

  /** A read whose mirror failed (Paybridge unreachable, a login refused). */
  recordError(endpoint: string, request: string, message: string): void {
    const tally = this.entry(endpoint)
    tally.total++
    tally.errors++
    if (tally.differences.length < this.maxDifferences) {
      tally.differences.push({ request, path: "(mirror error)", vendor: "", paybridge: message })
    } else tally.omitted++
  }

  report(meta: { vendor: string; source: string; paybridge: string }): ReadinessReport {
    const endpoints = [...this.endpoints.values()]
      .sort((a, b) => a.endpoint.localeCompare(b.endpoint))
      .map((tally) => ({
        ...tally,
        differences: [...tally.differences],
        readiness: tally.total === 0 ? null : Math.floor((tally.matched * 10_000) / tally.total) / 100,
        ready: tally.total > 0 && tally.matched === tally.total
      }))
    const reads = endpoints.reduce((sum, tally) => sum + tally.total, 0)
    const matched = endpoints.reduce((sum, tally) => sum + tally.matched, 0)
    return {
      ...meta,
      generatedAt: new Date().toISOString(),
      startedAt: this.startedAt,
      reads,
      matched,
      writesForwarded: this.writesForwarded,
      readiness: reads === 0 ? null : Math.floor((matched * 10_000) / reads) / 100,
      endpoints
    }
  }
}

const cell = (text: string, max = 80) =>
  (text.length > max ? `${text.slice(0, max - 1)}…` : text).replaceAll("|", "\\|").replaceAll("\n", " ")

export const readinessMarkdown = (report: ReadinessReport): string => {
  const lines = [
    `# Shadow readiness: ${report.vendor}`,
    "",
    `Vendor \`${report.source}\` compared with Paybridge \`${report.paybridge}\`, ${report.startedAt} to ${report.generatedAt}.`,
    "",
    `**${report.matched} of ${report.reads} reads matched (${report.readiness ?? "–"} %).** ${report.writesForwarded} write(s) were forwarded to the vendor only.`,
    "",
    "| Endpoint | Reads | Matched | Differed | Errors | Readiness | Ready |",
    "| --- | ---: | ---: | ---: | ---: | ---: | :---: |",
    ...report.endpoints.map(
      (tally) =>
        `| \`${tally.endpoint}\` | ${tally.total} | ${tally.matched} | ${tally.mismatched} | ${tally.errors} | ${tally.readiness ?? "–"} % | ${tally.ready ? "yes" : "no"} |`
    )
  ]
  for (const tally of report.endpoints) {
    if (tally.differences.length === 0) continue
    lines.push(
      "",
      `## ${tally.endpoint}`,
      "",
      "| Request | Field | Vendor | Paybridge |",
      "| --- | --- | --- | --- |",
      ...tally.differences.map(
        (difference) =>
          `| \`${cell(difference.request, 60)}\` | \`${cell(difference.path, 60)}\` | ${cell(difference.vendor)} | ${cell(difference.paybridge)} |`
      )
    )
    if (tally.omitted > 0) lines.push("", `… and ${tally.omitted} more difference(s).`)
  }
  return `${lines.join("\n")}\n`
}

/** Writes `<prefix>.json` and `<prefix>.md` (each atomically). */
export const writeReadinessReport = async (prefix: string, report: ReadinessReport): Promise<void> => {
  await mkdir(dirname(prefix), { recursive: true })
  for (const [extension, text] of [
    ["json", `${JSON.stringify(report, null, 2)}\n`],
    ["md", readinessMarkdown(report)]
  ] as const) {
    const temporary = `${prefix}.${extension}.${process.pid}.tmp`
    await writeFile(temporary, text)
    await rename(temporary, `${prefix}.${extension}`)
  }
}
