/**
 * What the server learns about a request at its edge, and the bounds it applies before any
 * protocol runs: the client's address (the socket's, or with `TRUST_PROXY` the last
 * `X-Forwarded-For` entry) and whether it came over https, for the throttle and for cookies; the
 * throttle itself, made from the configuration; the tRPC body read up to `MAX_BODY_BYTES` (the
 * dialects bound their own through the adapter kit); whether an `Origin` is the server's own; and
 * the protocol and endpoint labels of the metrics.
 */
import { getConnInfo } from "@hono/node-server/conninfo"
import { type AuthThrottle, makeAuthThrottle, readBodyLimited } from "@paybridge/adapter-kit"
import type { Context } from "hono"
import type { AppConfig } from "./config.ts"

/** The client's address: the socket's peer, or behind a trusted proxy the last `X-Forwarded-For` hop. */
export const clientAddressOf =
  (config: Pick<AppConfig, "trustProxy">) =>
  (c: Context): string | null => {
    if (config.trustProxy) {
      const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim()
      if (forwarded !== undefined && forwarded !== "") return forwarded.slice(0, 64)
    }
    try {
      return getConnInfo(c).remote.address ?? null
    } catch {
      return null // not served by node-server (app.request in tests)
    }
  }

/** Whether the client sees the server over https (the URL, `PUBLIC_URL`, or a trusted proxy's `X-Forwarded-Proto`). */
export const isSecure = (config: Pick<AppConfig, "trustProxy" | "publicUrl">, c: Context): boolean =>
  new URL(c.req.url).protocol === "https:" ||
  (config.publicUrl?.startsWith("https:") ?? false) ||
  (config.trustProxy && c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https")

/** The server's throttle on logins and failed authentications, shared by every protocol. */
export const throttleFromConfig = (
  config: Pick<AppConfig, "loginRateLimit" | "authFailureLimit" | "accountFailureLimit">
): AuthThrottle =>
  makeAuthThrottle({
    loginsPerMinute: config.loginRateLimit,
    failuresPerClient: config.authFailureLimit,
    failuresPerAccount: config.accountFailureLimit
  })

/**
 * An `Origin` header the server accepts from a browser: absent (not a browser request), the
 * request's own origin, or `PUBLIC_URL`'s.
 */
export const sameOrigin = (config: Pick<AppConfig, "publicUrl">, c: Context): boolean => {
  const origin = c.req.header("origin")
  if (origin === undefined) return true
  const own = new URL(c.req.url).origin
  return origin === own || (config.publicUrl !== null && origin === new URL(config.publicUrl).origin)
}

/**
 * Reads the body of `c` up to `maxBytes` and puts it back as a buffered request, so later readers
 * (tRPC) see it; `false` when it was larger (it is then replaced by an empty body, never read on).
 */
export const bufferBodyWithin = async (c: Context, maxBytes: number): Promise<boolean> => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return true
  const read = await readBodyLimited(c.req.raw, maxBytes)
  const body = read._tag === "Read" ? read.bytes : new Uint8Array(0)
  const headers = new Headers(c.req.raw.headers)
  headers.delete("content-length")
  c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body, signal: c.req.raw.signal })
  return read._tag === "Read"
}

/** The metrics labels of a request: its protocol and a bounded endpoint name. */
export const protocolAndEndpoint = (
  c: Context,
  basePaths: ReadonlyArray<readonly [dialectId: string, basePath: string]>,
  procedures: ReadonlySet<string>
): { readonly protocol: string; readonly endpoint: string } => {
  const path = c.req.path
  if (path === "/trpc" || path.startsWith("/trpc/")) {
    const called = path.slice("/trpc/".length)
    return { protocol: "trpc", endpoint: called.includes(",") ? "batch" : procedures.has(called) ? called : "other" }
  }
  for (const [id, basePath] of basePaths) {
    if (path === basePath || path.startsWith(`${basePath}/`)) return { protocol: id, endpoint: c.req.routePath }
  }
  const first = path.split("/")[1] ?? ""
  const protocol = ["health", "metrics", "docs", "admin"].includes(first) ? first : "other"
  return { protocol, endpoint: protocol === "other" ? "other" : c.req.routePath }
}
