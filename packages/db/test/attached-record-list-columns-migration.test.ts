/**
 * The attached-record-list-columns migration (20261206200000) on a populated database, SQLite and
 * PostgreSQL: a database migrated up to the trigger of 20261205500000 holds records that trigger
 * wrote (without list columns) and a Silver record saved with its list columns; after the migration
 * those rows are exactly as they were, the trigger still writes a record without list columns as
 * before, and now fills the list columns an attachment states (and replaces them, with the data,
 * under a taken key).
 */
import {
  type AttachedRecord,
  type BusinessDate,
  type CustomerId,
  type DocumentId,
  LedgerStore,
  type PaymentId
} from "@paybridge/core"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Database, openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { at, newCustomer, newEvent, newPayment } from "./support/store-fixtures.ts"

const previous = "Migration20261205500000EventAttachedRecords"
const migration = "Migration20261206200000AttachedRecordListColumns"

const scenario = async (url: string) => {
  const runtime = ManagedRuntime.make(openDatabase({ url, migrate: false }))
  try {
    // The schema as it was before this migration.
    const before = await runtime.runPromise(
      Effect.gen(function* () {
        const database = yield* Database
        return yield* Effect.promise(() => database.orm.migrator.up({ to: previous }))
      })
    )
    expect(before.at(-1)?.name).toBe(previous)
    // Rows written before it: two attached records (the old trigger: no list columns) and a Silver record with them.
    const attach = (paymentId: PaymentId, customerId: CustomerId, record: Omit<AttachedRecord, "key">) =>
      Effect.flatMap(LedgerStore, (s) =>
        s.events.appendAll([
          {
            ...newEvent({ customerId, paymentId, entityId: paymentId, occurredAt: at("2026-05-02T10:00:00.000Z") }),
            attachedRecord: { ...record, key: String(paymentId) }
          }
        ])
      )
    const seeded = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        const customer = yield* s.customers.insert(newCustomer())
        const payments = yield* Effect.forEach([1, 2, 3, 4], () => s.payments.insert(newPayment(customer.id)))
        const [p1, p2, p3, p4] = payments.map((payment) => payment.id)
        if (p1 === undefined || p2 === undefined || p3 === undefined || p4 === undefined) throw new Error("seed")
        const rows = yield* s.transaction(
          Effect.gen(function* () {
            yield* attach(p1, customer.id, { dialect: "elevate", kind: "payment", data: { type: "CHEQUE" } })
            yield* attach(p2, customer.id, {
              dialect: "silver",
              kind: "payment-attributes",
              data: { visible: false, dueDate: "2026-06-01" },
              listColumns: { date: "2026-06-01" as BusinessDate, flag: false, proformaId: null, invoiceId: null }
            })
            const saved = yield* s.dialectRecords.insert({
              dialect: "silver",
              kind: "payment-attributes",
              key: String(p3),
              customerId: customer.id,
              paymentId: p3,
              data: { visible: true, dueDate: "2016-12-01" },
              listColumns: { date: "2016-12-01" as BusinessDate, flag: true, proformaId: null, invoiceId: null },
              createdAt: at("2026-04-15T10:00:00.000Z"),
              updatedAt: at("2026-04-15T10:00:00.000Z")
            })
            const elevate = yield* s.dialectRecords.getByKey("elevate", "payment", String(p1))
            const silver = yield* s.dialectRecords.getByKey("silver", "payment-attributes", String(p2))
            return [elevate, silver, saved]
          })
        )
        return { customer, payments: { p1, p2, p3, p4 }, rows }
      })
    )
    // The trigger before this migration knew no list columns: the attachment's were not written.
    expect(seeded.rows[1]?.listColumns).toBeUndefined()

    const applied = await runtime.runPromise(
      Effect.gen(function* () {
        const database = yield* Database
        return (yield* Effect.promise(() => database.orm.migrator.up())).map((row) => row.name)
      })
    )
    // This migration first; any later ones run after it.
    expect(applied[0]).toBe(migration)

    const { customer, payments } = seeded
    const after = await runtime.runPromise(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        const kept = yield* Effect.forEach(seeded.rows, (record) =>
          record === null ? Effect.succeed(null) : s.dialectRecords.get(record.id)
        )
        // New attachments: without list columns (as before), with them, and replacing a record's under its key.
        yield* attach(payments.p4, customer.id, { dialect: "elevate", kind: "payment", data: { type: "CASH" } })
        yield* attach(payments.p4, customer.id, {
          dialect: "silver",
          kind: "payment-attributes",
          data: { visible: false, invoiceId: 8 },
          listColumns: {
            date: "2026-12-31" as BusinessDate,
            flag: false,
            proformaId: 7 as DocumentId,
            invoiceId: 8 as DocumentId
          }
        })
        yield* attach(payments.p3, customer.id, {
          dialect: "silver",
          kind: "payment-attributes",
          data: { visible: true, dueDate: null },
          listColumns: { date: null, flag: true, proformaId: null, invoiceId: null }
        })
        yield* attach(payments.p2, customer.id, {
          dialect: "silver",
          kind: "payment-attributes",
          data: { replaced: true }
        })
        const key = (dialect: string, kind: string, paymentId: PaymentId) =>
          s.dialectRecords.getByKey(dialect, kind, String(paymentId))
        const events = yield* s.events.list({ customerId: customer.id, cursor: null, limit: 20 })
        return {
          kept,
          elevate: yield* key("elevate", "payment", payments.p4),
          stated: yield* key("silver", "payment-attributes", payments.p4),
          replaced: yield* key("silver", "payment-attributes", payments.p3),
          cleared: yield* key("silver", "payment-attributes", payments.p2),
          events: events.items.length,
          database: yield* Database
        }
      })
    )
    expect(after.kept).toEqual(seeded.rows)
    expect(after.elevate).toMatchObject({ data: { type: "CASH" }, paymentId: payments.p4 })
    expect(after.elevate?.listColumns).toBeUndefined()
    expect(after.stated).toMatchObject({
      customerId: customer.id,
      paymentId: payments.p4,
      data: { visible: false, invoiceId: 8 },
      listColumns: { date: "2026-12-31", flag: false, proformaId: 7, invoiceId: 8 }
    })
    expect(after.replaced?.id).toBe(seeded.rows[2]?.id)
    expect(after.replaced?.listColumns).toEqual({ date: null, flag: true, proformaId: null, invoiceId: null })
    expect(after.replaced?.data).toEqual({ visible: true, dueDate: null })
    expect(after.cleared?.id).toBe(seeded.rows[1]?.id)
    expect(after.cleared?.data).toEqual({ replaced: true })
    expect(after.cleared?.listColumns).toBeUndefined()
    expect(after.events).toBe(6)
    // No event keeps its attachment.
    const left = await after.database.orm.em
      .fork()
      .execute("select count(*) as n from ledger_events where attached_record is not null")
    expect(Number((left[0] as { n: number | string }).n)).toBe(0)
  } finally {
    await runtime.dispose()
  }
}

describe("attached-record-list-columns migration", () => {
  it("replaces the attached-record trigger of a populated SQLite database: list columns written, rows kept", () =>
    scenario("sqlite::memory:"))

  const databases: Array<{ drop: () => Promise<void> }> = []
  afterAll(async () => {
    for (const database of databases) await database.drop()
  })

  it("replaces the attached-record trigger of a populated PostgreSQL database: list columns written, rows kept", async () => {
    const database = await createPostgresTestDatabase()
    databases.push(database)
    await scenario(database.url)
  })
})
