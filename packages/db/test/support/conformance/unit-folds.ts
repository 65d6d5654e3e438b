/**
 * Store conformance, part of `../ledger-store-conformance.ts`. What a create unit folds into
 * statements it makes anyway (issue 14.3): a dialect record attached to an event is written by the
 * statement appending the event (linked to the event's customer and payment, dated at the event,
 * with the list columns it states, replacing a record under a taken key; the event itself stores
 * no trace of it), and `lockCustomerWith` answers with the locked customer whether it has unpaid
 * invoices or bills in its currency (`unpaidDocuments`), the dialect records a caller names that the
 * customer may see (`records`), its billing entity (`billingEntity`) and the documents a create pays
 * (`documents`); a create paying documents inserts its allocations in one statement (`allocations.insertAll`),
 * which also saves the documents' changes, and a balance entry's insert moves the customer's balance
 * (`balance.move`), each guarded by the version the ledger read.
 */
import { type BusinessDate, type DocumentId, LedgerStore, trustedId } from "@paybridge/core"
import { Cause, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import {
  at,
  newBillingEntity,
  newCustomer,
  newDocument,
  newEvent,
  newPayment,
  newPreset,
  unique
} from "../store-fixtures.ts"

export const describeUnitFolds = (db: DatabaseHarness): void => {
  describe("folds of a create unit", () => {
    it("writes a dialect record attached to an event in the statement that appends the event", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const kind = unique("kind")
          const occurredAt = at("2026-05-02T10:00:00.000Z")
          const event = (data: Record<string, unknown>) =>
            newEvent({ customerId: customer.id, paymentId: payment.id, entityId: payment.id, occurredAt, data })
          const appended = yield* s.events.appendAll([
            {
              ...event({ n: 1 }),
              attachedRecord: {
                dialect: "elevate",
                kind,
                key: String(payment.id),
                data: { type: "CHEQUE", n: 1 },
                listColumns: { date: "2026-05-31" as BusinessDate, flag: false, proformaId: null, invoiceId: null }
              }
            },
            event({ n: 2 })
          ])
          const first = yield* s.dialectRecords.getByKey("elevate", kind, String(payment.id))
          // A second attachment under the same key replaces the record's data.
          yield* s.events.appendAll([
            {
              ...event({ n: 3 }),
              attachedRecord: { dialect: "elevate", kind, key: String(payment.id), data: { type: "OTHER" } }
            }
          ])
          const second = yield* s.dialectRecords.getByKey("elevate", kind, String(payment.id))
          const events = yield* s.events.list({ paymentId: payment.id, cursor: null, limit: 10 })
          return { customer, payment, appended, first, second, events }
        })
      )
      expect(result.appended.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }])
      expect(result.appended[0]).not.toHaveProperty("attachedRecord")
      expect(result.first).toMatchObject({
        dialect: "elevate",
        customerId: result.customer.id,
        paymentId: result.payment.id,
        data: { type: "CHEQUE", n: 1 }
      })
      expect(result.first?.createdAt.toISOString()).toBe("2026-05-02T10:00:00.000Z")
      // Its list columns too (migration 20261206200000); a replacement stating none clears them.
      expect(result.first?.listColumns).toEqual({ date: "2026-05-31", flag: false, proformaId: null, invoiceId: null })
      expect(result.second?.id).toBe(result.first?.id)
      expect(result.second?.data).toEqual({ type: "OTHER" })
      expect(result.second?.listColumns).toBeUndefined()
      expect(result.events.items.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
    })

    it("stores nothing of an attached record when the transaction rolls back", async () => {
      const kind = unique("kind")
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const payment = yield* s.payments.insert(newPayment(customer.id))
          yield* Effect.exit(
            s.transaction(
              Effect.andThen(
                s.events.appendAll([
                  {
                    ...newEvent({ customerId: customer.id, paymentId: payment.id }),
                    attachedRecord: { dialect: "elevate", kind, key: "k", data: {} }
                  }
                ]),
                Effect.fail("rolled back" as const)
              )
            )
          )
          return yield* s.dialectRecords.getByKey("elevate", kind, "k")
        })
      )
      expect(result).toBeNull()
    })

    it("tells with the locked customer whether it has unpaid invoices or bills in its currency", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const locked = (id: typeof customer.id) =>
            s.transaction(s.lockCustomerWith({ id }, [], { unpaidDocuments: true }))
          const customer = yield* s.customers.insert(newCustomer())
          const none = yield* locked(customer.id)
          yield* s.documents.insert(newDocument(customer.id, { outstanding: 0n, allocated: 10_000n, state: "paid" }))
          yield* s.documents.insert(newDocument(customer.id, { kind: "proforma" }))
          yield* s.documents.insert(newDocument(customer.id, { currency: "USD" }))
          yield* s.documents.insert(newDocument(customer.id, { state: "cancelled" }))
          const onlyOthers = yield* locked(customer.id)
          yield* s.documents.insert(newDocument(customer.id, { kind: "bill" }))
          const unpaid = yield* locked(customer.id)
          const missing = yield* locked((customer.id + 999_999) as typeof customer.id)
          return { customer, none, onlyOthers, unpaid, missing }
        })
      )
      expect(result.none?.customer).toEqual(result.customer)
      expect(result.none?.hasUnpaidDocuments).toBe(false)
      expect(result.onlyOthers?.hasUnpaidDocuments).toBe(false)
      expect(result.unpaid?.hasUnpaidDocuments).toBe(true)
      expect(result.missing).toBeNull()
    })

    it("brings the dialect records a caller names that the customer may see, and its billing entity", async () => {
      const kind = unique("kind")
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const entity = yield* s.billingEntities.insert(newBillingEntity({ defaultCurrency: "USD" }))
          const customer = yield* s.customers.insert(newCustomer({ billingEntityId: entity.id }))
          const other = yield* s.customers.insert(newCustomer())
          const preset = yield* s.presets.insert(newPreset("method"))
          const record = (key: string, customerId: typeof customer.id | null) =>
            s.dialectRecords.insert({
              dialect: "crm-com",
              kind,
              key,
              customerId,
              paymentId: null,
              data: { name: key },
              createdAt: at("2026-05-02T10:00:00.000Z"),
              updatedAt: at("2026-05-02T10:00:00.000Z")
            })
          yield* record("shared", null)
          yield* record("own", customer.id)
          yield* record("others", other.id)
          const keys = ["shared", "own", "others", "missing"].map((key) => ({ dialect: "crm-com", kind, key }))
          const locked = yield* s.transaction(
            s.lockCustomerWith({ number: customer.number }, [preset.id], {
              records: keys,
              billingEntity: true,
              unpaidDocuments: true
            })
          )
          const plain = yield* s.transaction(
            s.lockCustomerWith({ id: other.id }, [], { records: keys, billingEntity: true })
          )
          return { entity, customer, preset, locked, plain }
        })
      )
      expect(result.locked?.customer).toEqual(result.customer)
      expect(result.locked?.presets.map((preset) => preset.id)).toEqual([result.preset.id])
      expect(result.locked?.records.map((record) => [record.key, record.data])).toEqual([
        ["shared", { name: "shared" }],
        ["own", { name: "own" }]
      ])
      expect(result.locked?.billingEntity).toEqual(result.entity)
      expect(result.locked?.hasUnpaidDocuments).toBe(false)
      expect(result.plain?.records.map((record) => record.key)).toEqual(["shared", "others"])
      expect(result.plain?.billingEntity).toBeNull()
    })
    it("brings the documents a create pays with the lock, of any customer, once each beside several presets", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const method = yield* s.presets.insert(newPreset("method"))
          const type = yield* s.presets.insert(newPreset("type"))
          const own = yield* s.documents.insert(newDocument(customer.id, { total: 2n ** 62n, outstanding: 2n ** 62n }))
          const foreign = yield* s.documents.insert(newDocument(other.id))
          const missing = trustedId<DocumentId>(own.id + foreign.id + 1000)
          const locked = yield* s.transaction(
            s.lockCustomerWith({ id: customer.id }, [method.id, type.id], {
              documents: [foreign.id, own.id, missing, own.id],
              unpaidDocuments: true
            })
          )
          const plain = yield* s.transaction(s.lockCustomerWith({ id: customer.id }, [], { documents: [own.id] }))
          return { customer, method, type, own, foreign, locked, plain }
        })
      )
      expect(result.locked?.customer).toEqual(result.customer)
      expect(result.locked?.documents).toEqual([result.own, result.foreign])
      expect(result.locked?.hasUnpaidDocuments).toBe(true)
      expect([...(result.locked?.presets ?? [])].map((preset) => preset.id).sort((a, b) => a - b)).toEqual(
        [result.method.id, result.type.id].sort((a, b) => a - b)
      )
      expect(result.plain?.documents).toEqual([result.own])
      expect(result.plain?.presets).toEqual([])
    })

    it("reads several documents in one statement and inserts a payment's allocations in one, ids in the order given", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const first = yield* s.documents.insert(newDocument(customer.id))
          const second = yield* s.documents.insert(
            newDocument(customer.id, { total: 2n ** 62n, outstanding: 2n ** 62n })
          )
          const read = yield* s.documents.getMany([
            second.id,
            first.id,
            second.id,
            trustedId(first.id + second.id + 1000)
          ])
          const none = yield* s.documents.getMany([])
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const createdAt = at("2026-05-03T09:00:00.000Z")
          const inserted = yield* s.allocations.insertAll([
            { paymentId: payment.id, documentId: second.id, amount: 2n ** 62n - 1n, booked: true, createdAt },
            { paymentId: payment.id, documentId: first.id, amount: 5n, booked: false, createdAt },
            { paymentId: payment.id, documentId: second.id, amount: 1n, booked: true, createdAt }
          ])
          const stored = yield* s.allocations.listByPayment(payment.id)
          return { first, second, read, none, inserted, stored }
        })
      )
      expect(result.read).toEqual([result.first, result.second])
      expect(result.none).toEqual([])
      expect(result.inserted.map((row) => [row.documentId, row.amount, row.booked])).toEqual([
        [result.second.id, 2n ** 62n - 1n, true],
        [result.first.id, 5n, false],
        [result.second.id, 1n, true]
      ])
      expect(result.stored).toEqual(result.inserted)
    })

    it("saves the documents' changes with the allocations' insert, guarded by the versions read", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const first = yield* s.documents.insert(newDocument(customer.id))
          const second = yield* s.documents.insert(
            newDocument(customer.id, { total: 2n ** 62n, outstanding: 2n ** 62n })
          )
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const createdAt = at("2026-05-03T09:00:00.000Z")
          const booked = { paymentId: payment.id, booked: true, createdAt }
          // The second document taken twice (one change for both rows), the first paid in full.
          const inserted = yield* s.allocations.insertAll(
            [
              { ...booked, documentId: second.id, amount: 2n ** 61n },
              { ...booked, documentId: first.id, amount: 10_000n },
              { ...booked, documentId: second.id, amount: 1n }
            ],
            [
              {
                row: { ...second, allocated: 2n ** 61n + 1n, outstanding: 2n ** 61n - 1n, updatedAt: createdAt },
                expectedVersion: second.version
              },
              {
                row: { ...first, allocated: 10_000n, outstanding: 0n, state: "paid", updatedAt: createdAt },
                expectedVersion: first.version
              }
            ]
          )
          // A change computed from a version the document has left: refused, nothing inserted or changed.
          const stale = yield* Effect.exit(
            s.allocations.insertAll(
              [{ ...booked, documentId: second.id, amount: 1n }],
              [{ row: { ...second, allocated: 1n, outstanding: 2n ** 62n - 1n }, expectedVersion: second.version }]
            )
          )
          return {
            first,
            second,
            inserted,
            stale,
            stored: yield* s.allocations.listByPayment(payment.id),
            firstBack: yield* s.documents.get(first.id),
            secondBack: yield* s.documents.get(second.id)
          }
        })
      )
      expect(result.firstBack).toEqual({
        ...result.first,
        allocated: 10_000n,
        outstanding: 0n,
        state: "paid",
        updatedAt: at("2026-05-03T09:00:00.000Z"),
        version: result.first.version + 1
      })
      expect(result.secondBack).toEqual({
        ...result.second,
        allocated: 2n ** 61n + 1n,
        outstanding: 2n ** 61n - 1n,
        state: "issued",
        updatedAt: at("2026-05-03T09:00:00.000Z"),
        version: result.second.version + 1
      })
      expect(Exit.isFailure(result.stale) && Cause.squash(result.stale.cause)).toMatchObject({
        _tag: "Conflict",
        reason: "concurrent-modification"
      })
      expect(result.stored).toEqual(result.inserted)
    })

    it("moves the customer's balance with the balance entry's insert, guarded by the version read", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const entry = {
            customerId: customer.id,
            kind: "payment-posted" as const,
            delta: 2n ** 62n,
            balanceAfter: 2n ** 62n,
            paymentId: null,
            documentId: null,
            refundId: null,
            reversalId: null,
            description: "moved",
            occurredAt: at("2026-05-04T10:00:00.000Z")
          }
          const moved = yield* s.balance.move(entry, customer.version)
          const afterFirst = yield* s.customers.get(customer.id)
          // From the version read before the first movement: refused, no entry appended, the balance kept.
          const stale = yield* Effect.exit(s.balance.move({ ...entry, balanceAfter: 1n }, customer.version))
          const again = yield* s.balance.move(
            { ...entry, delta: -1n, balanceAfter: 2n ** 62n - 1n, occurredAt: at("2026-05-04T11:00:00.000Z") },
            customer.version + 1
          )
          return {
            customer,
            moved,
            afterFirst,
            stale,
            again,
            back: yield* s.customers.get(customer.id),
            entries: yield* s.balance.list(customer.id, { cursor: null, limit: 10 })
          }
        })
      )
      expect(result.afterFirst).toEqual({
        ...result.customer,
        balance: 2n ** 62n,
        updatedAt: at("2026-05-04T10:00:00.000Z"),
        version: result.customer.version + 1
      })
      expect(Exit.isFailure(result.stale) && Cause.squash(result.stale.cause)).toMatchObject({
        _tag: "Conflict",
        reason: "concurrent-modification"
      })
      expect(result.back).toEqual({
        ...result.customer,
        balance: 2n ** 62n - 1n,
        updatedAt: at("2026-05-04T11:00:00.000Z"),
        version: result.customer.version + 2
      })
      expect(result.entries.items).toEqual([result.moved, result.again])
      expect(result.entries.items.map((item) => [item.sequence, item.balanceAfter])).toEqual([
        [1, 2n ** 62n],
        [2, 2n ** 62n - 1n]
      ])
    })
  })
}
