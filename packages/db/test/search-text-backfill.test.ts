/**
 * The search-text backfill (migration 20261122000100) on SQLite and PostgreSQL: customers and
 * payments written before `search_text` existed (simulated by blanking the column and un-recording
 * the backfill) become findable by a case-insensitive, non-ASCII search once the migration runs,
 * across more rows than one backfill batch.
 */
import { LedgerStore } from "@paybridge/core"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Database, openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { newCustomer, newPayment, unique } from "./support/store-fixtures.ts"

const backfill = "Migration20261122000100SearchTextBackfill"

const scenario = async (url: string) => {
  const runtime = ManagedRuntime.make(openDatabase({ url }))
  try {
    const tag = unique("bf").toLowerCase()
    const seeded = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        return yield* s.transaction(
          Effect.gen(function* () {
            const customers = []
            for (let i = 0; i < 520; i++) {
              customers.push(yield* s.customers.insert(newCustomer({ name: `ÉCOLE Müller ${i} ${tag}` })))
            }
            const first = customers[0]
            if (first === undefined) return yield* Effect.die("no customer")
            const payment = yield* s.payments.insert(newPayment(first.id, { gatewayReference: `Straße ${tag}` }))
            return { customers, payment }
          })
        )
      })
    )
    const applied = await runtime.runPromise(
      Effect.gen(function* () {
        const database = yield* Database
        const em = database.orm.em.fork()
        // As the rows were before the column existed: empty search text, backfill not yet run.
        yield* Effect.promise(() => em.execute("update customers set search_text = ''"))
        yield* Effect.promise(() => em.execute("update payments set search_text = ''"))
        yield* Effect.promise(() => em.execute(`delete from mikro_orm_migrations where name = '${backfill}'`))
        const migrated = yield* Effect.promise(() => database.orm.migrator.up())
        return migrated.map((migration) => migration.name)
      })
    )
    const found = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        const ids = seeded.customers.map((customer) => customer.id)
        const customers = yield* s.customers.list({ cursor: null, limit: 1000, search: `école müller`, ids })
        const last = yield* s.customers.list({ cursor: null, limit: 10, search: `müller 519 ${tag}`, ids })
        const payments = yield* s.payments.list({
          cursor: null,
          limit: 10,
          order: "id",
          customerId: seeded.payment.customerId,
          search: `STRASSE ${tag.toUpperCase()}`
        })
        return { customers: customers.items.length, last: last.items, payments: payments.items }
      })
    )
    expect(applied).toEqual([backfill])
    expect(found.customers).toBe(520)
    expect(found.last.map((customer) => customer.id)).toEqual([seeded.customers[519]?.id])
    expect(found.payments.map((payment) => payment.id)).toEqual([seeded.payment.id])
  } finally {
    await runtime.dispose()
  }
}

describe("search-text backfill", () => {
  it("makes rows written before it findable on SQLite", () => scenario("sqlite::memory:"))

  const databases: Array<{ drop: () => Promise<void> }> = []
  afterAll(async () => {
    for (const database of databases) await database.drop()
  })

  it("makes rows written before it findable on PostgreSQL", async () => {
    const database = await createPostgresTestDatabase()
    databases.push(database)
    await scenario(database.url)
  })
})
