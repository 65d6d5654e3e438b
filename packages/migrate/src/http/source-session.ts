/**
 * The two shapes a vendor's credentials take on the wire. A static session adds the same
 * credentials to every request (an API key header, HTTP Basic). A token session logs in once
 * (one login at a time however many requests wait for it), adds the token it got to every request,
 * logs in again shortly before the token's announced lifetime ends, and again whenever the vendor
 * answers that the token is no longer valid — so a long migration outlives 15-minute JWTs and
 * 30-minute bearer tokens without the readers noticing.
 */
import type { PreparedRequest, SourceHttp, SourceResponse, SourceSession } from "./source-http.ts"

/** Credentials added as they are to every request (no login). */
export const staticSession = (apply: (request: PreparedRequest) => PreparedRequest): SourceSession => ({
  authorize: async (request) => apply(request),
  isRejected: () => false,
  invalidate: () => {}
})

export interface TokenGrant {
  readonly token: string
  /** The token's lifetime as the vendor announced it, in ms (null: unknown, used until rejected). */
  readonly lifetimeMs: number | null
}

export interface TokenSessionOptions {
  /** Logs in (requests sent with `authenticate: false`) and answers the token. */
  readonly login: (http: SourceHttp) => Promise<TokenGrant>
  /** Adds the token to a request. */
  readonly apply: (request: PreparedRequest, token: string) => PreparedRequest
  /** True when this answer means the token is no longer valid (default: HTTP 401). */
  readonly isRejected?: (response: SourceResponse) => boolean
  /** Log in again this long before the announced expiry (default 60 s, at most a quarter of the lifetime). */
  readonly renewBeforeMs?: number
  readonly now?: () => number
}

/** A session that logs in for a token, renews it before it expires and after the vendor rejects it. */
export const tokenSession = (options: TokenSessionOptions): SourceSession & { readonly logins: () => number } => {
  const now = options.now ?? Date.now
  let current: { token: string; renewAt: number } | null = null
  let pending: Promise<{ token: string; renewAt: number }> | null = null
  let logins = 0

  const login = (http: SourceHttp) => {
    pending ??= options
      .login(http)
      .then((grant) => {
        logins++
        const lifetime = grant.lifetimeMs
        const margin = lifetime === null ? 0 : Math.min(options.renewBeforeMs ?? 60_000, lifetime / 4)
        current = {
          token: grant.token,
          renewAt: lifetime === null ? Number.POSITIVE_INFINITY : now() + lifetime - margin
        }
        return current
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  return {
    authorize: async (request, http) => {
      const session = current !== null && now() < current.renewAt ? current : await login(http)
      return options.apply(request, session.token)
    },
    isRejected: options.isRejected ?? ((response) => response.status === 401),
    invalidate: () => {
      current = null
    },
    logins: () => logins
  }
}

/** `Authorization: <scheme> <value>` on a request. */
export const withAuthorization = (request: PreparedRequest, value: string): PreparedRequest => {
  const headers = new Headers(request.headers)
  headers.set("authorization", value)
  return { ...request, headers }
}

/** `Basic base64(user:password)`. */
export const basicAuthorization = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`
