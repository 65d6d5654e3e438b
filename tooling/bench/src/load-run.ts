/**
 * One measurement: autocannon, driven programmatically with the same settings for every target
 * (keep-alive connections, no pipelining, 10 s timeout), first for a discarded warm-up, then for
 * the measured duration. Each request comes from the target's factory (so bodies, ids and
 * idempotency keys differ per request) and each answer is judged by the target's check: only good
 * answers count towards throughput and latency, everything else (non-2xx, a 2xx whose body says
 * it failed, socket errors, timeouts) is counted as bad and reported, never as fast.
 *
 * Latency is recorded per good answer into Node's HDR histogram in nanoseconds (autocannon's own
 * histogram has 1 ms resolution, too coarse for sub-millisecond reads).
 */
import { createHistogram } from "node:perf_hooks"
import autocannon from "autocannon"

export interface HttpRequest {
  readonly method: "GET" | "POST"
  /** Path and query, e.g. `/trpc/payments.get?input=…`. */
  readonly path: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** `null` for a good answer, else a short reason ("HTTP 409", "status.code INVALID_TOKEN"). */
export type AnswerCheck = (status: number, body: string) => string | null

export interface LoadSpec {
  readonly baseUrl: string
  readonly connections: number
  readonly durationSeconds: number
  readonly warmupSeconds: number
  /** `n` counts up across warm-up and measurement; factories derive unique keys from it. */
  readonly request: (n: number) => HttpRequest
  readonly check: AnswerCheck
}

export interface LoadResult {
  readonly good: number
  readonly bad: number
  /** Bad answers by reason, e.g. `{ "HTTP 503": 12, timeout: 1 }`. */
  readonly badReasons: Readonly<Record<string, number>>
  /** The first bad answer's body (truncated), to show what went wrong. */
  readonly badSample: string | null
  readonly seconds: number
  /** Good answers per second. */
  readonly rps: number
  readonly p50Ms: number | null
  readonly p99Ms: number | null
  readonly meanMs: number | null
  /** Something the numbers do not show by themselves (no answer at all, measured sequentially …). */
  readonly note: string | null
}

interface Pass {
  readonly good: number
  readonly badReasons: Record<string, number>
  readonly badSample: string | null
  readonly seconds: number
  readonly histogram: ReturnType<typeof createHistogram>
}

const runPass = (spec: LoadSpec, seconds: number, next: () => number): Promise<Pass> =>
  new Promise((resolve, reject) => {
    const histogram = createHistogram()
    const badReasons: Record<string, number> = {}
    let badSample: string | null = null
    let good = 0
    // autocannon calls the request's onResponse and then emits "response" for the same answer, synchronously.
    let verdict: string | null = null
    const addBad = (reason: string, count = 1) => {
      badReasons[reason] = (badReasons[reason] ?? 0) + count
    }
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        duration: seconds,
        pipelining: 1,
        timeout: 10,
        requests: [
          {
            setupRequest: (request) => {
              const made = spec.request(next())
              return {
                ...request,
                method: made.method,
                path: made.path,
                headers: {
                  ...made.headers,
                  ...(made.body === undefined ? {} : { "content-type": "application/json" })
                },
                body: made.body ?? ""
              }
            },
            onResponse: (status, body) => {
              verdict = spec.check(status, body)
              if (verdict !== null && badSample === null) badSample = `${verdict}: ${body.slice(0, 300)}`
            }
          }
        ]
      },
      (error, result) => {
        if (error !== null && error !== undefined) {
          reject(error)
          return
        }
        // autocannon counts timeouts among its errors.
        if (result.errors > result.timeouts) addBad("socket error", result.errors - result.timeouts)
        if (result.timeouts > 0) addBad("timeout", result.timeouts)
        resolve({ good, badReasons, badSample, seconds: result.duration, histogram })
      }
    )
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      if (verdict === null) {
        good += 1
        histogram.record(Math.max(1, Math.round(responseTimeMs * 1e6)))
      } else {
        addBad(verdict)
      }
      verdict = null
    })
  })

const milliseconds = (nanoseconds: number) => nanoseconds / 1e6

/** Warm-up (discarded), then the measured pass. */
export const runLoad = async (spec: LoadSpec, counter: { value: number }): Promise<LoadResult> => {
  const next = () => {
    counter.value += 1
    return counter.value
  }
  if (spec.warmupSeconds > 0) await runPass(spec, spec.warmupSeconds, next)
  const pass = await runPass(spec, spec.durationSeconds, next)
  const bad = Object.values(pass.badReasons).reduce((sum, count) => sum + count, 0)
  const measured = pass.good > 0
  return {
    good: pass.good,
    bad,
    badReasons: pass.badReasons,
    badSample: pass.badSample,
    seconds: pass.seconds,
    rps: pass.seconds > 0 ? pass.good / pass.seconds : 0,
    p50Ms: measured ? milliseconds(pass.histogram.percentile(50)) : null,
    p99Ms: measured ? milliseconds(pass.histogram.percentile(99)) : null,
    meanMs: measured ? milliseconds(pass.histogram.mean) : null,
    note: measured ? null : `no answer completed within ${spec.durationSeconds} s`
  }
}

/**
 * For a target too slow to load (one request takes seconds): `count` requests one after another,
 * rps = 1 / mean latency, p50 and p99 of those few. Keeps a slow endpoint from piling up minutes of
 * abandoned work on the server, and still puts a number on it.
 */
export const runSequential = async (
  send: (n: number) => Promise<{ readonly status: number; readonly body: string; readonly ms: number }>,
  check: AnswerCheck,
  count: number,
  counter: { value: number },
  why: string
): Promise<LoadResult> => {
  const latencies: Array<number> = []
  const badReasons: Record<string, number> = {}
  let badSample: string | null = null
  for (let i = 0; i < count; i++) {
    counter.value += 1
    const answer = await send(counter.value)
    const verdict = check(answer.status, answer.body)
    if (verdict === null) latencies.push(answer.ms)
    else {
      badReasons[verdict] = (badReasons[verdict] ?? 0) + 1
      badSample ??= `${verdict}: ${answer.body.slice(0, 300)}`
    }
  }
  latencies.sort((a, b) => a - b)
  const total = latencies.reduce((sum, ms) => sum + ms, 0)
  const at = (fraction: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? null
  return {
    good: latencies.length,
    bad: count - latencies.length,
    badReasons,
    badSample,
    seconds: total / 1000,
    rps: total > 0 ? (latencies.length * 1000) / total : 0,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    meanMs: latencies.length > 0 ? total / latencies.length : null,
    note: `${why}: ${count} requests one at a time, not loaded`
  }
}
