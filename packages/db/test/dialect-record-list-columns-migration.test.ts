/**
 * The dialect-record-list-columns migration (20261205400000) on a populated database, SQLite and
 * PostgreSQL: dialect records saved before it (simulated by saving them, then removing the new
 * columns and index and un-recording the migration) keep their data, and Silver's
 * `payment-attributes` records get their list columns from it (due date, visible, proforma and
 * invoice; a value of another type stays empty, a missing `visible` is true), while every other
 * record keeps none.
 */
import { type DialectRecord, LedgerStore } from "@paybridge/core"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Database, openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { at, newCustomer, newPayment } from "./support/store-fixtures.ts"

const migration = "Migration20261205400000DialectRecordListColumns"
const triggerMigration = "Migration20261206200000AttachedRecordListColumns"
/** A later migration's index on the list columns (20261209000000): dropped with them, made again after. */
const seekIndexMigration = "Migration20261209000000ListFlagSeekIndex"

const scenario = async (url: string) => {
  const runtime = ManagedRuntime.make(openDatabase({ url }))
  try {
    const seeded = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        return yield* s.transaction(
          Effect.gen(function* () {
            const customer = yield* s.customers.insert(newCustomer())
            const record = (dialect: string, kind: string, data: Record<string, unknown>) =>
              Effect.flatMap(s.payments.insert(newPayment(customer.id)), (payment) =>
                s.dialectRecords.insert({
                  dialect,
                  kind,
                  key: String(payment.id),
                  customerId: customer.id,
                  paymentId: payment.id,
                  data,
                  createdAt: at("2026-04-15T10:00:00.000Z"),
                  updatedAt: at("2026-04-15T10:00:00.000Z")
                })
              )
            return [
              yield* record("silver", "payment-attributes", {
                visible: false,
                dueDate: "2016-12-01",
                proformaId: 7,
                invoiceId: 8,
                silverCollectionId: null
              }),
              yield* record("silver", "payment-attributes", {
                visible: true,
                dueDate: null,
                proformaId: null,
                invoiceId: null,
                silverCollectionId: 3
              }),
              yield* record("silver", "payment-attributes", { dueDate: 20161201, proformaId: "7", invoiceId: -1 }),
              yield* record("silver", "document-payment", { paymentId: 1, dueDate: "2016-12-01", visible: false }),
              yield* record("elevate", "payment-attributes", { dueDate: "2016-12-01", visible: false })
            ]
          })
        )
      })
    )
    const applied = await runtime.runPromise(
      Effect.gen(function* () {
        const database = yield* Database
        const em = database.orm.em.fork()
        const run = (sql: string) => Effect.promise(() => em.execute(sql))
        // SQLite refuses to drop a column a trigger names: the attached-record trigger of migration
        // 20261206200000 goes first, and that migration runs again after this one.
        if (database.driver === "sqlite") yield* run("drop trigger ledger_events_attached_record")
        yield* run(`delete from mikro_orm_migrations where name = '${triggerMigration}'`)
        yield* run("drop index dialect_records_dialect_kind_customer_id_list_date_id_index")
        yield* run("drop index dialect_records_list_flag_seek_index")
        yield* run(`delete from mikro_orm_migrations where name = '${seekIndexMigration}'`)
        for (const column of ["list_date", "list_flag", "list_proforma_id", "list_invoice_id"]) {
          yield* run(`alter table dialect_records drop column ${column}`)
        }
        yield* run(`delete from mikro_orm_migrations where name = '${migration}'`)
        const migrated = yield* Effect.promise(() => database.orm.migrator.up())
        return migrated.map((row) => row.name)
      })
    )
    expect(applied).toEqual([migration, triggerMigration, seekIndexMigration])
    const after = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        return yield* Effect.forEach(seeded, (record) => s.dialectRecords.get(record.id))
      })
    )
    const withoutColumns = (record: DialectRecord | null) => {
      if (record === null) return null
      const { listColumns: _columns, ...rest } = record
      return rest
    }
    expect(after.map(withoutColumns)).toEqual(seeded)
    expect(after.map((record) => record?.listColumns ?? null)).toEqual([
      { date: "2016-12-01", flag: false, proformaId: 7, invoiceId: 8 },
      { date: null, flag: true, proformaId: null, invoiceId: null },
      { date: null, flag: true, proformaId: null, invoiceId: null },
      null,
      null
    ])
  } finally {
    await runtime.dispose()
  }
}

describe("dialect-record-list-columns migration", () => {
  it("adds the list columns to a populated SQLite database and fills Silver's attribute records", () =>
    scenario("sqlite::memory:"))

  const databases: Array<{ drop: () => Promise<void> }> = []
  afterAll(async () => {
    for (const database of databases) await database.drop()
  })

  it("adds the list columns to a populated PostgreSQL database and fills Silver's attribute records", async () => {
    const database = await createPostgresTestDatabase()
    databases.push(database)
    await scenario(database.url)
  })
})
