/**
 * The real Paybridge API for the end-to-end suite: the production runtime and Hono app (with the
 * server's dialects plus the Legacy Pay test dialect) on a fresh SQLite file in a temporary
 * directory, listening on a free port, serving the built console from `apps/admin/dist`, with one
 * password user per role and a fresh `PAYBRIDGE_SECRETS_KEY` (gateway secrets can be stored).
 */
import { randomBytes } from "node:crypto"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { serve } from "@hono/node-server"
import { collectingLogger, createApp, dialects, loadConfig, openRuntime, telemetryLayer } from "@paybridge/api"
// biome-ignore lint/style/noRestrictedImports: the e2e harness builds the real server; the console itself never imports server code
import { Authenticator, CommandContext, DialectRecords, type Role } from "@paybridge/core"
import { Effect } from "effect"
import { legacyPayDialect } from "./legacy-pay.dialect.ts"

export const adminDistDir = resolve(import.meta.dirname, "../../../dist")

export interface ConsoleServer {
  readonly url: string
  readonly users: Readonly<Record<Role, { readonly email: string; readonly password: string }>>
  /** Keeps a dialect record as a system process (`pnpm migrate`) would, e.g. a migration run. */
  readonly saveRecord: (record: {
    readonly dialect: string
    readonly kind: string
    readonly key: string
    readonly data: Readonly<Record<string, unknown>>
  }) => Promise<void>
  readonly close: () => Promise<void>
}

export const startConsoleServer = async (options: { readonly requireBuild?: boolean } = {}): Promise<ConsoleServer> => {
  if ((options.requireBuild ?? true) && !existsSync(join(adminDistDir, "index.html"))) {
    throw new Error(`the console is not built (${adminDistDir}); run \`pnpm --filter @paybridge/admin build\``)
  }
  const dataDir = mkdtempSync(join(tmpdir(), "paybridge-admin-e2e-"))
  const config = await Effect.runPromise(
    loadConfig({
      DATABASE_URL: `sqlite:${join(dataDir, "e2e.db")}`,
      PORT: "0",
      LOG_LEVEL: "error",
      ADMIN_DIST_DIR: adminDistDir,
      // Gateway secrets can be stored (the Gateways page), and a rotation is picked up quickly.
      PAYBRIDGE_SECRETS_KEY: randomBytes(32).toString("hex"),
      GATEWAY_SETTINGS_REFRESH: "200 millis"
    })
  )
  const runtime = await openRuntime(config, telemetryLayer(config, { logger: collectingLogger(() => undefined) }))
  const app = createApp({ runtime, config, dialects: [...dialects, legacyPayDialect] })
  const roles: ReadonlyArray<Role> = ["admin", "finance", "read-only"]
  const users = Object.fromEntries(
    roles.map((role) => [role, { email: `${role}@e2e.paybridge.invalid`, password: `${role}-password-1` }])
  ) as Record<Role, { email: string; password: string }>
  await runtime.runPromise(
    Effect.forEach(roles, (role) =>
      Authenticator.use((auth) =>
        auth.createUser({
          email: users[role].email,
          name: `E2E ${role}`,
          role,
          password: users[role].password
        })
      )
    )
  )
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" })
  await new Promise<void>((done) => server.once("listening", () => done()))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    users,
    saveRecord: async (record) => {
      await runtime.runPromise(
        DialectRecords.use((records) => records.saveDialectRecord({ ...record, data: { ...record.data } })).pipe(
          Effect.provide(CommandContext.system("migration"))
        )
      )
    },
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()))
      await runtime.dispose()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
