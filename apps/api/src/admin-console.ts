/**
 * The admin console's side of the server: its session tokens (password sign-in through
 * `session.signIn` yields a token that expires after 30 minutes without use; `/trpc` accepts it
 * as `Authorization: Bearer <token>` exactly like an API key), the host services its tRPC
 * procedures need (Authenticator, dialect catalogue with payment renderers, the generated
 * compatibility table), and the static files of the built React app (`apps/admin/dist`) served
 * under `/admin`, with every unknown path under it answered by `index.html` (client-side routes).
 */
import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { serveStatic } from "@hono/node-server/serve-static"
import {
  type Dialect,
  type DialectRunners,
  makeSessionStore,
  type SessionStore,
  stringifyJsonExact
} from "@paybridge/adapter-kit"
import { Authenticator } from "@paybridge/core"
import { type ConsoleDialect, type ConsoleHost, toTrpcError } from "@paybridge/trpc"
import { Cause, Effect, Exit } from "effect"
import { Hono } from "hono"
import type { AppRuntime } from "./app-runtime.ts"
import { repoRoot } from "./config.ts"

/** Where the console lives on the server. */
export const adminBasePath = "/admin"

/** Console sessions: 30 minutes, renewed on every use. */
export const adminSessionTtlSeconds = 30 * 60

export const makeAdminSessions = (): SessionStore =>
  makeSessionStore({ ttlSeconds: adminSessionTtlSeconds, sliding: true })

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
}

/** The host services of the console's tRPC procedures. */
export const makeConsoleHost = ({
  runtime,
  runners,
  sessions,
  dialects,
  basePaths
}: AdminConsoleOptions): ConsoleHost => {
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
            }
    }
  })
  return {
    runAuthenticator: (program) => runtime.runPromise(Authenticator.use(program).pipe(Effect.mapError(toTrpcError))),
    sessions: {
      // Only `session.signIn` issues console tokens, after a password check: the session derives from
      // that user, so it is re-checked (and its role re-read) on every request.
      issue: async (principal) => {
        if (principal.kind !== "user" || principal.id === 0) {
          throw new Error("console sessions are issued for password sign-ins only")
        }
        const issued = await Effect.runPromise(
          sessions.issue({ principal, origin: { kind: "user", userId: principal.id } })
        )
        return { token: issued.token, expiresAt: issued.expiresAt }
      },
      revoke: (token) => Effect.runPromise(sessions.revoke(token))
    },
    dialects: consoleDialects,
    compatibilityDocument: () => readFile(join(repoRoot, "docs", "compatibility.md"), "utf8")
  }
}

/** The built console under {@link adminBasePath}; a clear 503 page when it has not been built. */
export const adminStaticApp = (distDir: string): Hono => {
  const app = new Hono()
  const indexFile = join(distDir, "index.html")
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
