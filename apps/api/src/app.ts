/**
 * The one composition file of the HTTP server, in the order requests flow through it:
 *
 *   1. request id     `X-Request-Id` taken from the request when well-formed, else generated; echoed on
 *                     every response and handed to tRPC and the dialects, so logs and error bodies agree
 *   2. access log     one JSON line per request, written after the response (so it sees status and principal)
 *   3. health         `/health/live` (process up) and `/health` = `/health/ready` (database answers → 200,
 *                     else 503); before any auth, so probes need no key
 *   4. /trpc/*        auth (`Authorization: Bearer <api key>` → principal via the Authenticator, or a console
 *                     session token from `session.signIn`; absent or unknown → null, and protected procedures
 *                     answer UNAUTHORIZED), then the internal API with the `Idempotency-Key` header in its context;
 *                     an input holding a JSON number a float cannot carry exactly is refused (400), never rounded
 *                     and the admin console's host services (see `admin-console.ts`)
 *   5. dialects       vendor-compatible REST sub-apps, each under its base path (`dialects` below); each one
 *                     authenticates in its vendor's style through the same Authenticator
 *   6. /docs          the dialects' OpenAPI documents (the adapter kit's docs app)
 *      /admin         the built admin console (React app from `apps/admin/dist`)
 *   7. onError        the single HTTP error mapper (core error table for tagged errors, 500 otherwise)
 */
import { trpcServer } from "@hono/trpc-server"
import { type Dialect, type DialectRunners, docsApp, runnersFromRuntime } from "@paybridge/adapter-kit"
import type { Principal } from "@paybridge/core"
import { Authenticator as AuthenticatorService, LedgerStore as LedgerStoreService } from "@paybridge/core"
import { appRouter, asLedgerError, createTrpcContext, encodeLedgerErrorJson, ledgerErrorTable } from "@paybridge/trpc"
import { TRPCError } from "@trpc/server"
import { Effect } from "effect"
import { Hono } from "hono"
import { contextStorage, tryGetContext } from "hono/context-storage"
import { HTTPException } from "hono/http-exception"
import { adminBasePath, adminStaticApp, makeAdminSessions, makeConsoleHost } from "./admin-console.ts"
import type { AppRuntime } from "./app-runtime.ts"
import type { AppConfig } from "./config.ts"
import { dialects } from "./dialects.ts"
import type { Logger } from "./logger.ts"

export type { AppRuntime, AppServices } from "./app-runtime.ts"

export type AppEnv = {
  Variables: {
    requestId: string
    /** Who the request acts as, once known (tRPC auth, or a dialect's first ledger call); for the access log. */
    principal: Principal | null
  }
}

export interface AppDeps {
  readonly runtime: AppRuntime
  readonly config: AppConfig
  readonly logger: Logger
  /** The dialects to mount; default {@link dialects}. */
  readonly dialects?: ReadonlyArray<Dialect>
}

const readinessTimeout = "2 seconds"
const maxIdempotencyKeyLength = 255
/** The same rule the adapter kit applies, so a request id is accepted or replaced the same way everywhere. */
const requestIdPattern = /^[A-Za-z0-9._:@/+=-]{1,128}$/

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

/**
 * The numbers in a JSON text that a JS float does not hold exactly (`999999999999999.99` reads as
 * `1000000000000000`, `0.30000000000000001` as `0.3`), as written. tRPC parses inputs with
 * `JSON.parse`, so such a number would reach the ledger already rounded; it is refused instead.
 */
const inexactJsonNumbers = (text: string): ReadonlyArray<string> => {
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

export const createApp = ({ runtime, config, logger, dialects: mounted = dialects }: AppDeps): Hono<AppEnv> => {
  const app = new Hono<AppEnv>()

  // The request's context is reachable from code that only gets callbacks (the dialects' ledger runner).
  app.use(contextStorage())

  // 1. Request id first: every later step (logs, tRPC context, dialects, error bodies) uses it. Sub-apps
  //    that build their own Response (tRPC) drop headers set beforehand, so it is applied afterwards.
  app.use(async (c, next) => {
    const incoming = c.req.header("X-Request-Id")
    const id = incoming !== undefined && requestIdPattern.test(incoming) ? incoming : crypto.randomUUID()
    c.set("requestId", id)
    c.set("principal", null)
    await next()
    if (c.res.headers.get("X-Request-Id") !== id) {
      c.res = new Response(c.res.body, c.res)
      c.res.headers.set("X-Request-Id", id)
    }
  })

  // 2. Access log wraps everything after it, so errors rendered by onError are logged with their status.
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    logger.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      principalId: c.get("principal")?.id ?? null
    })
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
      return c.json({ status: up ? "ok" : "unavailable", database: up ? "up" : "down" }, up ? 200 : 503)
    })
  }

  // 4. The internal tRPC API: resolve the principal (never reject here), then hand over to tRPC. A bearer
  //    credential is an API key (`pbk_…`) or an admin console session token.
  const adminSessions = makeAdminSessions()
  app.use("/trpc/*", async (c, next) => {
    const credential = bearerToken(c.req.header("Authorization"))
    if (credential !== null) {
      const principal = await runtime.runPromise(
        (credential.startsWith("pbk_")
          ? AuthenticatorService.use((auth) => auth.authenticateApiKey(credential))
          : adminSessions.resolve(credential)
        ).pipe(Effect.catchTag("Unauthorized", () => Effect.succeed(null)))
      )
      c.set("principal", principal)
    }
    await next()
  })
  app.use(
    "/trpc/*",
    trpcServer({
      router: appRouter,
      endpoint: "/trpc",
      createContext: async (_options, c) => {
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
            console: consoleHost
          })
        }
      },
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") {
          logger.error("trpc procedure failed", { path, error: error.cause ?? error })
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
  const basePaths = Object.fromEntries(
    mounted.map((dialect) => [dialect.id, config.dialectBasePaths[dialect.id] ?? dialect.defaultBasePath])
  )
  const consoleHost = makeConsoleHost({ runtime, runners, sessions: adminSessions, dialects: mounted, basePaths })
  for (const dialect of mounted) {
    const basePath = basePaths[dialect.id] ?? dialect.defaultBasePath
    app.route(
      basePath,
      dialect.createApp({
        ...runners,
        basePath,
        generateRequestId: () => tryGetContext<AppEnv>()?.get("requestId") ?? crypto.randomUUID(),
        reportDefect: ({ dialect: id, requestId, operationId, cause }) =>
          logger.error("dialect defect", { dialect: id, requestId, operationId, error: cause })
      })
    )
  }

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
      return c.json({ error: { code: row.code, ...encodeLedgerErrorJson(ledgerError), requestId } }, row.httpStatus)
    }
    logger.error("unhandled error", { requestId, path: c.req.path, error })
    return c.json({ error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error", requestId } }, 500)
  })

  return app
}
