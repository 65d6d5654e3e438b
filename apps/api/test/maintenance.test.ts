/**
 * The purge schedule, with a pinned clock and a short interval: idempotency keys are kept at
 * least `IDEMPOTENCY_RETENTION` (never less than 24 hours) and replay until then; once older they
 * are deleted on the next scheduled run, after which the same key makes a new payment; expired
 * session and refresh tokens — the console's and the dialects', all in the database — are deleted
 * on the same schedule, live ones kept.
 */
import { makeSessionStore } from "@paybridge/adapter-kit"
import { withIdempotencyKey } from "@paybridge/client"
import { Authenticator } from "@paybridge/core"
import { Duration, Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadConfig } from "../src/config.ts"
import { startMaintenance } from "../src/maintenance.ts"
import { startSqliteTestServer } from "./support/cross-protocol.ts"
import type { TestServer } from "./support/test-server.ts"

let server: TestServer
beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-maintenance-")
})
afterAll(async () => {
  await server?.close()
})

const hours = (count: number) => count * 3600_000

describe("scheduled purge", () => {
  it("keeps idempotency keys for the retention, then purges them on schedule; drops expired console sessions", async () => {
    const finance = server.clientAs("finance")
    const customer = await finance.customers.create.mutate({ name: "Retained Ltd", currency: "EUR" })
    const create = (key: string) =>
      finance.payments.create.mutate(
        { customerId: customer.id, amount: "5.00", reference: key, paymentDate: "2026-03-01" },
        withIdempotencyKey(key)
      )
    const first = await create("purge-key-1")
    await create("purge-key-2")

    let clock = Date.now()
    const sessions = makeSessionStore({
      scope: "admin-console",
      ttlSeconds: 1800,
      now: () => clock,
      sweepIntervalSeconds: 86_400
    })
    const dialectSessions = makeSessionStore({
      scope: "crm-com",
      ttlSeconds: 900,
      refreshTtlSeconds: 3600,
      now: () => clock,
      sweepIntervalSeconds: 86_400
    })
    const grant = await server.runtime.runPromise(
      Authenticator.use((auth) =>
        Effect.gen(function* () {
          const user = yield* auth.createUser({
            email: "ops@example.com",
            name: "Ops",
            role: "admin",
            password: "correct horse"
          })
          return yield* auth.sessionForPassword(user.email, "correct horse")
        })
      )
    )
    await server.runtime.runPromise(sessions.issue(grant))
    const dialectToken = (await server.runtime.runPromise(dialectSessions.issue(grant))).token
    const runs: Array<Record<string, unknown>> = []
    const maintenance = startMaintenance({
      runtime: server.runtime,
      config: { idempotencyRetention: Duration.hours(24), purgeInterval: Duration.millis(50) },
      log: (_level, message, fields) => runs.push({ message, ...fields }),
      now: () => clock
    })
    try {
      // 23 hours on: nothing is old enough, and the key still replays.
      clock += hours(23)
      const live = await server.runtime.runPromise(sessions.issue(grant))
      // The console session, the dialect session and its refresh token are over.
      expect(await maintenance.runOnce()).toEqual({ idempotencyKeys: 0, sessions: 3 })
      const stillLive = await server.runtime.runPromise(sessions.resolve(live.token))
      expect(stillLive.name).toBe("Ops")
      const gone = await server.runtime.runPromiseExit(dialectSessions.resolve(dialectToken))
      expect(gone._tag).toBe("Failure")
      expect((await create("purge-key-1")).payment.id).toBe(first.payment.id)

      // 25 hours on: the next scheduled run deletes both keys.
      clock += hours(2)
      const deadline = Date.now() + 5_000
      while (!runs.some((run) => run.idempotencyKeys === 2) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(runs.find((run) => run.idempotencyKeys === 2)).toMatchObject({
        message: "purged expired idempotency keys and sessions",
        createdBefore: new Date(clock - hours(24)).toISOString()
      })
      // The key is gone: the same request is a new payment now.
      expect((await create("purge-key-1")).payment.id).not.toBe(first.payment.id)
    } finally {
      maintenance.stop()
    }
  })

  it("refuses an idempotency retention under 24 hours", async () => {
    const result = await Effect.runPromise(Effect.result(loadConfig({ IDEMPOTENCY_RETENTION: "6 hours" })))
    expect(result._tag).toBe("Failure")
    if (result._tag === "Failure")
      expect(result.failure.message).toContain("IDEMPOTENCY_RETENTION must be at least 24 hours")
    const fine = await Effect.runPromise(
      loadConfig({ IDEMPOTENCY_RETENTION: "48 hours", IDEMPOTENCY_PURGE_INTERVAL: "10 minutes" })
    )
    expect(Duration.toHours(fine.idempotencyRetention)).toBe(48)
    expect(Duration.toMinutes(fine.purgeInterval)).toBe(10)
  })
})
