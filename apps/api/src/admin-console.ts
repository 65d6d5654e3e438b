/**
 * The admin console's side of the server: its sessions, the host services its tRPC procedures need
 * (Authenticator, sign-in and sign-out, dialect catalogue with payment renderers, the generated
 * compatibility table), and the static files of the built React app (`apps/admin/dist`) served
 * under `/admin` with strict security headers, every unknown path under it answered by
 * `index.html` (client-side routes).
 *
 * Sessions: `session.signIn` (throttled per client address and account like every login) opens a
 * session that expires after 30 minutes without use. Its token never reaches page scripts: it is
 * set as the cookie `paybridge_session` (`HttpOnly`, `SameSite=Strict`, `Path=/trpc`, `Secure`
 * when served over https). A second cookie, `paybridge_csrf` (readable by the page), holds a value
 * derived from the token; every cookie-authenticated `/trpc` request must echo it in the
 * `X-CSRF-Token` header (double submit), and a request whose `Origin` is not the server's own is
 * refused — so another site can neither read the session nor act with it.
 */
import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { serveStatic } from "@hono/node-server/serve-static"
import {
  type AuthThrottle,
  type Dialect,
  type DialectRunners,
  makeSessionStore,
  type SessionStore,
  stringifyJsonExact,
  tooManyRequests
} from "@paybridge/adapter-kit"
import { Authenticator } from "@paybridge/core"
import { asLedgerError, type ConsoleDialect, type ConsoleHost, toTrpcError } from "@paybridge/trpc"
import { TRPCError } from "@trpc/server"
import { Cause, Effect, Exit } from "effect"
import { Hono } from "hono"
import { secureHeaders } from "hono/secure-headers"
import type { AppRuntime } from "./app-runtime.ts"
import { repoRoot } from "./config.ts"

/** Where the console lives on the server. */
export const adminBasePath = "/admin"

/** Console sessions: 30 minutes, renewed on every use. */
export const adminSessionTtlSeconds = 30 * 60

export const makeAdminSessions = (): SessionStore =>
  makeSessionStore({ scope: "admin-console", ttlSeconds: adminSessionTtlSeconds, sliding: true })

/** The HttpOnly cookie holding a console session token. */
export const sessionCookieName = "paybridge_session"
/** The page-readable cookie holding the session's CSRF token. */
export const csrfCookieName = "paybridge_csrf"
/** The header a cookie-authenticated request echoes the CSRF token in. */
export const csrfHeaderName = "X-CSRF-Token"

/** The CSRF token of a session: derived from its token one way, so knowing it reveals nothing. */
export const csrfTokenOf = (sessionToken: string): string =>
  createHash("sha256").update(`paybridge-csrf\n${sessionToken}`).digest("base64url")

const cookie = (
  name: string,
  value: string,
  options: { readonly path: string; readonly httpOnly: boolean; readonly secure: boolean; readonly clear?: boolean }
): string =>
  [
    `${name}=${value}`,
    `Path=${options.path}`,
    ...(options.httpOnly ? ["HttpOnly"] : []),
    ...(options.secure ? ["Secure"] : []),
    "SameSite=Strict",
    ...(options.clear ? ["Max-Age=0"] : [])
  ].join("; ")

/** The `Set-Cookie` values that open (or, with `null`, clear) a console session in the browser. */
export const sessionCookies = (token: string | null, secure: boolean): ReadonlyArray<string> => [
  cookie(sessionCookieName, token ?? "", { path: "/trpc", httpOnly: true, secure, clear: token === null }),
  cookie(csrfCookieName, token === null ? "" : csrfTokenOf(token), {
    path: "/",
    httpOnly: false,
    secure,
    clear: token === null
  })
]

/** What the console host knows of the request it serves. */
export interface ConsoleRequest {
  /** Headers added to the response (cookies, `Retry-After`). */
  readonly responseHeaders: Headers
  /** The session token from the request's cookie, when it came with one. */
  readonly sessionToken: string | null
  readonly clientAddress: string | null
  /** Served over https: cookies get `Secure`. */
  readonly secure: boolean
}

const failureMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

export interface AdminConsoleOptions {
  readonly runtime: AppRuntime
  readonly runners: DialectRunners
  readonly sessions: SessionStore
  readonly dialects: ReadonlyArray<Dialect>
  readonly basePaths: Readonly<Record<string, string>>
  readonly throttle: AuthThrottle
}

/** The host services of the console's tRPC procedures, for one request. */
export const makeConsoleHost = ({
  runtime,
  runners,
  sessions,
  dialects,
  basePaths,
  throttle
}: AdminConsoleOptions): ((request: ConsoleRequest) => ConsoleHost) => {
  const consoleDialects: ReadonlyArray<ConsoleDialect> = dialects.map((dialect) => {
    const basePath = basePaths[dialect.id] ?? dialect.defaultBasePath
    const render = dialect.renderPayment
    return {
      id: dialect.id,
      title: dialect.title,
      basePath,
      credentialStyles: Object.entries(dialect.authenticate.securitySchemes).map(([name, scheme]) => ({
        name,
        description:
          scheme.description ??
          (scheme.type === "http"
            ? `HTTP ${scheme.scheme ?? ""} authentication`.replace("  ", " ")
            : `API key in the ${scheme.in ?? "header"} ${scheme.name ?? ""}`.trim())
      })),
      renderPayment:
        render === undefined
          ? null
          : async (detail, { principal, requestId }) => {
              const exit = await runners.runLedger(render(detail, { basePath }), {
                principal,
                origin: dialect.origin,
                requestId,
                idempotencyKey: null
              })
              if (Exit.isFailure(exit)) throw new Error(failureMessage(exit.cause))
              // The dialect's own exact writer: the console shows the text its client would read.
              return stringifyJsonExact(exit.value, 2)
            },
      presets: (dialect.presets ?? []).map(({ id, label, recordKind }) => ({ id, label, recordKind }))
    }
  })
  const runAuthenticator: ConsoleHost["runAuthenticator"] = (program) =>
    runtime.runPromise(Authenticator.use(program).pipe(Effect.mapError(toTrpcError)))
  const compatibilityDocument = () => readFile(join(repoRoot, "docs", "compatibility.md"), "utf8")

  return (request) => ({
    runAuthenticator,
    // A password sign-in, throttled like every login; the session derives from that user, so it is
    // re-checked (and its role re-read) on every request.
    signIn: async (email, password) => {
      const attempt = { clientAddress: request.clientAddress, account: email }
      const wait = throttle.admitLogin(attempt)
      if (wait !== null) {
        const refusal = tooManyRequests(wait)
        request.responseHeaders.set("Retry-After", String(wait))
        throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: refusal.message, cause: refusal })
      }
      const exit = await runtime.runPromiseExit(Authenticator.use((auth) => auth.sessionForPassword(email, password)))
      if (Exit.isFailure(exit)) {
        const error = asLedgerError(Cause.squash(exit.cause))
        if (error === null) throw Cause.squash(exit.cause)
        if (error._tag === "Unauthorized") throttle.recordFailure(attempt)
        throw toTrpcError(error)
      }
      const issued = await runtime.runPromise(sessions.issue(exit.value))
      for (const value of sessionCookies(issued.token, request.secure))
        request.responseHeaders.append("Set-Cookie", value)
      return { principal: exit.value.principal, expiresAt: issued.expiresAt }
    },
    signOut: async () => {
      if (request.sessionToken !== null) await runtime.runPromise(sessions.revoke(request.sessionToken))
      for (const value of sessionCookies(null, request.secure)) request.responseHeaders.append("Set-Cookie", value)
    },
    dialects: consoleDialects,
    compatibilityDocument
  })
}

/**
 * The console's security headers: scripts, styles, images and API calls from its own origin only,
 * never framed, no MIME sniffing, no referrer sent elsewhere.
 */
export const consoleSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"]
  },
  xFrameOptions: "DENY",
  xContentTypeOptions: "nosniff",
  referrerPolicy: "no-referrer",
  crossOriginOpenerPolicy: "same-origin",
  crossOriginResourcePolicy: "same-origin"
})

/** The built console under {@link adminBasePath}; a clear 503 page when it has not been built. */
export const adminStaticApp = (distDir: string): Hono => {
  const app = new Hono()
  const indexFile = join(distDir, "index.html")
  app.use("*", consoleSecurityHeaders)
  app.use("*", serveStatic({ root: distDir, rewriteRequestPath: (path) => path.slice(adminBasePath.length) || "/" }))
  app.get("*", async (c) => {
    if (!existsSync(indexFile)) {
      return c.text(
        "The admin console is not built. Run `pnpm --filter @paybridge/admin build` (the start command does it).",
        503
      )
    }
    c.header("Cache-Control", "no-cache")
    return c.html(await readFile(indexFile, "utf8"))
  })
  return app
}
