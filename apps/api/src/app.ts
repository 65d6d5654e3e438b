/**
 * The one composition file of the HTTP server, in the order requests flow through it:
 *
 *   1. request id     `X-Request-Id` taken from the request when well-formed (1-128 safe characters),
 *                     else generated; echoed on every response and handed to tRPC and the dialects
 *   2. telemetry      a server span per request (parent of every service span it causes), metrics
 *                     (requests, errors, latency per protocol and endpoint), one access-log line
 *                     through Effect's JSON logger after the response; `Cache-Control: no-store` on
 *                     every API answer; `Connection: close` on every answer while shutting down
 *   3. health         `/health/live` (process up) and `/health` = `/health/ready` (database answers → 200,
 *                     and which gateways are live),
 *                     else 503; 503 `draining` once shutting down); before any auth, so probes need no key
 *      /metrics       Prometheus text, for an admin API key only (`Authorization: Bearer`)
 *   4. /trpc/*        body read up to `MAX_BODY_BYTES` (else 413 PAYLOAD_TOO_LARGE); auth: an API key as
 *                     `Authorization: Bearer` (failures throttled per client address), or the console's
 *                     session cookie with its CSRF token echoed in `X-CSRF-Token` and a same-site
 *                     `Origin`; absent or unknown → null, and protected procedures answer UNAUTHORIZED;
 *                     then the internal API with the `Idempotency-Key` header in its context; an input
 *                     holding a JSON number a float cannot carry exactly is refused (400), never rounded;
 *                     the admin console's host services (see `admin-console.ts`)
 *   5. dialects       vendor-compatible REST sub-apps, each under its base path (`dialects` below); each one
 *                     bounds bodies and queries and authenticates in its vendor's style through the same
 *                     Authenticator and the same login / failed-authentication throttle
 *      /gateways      gateways' signed webhooks (`gateway-webhooks.ts`): Stripe's, per gateway code
 *   6. /docs          the dialects' OpenAPI documents (the adapter kit's docs app)
 *      /admin         the built admin console (React app from `apps/admin/dist`), with CSP and friends
 *   7. onError        the single HTTP error mapper (core error table for tagged errors, 500 otherwise)
 */
import { trpcServer } from "@hono/trpc-server"
import {
  type AuthThrottle,
  type Dialect,
  type DialectRunners,
  docsApp,
  runnersFromRuntime,
  type SessionStore,
  tooManyRequests,
  wellFormedRequestId
} from "@paybridge/adapter-kit"
import type { Principal } from "@paybridge/core"
import { Authenticator as AuthenticatorService, LedgerStore as LedgerStoreService } from "@paybridge/core"
import { appRouter, asLedgerError, createTrpcContext, encodeLedgerErrorJson, ledgerErrorTable } from "@paybridge/trpc"
import { TRPCError } from "@trpc/server"
import { Cause, Effect, Exit } from "effect"
import { type Context, Hono } from "hono"
import { contextStorage, tryGetContext } from "hono/context-storage"
import { getCookie } from "hono/cookie"
import { HTTPException } from "hono/http-exception"
import {
  adminBasePath,
  adminStaticApp,
  csrfHeaderName,
  csrfTokenOf,
  makeAdminSessions,
  makeConsoleHost,
  sessionCookieName
} from "./admin-console.ts"
import type { AppRuntime } from "./app-runtime.ts"
import type { AppConfig } from "./config.ts"
import { dialects } from "./dialects.ts"
import {
  bufferBodyWithin,
  clientAddressOf,
  isSecure,
  protocolAndEndpoint,
  sameOrigin,
  throttleFromConfig
} from "./edge.ts"
import { gatewayWebhooksApp } from "./gateway-webhooks.ts"
import { liveGateways, storedGatewayCodes } from "./gateways.ts"
import { errorField, logFrom } from "./logger.ts"
import { metricsDocument, requestFinished, requestStarted, startRequestSpan } from "./observability.ts"

export type { AppRuntime, AppServices } from "./app-runtime.ts"

export type AppEnv = {
  Variables: {
    requestId: string
    /** Who the request acts as, once known (tRPC auth, or a dialect's first ledger call); for the access log. */
    principal: Principal | null
    /** Why tRPC must refuse this request before any procedure runs (body too large, throttled, CSRF). */
    trpcRefusal: TRPCError | null
    /** The console session token of the request's cookie, once accepted. */
    consoleSession: string | null
  }
}

export interface AppDeps {
  readonly runtime: AppRuntime
  readonly config: AppConfig
  /** The dialects to mount; default {@link dialects}. */
  readonly dialects?: ReadonlyArray<Dialect>
  /** The throttle on logins and failed authentications; default one made from the configuration. */
  readonly throttle?: AuthThrottle
  /** True once the server is shutting down: every answer then carries `Connection: close`. */
  readonly draining?: () => boolean
  /** The console's session store (so the host can purge it on a schedule); default a fresh one. */
  readonly adminSessions?: SessionStore
}

const readinessTimeout = "2 seconds"
const maxIdempotencyKeyLength = 255

/** A JSON number's decimal value in one canonical form (`"12.50"` and `1.25e1` both → `125e-1`). */
const decimalValue = (text: string): string => {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/u.exec(text)
  if (match === null) return text
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match
  let digits = `${whole}${fraction}`.replace(/^0+/u, "")
  let scale = fraction.length - Number.parseInt(exponent, 10)
  while (digits.endsWith("0")) {
    digits = digits.slice(0, -1)
    scale -= 1
  }
  return digits === "" ? "0" : `${sign}${digits}e${-scale}`
}

/** A run of 16 digits and points, or a digit before an exponent: a number that may not fit a float. */
const mayHoldInexactNumber = /\d[\d.]{15}|\d[eE]/

/**
 * The numbers in a JSON text that a JS float does not hold exactly (`999999999999999.99` reads as
 * `1000000000000000`, `0.30000000000000001` as `0.3`), as written. tRPC parses inputs with
 * `JSON.parse`, so such a number would reach the ledger already rounded; it is refused instead.
 */
const inexactJsonNumbers = (text: string): ReadonlyArray<string> => {
  // A float holds every decimal of at most 15 significant digits exactly, so a text with no run of
  // 16 digits and points and no exponent cannot hold an inexact number (digits inside strings only
  // send a text to the full check): most inputs are cleared without parsing.
  if (!mayHoldInexactNumber.test(text)) return []
  const inexact: Array<string> = []
  try {
    JSON.parse(text, (_key, value: unknown, context?: { readonly source?: string }) => {
      if (typeof value === "number" && context?.source !== undefined) {
        if (decimalValue(context.source) !== decimalValue(String(value))) inexact.push(context.source)
      }
      return value
    })
  } catch {
    // Not JSON: tRPC answers that itself.
  }
  return inexact
}

const bearerToken = (header: string | undefined): string | null => {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

/** `Retry-After` for a tRPC failure that says when to come back (throttled, or every scrypt slot busy). */
const retryAfterOf = (error: TRPCError): number | null => {
  const cause: unknown = error.cause
  if (typeof cause === "object" && cause !== null && "retryAfterSeconds" in cause) {
    const seconds = cause.retryAfterSeconds
    if (typeof seconds === "number") return seconds
  }
  return null
}

/** Sets a header on the answer, copying it first when its headers are immutable. */
const setResponseHeader = (c: Context, name: string, value: string) => {
  try {
    c.res.headers.set(name, value)
  } catch {
    c.res = new Response(c.res.body, c.res)
    c.res.headers.set(name, value)
  }
}

export const createApp = ({
  runtime,
  config,
  dialects: mounted = dialects,
  throttle = throttleFromConfig(config),
  draining = () => false,
  adminSessions = makeAdminSessions()
}: AppDeps): Hono<AppEnv> => {
  const app = new Hono<AppEnv>()
  const log = logFrom(runtime)
  const clientAddress = clientAddressOf(config)
  const basePaths = Object.fromEntries(
    mounted.map((dialect) => [dialect.id, config.dialectBasePaths[dialect.id] ?? dialect.defaultBasePath])
  )
  const mountedPaths = mounted.map((dialect) => [dialect.id, basePaths[dialect.id] ?? dialect.defaultBasePath] as const)
  const procedures = new Set(Object.keys(appRouter._def.procedures))

  // The request's context is reachable from code that only gets callbacks (the dialects' ledger runner).
  app.use(contextStorage())

  // 1. Request id first: every later step (logs, tRPC context, dialects, error bodies) uses it. Sub-apps
  //    that build their own Response (tRPC) drop headers set beforehand, so it is applied afterwards.
  app.use(async (c, next) => {
    const id = wellFormedRequestId(c.req.header("X-Request-Id")) ?? crypto.randomUUID()
    c.set("requestId", id)
    c.set("principal", null)
    c.set("trpcRefusal", null)
    c.set("consoleSession", null)
    await next()
    // Set in place (a copy of the answer only when its headers are immutable).
    if (c.res.headers.get("X-Request-Id") !== id) setResponseHeader(c, "X-Request-Id", id)
  })

  // 2. Telemetry wraps everything after it, so errors rendered by onError are logged and counted with
  //    their status: a server span (the parent of every span the request causes), metrics, access log.
  app.use(async (c, next) => {
    const started = performance.now()
    requestStarted()
    const span = startRequestSpan(runtime, { method: c.req.method, path: c.req.path, requestId: c.get("requestId") })
    let status = 500
    try {
      await span.run(next)
      status = c.res.status
      const api = c.req.path !== adminBasePath && !c.req.path.startsWith(`${adminBasePath}/`)
      if (api && !c.res.headers.has("Cache-Control")) setResponseHeader(c, "Cache-Control", "no-store")
      // Shutting down, or a body left unread past the limit: end the connection after this answer.
      if (draining() || status === 413) setResponseHeader(c, "Connection", "close")
    } finally {
      const durationMs = Math.round((performance.now() - started) * 10) / 10
      const { protocol, endpoint } = protocolAndEndpoint(c, mountedPaths, procedures)
      requestFinished({ protocol, endpoint, method: c.req.method, status, seconds: durationMs / 1000 })
      span.end(status, endpoint)
      log("info", "request", {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status,
        durationMs,
        principalId: c.get("principal")?.id ?? null,
        protocol
      })
    }
  })

  // 3. Health: liveness never touches the database; readiness is a round trip to it.
  app.get("/health/live", (c) => c.json({ status: "ok" }))
  const databaseAnswers = () =>
    runtime
      .runPromise(
        LedgerStoreService.use((store) => store.ping).pipe(
          Effect.timeout(readinessTimeout),
          Effect.as(true),
          Effect.catchCause(() => Effect.succeed(false))
        )
      )
      .catch(() => false)
  for (const path of ["/health", "/health/ready"]) {
    app.get(path, async (c) => {
      const up = await databaseAnswers()
      const gateways = liveGateways(config.gateways, await storedGatewayCodes(runtime))
      // A draining process is not ready: a load balancer stops sending it new requests.
      if (draining()) return c.json({ status: "draining", database: up ? "up" : "down", gateways }, 503)
      return c.json({ status: up ? "ok" : "unavailable", database: up ? "up" : "down", gateways }, up ? 200 : 503)
    })
  }

  /** The principal of an API key, `null` for a refused one (counted by the throttle); other failures throw. */
  const principalOfApiKey = async (apiKey: string, attempt: { clientAddress: string | null }) => {
    const exit = await runtime.runPromiseExit(AuthenticatorService.use((auth) => auth.authenticateApiKey(apiKey)))
    if (Exit.isSuccess(exit)) return exit.value
    const error = Cause.squash(exit.cause)
    if (asLedgerError(error)?._tag !== "Unauthorized") throw error
    throttle.recordFailure({ ...attempt, account: null })
    return null
  }

  // The metrics of this process, for admins only (the admin surface's rule: an admin API key).
  app.get("/metrics", async (c) => {
    const apiKey = bearerToken(c.req.header("Authorization"))
    const attempt = { clientAddress: clientAddress(c), account: null }
    const wait = apiKey === null ? null : throttle.admitCheck(attempt)
    if (wait !== null) {
      c.header("Retry-After", String(wait))
      return c.json({ error: { code: "TOO_MANY_REQUESTS", message: tooManyRequests(wait).message } }, 429)
    }
    const principal = apiKey === null ? null : await principalOfApiKey(apiKey, attempt)
    if (principal === null) {
      c.header("WWW-Authenticate", 'Bearer realm="paybridge-metrics"')
      return c.json({ error: { code: "UNAUTHORIZED", message: "an admin API key is required" } }, 401)
    }
    c.set("principal", principal)
    if (principal.role !== "admin") {
      return c.json({ error: { code: "FORBIDDEN", message: `role ${principal.role} may not read metrics` } }, 403)
    }
    return c.text(await runtime.runPromise(metricsDocument), 200, {
      "Content-Type": "text/plain; version=0.0.4; charset=utf-8"
    })
  })

  // 4. The internal tRPC API. First the body, read no further than the limit.
  app.use("/trpc/*", async (c, next) => {
    if (!(await bufferBodyWithin(c, config.maxBodyBytes))) {
      c.set(
        "trpcRefusal",
        new TRPCError({
          code: "PAYLOAD_TOO_LARGE",
          message: `The request body is larger than ${config.maxBodyBytes} bytes`
        })
      )
    }
    await next()
  })
  // Then who is asking (never rejected here): an API key as bearer, or the console's session cookie.
  app.use("/trpc/*", async (c, next) => {
    if (c.get("trpcRefusal") !== null) return next()
    const attempt = { clientAddress: clientAddress(c), account: null }
    const apiKey = bearerToken(c.req.header("Authorization"))
    // Signing in needs no session, only a same-site origin: a stale cookie must never stand in its way.
    const signingIn = c.req.path === "/trpc/session.signIn"
    const sessionToken = signingIn ? null : (getCookie(c, sessionCookieName) ?? null)
    if (apiKey !== null) {
      const wait = throttle.admitCheck(attempt)
      if (wait !== null) {
        const refusal = tooManyRequests(wait)
        c.set("trpcRefusal", new TRPCError({ code: "TOO_MANY_REQUESTS", message: refusal.message, cause: refusal }))
      } else {
        c.set("principal", await principalOfApiKey(apiKey, attempt))
      }
    } else if (sessionToken !== null && sessionToken !== "") {
      // A cookie rides along with any request the browser makes: only a page of ours can echo its CSRF token.
      if (c.req.header(csrfHeaderName) !== csrfTokenOf(sessionToken) || !sameOrigin(config, c)) {
        c.set(
          "trpcRefusal",
          new TRPCError({
            code: "FORBIDDEN",
            message: `a console session needs its ${csrfHeaderName} header from the same origin`
          })
        )
      } else {
        const principal = await runtime.runPromise(
          adminSessions.resolve(sessionToken).pipe(Effect.catchTag("Unauthorized", () => Effect.succeed(null)))
        )
        c.set("principal", principal)
        if (principal !== null) c.set("consoleSession", sessionToken)
      }
    } else if (signingIn && !sameOrigin(config, c)) {
      c.set("trpcRefusal", new TRPCError({ code: "FORBIDDEN", message: "sign-in from another origin is refused" }))
    }
    await next()
  })
  app.use(
    "/trpc/*",
    trpcServer({
      router: appRouter,
      endpoint: "/trpc",
      createContext: async (options, c) => {
        const refusal = c.get("trpcRefusal")
        if (refusal !== null) {
          const wait = retryAfterOf(refusal)
          if (wait !== null) options.resHeaders.set("Retry-After", String(wait))
          throw refusal
        }
        const inputs = [c.req.query("input") ?? "", c.req.method === "POST" ? await c.req.text() : ""]
        const inexact = inputs.flatMap(inexactJsonNumbers)
        if (inexact.length > 0) {
          throw new TRPCError({
            code: "BAD_REQUEST",
            message: `${inexact.join(", ")} cannot be read exactly as a JSON number; send it as a decimal string`
          })
        }
        const idempotencyKey = c.req.header("Idempotency-Key")?.trim() ?? null
        if (idempotencyKey !== null && (idempotencyKey === "" || idempotencyKey.length > maxIdempotencyKeyLength)) {
          throw new TRPCError({
            code: "BAD_REQUEST",
            message: `Idempotency-Key must be 1-${maxIdempotencyKeyLength} characters`
          })
        }
        return {
          ...createTrpcContext({
            runtime,
            principal: c.get("principal"),
            requestId: c.get("requestId"),
            idempotencyKey,
            credential: bearerToken(c.req.header("Authorization")),
            console: consoleHost({
              responseHeaders: options.resHeaders,
              sessionToken: c.get("consoleSession"),
              clientAddress: clientAddress(c),
              secure: isSecure(config, c)
            })
          })
        }
      },
      responseMeta: ({ errors }) => {
        const wait = errors.map(retryAfterOf).find((seconds) => seconds !== null)
        return wait === undefined || wait === null ? {} : { headers: { "Retry-After": String(wait) } }
      },
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") {
          log("error", "trpc procedure failed", { path, error: errorField(error.cause ?? error) })
        }
      }
    })
  )

  // 5. Vendor dialects, each under its base path. Their ledger calls go through the same runtime; the
  //    first one tells the access log who the request acted as.
  const kitRunners = runnersFromRuntime(runtime)
  const runners: DialectRunners = {
    runLedger: (program, context) => {
      tryGetContext<AppEnv>()?.set("principal", context.principal)
      return kitRunners.runLedger(program, context)
    },
    runAuthentication: kitRunners.runAuthentication
  }
  const consoleHost = makeConsoleHost({
    runtime,
    runners,
    sessions: adminSessions,
    dialects: mounted,
    basePaths,
    throttle
  })
  for (const dialect of mounted) {
    const basePath = basePaths[dialect.id] ?? dialect.defaultBasePath
    app.route(
      basePath,
      dialect.createApp({
        ...runners,
        basePath,
        limits: { maxBodyBytes: config.maxBodyBytes },
        throttle,
        clientAddress,
        generateRequestId: () => tryGetContext<AppEnv>()?.get("requestId") ?? crypto.randomUUID(),
        reportDefect: ({ dialect: id, requestId, operationId, cause }) =>
          log("error", "dialect defect", {
            dialect: id,
            requestId,
            operationId,
            error: Cause.isCause(cause) ? Cause.pretty(cause) : errorField(cause)
          })
      })
    )
  }

  // Gateways' webhooks (signed by the gateway, no API key): `POST /gateways/{code}/webhooks/stripe`.
  app.route(
    "/gateways",
    gatewayWebhooksApp({ runtime, stripe: config.gateways.stripe, maxBodyBytes: config.maxBodyBytes, log })
  )

  // 6. Documentation of the dialects (index page and one OpenAPI document each), and the admin console.
  app.route("/docs", docsApp(mounted, { basePaths, title: "Paybridge APIs" }))
  app.route(adminBasePath, adminStaticApp(config.adminDistDir))

  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` } }, 404)
  )

  // 7. The single HTTP error mapper.
  app.onError((error, c) => {
    const requestId = c.get("requestId") ?? null
    if (error instanceof HTTPException) {
      return c.json({ error: { code: "HTTP_ERROR", message: error.message, requestId } }, error.status)
    }
    const ledgerError = asLedgerError(error)
    if (ledgerError !== null) {
      const row = ledgerErrorTable[ledgerError._tag]
      if ("retryAfterSeconds" in ledgerError) c.header("Retry-After", String(ledgerError.retryAfterSeconds))
      return c.json({ error: { code: row.code, ...encodeLedgerErrorJson(ledgerError), requestId } }, row.httpStatus)
    }
    log("error", "unhandled error", { requestId, path: c.req.path, error: errorField(error) })
    return c.json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error", requestId } }, 500)
  })

  return app
}
