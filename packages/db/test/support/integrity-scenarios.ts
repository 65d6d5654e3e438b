/**
 * The integrity constraints of migration 20261203300000 (issue 15.5), the same scenarios on each
 * database: rows that break a foreign key or a money CHECK are refused when written directly in
 * SQL; the store answers a taken unique key and a missing reference with ledger errors; and the
 * migration, run on a database populated at the schema before it, keeps every row and id counter
 * — or, when some row already breaks a constraint, refuses with a message naming it and changes nothing.
 */
import {
  type Customer,
  type Document,
  LedgerStore,
  type Payment,
  PaymentId,
  type Refund,
  type Reversal
} from "@paybridge/core"
import { Cause, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { type LedgerStores, makeMikroOrmStores } from "../../src/ledger-stores.layer.ts"
import { type DatabaseDriver, type DatabaseTarget, initOrm, type LedgerOrm, migrateToLatest } from "../../src/orm.ts"
import {
  at,
  newBalanceEntry,
  newBillingEntity,
  newCustomer,
  newDocument,
  newEvent,
  newGateway,
  newPayment,
  newPreset,
  newRefund,
  unique
} from "./store-fixtures.ts"

/** A fresh, empty database of one driver, and how to remove it. */
export interface EmptyDatabase {
  readonly target: DatabaseTarget
  readonly remove: () => Promise<void>
}

/** The last migration before the integrity constraints: the "populated database" is at this schema. */
const beforeIntegrity = "Migration20261203290000PaymentReceivedAt"

type Rows = ReadonlyArray<Record<string, unknown>>

const sql = (orm: LedgerOrm, statement: string, params: ReadonlyArray<unknown> = []): Promise<Rows> =>
  orm.em.fork().execute(statement, [...params]) as Promise<Rows>

/** Opens `database`, runs `body`, closes it and removes the database. */
const withOrm = async <A>(
  open: () => Promise<EmptyDatabase>,
  body: (orm: LedgerOrm, driver: DatabaseDriver) => Promise<A>
): Promise<A> => {
  const database = await open()
  const orm = await initOrm(database.target)
  try {
    return await body(orm, database.target.driver)
  } finally {
    await orm.close(true)
    await database.remove()
  }
}

const storesOf = (orm: LedgerOrm, driver: DatabaseDriver): Promise<LedgerStores> =>
  Effect.runPromise(makeMikroOrmStores({ orm, driver }))

const runStore = <A, E>(stores: LedgerStores, effect: Effect.Effect<A, E, LedgerStore>): Promise<A> =>
  Effect.runPromise(Effect.provideService(effect, LedgerStore, stores.ledger))

const exitOf = <A, E>(stores: LedgerStores, effect: Effect.Effect<A, E, LedgerStore>) =>
  Effect.runPromise(Effect.exit(Effect.provideService(effect, LedgerStore, stores.ledger)))

/** Every kind of ledger row, linked as the ledger links them. */
const seedLedger = (s: LedgerStore["Service"]) =>
  Effect.gen(function* () {
    const entity = yield* s.billingEntities.insert(newBillingEntity())
    const gateway = yield* s.gateways.insert(newGateway())
    const method = yield* s.presets.insert(newPreset("method", { gatewayId: gateway.id }))
    const customer: Customer = yield* s.customers.insert(newCustomer({ billingEntityId: entity.id }))
    const invoice: Document = yield* s.documents.insert(
      newDocument(customer.id, { billingEntityId: entity.id, allocated: 2_000n, outstanding: 8_000n })
    )
    const credit = yield* s.documents.insert(
      newDocument(customer.id, { kind: "bill", relatedDocumentId: invoice.id, total: 500n, outstanding: 500n })
    )
    const payment: Payment = yield* s.payments.insert(
      newPayment(customer.id, {
        amount: 5_000n,
        allocatedAmount: 2_000n,
        reversedAmount: 1_000n,
        refundedAmount: 500n,
        methodId: method.id,
        gatewayId: gateway.id,
        billingEntityId: entity.id,
        externalRef: { system: "crm-com", id: unique("ext") }
      })
    )
    const kept = yield* s.allocations.insert({
      paymentId: payment.id,
      documentId: invoice.id,
      amount: 2_000n,
      booked: true,
      createdAt: at("2026-04-15T10:00:00.000Z")
    })
    // The newest allocation is deleted: its id must never be handed out again.
    const removed = yield* s.allocations.insert({
      paymentId: payment.id,
      documentId: credit.id,
      amount: 100n,
      booked: true,
      createdAt: at("2026-04-15T10:00:01.000Z")
    })
    yield* s.allocations.delete(removed.id)
    const reversal: Reversal = yield* s.reversals.insert({
      paymentId: payment.id,
      amount: 1_000n,
      effectiveDate: "2026-04-20",
      reversedAt: at("2026-04-20T00:00:00.000Z"),
      reason: "bounced",
      reinstatedAt: null
    })
    yield* s.collections.insert({
      paymentId: payment.id,
      method: "card",
      state: "collected",
      gatewayReference: "ch_1",
      failureReason: null,
      requestedAt: at("2026-04-15T10:00:00.000Z"),
      collectedAt: at("2026-04-15T10:00:05.000Z"),
      cancelledAt: null,
      failedAt: null
    })
    const refund: Refund = yield* s.refunds.insert(newRefund(payment.id, customer.id, { documentId: invoice.id }))
    yield* s.balance.append(newBalanceEntry(customer.id, { documentId: invoice.id, kind: "document-issued" }))
    yield* s.balance.append(
      newBalanceEntry(customer.id, {
        paymentId: payment.id,
        refundId: refund.id,
        reversalId: reversal.id,
        kind: "payment-reversed"
      })
    )
    yield* s.events.append(newEvent({ customerId: customer.id, paymentId: payment.id }))
    yield* s.dialectRecords.insert({
      dialect: "elevate",
      kind: "mandate",
      key: unique("m"),
      customerId: customer.id,
      paymentId: payment.id,
      data: { reference: "MD-1" },
      createdAt: at("2026-04-15T10:00:00.000Z"),
      updatedAt: at("2026-04-15T10:00:00.000Z")
    })
    return { customer, invoice, payment, kept, removed }
  })

const tables = [
  "billing_entities",
  "gateways",
  "payment_presets",
  "customers",
  "documents",
  "payments",
  "allocations",
  "reversals",
  "collections",
  "refunds",
  "balance_entries",
  "ledger_events",
  "dialect_records"
]

/** Every row of every ledger table, in id order, as the database returns it. */
/** Columns later migrations add (migrating to the latest adds them): left out of snapshots taken before. */
const laterColumns: Readonly<Record<string, ReadonlyArray<string>>> = { ledger_events: ["attached_record"] }

const snapshot = async (orm: LedgerOrm): Promise<Record<string, Rows>> => {
  const result: Record<string, Rows> = {}
  for (const table of tables) {
    const rows = await sql(orm, `select * from ${table} order by id`)
    const later = laterColumns[table] ?? []
    result[table] = rows.map((row) =>
      Object.fromEntries(Object.entries(row).filter(([column]) => !later.includes(column)))
    )
  }
  return result
}

/**
 * `after` with only the columns each table had in `before`: migrations after the integrity
 * constraints add columns (empty on existing rows), which the rows kept are compared without.
 */
const columnsOf = (after: Record<string, Rows>, before: Record<string, Rows>): Record<string, Rows> =>
  Object.fromEntries(
    Object.entries(after).map(([table, rows]) => {
      const columns = Object.keys(before[table]?.[0] ?? rows[0] ?? {})
      return [table, rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column]])))]
    })
  )

export const describeIntegrityConstraints = (open: () => Promise<EmptyDatabase>): void => {
  describe("rows written directly in SQL", () => {
    it("are refused when they break a foreign key or a money invariant, and nothing is stored", async () => {
      await withOrm(open, async (orm, driver) => {
        await migrateToLatest(orm, driver)
        const stores = await storesOf(orm, driver)
        const seeded = await runStore(stores, Effect.flatMap(LedgerStore, seedLedger))
        const before = await snapshot(orm)
        const customer = seeded.customer.id
        const payment = seeded.payment.id
        const now = "2026-05-01 00:00:00"
        const insertPayment = (columns: Record<string, unknown>) => {
          const row: Record<string, unknown> = {
            public_id: unique("P").slice(0, 32),
            reference_number: unique("R"),
            customer_id: customer,
            currency: "EUR",
            amount: 100,
            state: "posted",
            payment_date: "2026-05-01",
            reversed_amount: 0,
            allocated_amount: 0,
            refunded_amount: 0,
            custom_fields: "{}",
            origin: "sql",
            created_by: 0,
            created_at: now,
            updated_at: now,
            version: 1,
            ...columns
          }
          const names = Object.keys(row)
          return sql(
            orm,
            `insert into payments (${names.join(", ")}) values (${names.map(() => "?").join(", ")})`,
            names.map((name) => row[name])
          )
        }
        const refusals: Array<[string, () => Promise<unknown>]> = [
          ["a payment of a customer that does not exist", () => insertPayment({ customer_id: 987_654_321 })],
          ["a payment with a payment method that does not exist", () => insertPayment({ method_id: 987_654_321 })],
          ["a negative payment amount", () => insertPayment({ amount: -1 })],
          ["more allocated than the payment's amount", () => insertPayment({ allocated_amount: 101 })],
          ["a negative reversed amount", () => insertPayment({ reversed_amount: -5 })],
          ["more refunded than the payment's amount", () => insertPayment({ refunded_amount: 150 })],
          ["a currency code in lower case", () => insertPayment({ currency: "eur" })],
          ["a currency code with a digit", () => insertPayment({ currency: "E1R" })],
          [
            "an allocation of a payment that does not exist",
            () =>
              sql(orm, "insert into allocations (payment_id, document_id, amount, created_at) values (?, ?, ?, ?)", [
                987_654_321,
                seeded.invoice.id,
                100,
                now
              ])
          ],
          [
            "an allocation of zero",
            () =>
              sql(orm, "insert into allocations (payment_id, document_id, amount, created_at) values (?, ?, ?, ?)", [
                payment,
                seeded.invoice.id,
                0,
                now
              ])
          ],
          [
            "a document with a negative outstanding amount",
            () => sql(orm, "update documents set outstanding = -1 where id = ?", [seeded.invoice.id])
          ],
          [
            "a document allocated above its total",
            () => sql(orm, "update documents set allocated = total + 1 where id = ?", [seeded.invoice.id])
          ],
          [
            "a balance entry of a customer that does not exist",
            () =>
              sql(
                orm,
                "insert into balance_entries (customer_id, sequence, kind, delta, balance_after, occurred_at) values (?, ?, ?, ?, ?, ?)",
                [987_654_321, 1, "adjustment", 1, 1, now]
              )
          ],
          [
            "a refund of a payment that does not exist",
            () =>
              sql(
                orm,
                "insert into refunds (public_id, payment_id, customer_id, currency, amount, state, created_at) values (?, ?, ?, ?, ?, ?, ?)",
                [unique("F").slice(0, 32), 987_654_321, customer, "EUR", 100, "requested", now]
              )
          ],
          [
            "deleting a customer that payments refer to",
            () => sql(orm, "delete from customers where id = ?", [customer])
          ]
        ]
        // The same statement with valid values is stored: only the broken value is refused.
        await insertPayment({})
        const afterValid = await snapshot(orm)
        expect(afterValid.payments?.length).toBe((before.payments?.length ?? 0) + 1)
        const outcomes: Array<[string, string]> = []
        for (const [label, write] of refusals) {
          const outcome = await write().then(
            () => "stored",
            (error: unknown) =>
              /foreign key|check constraint|violates/i.test(String(error)) ? "refused by a constraint" : String(error)
          )
          outcomes.push([label, outcome])
        }
        expect(outcomes).toEqual(refusals.map(([label]) => [label, "refused by a constraint"]))
        expect(await snapshot(orm)).toEqual(afterValid)
      })
    })
  })

  describe("the store", () => {
    it("answers a unique key taken by another writer with Conflict and a missing reference with ValidationFailed", async () => {
      await withOrm(open, async (orm, driver) => {
        await migrateToLatest(orm, driver)
        const stores = await storesOf(orm, driver)
        const customer = await runStore(
          stores,
          Effect.flatMap(LedgerStore, (s) => s.customers.insert(newCustomer()))
        )
        const externalRef = { system: "crm-com", id: unique("ext") }
        // The ledger checks for the external reference before inserting; this is the insert of a
        // writer whose check ran before the other writer's row existed.
        await runStore(
          stores,
          Effect.flatMap(LedgerStore, (s) => s.payments.insert(newPayment(customer.id, { externalRef })))
        )
        const duplicate = await exitOf(
          stores,
          Effect.flatMap(LedgerStore, (s) => s.payments.insert(newPayment(customer.id, { externalRef })))
        )
        expect(Exit.isFailure(duplicate) && Cause.squash(duplicate.cause)).toMatchObject({
          _tag: "Conflict",
          reason: "concurrent-modification"
        })
        const orphan = await exitOf(
          stores,
          Effect.flatMap(LedgerStore, (s) =>
            s.allocations.insert({
              paymentId: PaymentId.make(987_654_321),
              documentId: customer.id as never,
              amount: 1n,
              booked: true,
              createdAt: at("2026-05-01T00:00:00.000Z")
            })
          )
        )
        expect(Exit.isFailure(orphan) && Cause.squash(orphan.cause)).toMatchObject({ _tag: "ValidationFailed" })
      })
    })
  })

  describe("migration 20261203300000 on a populated database", () => {
    it("keeps every row, every id counter and every index, then enforces the constraints", async () => {
      await withOrm(open, async (orm, driver) => {
        await orm.migrator.up({ to: beforeIntegrity })
        const stores = await storesOf(orm, driver)
        const seeded = await runStore(stores, Effect.flatMap(LedgerStore, seedLedger))
        const before = await snapshot(orm)
        expect((await migrateToLatest(orm, driver))[0]).toBe("Migration20261203300000IntegrityConstraints")
        expect(columnsOf(await snapshot(orm), before)).toEqual(before)
        // The deleted allocation's id is not reused.
        const next = await runStore(
          stores,
          Effect.flatMap(LedgerStore, (s) =>
            s.allocations.insert({
              paymentId: seeded.payment.id,
              documentId: seeded.invoice.id,
              amount: 1n,
              booked: true,
              createdAt: at("2026-05-01T00:00:00.000Z")
            })
          )
        )
        expect(next.id).toBeGreaterThan(seeded.removed.id)
        // Reads by the indexed keys still work, and the unique keys still hold.
        const again = await runStore(
          stores,
          Effect.flatMap(LedgerStore, (s) => s.payments.getByReferenceNumber(seeded.payment.referenceNumber))
        )
        expect(again?.id).toBe(seeded.payment.id)
        const sameNumber = await exitOf(
          stores,
          Effect.flatMap(LedgerStore, (s) => s.customers.insert({ ...newCustomer(), number: seeded.customer.number }))
        )
        expect(Exit.isFailure(sameNumber) && Cause.squash(sameNumber.cause)).toMatchObject({ _tag: "Conflict" })
        await expect(
          sql(orm, "update payments set allocated_amount = amount + 1 where id = ?", [seeded.payment.id])
        ).rejects.toThrow()
      })
    })

    it("refuses a database holding rows that break a constraint, names them, and changes nothing", async () => {
      await withOrm(open, async (orm, driver) => {
        await orm.migrator.up({ to: beforeIntegrity })
        const stores = await storesOf(orm, driver)
        await runStore(stores, Effect.flatMap(LedgerStore, seedLedger))
        const customer = await runStore(
          stores,
          Effect.flatMap(LedgerStore, (s) => s.customers.insert(newCustomer()))
        )
        const orphan = await runStore(
          stores,
          Effect.flatMap(LedgerStore, (s) => s.payments.insert(newPayment(customer.id, { amount: 700n })))
        )
        await sql(orm, "update payments set customer_id = ? where id = ?", [987_654_321, orphan.id])
        await sql(orm, "update payments set refunded_amount = amount + 1 where id = ?", [orphan.id])
        const before = await snapshot(orm)
        const failure = await migrateToLatest(orm, driver).then(
          () => null,
          (error: unknown) => (error instanceof Error ? error.message : String(error))
        )
        expect(failure).toContain("payments_customer_id_foreign: 1 row(s)")
        expect(failure).toContain("payments_refunded_amount_check: 1 row(s)")
        expect(failure).toContain("nothing was changed")
        expect(await snapshot(orm)).toEqual(before)
        const executed = (await orm.migrator.getExecuted()).map((migration) => migration.name)
        expect(executed.at(-1)).toBe(beforeIntegrity)
        // Once the rows are repaired the migration goes through.
        await sql(orm, "update payments set customer_id = ?, refunded_amount = 0 where id = ?", [
          customer.id,
          orphan.id
        ])
        expect((await migrateToLatest(orm, driver))[0]).toBe("Migration20261203300000IntegrityConstraints")
      })
    })
  })
}
