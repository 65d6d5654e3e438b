/**
 * The gateway-reconciler-backoff migration (20261204600000) on a populated database, SQLite and
 * PostgreSQL: gateway attempts booked before it (simulated by booking them, then removing the new
 * column and table and un-recording the migration) keep every field, come back with no `nextTryAt`
 * (due at once, as before), and the reconciler's lease can be taken, renewed and released after it.
 */
import { LedgerStore } from "@paybridge/core"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Database, openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { at, newCustomer, newGateway, newPayment } from "./support/store-fixtures.ts"

const migration = "Migration20261204600000GatewayReconcilerBackoff"

const scenario = async (url: string) => {
  const runtime = ManagedRuntime.make(openDatabase({ url }))
  try {
    const seeded = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        return yield* s.transaction(
          Effect.gen(function* () {
            const customer = yield* s.customers.insert(newCustomer())
            const gateway = yield* s.gateways.insert(newGateway())
            const payment = yield* s.payments.insert(
              newPayment(customer.id, { state: "pending", gatewayId: gateway.id, postedOn: null, postedAt: null })
            )
            const attempt = (key: string, state: "pending" | "approved") =>
              s.gatewayAttempts.insert({
                attemptKey: key,
                kind: "charge",
                gatewayId: gateway.id,
                customerId: customer.id,
                paymentId: payment.id,
                currency: payment.currency,
                amount: payment.amount,
                state,
                token: "tok_visa",
                chargeReference: null,
                reason: null,
                effectiveDate: null,
                documentId: null,
                gatewayReference: state === "approved" ? "pi_1" : null,
                message: null,
                reversalId: null,
                tries: 1,
                createdAt: at("2026-04-15T10:00:00.000Z"),
                sentAt: at("2026-04-15T10:00:01.000Z"),
                settledAt: state === "approved" ? at("2026-04-15T10:00:02.000Z") : null,
                nextTryAt: null,
                updatedAt: at("2026-04-15T10:00:02.000Z")
              })
            return [yield* attempt("pb_ch_old_1", "pending"), yield* attempt("pb_ch_old_2", "approved")]
          })
        )
      })
    )
    const applied = await runtime.runPromise(
      Effect.gen(function* () {
        const database = yield* Database
        const em = database.orm.em.fork()
        yield* Effect.promise(() => em.execute("alter table gateway_attempts drop column next_try_at"))
        yield* Effect.promise(() => em.execute("drop table leases"))
        yield* Effect.promise(() => em.execute(`delete from mikro_orm_migrations where name = '${migration}'`))
        const migrated = yield* Effect.promise(() => database.orm.migrator.up())
        return migrated.map((row) => row.name)
      })
    )
    expect(applied).toEqual([migration])
    const after = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        const now = at("2026-04-15T11:00:00.000Z")
        return {
          attempts: yield* Effect.forEach(seeded, (attempt) => s.gatewayAttempts.get(attempt.id)),
          due: (yield* s.gatewayAttempts.listDue(now, 10)).map((attempt) => attempt.attemptKey),
          taken: yield* s.leases.acquire("gateway-reconciler", "a", now, at("2026-04-15T11:01:00.000Z")),
          refused: yield* s.leases.acquire("gateway-reconciler", "b", now, at("2026-04-15T11:01:00.000Z")),
          renewed: yield* s.leases.acquire("gateway-reconciler", "a", now, at("2026-04-15T11:02:00.000Z")),
          released: yield* s.leases.release("gateway-reconciler", "a"),
          takenByOther: yield* s.leases.acquire("gateway-reconciler", "b", now, at("2026-04-15T11:01:00.000Z"))
        }
      })
    )
    expect(after.attempts).toEqual(seeded)
    expect(after.attempts.map((attempt) => attempt?.nextTryAt)).toEqual([null, null])
    expect(after.due).toEqual(["pb_ch_old_1"])
    expect([after.taken, after.refused, after.renewed, after.takenByOther]).toEqual([true, false, true, true])
  } finally {
    await runtime.dispose()
  }
}

describe("gateway-reconciler-backoff migration", () => {
  it("adds the back-off column and the lease table to a populated SQLite database", () => scenario("sqlite::memory:"))

  const databases: Array<{ drop: () => Promise<void> }> = []
  afterAll(async () => {
    for (const database of databases) await database.drop()
  })

  it("adds the back-off column and the lease table to a populated PostgreSQL database", async () => {
    const database = await createPostgresTestDatabase()
    databases.push(database)
    await scenario(database.url)
  })
})
