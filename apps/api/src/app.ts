/**
 * The one composition file of the HTTP server, in the order requests flow through it:
 *
 *   1. request id     `X-Request-Id` taken from the request when well-formed, else generated; echoed back
 *   2. access log     one JSON line per request, written after the response (so it sees status and principal)
 *   3. health         `/health/live` (process up) and `/health` = `/health/ready` (database answers → 200, else 503);
 *                     before auth, so probes need no key and never touch the authenticator
 *   4. auth           `Authorization: Bearer <api key>` → principal via the Authenticator; an absent or
 *                     unknown key leaves the principal null (procedures and dialects decide what that means)
 *   5. /trpc/*        the internal API; `Idempotency-Key` header → tRPC context
 *   6. dialects       vendor-compatible REST sub-apps, each under its base path (`dialects` below)
 *   7. /docs          API documentation
 *   8. onError        the single HTTP error mapper (core error table for tagged errors, 500 otherwise)
 */

import { trpcServer } from "@hono/trpc-server"
import type { Authenticator, Ledger, LedgerStore, Principal } from "@paybridge/core"
import { Authenticator as AuthenticatorService, LedgerStore as LedgerStoreService } from "@paybridge/core"
import { appRouter, asLedgerError, createTrpcContext, encodeLedgerErrorJson, ledgerErrorTable } from "@paybridge/trpc"
import { TRPCError } from "@trpc/server"
import { Effect, type ManagedRuntime } from "effect"
import { Hono } from "hono"
import { HTTPException } from "hono/http-exception"
import { requestId } from "hono/request-id"
import type { AppConfig } from "./config.ts"
import type { Logger } from "./logger.ts"

/** The services the server needs from the runtime. */
export type AppServices = Ledger | Authenticator | LedgerStore
export type AppRuntime = ManagedRuntime.ManagedRuntime<AppServices, unknown>

export type AppEnv = {
  Variables: {
    requestId: string
    principal: Principal | null
  }
}

/** A vendor-compatible REST dialect mounted under a base path (overridable with `DIALECT_BASE_PATHS`). */
export interface DialectMount {
  readonly id: string
  readonly defaultBasePath: string
  readonly create: (deps: { readonly runtime: AppRuntime }) => Hono
}

/** Every dialect the server mounts. */
export const dialects: ReadonlyArray<DialectMount> = []

export interface AppDeps {
  readonly runtime: AppRuntime
  readonly config: AppConfig
  readonly logger: Logger
}

const readinessTimeout = "2 seconds"
const maxIdempotencyKeyLength = 255

const bearerToken = (header: string | undefined): string | null => {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

export const createApp = ({ runtime, config, logger }: AppDeps): Hono<AppEnv> => {
  const app = new Hono<AppEnv>()

  // 1. Request id first: every later step (logs, tRPC context, error bodies) uses it. Sub-apps that
  //    build their own Response (tRPC) drop headers set beforehand, so it is (re)applied afterwards.
  app.use(requestId({ headerName: "X-Request-Id" }))
  app.use(async (c, next) => {
    await next()
    if (c.res.headers.get("X-Request-Id") !== c.get("requestId")) {
      c.res = new Response(c.res.body, c.res)
      c.res.headers.set("X-Request-Id", c.get("requestId"))
    }
  })

  // 2. Access log wraps everything after it, so errors rendered by onError are logged with their status.
  app.use(async (c, next) => {
    const started = performance.now()
    c.set("principal", null)
    await next()
    const principal = c.get("principal")
    logger.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      principalId: principal?.id ?? null
    })
  })

  // 3. Health: liveness never touches the database; readiness is a round trip to it.
  app.get("/health/live", (c) => c.json({ status: "ok" }))
  const readiness = async () =>
    runtime.runPromise(
      LedgerStoreService.use((store) => store.ping).pipe(
        Effect.timeout(readinessTimeout),
        Effect.as(true),
        Effect.catchCause(() => Effect.succeed(false))
      )
    )
  for (const path of ["/health", "/health/ready"]) {
    app.get(path, async (c) => {
      const databaseUp = await readiness().catch(() => false)
      return c.json(
        { status: databaseUp ? "ok" : "unavailable", database: databaseUp ? "up" : "down" },
        databaseUp ? 200 : 503
      )
    })
  }

  // 4. Auth: resolve the principal once; never reject here (public routes and dialects decide).
  app.use(async (c, next) => {
    const apiKey = bearerToken(c.req.header("Authorization"))
    if (apiKey !== null) {
      const principal = await runtime.runPromise(
        AuthenticatorService.use((auth) => auth.authenticateApiKey(apiKey)).pipe(
          Effect.catchTag("Unauthorized", () => Effect.succeed(null))
        )
      )
      c.set("principal", principal)
    }
    await next()
  })

  // 5. The internal tRPC API.
  app.use(
    "/trpc/*",
    trpcServer({
      router: appRouter,
      endpoint: "/trpc",
      createContext: (_options, c) => {
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
            idempotencyKey
          })
        }
      },
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR")
          logger.error("trpc procedure failed", { path, error: error.cause ?? error })
      }
    })
  )

  // 6. Vendor dialects, each under its base path.
  for (const dialect of dialects) {
    app.route(config.dialectBasePaths[dialect.id] ?? dialect.defaultBasePath, dialect.create({ runtime }))
  }

  // 7. Documentation.
  app.get("/docs", (c) =>
    c.json({
      trpc: { endpoint: "/trpc", client: "@paybridge/client" },
      dialects: dialects.map((dialect) => ({
        id: dialect.id,
        basePath: config.dialectBasePaths[dialect.id] ?? dialect.defaultBasePath
      }))
    })
  )

  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `no route for ${c.req.method} ${c.req.path}` } }, 404)
  )

  // 8. The single HTTP error mapper.
  app.onError((error, c) => {
    const requestIdValue = c.get("requestId") ?? null
    if (error instanceof HTTPException) {
      return c.json({ error: { code: "HTTP_ERROR", message: error.message, requestId: requestIdValue } }, error.status)
    }
    const ledgerError = asLedgerError(error)
    if (ledgerError !== null) {
      const row = ledgerErrorTable[ledgerError._tag]
      return c.json(
        { error: { code: row.code, ...encodeLedgerErrorJson(ledgerError), requestId: requestIdValue } },
        row.httpStatus
      )
    }
    logger.error("unhandled error", { requestId: requestIdValue, path: c.req.path, error })
    return c.json(
      { error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error", requestId: requestIdValue } },
      500
    )
  })

  return app
}
