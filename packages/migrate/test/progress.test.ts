/**
 * The progress display, rendered as text with a fixed clock: in a terminal a block redrawn in
 * place (cursor up, clear line) with per-kind counts, rate, percent and ETA; elsewhere plain
 * timestamped lines for notices, retries and periodic progress; both end with the run's summary.
 */
import { expect, test } from "vitest"
import type { RunSummary } from "../src/checkpoint/checkpoint.ts"
import { createProgress } from "../src/progress/progress.ts"

const capture = (isTTY: boolean) => {
  const writes: Array<string> = []
  return { output: { isTTY, columns: 120, write: (text: string) => writes.push(text) }, writes }
}

const summary: RunSummary = {
  id: "run-1",
  vendor: "silver",
  source: "http://vendor",
  mode: "full",
  status: "completed",
  startedAt: "2026-12-01T00:00:00.000Z",
  finishedAt: "2026-12-01T00:00:10.000Z",
  resumes: 1,
  counts: { payment: { read: 200, new: 150, changed: 10, unchanged: 40 } },
  duplicates: 0,
  notices: [],
  timings: { sourceMs: 7000, sinkMs: 2500, checkpointMs: 500, totalMs: 10_000 },
  error: null
}

test("in a terminal: a live block with counts, rate, percent and ETA, redrawn in place", () => {
  let now = 0
  const { output, writes } = capture(true)
  const progress = createProgress({ output, title: "Importing Silver", now: () => now, timer: false })
  progress.expect("payment", 1000)
  for (let i = 0; i < 250; i++) progress.records("payment", i < 200 ? "new" : "unchanged")
  progress.http({ type: "response", url: "u", status: 200, ms: 5 })
  progress.http({ type: "retry", url: "u", attempt: 1, reason: "HTTP 429", delayMs: 10 })
  now = 5000
  progress.render()
  now = 6000
  progress.render()
  const last = writes.at(-1) ?? ""
  expect(last.startsWith("\u001b[3F")).toBe(true) // moves up over the previous three-line block
  expect(last).toContain("\u001b[2KImporting Silver")
  expect(last).toMatch(/payment\s+250 \/ 1,000\s+25%\s+ETA 18s\s+42\/s\s+\(200 new or changed\)/u)
  expect(last).toMatch(/1 requests · 1 retries, last: HTTP 429 · 0 re-logins/u)
  progress.finish(summary)
  expect(writes.at(-1)).toMatch(
    /completed run run-1 \(full, resumed 1×\) in 10s\n {2}payment {4}read 200, new 150, changed 10, unchanged 40\n {2}time: source reads 7\.0s, writes 2\.5s, checkpoint 0\.5s\n$/u
  )
})

test("elsewhere: plain timestamped lines for notices, retries and periodic progress", () => {
  let now = Date.parse("2026-12-01T10:00:00Z")
  const { output, writes } = capture(false)
  const progress = createProgress({
    output,
    title: "Importing Elevate",
    now: () => now,
    timer: false,
    logIntervalMs: 1000
  })
  progress.notice("LogiSense lists posted payments only")
  progress.notice("LogiSense lists posted payments only")
  progress.http({ type: "retry", url: "http://v/x", attempt: 2, reason: "ECONNRESET", delayMs: 400 })
  progress.records("customer", "new")
  now += 2000
  progress.render()
  progress.finish(summary)
  expect(writes.slice(0, 4)).toEqual([
    "2026-12-01T10:00:00.000Z Importing Elevate\n",
    "2026-12-01T10:00:00.000Z note: LogiSense lists posted payments only\n",
    "2026-12-01T10:00:00.000Z retry 2 in 400 ms after ECONNRESET: http://v/x\n",
    "2026-12-01T10:00:02.000Z progress: customer 1 0.5/s (1 new or changed)\n"
  ])
  expect(writes.join("")).not.toContain("\u001b[")
  expect(writes.at(-3)).toBe("2026-12-01T10:00:02.000Z completed run run-1 (full, resumed 1×) in 10s\n")
})
