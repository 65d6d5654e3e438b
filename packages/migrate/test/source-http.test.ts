/**
 * The HTTP client every reader uses, against a scripted local server: what it retries (500s,
 * dropped connections, timeouts, 429s after their Retry-After in seconds or as a date) and what it
 * does not (4xx answers, writes), how its backoff grows, that it never has more than `concurrency`
 * requests in flight, and how sessions log in once, renew before expiry and log in again after the
 * vendor rejects a token (HTTP 401, or CRM.COM's INVALID_TOKEN in a 200 body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest"
import { retryAfterMs, SourceHttp, SourceHttpError, type SourceHttpEvent } from "../src/http/source-http.ts"
import { tokenSession, withAuthorization } from "../src/http/source-session.ts"
import { crmComAuth } from "../src/sources/crm-com/crm-com.auth.ts"

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void | Promise<void>

let server: Server
let baseUrl: string
let handler: Handler
let inFlight = 0
let maxInFlight = 0

beforeAll(async () => {
  server = createServer((request, response) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    response.on("close", () => inFlight--)
    let body = ""
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString()
    })
    request.on("end", () => void handler(request, response, body))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  maxInFlight = 0
})

const json = (response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify(value))
}

/** A client whose waits are recorded instead of slept. */
const recordingClient = (options: Partial<ConstructorParameters<typeof SourceHttp>[0]> = {}) => {
  const delays: Array<number> = []
  const events: Array<SourceHttpEvent> = []
  const http = new SourceHttp({
    baseUrl,
    backoffMs: 100,
    maxBackoffMs: 1000,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms)
    },
    onEvent: (event) => events.push(event),
    ...options
  })
  return { http, delays, events }
}

describe("retries", () => {
  test("a 500 and a dropped connection are retried, and the third attempt's answer is returned", async () => {
    let attempt = 0
    handler = (request, response) => {
      attempt++
      if (attempt === 1) return json(response, 500, { error: "boom" })
      if (attempt === 2) return void request.socket.destroy()
      json(response, 200, { amount: 12.1 })
    }
    const { http, events } = recordingClient()
    const answer = await http.json({ path: "payments" })
    expect(answer).toMatchObject({ amount: { source: "12.1" } })
    const retries = events.filter((event) => event.type === "retry")
    expect(retries.map((event) => event.type === "retry" && event.reason)).toEqual(["HTTP 500", expect.any(String)])
  })

  test("a 429 waits what its Retry-After says, as delta seconds and as an HTTP date", async () => {
    const now = Date.parse("2026-12-01T10:00:00Z")
    let attempt = 0
    handler = (_request, response) => {
      attempt++
      if (attempt === 1) return json(response, 429, {}, { "retry-after": "3" })
      if (attempt === 2) return json(response, 429, {}, { "retry-after": new Date(now + 5000).toUTCString() })
      json(response, 200, [])
    }
    const { http, delays } = recordingClient({ now: () => now })
    await http.json({ path: "payments" })
    expect(delays).toEqual([3000, 5000])
    expect(retryAfterMs("not a date", now)).toBeNull()
    expect(retryAfterMs(new Date(now - 9000).toUTCString(), now)).toBe(0)
  })

  test("a Retry-After longer than allowed fails the request at once instead of waiting", async () => {
    handler = (_request, response) => json(response, 429, {}, { "retry-after": "3600" })
    const { http, delays } = recordingClient({ maxRetryAfterMs: 60_000 })
    await expect(http.request({ path: "payments" })).rejects.toThrow(/Retry-After/u)
    expect(delays).toEqual([])
  })

  test("backoff doubles per attempt, half of it jittered, up to the cap; then the request fails naming the status", async () => {
    handler = (_request, response) => json(response, 503, {})
    const { http, delays } = recordingClient({ maxAttempts: 6, maxBackoffMs: 800 })
    const failure = await http.request({ path: "payments" }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SourceHttpError)
    expect((failure as SourceHttpError).status).toBe(503)
    expect((failure as Error).message).toMatch(/HTTP 503 after 6 attempt/u)
    // random() = 0.5: each delay is ¾ of 100·2^(n−1), capped at 800.
    expect(delays).toEqual([75, 150, 300, 600, 600])
  })

  test("an answer slower than the timeout is retried", async () => {
    let attempt = 0
    handler = (_request, response) => {
      attempt++
      if (attempt === 1) setTimeout(() => json(response, 200, { late: true }), 400)
      else json(response, 200, { late: false })
    }
    const { http, events } = recordingClient({ timeoutMs: 100 })
    expect(await http.json({ path: "slow" })).toEqual({ late: false })
    expect(events.some((event) => event.type === "retry" && event.reason === "timeout")).toBe(true)
  })

  test("a 4xx answer is returned as it is, and a write is never retried", async () => {
    let attempts = 0
    handler = (_request, response) => {
      attempts++
      json(response, attempts === 1 ? 404 : 500, {})
    }
    const { http } = recordingClient()
    expect((await http.request({ path: "customers/9/payments/" })).status).toBe(404)
    await expect(http.request({ method: "POST", path: "payments", json: {}, retry: false })).rejects.toThrow(
      /HTTP 500 after 1/u
    )
    expect(attempts).toBe(2)
  })

  test("never more requests in flight than its concurrency", async () => {
    handler = (_request, response) => void setTimeout(() => json(response, 200, {}), 30)
    const { http } = recordingClient({ concurrency: 3 })
    await Promise.all(Array.from({ length: 12 }, (_, index) => http.request({ path: `item/${index}` })))
    expect(maxInFlight).toBe(3)
  })
})

describe("sessions", () => {
  test("one login for many concurrent requests, and another after the vendor rejects the token", async () => {
    let current = "token-1"
    let logins = 0
    handler = (request, response) => {
      if (request.url?.endsWith("/login")) {
        logins++
        return json(response, 200, { token: current })
      }
      if (request.headers.authorization !== `Bearer ${current}`) return json(response, 401, {})
      json(response, 200, { ok: true })
    }
    const session = tokenSession({
      login: async (http) => {
        const body = await http.json({ method: "POST", path: "login", authenticate: false })
        return { token: (body as { token: string }).token, lifetimeMs: null }
      },
      apply: (request, token) => withAuthorization(request, `Bearer ${token}`)
    })
    const { http, events } = recordingClient({ session })
    await Promise.all(Array.from({ length: 5 }, () => http.request({ path: "data" })))
    expect(logins).toBe(1)
    current = "token-2" // the vendor expires the first token
    expect((await http.request({ path: "data" })).status).toBe(200)
    expect(logins).toBe(2)
    expect(events.filter((event) => event.type === "relogin").length).toBe(1)
  })

  test("logs in again shortly before the token's announced lifetime ends", async () => {
    let now = 0
    let logins = 0
    handler = (_request, response) => json(response, 200, {})
    const session = tokenSession({
      login: async () => ({ token: `t${++logins}`, lifetimeMs: 1000 }),
      apply: (request, token) => withAuthorization(request, `Bearer ${token}`),
      renewBeforeMs: 100,
      now: () => now
    })
    const { http } = recordingClient({ session })
    await http.request({ path: "a" })
    now = 850
    await http.request({ path: "b" })
    expect(logins).toBe(1)
    now = 950 // within the last 100 ms (at most a quarter of the lifetime)
    await http.request({ path: "c" })
    expect(logins).toBe(2)
  })

  test("CRM.COM: the token travels as a query parameter on GET and in the body of POST; INVALID_TOKEN means log in again", async () => {
    let issued = 0
    let valid = ""
    const seen: Array<string> = []
    handler = (request, response, body) => {
      const url = new URL(request.url ?? "/", "http://x")
      if (url.pathname.endsWith("/authentication/web_api_key/token")) {
        expect(request.headers.authorization).toBe(`Basic ${Buffer.from("KEY:").toString("base64")}`)
        valid = `tok-${++issued}`
        return json(response, 200, { status: { code: "OK" }, data: { token: valid } })
      }
      const token =
        request.method === "GET" ? url.searchParams.get("token") : (JSON.parse(body) as { token?: string }).token
      seen.push(`${request.method} ${token}`)
      if (token !== valid)
        return json(response, 200, { status: { code: "INVALID_TOKEN", message: "expired" }, data: null })
      json(response, 200, { status: { code: "OK" }, data: [] })
    }
    const session = crmComAuth.session({ "api-key": "KEY" })
    if ("error" in session) throw new Error(session.error)
    const { http } = recordingClient({ session })
    await http.request({ path: "payments/list", query: { accounts_receivable_identifier: "number=1" } })
    await http.request({ method: "POST", path: "payments/post", json: { payment_identifier: { id: "X" } } })
    valid = "revoked"
    await http.request({ path: "payments/list" })
    expect(seen).toEqual(["GET tok-1", "POST tok-1", "GET tok-1", "GET tok-2"])
  })
})
