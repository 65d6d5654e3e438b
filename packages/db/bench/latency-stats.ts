/**
 * Latency sampling and reporting for the benchmark: `sampleLatency` runs an operation a number of
 * times after a warm-up and keeps each run's wall time in milliseconds; `summarize` turns the
 * samples into mean and percentiles; `formatTable` prints rows of them as a fixed-width table.
 */
import { Effect } from "effect"

export interface LatencySummary {
  readonly operation: string
  readonly samples: number
  readonly meanMs: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly maxMs: number
}

/** Runs `operation(i)` `warmup` times untimed, then `samples` times timed; returns the timings (ms). */
export const sampleLatency = <A, E, R>(
  operation: (iteration: number) => Effect.Effect<A, E, R>,
  options: { readonly warmup: number; readonly samples: number }
): Effect.Effect<ReadonlyArray<number>, E, R> =>
  Effect.gen(function* () {
    for (let i = 0; i < options.warmup; i++) yield* operation(i)
    const timings: Array<number> = []
    for (let i = 0; i < options.samples; i++) {
      const started = performance.now()
      yield* operation(options.warmup + i)
      timings.push(performance.now() - started)
    }
    return timings
  })

/** The value at quantile `q` (nearest rank) of ascending `sorted`. */
const quantile = (sorted: ReadonlyArray<number>, q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN

export const summarize = (operation: string, timings: ReadonlyArray<number>): LatencySummary => {
  const sorted = [...timings].sort((a, b) => a - b)
  return {
    operation,
    samples: sorted.length,
    meanMs: sorted.reduce((total, value) => total + value, 0) / Math.max(1, sorted.length),
    p50Ms: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    maxMs: sorted.at(-1) ?? Number.NaN
  }
}

const ms = (value: number): string => value.toFixed(2)

export const formatTable = (rows: ReadonlyArray<LatencySummary>): string => {
  const header = ["operation", "samples", "mean ms", "p50 ms", "p95 ms", "max ms"]
  const cells = rows.map((row) => [
    row.operation,
    String(row.samples),
    ms(row.meanMs),
    ms(row.p50Ms),
    ms(row.p95Ms),
    ms(row.maxMs)
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column]?.length ?? 0))
  )
  const render = (line: ReadonlyArray<string>) =>
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join("  ")
  return [render(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(render)].join("\n")
}
