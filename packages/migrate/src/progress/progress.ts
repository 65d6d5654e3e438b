/**
 * What a running migration shows. In a terminal (stdout is a TTY) a live block redrawn a few times a
 * second: per kind of record how many were read, how many were new or changed, the rate, and — where
 * the source announced a total — percent and ETA; then retries and re-logins. Anywhere else (CI,
 * a log file) plain timestamped lines: one per notice and per retry, and a progress line every
 * `logIntervalMs`. Both end with the run's summary. The clock and the output stream are injected,
 * so the rendering is tested as text.
 */
import type { RunSummary } from "../checkpoint/checkpoint.ts"
import type { SourceHttpEvent } from "../http/source-http.ts"
import { type SourceKind, sourceKinds } from "../sources/source-model.ts"

export interface ProgressOutput {
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
  write(text: string): unknown
}

export interface Progress {
  readonly expect: (kind: SourceKind, total: number) => void
  readonly records: (kind: SourceKind, outcome: "new" | "changed" | "unchanged") => void
  readonly notice: (message: string) => void
  readonly http: (event: SourceHttpEvent) => void
  readonly finish: (summary: RunSummary) => void
}

interface KindProgress {
  read: number
  written: number
  expected: number | null
}

export interface ProgressOptions {
  readonly output: ProgressOutput
  readonly title: string
  readonly now?: () => number
  /** Redraw period in a terminal (default 250 ms). */
  readonly redrawMs?: number
  /** Plain-line period (default 10 s). */
  readonly logIntervalMs?: number
  /** Start the redraw timer (default true; tests drive `render` themselves). */
  readonly timer?: boolean
}

const formatDuration = (ms: number): string => {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`
  const seconds = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`
}

/** The state behind both displays, with the two renderings as pure functions of it. */
export class ProgressState {
  readonly kinds = new Map<SourceKind, KindProgress>()
  readonly notices: Array<string> = []
  retries = 0
  relogins = 0
  requests = 0
  lastRetry: string | null = null
  readonly startedAt: number

  constructor(startedAt: number) {
    this.startedAt = startedAt
  }

  kind(kind: SourceKind): KindProgress {
    let entry = this.kinds.get(kind)
    if (entry === undefined) {
      entry = { read: 0, written: 0, expected: null }
      this.kinds.set(kind, entry)
    }
    return entry
  }

  /** One line per kind: `payment      1,200 / 10,000  12%  300/s  ETA 29s  (1,180 new or changed)`. */
  lines(now: number): ReadonlyArray<string> {
    const elapsed = Math.max(1, now - this.startedAt)
    const rows: Array<string> = []
    for (const kind of sourceKinds) {
      const entry = this.kinds.get(kind)
      if (entry === undefined) continue
      const rate = (entry.read * 1000) / elapsed
      let line = `${kind.padEnd(10)} ${entry.read.toLocaleString("en").padStart(9)}`
      if (entry.expected !== null && entry.expected > 0) {
        const total = Math.max(entry.expected, entry.read)
        const percent = Math.floor((entry.read * 100) / total)
        line += ` / ${total.toLocaleString("en")} ${String(percent).padStart(3)}%`
        if (entry.read < total && rate > 0) line += `  ETA ${formatDuration(((total - entry.read) / rate) * 1000)}`
      }
      line += `  ${rate.toFixed(rate < 10 ? 1 : 0)}/s  (${entry.written.toLocaleString("en")} new or changed)`
      rows.push(line)
    }
    return rows
  }

  footer(now: number): string {
    const retry = this.lastRetry === null ? "" : `, last: ${this.lastRetry}`
    return `${formatDuration(now - this.startedAt)} elapsed · ${this.requests} requests · ${this.retries} retries${retry} · ${this.relogins} re-logins`
  }
}

export const summaryLines = (summary: RunSummary): ReadonlyArray<string> => {
  const lines = [
    `${summary.status} run ${summary.id} (${summary.mode}${summary.resumes > 0 ? `, resumed ${summary.resumes}×` : ""}) in ${formatDuration(summary.timings.totalMs)}`
  ]
  for (const kind of sourceKinds) {
    const counts = summary.counts[kind]
    if (counts === undefined) continue
    lines.push(
      `  ${kind.padEnd(10)} read ${counts.read}, new ${counts.new}, changed ${counts.changed}, unchanged ${counts.unchanged}`
    )
  }
  const { sourceMs, sinkMs, checkpointMs } = summary.timings
  lines.push(
    `  time: source reads ${formatDuration(sourceMs)}, writes ${formatDuration(sinkMs)}, checkpoint ${formatDuration(checkpointMs)}`
  )
  if (summary.duplicates > 0) lines.push(`  ${summary.duplicates} record(s) were read twice in this run`)
  if (summary.error !== null) lines.push(`  error: ${summary.error}`)
  return lines
}

/** A live display on a TTY, plain log lines elsewhere. */
export const createProgress = (options: ProgressOptions): Progress & { readonly render: () => void } => {
  const now = options.now ?? Date.now
  const state = new ProgressState(now())
  const output = options.output
  const live = output.isTTY === true
  let drawn = 0
  let lastLog = now()
  const stamp = () => new Date(now()).toISOString()

  const render = () => {
    if (live) {
      const width = Math.max(40, (output.columns ?? 100) - 1)
      const block = [options.title, ...state.lines(now()), state.footer(now())].map((line) => line.slice(0, width))
      // Move up over the previous block, clear each line, draw the new one.
      output.write(`${drawn > 0 ? `\u001b[${drawn}F` : ""}${block.map((line) => `\u001b[2K${line}`).join("\n")}\n`)
      drawn = block.length
    } else if (now() - lastLog >= (options.logIntervalMs ?? 10_000)) {
      lastLog = now()
      const kinds = state.lines(now()).map((line) => line.replace(/\s+/gu, " ").trim())
      output.write(`${stamp()} progress: ${kinds.join("; ") || "starting"}\n`)
    }
  }
  const timer = options.timer === false ? null : setInterval(render, live ? (options.redrawMs ?? 250) : 1000)
  timer?.unref()

  const line = (text: string) => {
    if (live) {
      // Print above the live block: clear it, write the line, redraw below.
      output.write(`${drawn > 0 ? `\u001b[${drawn}F\u001b[0J` : ""}${text}\n`)
      drawn = 0
      render()
    } else {
      output.write(`${stamp()} ${text}\n`)
    }
  }

  if (!live) output.write(`${stamp()} ${options.title}\n`)

  return {
    render,
    expect: (kind, total) => {
      state.kind(kind).expected = total
    },
    records: (kind, outcome) => {
      const entry = state.kind(kind)
      entry.read++
      if (outcome !== "unchanged") entry.written++
    },
    notice: (message) => {
      if (state.notices.includes(message)) return
      state.notices.push(message)
      line(`note: ${message}`)
    },
    http: (event) => {
      if (event.type === "response") state.requests++
      else if (event.type === "relogin") {
        state.relogins++
        if (!live) line(`session expired; logging in again (${event.url})`)
      } else {
        state.retries++
        state.lastRetry = `${event.reason}`
        if (!live) line(`retry ${event.attempt} in ${event.delayMs} ms after ${event.reason}: ${event.url}`)
      }
    },
    finish: (summary) => {
      if (timer !== null) clearInterval(timer)
      if (live) {
        render() // the final block stays on screen, the summary goes below it
        drawn = 0
        output.write(`${summaryLines(summary).join("\n")}\n`)
      } else {
        for (const text of summaryLines(summary)) output.write(`${stamp()} ${text}\n`)
      }
    }
  }
}

/** A progress that shows nothing (library use, tests). */
export const silentProgress: Progress = {
  expect: () => {},
  records: () => {},
  notice: () => {},
  http: () => {},
  finish: () => {}
}
