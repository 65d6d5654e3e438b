/**
 * Health when the database goes away: readiness (`/health`, `/health/ready`) turns 503 with
 * `database: "down"` while liveness (`/health/live`) stays 200 — shown on a real PostgreSQL
 * database dropped under a running server. And a storage outage met while checking an API key
 * answers 503 SERVICE_UNAVAILABLE (retry later), not 401 or a generic 500 — shown with the
 * real store on SQLite in memory and an injected outage behind the production app and authenticator.
 */
import { authenticatorLayer } from "@paybridge/core"
import { createPostgresTestDatabase, testLedgerLayerWith } from "@paybridge/db/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { describe, expect, test } from "vitest"
import { createApp } from "../src/app.ts"
import { loadConfig } from "../src/config.ts"
import { startTestServer } from "./support/test-server.ts"

describe("health", () => {
  test("readiness follows the database, liveness does not (PostgreSQL database dropped under the server)", async () => {
    const database = await createPostgresTestDatabase()
    const server = await startTestServer(database.url)
    try {
      const healthy = await fetch(`${server.url}/health`)
      expect(healthy.status).toBe(200)
      expect(await healthy.json()).toEqual({
        status: "ok",
        database: "up",
        gateways: { stripe: [], testGateway: true }
      })

      await database.drop()
      for (const path of ["/health", "/health/ready"]) {
        const response = await fetch(`${server.url}${path}`)
        expect(response.status).toBe(503)
        expect(await response.json()).toMatchObject({ status: "unavailable", database: "down" })
      }
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200)
    } finally {
      await server.close()
      await database.drop()
    }
  })

  test("an API key check during a storage outage answers 503 SERVICE_UNAVAILABLE with the request id", async () => {
    let outage = false
    const runtime = ManagedRuntime.make(
      Layer.provideMerge(authenticatorLayer, testLedgerLayerWith({ faults: () => outage }))
    )
    const app = createApp({
      runtime,
      config: await Effect.runPromise(loadConfig({}))
    })
    try {
      outage = true
      const response = await app.request("/trpc/session.whoami", {
        headers: {
          Authorization: `Bearer pbk_abcdefghijkl_${"s".repeat(43)}`,
          "X-Request-Id": "outage-1"
        }
      })
      expect(response.status).toBe(503)
      expect(response.headers.get("x-request-id")).toBe("outage-1")
      expect(await response.json()).toMatchObject({
        error: { code: "SERVICE_UNAVAILABLE", _tag: "StorageUnavailable", requestId: "outage-1" }
      })
    } finally {
      await runtime.dispose()
    }
  })
})
