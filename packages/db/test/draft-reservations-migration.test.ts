/**
 * The draft-reservations data migration (20261203100100) on SQLite and PostgreSQL: allocations
 * that draft and pending payments booked before drafts only reserved (simulated by booking them
 * and un-recording the migration) become reservations, and the documents they touched get their
 * allocated/outstanding amounts and state back from the booked allocations alone; a posted
 * payment's allocations and documents stay as they were.
 */
import { LedgerStore } from "@paybridge/core"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Database, openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { at, newCustomer, newDocument, newPayment } from "./support/store-fixtures.ts"

const migration = "Migration20261203100100DraftReservations"

const scenario = async (url: string) => {
  const runtime = ManagedRuntime.make(openDatabase({ url }))
  try {
    const seeded = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        return yield* s.transaction(
          Effect.gen(function* () {
            const customer = yield* s.customers.insert(newCustomer())
            // Booked as the ledger used to: the draft's 60.00 counted on the shared invoice.
            const shared = yield* s.documents.insert(
              newDocument(customer.id, { total: 10_000n, allocated: 10_000n, outstanding: 0n, state: "paid" })
            )
            const other = yield* s.documents.insert(
              newDocument(customer.id, { total: 5_000n, allocated: 5_000n, outstanding: 0n, state: "paid" })
            )
            const draft = yield* s.payments.insert(
              newPayment(customer.id, {
                state: "draft",
                amount: 6_000n,
                allocatedAmount: 6_000n,
                postedOn: null,
                postedAt: null
              })
            )
            const posted = yield* s.payments.insert(
              newPayment(customer.id, { amount: 9_000n, allocatedAmount: 9_000n })
            )
            const reserved = yield* s.allocations.insert({
              paymentId: draft.id,
              documentId: shared.id,
              amount: 6_000n,
              booked: true,
              createdAt: at("2026-04-15T10:00:00.000Z")
            })
            const kept = yield* s.allocations.insert({
              paymentId: posted.id,
              documentId: shared.id,
              amount: 4_000n,
              booked: true,
              createdAt: at("2026-04-15T10:00:00.000Z")
            })
            const keptOther = yield* s.allocations.insert({
              paymentId: posted.id,
              documentId: other.id,
              amount: 5_000n,
              booked: true,
              createdAt: at("2026-04-15T10:00:00.000Z")
            })
            return { shared, other, reserved, kept, keptOther }
          })
        )
      })
    )
    const applied = await runtime.runPromise(
      Effect.gen(function* () {
        const database = yield* Database
        const em = database.orm.em.fork()
        yield* Effect.promise(() => em.execute(`delete from mikro_orm_migrations where name = '${migration}'`))
        const migrated = yield* Effect.promise(() => database.orm.migrator.up())
        return migrated.map((row) => row.name)
      })
    )
    const after = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        return {
          shared: yield* s.documents.get(seeded.shared.id),
          other: yield* s.documents.get(seeded.other.id),
          reserved: yield* s.allocations.get(seeded.reserved.id),
          kept: yield* s.allocations.get(seeded.kept.id),
          keptOther: yield* s.allocations.get(seeded.keptOther.id)
        }
      })
    )
    expect(applied).toEqual([migration])
    expect(after.reserved?.booked).toBe(false)
    expect([after.kept?.booked, after.keptOther?.booked]).toEqual([true, true])
    expect(after.shared).toMatchObject({ allocated: 4_000n, outstanding: 6_000n, state: "issued" })
    expect(after.shared?.version).toBe(seeded.shared.version + 1)
    expect(after.other).toEqual(seeded.other)
  } finally {
    await runtime.dispose()
  }
}

describe("draft-reservations migration", () => {
  it("turns drafts' booked allocations into reservations on SQLite", () => scenario("sqlite::memory:"))

  const databases: Array<{ drop: () => Promise<void> }> = []
  afterAll(async () => {
    for (const database of databases) await database.drop()
  })

  it("turns drafts' booked allocations into reservations on PostgreSQL", async () => {
    const database = await createPostgresTestDatabase()
    databases.push(database)
    await scenario(database.url)
  })
})
