/**
 * A fault-injecting HTTP proxy for the migration tests, in front of the source server: it drops
 * connections (the socket closes with no answer), answers 500, answers 429 with a `Retry-After` (in
 * seconds or as an HTTP date), and serves pages slowly — each by its rate. Deterministic by seed:
 * whether the n-th attempt of a request (same method, URL and body) meets a fault, and which, is a
 * hash of (seed, request, n), so the same run meets the same faults however requests interleave.
 * After `maxFaultsPerRequest` faults in a row a request goes through, so a client that retries
 * always gets there. Every request and fault is counted, and the URLs are logged for assertions.
 */
import { createHash } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export type FaultKind = "drop" | "error" | "tooMany" | "slow"

export interface FaultRates {
  /** Probabilities per attempt (0–1); their sum at most 1. */
  readonly drop?: number
  readonly error?: number
  readonly tooMany?: number
  readonly slow?: number
}

export interface FaultProxyOptions {
  readonly target: string
  readonly seed: number
  readonly rates: FaultRates
  /** A slow page waits this long before it is forwarded (default 150 ms). */
  readonly slowMs?: number
  /** How `Retry-After` is written: delta seconds, an HTTP date, or alternating (default). */
  readonly retryAfter?: "seconds" | "date" | "mixed"
  /** Seconds a 429 asks to wait (default 0, so tests stay fast; an HTTP date is rounded to the second). */
  readonly retryAfterSeconds?: number
  /** Consecutive faults before a request is let through (default 2). */
  readonly maxFaultsPerRequest?: number
  /** Requests to leave alone (e.g. logins), by method and path. */
  readonly spare?: (method: string, path: string) => boolean
}

export interface FaultProxy {
  readonly url: string
  readonly stats: { requests: number; forwarded: number; faults: Record<FaultKind, number> }
  /** Every forwarded request as `METHOD /path?query`. */
  readonly log: Array<string>
  readonly close: () => Promise<void>
}

const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "host", "content-length", "accept-encoding"])

const uniform = (seed: number, key: string, attempt: number): number => {
  const digest = createHash("sha256").update(`${seed}\u0000${key}\u0000${attempt}`).digest()
  return digest.readUInt32BE(0) / 2 ** 32
}

/** The fault (or none) for the `attempt`-th try of a request, by seed: the same inputs always give the same answer. */
export const faultFor = (rates: FaultRates, seed: number, key: string, attempt: number): FaultKind | null => {
  const draw = uniform(seed, key, attempt)
  let bound = 0
  for (const kind of ["drop", "error", "tooMany", "slow"] as const) {
    bound += rates[kind] ?? 0
    if (draw < bound) return kind
  }
  return null
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const stats = { requests: 0, forwarded: 0, faults: { drop: 0, error: 0, tooMany: 0, slow: 0 } }
  const log: Array<string> = []
  const attempts = new Map<string, number>()
  const streak = new Map<string, number>()
  const maxFaults = options.maxFaultsPerRequest ?? 2
  const target = options.target.replace(/\/+$/u, "")

  const forward = async (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !hopByHop.has(name)) headers[name] = Array.isArray(value) ? value.join(", ") : value
    }
    const method = request.method ?? "GET"
    const upstream = await fetch(`${target}${request.url ?? "/"}`, {
      method,
      headers,
      ...(method === "GET" || method === "HEAD" || body.length === 0 ? {} : { body }),
      redirect: "manual"
    })
    const payload = Buffer.from(await upstream.arrayBuffer())
    const outgoing: Record<string, string> = {}
    upstream.headers.forEach((value, name) => {
      if (!hopByHop.has(name) && name !== "content-encoding") outgoing[name] = value
    })
    response.writeHead(upstream.status, { ...outgoing, "content-length": String(payload.length) })
    response.end(payload)
    stats.forwarded++
    log.push(`${method} ${request.url ?? "/"}`)
  }

  let retryAfterToggle = false
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request)
    const method = request.method ?? "GET"
    const path = request.url ?? "/"
    stats.requests++
    const key = `${method} ${path} ${createHash("sha256").update(body).digest("hex")}`
    const attempt = (attempts.get(key) ?? 0) + 1
    attempts.set(key, attempt)
    const spared = options.spare?.(method, path) === true || (streak.get(key) ?? 0) >= maxFaults
    const fault = spared ? null : faultFor(options.rates, options.seed, key, attempt)
    if (fault === null || fault === "slow") streak.set(key, 0)
    else streak.set(key, (streak.get(key) ?? 0) + 1)

    switch (fault) {
      case "drop":
        stats.faults.drop++
        request.socket.destroy()
        return
      case "error":
        stats.faults.error++
        response.writeHead(500, { "content-type": "application/json" })
        response.end(JSON.stringify({ error: "injected fault" }))
        return
      case "tooMany": {
        stats.faults.tooMany++
        const seconds = options.retryAfterSeconds ?? 0
        const style = options.retryAfter ?? "mixed"
        retryAfterToggle = !retryAfterToggle
        const asDate = style === "date" || (style === "mixed" && retryAfterToggle)
        response.writeHead(429, {
          "content-type": "application/json",
          "retry-after": asDate ? new Date(Date.now() + seconds * 1000).toUTCString() : String(seconds)
        })
        response.end(JSON.stringify({ error: "slow down" }))
        return
      }
      case "slow":
        stats.faults.slow++
        await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 150))
        await forward(request, response, body)
        return
      case null:
        await forward(request, response, body)
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "application/json" })
      response.end(JSON.stringify({ error: `fault proxy: ${String(error)}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
