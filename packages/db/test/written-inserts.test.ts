/**
 * The inserts every create runs, written out (`store/written-inserts.ts`): each statement the store
 * sends for a balance entry (with and without the customer's version) and for a command's events
 * (with no attached record, one on the first row, one on a later row) is the statement MikroORM's
 * insert of the same rows sends — the same text and the same bound values — on SQLite and
 * PostgreSQL (both statements are run, each in a transaction rolled back, under the statement log;
 * SQLite's identifiers are quoted with double quotes where MikroORM writes backticks).
 */
import { raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import { type BalanceEntry, type CustomerId, type LedgerEvent, LedgerStore, type New } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { BalanceEntryEntity } from "../src/entities/balance-entry.entity.ts"
import { LedgerEventEntity } from "../src/entities/ledger-event.entity.ts"
import { Database } from "../src/index.ts"
import { balanceEntryToRow } from "../src/mappers/balance-entry.mapper.ts"
import { ledgerEventToRow } from "../src/mappers/ledger-event.mapper.ts"
import { appendEntryOn, appendEventsOn } from "../src/store/written-inserts.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { attachStatementLog } from "../src/testing/statement-log.ts"
import { useDatabase } from "./support/database-harness.ts"
import { newCustomer } from "./support/store-fixtures.ts"

const open = {
  sqlite: async () => ({ url: "sqlite::memory:", remove: async () => {} }),
  postgres: async () => {
    const database = await createPostgresTestDatabase()
    return { url: database.url, remove: database.drop }
  }
}

const entryOf = (customerId: CustomerId): Omit<New<BalanceEntry>, "sequence"> => ({
  customerId,
  kind: "payment-posted",
  delta: 1234n,
  balanceAfter: 99_999_999_999_999n,
  paymentId: null,
  documentId: null,
  refundId: null,
  reversalId: null,
  description: "payment 17 posted",
  occurredAt: new Date("2026-04-15T10:11:12.131Z")
})

const eventOf = (customerId: CustomerId, type: LedgerEvent["type"]): Omit<LedgerEvent, "id"> => ({
  type,
  entity: "payment",
  entityId: 5,
  customerId,
  paymentId: null,
  occurredAt: new Date("2026-04-15T10:11:12.131Z"),
  actorId: 0,
  actorName: "O'Brien",
  origin: "trpc",
  requestId: null,
  idempotencyKey: "k-1",
  data: { amount: "1234", nested: { list: [1, "two", null] } }
})
const record = { dialect: "crm-com", kind: "payment", key: "A1", data: { unit: "North" } }

describe.each(["sqlite", "postgres"] as const)("the written inserts on %s", (kind) => {
  const db = useDatabase(open[kind])

  /** The statements `work` sends, in a transaction rolled back. */
  const sent = (orm: Database["Service"]["orm"], work: (em: SqlEntityManager) => Promise<unknown>) =>
    Effect.promise(async () => {
      const log = attachStatementLog(orm)
      const em = orm.em.fork()
      await em.begin()
      try {
        const { tally } = await log.measure(() => work(em))
        // SQLite: MikroORM quotes identifiers with backticks, the written inserts with double quotes (both SQL).
        return tally.statements.map((statement) => ({
          sql: statement.sql.replaceAll("`", '"'),
          parameters: statement.parameters
        }))
      } finally {
        await em.rollback()
      }
    })

  it("sends what MikroORM's insert of the same rows sends", async () => {
    await db.run(
      Effect.gen(function* () {
        const { orm } = yield* Database
        const customer = yield* Effect.flatMap(LedgerStore, (store) => store.customers.insert(newCustomer()))
        const entry = entryOf(customer.id)
        const event = (type: LedgerEvent["type"]) => eventOf(customer.id, type)
        for (const customerVersion of [null, customer.version]) {
          const ours = yield* sent(orm, (em) => appendEntryOn(em, entry, customerVersion))
          const theirs = yield* sent(orm, (em) =>
            em
              .createQueryBuilder(BalanceEntryEntity)
              .insert({
                ...balanceEntryToRow({ ...entry, sequence: 0 }),
                sequence: raw(
                  "(select coalesce(max(be.sequence), 0) + 1 from balance_entries be where be.customer_id = ?)",
                  [entry.customerId]
                ) as unknown as number,
                ...(customerVersion === null ? {} : { customerVersion })
              })
              .returning(["id", "sequence"])
              .execute("all")
          )
          expect(ours).toEqual(theirs)
        }
        const batches = [
          [event("payment.created"), event("payment.posted")],
          [{ ...event("payment.created"), attachedRecord: record }, event("payment.posted")],
          [event("payment.created"), { ...event("payment.posted"), attachedRecord: record }]
        ]
        for (const events of batches) {
          const ours = yield* sent(orm, (em) => appendEventsOn(em, events, kind === "postgres"))
          const theirs = yield* sent(orm, (em) =>
            em
              .createQueryBuilder(LedgerEventEntity)
              .insert(events.map(ledgerEventToRow))
              .returning(["id"])
              .execute("all")
          )
          expect(ours).toEqual(theirs)
        }
      })
    )
  })

  it("moves a balance and appends events together: what the two statements write, in one on PostgreSQL", async () => {
    await db.run(
      Effect.gen(function* () {
        const store = yield* LedgerStore
        const customer = yield* store.customers.insert(newCustomer())
        const events = [
          { ...eventOf(customer.id, "payment.created"), attachedRecord: record },
          eventOf(customer.id, "payment.posted")
        ]
        const { orm } = yield* Database
        const log = attachStatementLog(orm)
        const { result: moved, tally } = yield* Effect.promise(() =>
          log.measure(() =>
            Effect.runPromise(
              store.transaction(store.balance.moveWithEvents(entryOf(customer.id), customer.version, events))
            )
          )
        )
        expect(tally.statements.length).toBe(kind === "postgres" ? 1 : 2)
        expect(moved.entry.sequence).toBe(1)
        expect(moved.events.map((event) => event.type)).toEqual(["payment.created", "payment.posted"])
        expect(moved.events[0]?.id).toBeLessThan(moved.events[1]?.id ?? 0)
        expect(yield* store.customers.get(customer.id)).toMatchObject({
          balance: entryOf(customer.id).balanceAfter,
          version: customer.version + 1
        })
        const listed = yield* store.events.list({ cursor: null, limit: 10, customerId: customer.id })
        expect(listed.items.filter((event) => event.type.startsWith("payment."))).toEqual(moved.events)
        expect(yield* store.dialectRecords.getByKey("crm-com", "payment", "A1")).toMatchObject({ data: record.data })
        // A customer moved since it was read: nothing is written.
        const refused = yield* Effect.flip(
          store.transaction(store.balance.moveWithEvents(entryOf(customer.id), customer.version, events))
        )
        expect(refused).toMatchObject({ _tag: "Conflict", reason: "concurrent-modification" })
      })
    )
  })
})
