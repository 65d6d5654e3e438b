/**
 * The one HTTP client every source reader (and the shadow proxy's mirror) talks to a vendor with.
 * It respects the source: at most `concurrency` requests in flight, each attempt bounded by a
 * timeout; dropped connections, timeouts and 5xx answers are retried with exponential backoff and
 * jitter; a 429 waits what its `Retry-After` says (seconds or an HTTP date) before retrying; an
 * answer the vendor's session says is "expired" (401, CRM.COM's INVALID_TOKEN) makes the session
 * log in again and the request go once more. Bodies are read as text and parsed with the exact JSON
 * reader, so no amount passes through a float. Every attempt, retry and wait is reported through
 * `onEvent`, which is how the progress display and the timing figures learn where time goes.
 */
import { type ExactJson, parseExactJson } from "./exact-json.ts"
import { Semaphore } from "./semaphore.ts"

export interface SourceRequest {
  readonly method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD"
  /** Relative to the client's base URL (`customers/1/payments/`), or an absolute URL (a Link header). */
  readonly path: string
  /** Added to the URL's query string; `undefined` values are left out, `""` gives a bare flag. */
  readonly query?: Readonly<Record<string, string | number | undefined>>
  readonly headers?: Readonly<Record<string, string>>
  /** A body as text (its content type in `headers`), or a JSON value (sent as `application/json`). */
  readonly body?: string
  readonly json?: unknown
  /** Whether the request may be retried after a failure (reads and logins: yes; writes: no). Default true. */
  readonly retry?: boolean
  /** Send the session's credentials (default true; logins send their own). */
  readonly authenticate?: boolean
}

/** A request as it is about to be sent, after the session added its credentials. */
export interface PreparedRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  readonly body: string | undefined
}

export interface SourceResponse {
  readonly status: number
  readonly headers: Headers
  readonly url: string
  readonly text: string
  /** The body parsed exactly (numbers keep their digits); throws `MalformedJson` when it is not JSON. */
  readonly json: () => ExactJson
}

/** A vendor's credentials in use: adds them to requests and knows when they stopped working. */
export interface SourceSession {
  /** Adds the credentials to a request, logging in first when there is no token yet. */
  readonly authorize: (request: PreparedRequest, http: SourceHttp) => Promise<PreparedRequest>
  /** True when this answer means the credentials expired or were revoked. */
  readonly isRejected: (response: SourceResponse) => boolean
  /** Forgets the current token, so the next `authorize` logs in again. */
  readonly invalidate: () => void
}

export type SourceHttpEvent =
  | { readonly type: "response"; readonly url: string; readonly status: number; readonly ms: number }
  | {
      readonly type: "retry"
      readonly url: string
      readonly attempt: number
      readonly reason: string
      readonly delayMs: number
    }
  | { readonly type: "relogin"; readonly url: string }

export interface SourceHttpOptions {
  readonly baseUrl: string
  readonly session?: SourceSession
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number
  /** Attempts per request before giving up (default 8). */
  readonly maxAttempts?: number
  /** Timeout of one attempt in ms (default 60 000). */
  readonly timeoutMs?: number
  /** First backoff delay in ms (default 200); doubles per attempt up to `maxBackoffMs` (default 15 000). */
  readonly backoffMs?: number
  readonly maxBackoffMs?: number
  /** Longest `Retry-After` honoured in ms (default 300 000); longer waits fail the request. */
  readonly maxRetryAfterMs?: number
  readonly userAgent?: string
  readonly onEvent?: (event: SourceHttpEvent) => void
  /** Stops every request (a cancelled run). */
  readonly signal?: AbortSignal
  /** Injected for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly random?: () => number
  readonly now?: () => number
}

/** A request that failed for good: a final non-retryable status, or retries used up. */
export class SourceHttpError extends Error {
  override readonly name = "SourceHttpError"
  readonly url: string
  readonly status: number | null
  readonly body: string | null
  constructor(message: string, url: string, status: number | null, body: string | null) {
    super(message)
    this.url = url
    this.status = status
    this.body = body
  }
}

const retryableStatus = new Set([500, 502, 503, 504])

export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })

/**
 * The delay a `Retry-After` value asks for, in ms: delta-seconds (`"3"`) or an HTTP date
 * (`"Wed, 21 Oct 2026 07:28:00 GMT"`, measured against `now`). Null when absent or unreadable.
 */
export const retryAfterMs = (value: string | null, now: number): number | null => {
  if (value === null) return null
  const text = value.trim()
  if (/^\d+$/u.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

const describeFailure = (error: unknown): string => {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause
    const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : null
    if (error.name === "TimeoutError") return "timeout"
    return code ?? (cause instanceof Error ? cause.message : error.message)
  }
  return String(error)
}

export class SourceHttp {
  readonly baseUrl: string
  private readonly options: SourceHttpOptions
  private readonly slots: Semaphore
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly random: () => number
  private readonly now: () => number

  constructor(options: SourceHttpOptions) {
    this.options = options
    this.baseUrl = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`
    this.slots = new Semaphore(options.concurrency ?? 4)
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
  }

  /** The URL a request goes to. */
  urlOf(request: Pick<SourceRequest, "path" | "query">): URL {
    const url = new URL(request.path.replace(/^\/+/u, ""), this.baseUrl)
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.append(name, String(value))
    }
    return url
  }

  /**
   * Sends a request and answers the vendor's final response (any status), after retrying what may
   * be retried. Throws {@link SourceHttpError} when retries are used up or the run is cancelled.
   */
  async request(request: SourceRequest): Promise<SourceResponse> {
    const maxAttempts = request.retry === false ? 1 : (this.options.maxAttempts ?? 8)
    const url = this.urlOf(request)
    let relogins = 0
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request, url)
      if (outcome.kind === "response") {
        const response = outcome.response
        const session = this.options.session
        if (request.authenticate !== false && session !== undefined && session.isRejected(response) && relogins < 2) {
          relogins++
          session.invalidate()
          this.options.onEvent?.({ type: "relogin", url: url.href })
          attempt--
          continue
        }
        const retryable = response.status === 429 || retryableStatus.has(response.status)
        if (!retryable) return response
        if (attempt >= maxAttempts) {
          throw new SourceHttpError(
            `${request.method ?? "GET"} ${url.href}: HTTP ${response.status} after ${attempt} attempt(s)`,
            url.href,
            response.status,
            response.text
          )
        }
        const asked = response.status === 429 ? retryAfterMs(response.headers.get("retry-after"), this.now()) : null
        if (asked !== null && asked > (this.options.maxRetryAfterMs ?? 300_000)) {
          throw new SourceHttpError(
            `${url.href}: the source asks to wait ${Math.round(asked / 1000)} s (Retry-After), longer than allowed`,
            url.href,
            429,
            response.text
          )
        }
        const delay = asked ?? this.backoff(attempt)
        await this.wait(url, attempt, `HTTP ${response.status}`, delay)
      } else {
        if (this.options.signal?.aborted) throw this.cancelled(url)
        if (attempt >= maxAttempts) {
          throw new SourceHttpError(
            `${request.method ?? "GET"} ${url.href}: ${outcome.reason} after ${attempt} attempt(s)`,
            url.href,
            null,
            null
          )
        }
        await this.wait(url, attempt, outcome.reason, this.backoff(attempt))
      }
    }
  }

  /** Like {@link request}, but a non-2xx final answer is a {@link SourceHttpError}. */
  async requestOk(request: SourceRequest): Promise<SourceResponse> {
    const response = await this.request(request)
    if (response.status < 200 || response.status > 299) {
      throw new SourceHttpError(
        `${request.method ?? "GET"} ${response.url}: HTTP ${response.status}: ${response.text.slice(0, 300)}`,
        response.url,
        response.status,
        response.text
      )
    }
    return response
  }

  /** GET (or POST) and parse the JSON answer exactly; a non-2xx answer is an error. */
  async json(request: SourceRequest): Promise<ExactJson> {
    return (await this.requestOk(request)).json()
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffMs ?? 200
    const cap = this.options.maxBackoffMs ?? 15_000
    const exponential = Math.min(cap, base * 2 ** (attempt - 1))
    // "Equal jitter": half fixed, half random, so retries of many requests spread out but never stop waiting.
    return Math.round(exponential / 2 + (this.random() * exponential) / 2)
  }

  private async wait(url: URL, attempt: number, reason: string, delayMs: number): Promise<void> {
    this.options.onEvent?.({ type: "retry", url: url.href, attempt, reason, delayMs })
    try {
      await this.sleep(delayMs, this.options.signal)
    } catch {
      throw this.cancelled(url)
    }
  }

  private cancelled(url: URL): SourceHttpError {
    return new SourceHttpError(`${url.href}: the run was cancelled`, url.href, null, null)
  }

  private async attempt(
    request: SourceRequest,
    url: URL
  ): Promise<{ kind: "response"; response: SourceResponse } | { kind: "failure"; reason: string }> {
    const headers = new Headers(request.headers)
    if (!headers.has("accept")) headers.set("accept", "application/json")
    if (this.options.userAgent !== undefined) headers.set("user-agent", this.options.userAgent)
    let body = request.body
    if (request.json !== undefined) {
      body = JSON.stringify(request.json)
      headers.set("content-type", "application/json")
    }
    let prepared: PreparedRequest = { method: request.method ?? "GET", url: new URL(url), headers, body }
    // Credentials first (a login is a request of its own), then a permit for this attempt only.
    if (request.authenticate !== false && this.options.session !== undefined) {
      prepared = await this.options.session.authorize(prepared, this)
    }
    const release = await this.slots.acquire()
    const started = this.now()
    try {
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000)
      const signal = this.options.signal === undefined ? timeout : AbortSignal.any([timeout, this.options.signal])
      const response = await fetch(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        ...(prepared.body === undefined ? {} : { body: prepared.body }),
        signal,
        redirect: "follow"
      })
      const text = await response.text()
      this.options.onEvent?.({ type: "response", url: url.href, status: response.status, ms: this.now() - started })
      let parsed: { value: ExactJson } | null = null
      return {
        kind: "response",
        response: {
          status: response.status,
          headers: response.headers,
          url: prepared.url.href,
          text,
          json: () => {
            parsed ??= { value: parseExactJson(text) }
            return parsed.value
          }
        }
      }
    } catch (error) {
      if (error instanceof SourceHttpError) throw error
      return { kind: "failure", reason: describeFailure(error) }
    } finally {
      release()
    }
  }
}
