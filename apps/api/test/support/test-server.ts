/**
 * A real Paybridge server for tests: the production runtime and Hono app on a given database,
 * listening on 127.0.0.1 with a free port (`@hono/node-server`, port 0), with one user (and API
 * key) per role and the access log captured in memory. Tests talk to it over HTTP only, through
 * `@paybridge/client` or `fetch`.
 */
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import type { Dialect } from "@paybridge/adapter-kit"
import { createPaybridgeClient, type PaybridgeClient } from "@paybridge/client"
import { Authenticator, type Role } from "@paybridge/core"
import { Effect } from "effect"
import { type AppRuntime, createApp } from "../../src/app.ts"
import { loadConfig } from "../../src/config.ts"
import { collectingLogger } from "../../src/logger.ts"
import { telemetryLayer } from "../../src/observability.ts"
import { openRuntime } from "../../src/runtime.ts"

export interface TestServer {
  readonly url: string
  readonly runtime: AppRuntime
  /** Every log entry the server wrote: `msg`, `level`, `time` and the entry's annotations, flat. */
  readonly logs: ReadonlyArray<Record<string, unknown>>
  readonly apiKeys: Readonly<Record<Role, string>>
  /** A client authenticated as a user with this role. */
  readonly clientAs: (role: Role) => PaybridgeClient
  readonly close: () => Promise<void>
}

export interface TestServerOptions {
  /** Dialects to mount instead of the server's list. */
  readonly dialects?: ReadonlyArray<Dialect>
  /** Extra environment variables (e.g. `DIALECT_BASE_PATHS`). */
  readonly env?: Readonly<Record<string, string>>
}

export const startTestServer = async (databaseUrl: string, options: TestServerOptions = {}): Promise<TestServer> => {
  const config = await Effect.runPromise(
    loadConfig({
      // Tests take card payments through the deterministic test gateway unless they say otherwise.
      PAYBRIDGE_TEST_GATEWAY: "1",
      ...options.env,
      DATABASE_URL: databaseUrl,
      PORT: "0",
      LOG_LEVEL: "info"
    })
  )
  const logs: Array<Record<string, unknown>> = []
  const logger = collectingLogger((entry) =>
    logs.push({ time: entry.timestamp, level: entry.level.toLowerCase(), msg: entry.message, ...entry.annotations })
  )
  const runtime = await openRuntime(config, telemetryLayer(config, { logger }))
  const app = createApp({
    runtime,
    config,
    ...(options.dialects === undefined ? {} : { dialects: options.dialects })
  })

  const roles: ReadonlyArray<Role> = ["admin", "finance", "read-only"]
  const apiKeys = Object.fromEntries(
    await runtime.runPromise(
      Effect.forEach(roles, (role) =>
        Effect.gen(function* () {
          const auth = yield* Authenticator
          const user = yield* auth.createUser({ email: `${role}@test.paybridge.invalid`, name: `Test ${role}`, role })
          const { apiKey } = yield* auth.issueApiKey({ userId: user.id })
          return [role, apiKey] as const
        })
      )
    )
  ) as Record<Role, string>

  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" })
  await new Promise<void>((resolve) => server.once("listening", () => resolve()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    runtime,
    logs,
    apiKeys,
    clientAs: (role) => createPaybridgeClient(url, { apiKey: apiKeys[role] }),
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
      await runtime.dispose()
    }
  }
}
