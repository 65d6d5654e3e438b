/**
 * The behaviour every `LedgerStore` implementation must show, as a list of named cases that any
 * test runner can register against any store layer (the in-memory store here, the SQLite and
 * PostgreSQL stores in `@paybridge/db`):
 *
 *   for (const check of ledgerStoreContract) it.effect(check.name, () => Effect.provide(check.run, layer))
 *
 * Each case starts from an empty store and uses only the port. Assertions use `node:assert`, so
 * this module does not depend on a test framework.
 */
import assert from "node:assert/strict"
import { Effect } from "effect"
import type { Payment } from "../model/records.ts"
import { LedgerStore } from "../ports/ledger-store.ts"
import { customerRow, documentRow, eventRow, paymentRow } from "./record-fixtures.ts"

export interface LedgerStoreContractCase {
  readonly name: string
  readonly run: Effect.Effect<void, unknown, LedgerStore>
}

const at = (iso: string) => new Date(iso)

class Rollback {
  readonly _tag = "Rollback"
}

const ids = <A extends { readonly id: number }>(rows: ReadonlyArray<A>) => rows.map((row) => row.id)

export const ledgerStoreContract: ReadonlyArray<LedgerStoreContractCase> = [
  {
    name: "round-trips records exactly: bigint amounts, dates, nulls, JSON fields",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const customer = yield* store.customers.insert(
        customerRow("100", {
          balance: -12345678901234567n,
          creditLimit: 99999999999999999n,
          email: "pay@example.com",
          externalRef: { system: "crm", id: "A-1" },
          customFields: { udf_region: "north", empty: "" }
        })
      )
      assert.deepStrictEqual(yield* store.customers.get(customer.id), customer)
      assert.strictEqual((yield* store.customers.getByNumber("100"))?.id, customer.id)
      assert.strictEqual((yield* store.customers.getByPublicId(customer.publicId))?.id, customer.id)
      assert.strictEqual((yield* store.customers.getByExternalRef({ system: "crm", id: "A-1" }))?.id, customer.id)
      assert.strictEqual(yield* store.customers.getByExternalRef({ system: "crm", id: "A-2" }), null)
      assert.strictEqual(yield* store.customers.get(customer.id + 1000), null)

      const payment = yield* store.payments.insert(
        paymentRow(customer.id, "7", {
          amount: 12345678901234567n,
          postedAt: at("2026-02-03T04:05:06.789Z"),
          sourceRecord: { id: 7, nested: { amount: "12.34", list: [1, "two", null] } },
          externalRef: { system: "silver", id: "p-7" }
        })
      )
      const stored = yield* store.payments.get(payment.id)
      assert.deepStrictEqual(stored, payment)
      assert.strictEqual(stored?.amount, 12345678901234567n)
      assert.strictEqual(stored?.postedAt?.toISOString(), "2026-02-03T04:05:06.789Z")
      assert.strictEqual((yield* store.payments.getByReferenceNumber("7"))?.id, payment.id)
      assert.strictEqual((yield* store.payments.getByExternalRef({ system: "silver", id: "p-7" }))?.id, payment.id)
    })
  },
  {
    name: "a failed transaction leaves nothing behind, sequences and balance entries included",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const customer = yield* store.customers.insert(customerRow("1"))
      const failed = yield* Effect.flip(
        store.transaction(
          Effect.gen(function* () {
            yield* store.lockCustomer(customer.id)
            yield* store.nextSequence("payment-number")
            yield* store.payments.insert(paymentRow(customer.id, "1"))
            yield* store.balance.append({
              customerId: customer.id,
              kind: "adjustment",
              delta: 5n,
              balanceAfter: 5n,
              paymentId: null,
              documentId: null,
              refundId: null,
              reversalId: null,
              description: null,
              occurredAt: at("2026-01-01T00:00:00.000Z")
            })
            yield* store.customers.update({ ...customer, balance: 5n }, customer.version)
            return yield* Effect.fail(new Rollback())
          })
        )
      )
      assert.ok(failed instanceof Rollback)
      assert.strictEqual(yield* store.payments.getByReferenceNumber("1"), null)
      assert.strictEqual((yield* store.balance.list(customer.id, { cursor: null, limit: 10 })).items.length, 0)
      assert.strictEqual((yield* store.customers.get(customer.id))?.balance, 0n)
      assert.strictEqual(yield* store.nextSequence("payment-number"), 1n)
    })
  },
  {
    name: "a nested transaction joins the outer one and commits with it",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const customer = yield* store.transaction(
        Effect.gen(function* () {
          const inner = yield* store.transaction(store.customers.insert(customerRow("2")))
          assert.strictEqual((yield* store.customers.get(inner.id))?.number, "2")
          return inner
        })
      )
      assert.strictEqual((yield* store.customers.get(customer.id))?.number, "2")
      const rolledBack = yield* Effect.flip(
        store.transaction(
          Effect.gen(function* () {
            yield* store.transaction(store.customers.insert(customerRow("3")))
            return yield* Effect.fail(new Rollback())
          })
        )
      )
      assert.ok(rolledBack instanceof Rollback)
      assert.strictEqual(yield* store.customers.getByNumber("3"), null)
    })
  },
  {
    name: "guarded updates bump the version and refuse a stale one",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const customer = yield* store.customers.insert(customerRow("4"))
      const updated = yield* store.customers.update({ ...customer, name: "Renamed" }, customer.version)
      assert.strictEqual(updated.version, customer.version + 1)
      assert.strictEqual((yield* store.customers.get(customer.id))?.name, "Renamed")
      const stale = yield* Effect.flip(store.customers.update({ ...customer, name: "Stale" }, customer.version))
      assert.strictEqual(stale._tag, "Conflict")
      assert.ok(stale._tag === "Conflict" && stale.reason === "concurrent-modification")
      assert.strictEqual((yield* store.customers.get(customer.id))?.name, "Renamed")

      const document = yield* store.documents.insert(documentRow(customer.id, "1"))
      const paid = yield* store.documents.update({ ...document, state: "paid", outstanding: 0n }, document.version)
      assert.strictEqual(paid.version, document.version + 1)
      const staleDocument = yield* Effect.flip(store.documents.update(document, document.version))
      assert.strictEqual(staleDocument._tag, "Conflict")
    })
  },
  {
    name: "sequences are gap-free per name; balance entries are numbered per customer",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const values = [
        yield* store.nextSequence("payment-reference"),
        yield* store.nextSequence("payment-reference"),
        yield* store.nextSequence("payment-number"),
        yield* store.nextSequence("payment-reference")
      ]
      assert.deepStrictEqual(values, [1n, 2n, 1n, 3n])
      const first = yield* store.customers.insert(customerRow("5"))
      const second = yield* store.customers.insert(customerRow("6"))
      const append = (customerId: number, delta: bigint, balanceAfter: bigint) =>
        store.balance.append({
          customerId,
          kind: "adjustment",
          delta,
          balanceAfter,
          paymentId: null,
          documentId: null,
          refundId: null,
          reversalId: null,
          description: "x",
          occurredAt: at("2026-01-01T00:00:00.000Z")
        })
      yield* append(first.id, 1n, 1n)
      yield* append(second.id, 5n, 5n)
      yield* append(first.id, -3n, -2n)
      const chain = (yield* store.balance.list(first.id, { cursor: null, limit: 10 })).items
      assert.deepStrictEqual(
        chain.map((entry) => [entry.sequence, entry.delta, entry.balanceAfter]),
        [
          [1, 1n, 1n],
          [2, -3n, -2n]
        ]
      )
      assert.deepStrictEqual(
        (yield* store.balance.list(second.id, { cursor: null, limit: 10 })).items.map((entry) => entry.sequence),
        [1]
      )
      const firstPage = yield* store.balance.list(first.id, { cursor: null, limit: 1 })
      assert.notStrictEqual(firstPage.nextCursor, null)
      const secondPage = yield* store.balance.list(first.id, { cursor: firstPage.nextCursor, limit: 1 })
      assert.deepStrictEqual(
        secondPage.items.map((entry) => entry.sequence),
        [2]
      )
      assert.strictEqual(secondPage.nextCursor, null)
    })
  },
  {
    name: "payment lists filter and page with keyset cursors in both orders",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const a = yield* store.customers.insert(customerRow("10"))
      const b = yield* store.customers.insert(customerRow("11", { currency: "USD" }))
      const p1 = yield* store.payments.insert(paymentRow(a.id, "1", { paymentDate: "2026-01-05" }))
      const p2 = yield* store.payments.insert(paymentRow(a.id, "2", { paymentDate: "2026-01-07", state: "draft" }))
      const p3 = yield* store.payments.insert(
        paymentRow(b.id, "3", {
          currency: "USD",
          paymentDate: "2026-01-07",
          reversedAmount: 500n,
          reversalDate: "2026-01-09",
          externalRef: { system: "logisense", id: "9" },
          methodId: 4
        })
      )
      const p4 = yield* store.payments.insert(
        paymentRow(a.id, "4", { paymentDate: "2026-01-01", createdAt: at("2026-02-01T00:00:00.000Z") })
      )
      const paging = { cursor: null, limit: 100 } as const
      const list = (query: Partial<Parameters<LedgerStore["Service"]["payments"]["list"]>[0]>) =>
        Effect.map(store.payments.list({ ...paging, order: "id", ...query }), (page) => ids(page.items))

      assert.deepStrictEqual(yield* list({ order: "newest" }), [p3.id, p2.id, p1.id, p4.id])
      assert.deepStrictEqual(yield* list({ customerId: a.id }), [p1.id, p2.id, p4.id])
      assert.deepStrictEqual(yield* list({ customerIds: [b.id] }), [p3.id])
      assert.deepStrictEqual(yield* list({ customerIds: [] }), [])
      assert.deepStrictEqual(yield* list({ states: ["draft"] }), [p2.id])
      assert.deepStrictEqual(yield* list({ currency: "USD" }), [p3.id])
      assert.deepStrictEqual(yield* list({ paymentDateFrom: "2026-01-05", paymentDateTo: "2026-01-06" }), [p1.id])
      assert.deepStrictEqual(yield* list({ reversal: "some" }), [p3.id])
      assert.deepStrictEqual(yield* list({ reversal: "none" }), [p1.id, p2.id, p4.id])
      assert.deepStrictEqual(yield* list({ reversalDateFrom: "2026-01-09", reversalDateTo: "2026-01-09" }), [p3.id])
      assert.deepStrictEqual(yield* list({ idAfter: p2.id }), [p3.id, p4.id])
      assert.deepStrictEqual(yield* list({ createdSince: at("2026-01-15T00:00:00.000Z") }), [p4.id])
      assert.deepStrictEqual(yield* list({ methodId: 4 }), [p3.id])
      assert.deepStrictEqual(yield* list({ externalSystem: "logisense" }), [p3.id])

      yield* store.events.append(
        eventRow({ type: "payment.reversed", paymentId: p1.id, occurredAt: at("2026-03-01T00:00:00.000Z") })
      )
      yield* store.events.append(
        eventRow({ type: "payment.posted", paymentId: p2.id, occurredAt: at("2026-03-01T00:00:00.000Z") })
      )
      yield* store.events.append(
        eventRow({ type: "payment.reversed", paymentId: p4.id, occurredAt: at("2026-01-01T00:00:00.000Z") })
      )
      assert.deepStrictEqual(
        yield* list({ eventSince: { types: ["payment.reversed"], since: at("2026-02-01T00:00:00.000Z") } }),
        [p1.id]
      )

      for (const order of ["newest", "id"] as const) {
        const all = yield* list({ order })
        const paged: Array<number> = []
        let cursor: string | null = null
        do {
          const page: { items: ReadonlyArray<Payment>; nextCursor: string | null } = yield* store.payments.list({
            cursor,
            limit: 3,
            order
          })
          paged.push(...ids(page.items))
          cursor = page.nextCursor
        } while (cursor !== null)
        assert.deepStrictEqual(paged, all, `paging in ${order} order`)
      }
      const exact = yield* store.payments.list({ cursor: null, limit: 4, order: "id" })
      assert.strictEqual(exact.nextCursor, null, "no cursor when the last page is exactly full")
    })
  },
  {
    name: "document, customer, refund and event lists honour their filters",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const a = yield* store.customers.insert(customerRow("20", { name: "Alpha Trading", email: "ops@alpha.test" }))
      const b = yield* store.customers.insert(customerRow("21", { name: "Beta", billingEntityId: 3 }))
      const d1 = yield* store.documents.insert(documentRow(a.id, "1", { issueDate: "2026-02-01" }))
      const d2 = yield* store.documents.insert(
        documentRow(a.id, "2", { issueDate: "2026-01-01", state: "paid", outstanding: 0n, allocated: 1000n })
      )
      const d3 = yield* store.documents.insert(documentRow(b.id, "1", { kind: "proforma", issueDate: "2026-01-15" }))
      const documents = (query: Partial<Parameters<LedgerStore["Service"]["documents"]["list"]>[0]>) =>
        Effect.map(store.documents.list({ cursor: null, limit: 100, order: "id", ...query }), (page) => ids(page.items))
      assert.deepStrictEqual(yield* documents({ order: "oldest" }), [d2.id, d3.id, d1.id])
      assert.deepStrictEqual(yield* documents({ unpaidOnly: true }), [d1.id, d3.id])
      assert.deepStrictEqual(yield* documents({ kinds: ["proforma"] }), [d3.id])
      assert.deepStrictEqual(yield* documents({ customerId: a.id, states: ["paid"] }), [d2.id])
      assert.deepStrictEqual(yield* documents({ customerIds: [b.id] }), [d3.id])
      assert.strictEqual((yield* store.documents.getByNumber("proforma", "1"))?.id, d3.id)

      const customers = (query: Partial<Parameters<LedgerStore["Service"]["customers"]["list"]>[0]>) =>
        Effect.map(store.customers.list({ cursor: null, limit: 100, ...query }), (page) => ids(page.items))
      assert.deepStrictEqual(yield* customers({ search: "alpha" }), [a.id])
      assert.deepStrictEqual(yield* customers({ search: "OPS@" }), [a.id])
      assert.deepStrictEqual(yield* customers({ billingEntityId: 3 }), [b.id])
      assert.deepStrictEqual(yield* customers({ ids: [b.id] }), [b.id])

      const payment = yield* store.payments.insert(paymentRow(a.id, "1"))
      const refundRow = {
        publicId: "R".padEnd(32, "0"),
        paymentId: payment.id,
        customerId: a.id,
        documentId: null,
        currency: "EUR",
        amount: 100n,
        state: "requested",
        reason: null,
        gatewayReference: null,
        createdAt: at("2026-01-01T00:00:00.000Z"),
        submittedAt: null,
        settledAt: null,
        cancelledAt: null,
        failedAt: null
      } as const
      const r1 = yield* store.refunds.insert(refundRow)
      const r2 = yield* store.refunds.insert({ ...refundRow, publicId: "S".padEnd(32, "0"), state: "settled" })
      const refunds = (query: Partial<Parameters<LedgerStore["Service"]["refunds"]["list"]>[0]>) =>
        Effect.map(store.refunds.list({ cursor: null, limit: 100, ...query }), (page) => ids(page.items))
      assert.deepStrictEqual(yield* refunds({ paymentId: payment.id }), [r1.id, r2.id])
      assert.deepStrictEqual(yield* refunds({ states: ["settled"] }), [r2.id])
      assert.deepStrictEqual(yield* refunds({ customerIds: [b.id] }), [])
      const updated = yield* store.refunds.update({
        ...r1,
        state: "cancelled",
        cancelledAt: at("2026-01-02T00:00:00Z")
      })
      assert.deepStrictEqual(yield* store.refunds.get(r1.id), updated)

      const e1 = yield* store.events.append(eventRow({ customerId: a.id, occurredAt: at("2026-01-01T00:00:00Z") }))
      const e2 = yield* store.events.append(
        eventRow({
          type: "customer.created",
          entity: "customer",
          customerId: b.id,
          occurredAt: at("2026-01-03T00:00:00Z")
        })
      )
      const e3 = yield* store.events.append(eventRow({ type: "gateway.created", entity: "gateway" }))
      const events = (query: Partial<Parameters<LedgerStore["Service"]["events"]["list"]>[0]>) =>
        Effect.map(store.events.list({ cursor: null, limit: 100, ...query }), (page) => ids(page.items))
      assert.deepStrictEqual(yield* events({}), [e1.id, e2.id, e3.id])
      assert.deepStrictEqual(yield* events({ types: ["customer.created"] }), [e2.id])
      assert.deepStrictEqual(yield* events({ since: at("2026-01-02T00:00:00Z"), customerId: b.id }), [e2.id])
      assert.deepStrictEqual(yield* events({ customerIds: [a.id, b.id] }), [e1.id, e2.id])
      const stored = (yield* store.events.list({ cursor: null, limit: 1 })).items[0]
      assert.deepStrictEqual(stored, e1)
    })
  },
  {
    name: "allocations, reversals and collections are listed per payment and document",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const customer = yield* store.customers.insert(customerRow("30"))
      const payment = yield* store.payments.insert(paymentRow(customer.id, "1"))
      const document = yield* store.documents.insert(documentRow(customer.id, "1"))
      const createdAt = at("2026-01-01T00:00:00.000Z")
      const first = yield* store.allocations.insert({
        paymentId: payment.id,
        documentId: document.id,
        amount: 1n,
        createdAt
      })
      const second = yield* store.allocations.insert({
        paymentId: payment.id,
        documentId: document.id,
        amount: 2n,
        createdAt
      })
      yield* store.allocations.delete(first.id)
      assert.deepStrictEqual(ids(yield* store.allocations.listByPayment(payment.id)), [second.id])
      assert.deepStrictEqual(ids(yield* store.allocations.listByDocument(document.id)), [second.id])
      assert.strictEqual(yield* store.allocations.get(first.id), null)

      const reversal = yield* store.reversals.insert({
        paymentId: payment.id,
        amount: 300n,
        effectiveDate: "2026-01-02",
        reversedAt: createdAt,
        reason: null,
        reinstatedAt: null
      })
      const reinstated = yield* store.reversals.update({ ...reversal, reinstatedAt: at("2026-01-03T00:00:00.000Z") })
      assert.deepStrictEqual(yield* store.reversals.listByPayment(payment.id), [reinstated])

      const collection = yield* store.collections.insert({
        paymentId: payment.id,
        method: "direct-debit",
        state: "requested",
        gatewayReference: null,
        failureReason: null,
        requestedAt: createdAt,
        collectedAt: null,
        cancelledAt: null,
        failedAt: null
      })
      const collected = yield* store.collections.update({ ...collection, state: "collected", collectedAt: createdAt })
      assert.deepStrictEqual(yield* store.collections.listByPayment(payment.id), [collected])
    })
  },
  {
    name: "idempotency claims: fresh, replay of the completed response, mismatch, purge",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const claim = (key: string, requestHash: string, principalId = 1) =>
        store.idempotency.claim({
          principalId,
          key,
          operation: "createPayment",
          requestHash,
          now: at("2026-01-01T00:00:00.000Z")
        })
      const response = { payment: { id: 1, amount: "1000" } }
      const claimAndComplete = (key: string, requestHash: string, principalId = 1) =>
        store.transaction(
          Effect.gen(function* () {
            const claimed = yield* claim(key, requestHash, principalId)
            if (claimed._tag === "Fresh") yield* store.idempotency.complete({ principalId, key, response })
            return claimed
          })
        )
      assert.deepStrictEqual(yield* claimAndComplete("k1", "h1"), { _tag: "Fresh" })
      assert.deepStrictEqual(yield* claimAndComplete("k1", "h1"), { _tag: "Replay", response })
      assert.deepStrictEqual(yield* claimAndComplete("k1", "h2"), { _tag: "Mismatch" })
      // Keys belong to a principal.
      assert.deepStrictEqual(yield* claimAndComplete("k1", "h2", 2), { _tag: "Fresh" })

      // A claim in a transaction that fails is forgotten.
      yield* Effect.flip(store.transaction(Effect.andThen(claim("k2", "h1"), Effect.fail(new Rollback()))))
      assert.deepStrictEqual(yield* claimAndComplete("k2", "h9"), { _tag: "Fresh" })

      assert.strictEqual(yield* store.idempotency.purge(at("2025-12-31T00:00:00.000Z")), 0)
      assert.strictEqual(yield* store.idempotency.purge(at("2026-01-02T00:00:00.000Z")), 3)
      assert.deepStrictEqual(yield* claimAndComplete("k1", "h2"), { _tag: "Fresh" })
    })
  },
  {
    name: "users and API keys: lookup, count, revocation",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      assert.strictEqual(yield* store.users.count, 0)
      const user = yield* store.users.insert({
        email: "fin@example.com",
        name: "Fin",
        role: "finance",
        passwordHash: null,
        customerScope: [3, 4],
        createdAt: at("2026-01-01T00:00:00.000Z")
      })
      assert.deepStrictEqual(yield* store.users.getByEmail("fin@example.com"), user)
      assert.deepStrictEqual(yield* store.users.get(user.id), user)
      assert.strictEqual(yield* store.users.count, 1)
      const key = {
        userId: user.id,
        prefix: "abc123",
        secretHash: "scrypt$x",
        label: "ci",
        createdAt: at("2026-01-01T00:00:00.000Z"),
        revokedAt: null
      }
      yield* store.apiKeys.insert(key)
      yield* store.apiKeys.insert({ ...key, prefix: "def456" })
      assert.strictEqual((yield* store.apiKeys.getByPrefix("abc123"))?.label, "ci")
      assert.strictEqual(yield* store.apiKeys.revokeAllForUser(user.id, at("2026-01-02T00:00:00.000Z")), 2)
      assert.strictEqual(
        (yield* store.apiKeys.getByPrefix("def456"))?.revokedAt?.toISOString(),
        "2026-01-02T00:00:00.000Z"
      )
      assert.strictEqual(yield* store.apiKeys.revokeAllForUser(user.id, at("2026-01-03T00:00:00.000Z")), 0)
      yield* store.ping
    })
  },
  {
    name: "dialect records: unique per dialect, kind and key; JSON data round-trips; lists filter and page",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const stamp = at("2026-02-01T10:00:00.000Z")
      const mandate = (key: string, customerId: number | null) => ({
        dialect: "elevate",
        kind: "site-payment-mandate",
        key,
        customerId,
        paymentId: null,
        data: { reference: `MD-${key}`, nested: { active: true, limit: "120.50" }, sites: [1, 2] },
        createdAt: stamp,
        updatedAt: stamp
      })
      const first = yield* store.dialectRecords.insert(mandate("1", 7))
      assert.deepStrictEqual(yield* store.dialectRecords.get(first.id), first)
      assert.deepStrictEqual(yield* store.dialectRecords.getByKey("elevate", "site-payment-mandate", "1"), first)
      const duplicate = yield* Effect.flip(store.dialectRecords.insert(mandate("1", 8)))
      assert.strictEqual(duplicate._tag === "Conflict" && duplicate.reason, "duplicate")
      // The same key under another dialect or kind is a different object.
      yield* store.dialectRecords.insert({ ...mandate("1", 7), dialect: "silver" })
      yield* store.dialectRecords.insert({ ...mandate("1", 7), kind: "other" })
      for (const key of ["2", "3", "4"]) yield* store.dialectRecords.insert(mandate(key, key === "4" ? 8 : 7))
      const page1 = yield* store.dialectRecords.list({
        dialect: "elevate",
        kind: "site-payment-mandate",
        customerId: 7,
        cursor: null,
        limit: 2
      })
      assert.deepStrictEqual(
        page1.items.map((row) => row.key),
        ["1", "2"]
      )
      const page2 = yield* store.dialectRecords.list({
        dialect: "elevate",
        kind: "site-payment-mandate",
        customerId: 7,
        cursor: page1.nextCursor,
        limit: 2
      })
      assert.deepStrictEqual(
        page2.items.map((row) => row.key),
        ["3"]
      )
      assert.strictEqual(page2.nextCursor, null)
      const updated = yield* store.dialectRecords.update({ ...first, data: { reference: "MD-1", active: false } })
      assert.deepStrictEqual((yield* store.dialectRecords.get(first.id))?.data, updated.data)
      yield* store.dialectRecords.delete(first.id)
      assert.strictEqual(yield* store.dialectRecords.get(first.id), null)
    })
  },
  {
    name: "payments: list filters by amount range, origin and text in any reference (case-insensitive, % literal)",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const customer = yield* store.customers.insert(customerRow("1"))
      const refs = (reference: string | null, checkNumber: string | null = null) => ({
        description: null,
        notes: null,
        reference,
        customerReference: null,
        checkNumber,
        thirdPartyReference: null
      })
      yield* store.payments.insert(paymentRow(customer.id, "11", { amount: 500n, references: refs("Bank line 7") }))
      yield* store.payments.insert(
        paymentRow(customer.id, "12", { amount: 1500n, origin: "dialect:silver", references: refs(null, "CHK-100%") })
      )
      yield* store.payments.insert(paymentRow(customer.id, "13", { amount: 2500n, origin: "trpc" }))
      const refsOf = (page: { readonly items: ReadonlyArray<Payment> }) =>
        page.items.map((payment) => payment.referenceNumber).sort()
      const list = (filters: Record<string, unknown>) =>
        store.payments.list({ cursor: null, limit: 10, order: "id", ...filters })
      assert.deepStrictEqual(refsOf(yield* list({ amountMin: 1000n })), ["12", "13"])
      assert.deepStrictEqual(refsOf(yield* list({ amountMin: 500n, amountMax: 1500n })), ["11", "12"])
      assert.deepStrictEqual(refsOf(yield* list({ origin: "dialect:silver" })), ["12"])
      assert.deepStrictEqual(refsOf(yield* list({ search: "bank LINE" })), ["11"])
      assert.deepStrictEqual(refsOf(yield* list({ search: "100%" })), ["12"])
      assert.deepStrictEqual(refsOf(yield* list({ search: "13" })), ["13"])
      assert.deepStrictEqual(refsOf(yield* list({ search: "%" })), ["12"])
    })
  },
  {
    name: "payments: overview sums posted volume per day, currency and method, pending, active reversals and top debtors",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const owing = yield* store.customers.insert(customerRow("1", { balance: -5000n }))
      const owingMore = yield* store.customers.insert(customerRow("2", { balance: -9000n, currency: "USD" }))
      yield* store.customers.insert(customerRow("3", { balance: 100n }))
      const day1 = { paymentDate: "2026-03-01" }
      yield* store.payments.insert(paymentRow(owing.id, "21", { ...day1, amount: 1000n, methodId: 7 }))
      yield* store.payments.insert(paymentRow(owing.id, "22", { ...day1, amount: 2000n, methodId: 7 }))
      yield* store.payments.insert(paymentRow(owing.id, "23", { ...day1, amount: 50n, methodId: null }))
      yield* store.payments.insert(
        paymentRow(owingMore.id, "24", { paymentDate: "2026-03-02", amount: 900719925474099300n, currency: "USD" })
      )
      yield* store.payments.insert(paymentRow(owing.id, "25", { paymentDate: "2026-02-01", amount: 1n }))
      yield* store.payments.insert(paymentRow(owing.id, "26", { ...day1, amount: 300n, state: "pending" }))
      yield* store.payments.insert(paymentRow(owing.id, "27", { ...day1, amount: 400n, state: "draft" }))
      const reversed = yield* store.payments.insert(paymentRow(owing.id, "28", { paymentDate: "2026-02-01" }))
      const reversal = {
        paymentId: reversed.id,
        amount: 250n,
        effectiveDate: "2026-03-02",
        reversedAt: at("2026-03-02T10:00:00.000Z"),
        reason: null,
        reinstatedAt: null
      }
      yield* store.reversals.insert(reversal)
      yield* store.reversals.insert({ ...reversal, amount: 10n, reinstatedAt: at("2026-03-03T00:00:00.000Z") })
      const overview = yield* store.payments.overview({ from: "2026-03-01", to: "2026-03-31", topDebtors: 10 })
      assert.deepStrictEqual(overview.volumeByDay, [
        { date: "2026-03-01", currency: "EUR", methodId: null, count: 1, amount: 50n },
        { date: "2026-03-01", currency: "EUR", methodId: 7, count: 2, amount: 3000n },
        { date: "2026-03-02", currency: "USD", methodId: null, count: 1, amount: 900719925474099300n }
      ])
      assert.deepStrictEqual(overview.pendingCollection, [{ currency: "EUR", count: 1, amount: 300n }])
      assert.deepStrictEqual(overview.reversalsByDay, [{ date: "2026-03-02", currency: "EUR", count: 1, amount: 250n }])
      assert.deepStrictEqual(
        overview.topDebtors.map((debtor) => [debtor.number, debtor.balance]),
        [
          ["2", -9000n],
          ["1", -5000n]
        ]
      )
      const scoped = yield* store.payments.overview({
        from: "2026-03-01",
        to: "2026-03-31",
        topDebtors: 1,
        customerIds: [owing.id]
      })
      assert.deepStrictEqual(
        scoped.volumeByDay.map((row) => row.amount),
        [50n, 3000n]
      )
      assert.deepStrictEqual(
        scoped.topDebtors.map((debtor) => debtor.customerId),
        [owing.id]
      )
    })
  },
  {
    name: "users and API keys: list, revoke one key, record last use",
    run: Effect.gen(function* () {
      const store = yield* LedgerStore
      const user = (email: string) =>
        store.users.insert({
          email,
          name: email,
          role: "read-only",
          passwordHash: null,
          customerScope: null,
          createdAt: at("2026-01-01T00:00:00.000Z")
        })
      const first = yield* user("a@example.com")
      const second = yield* user("b@example.com")
      assert.deepStrictEqual(
        (yield* store.users.list).map((row) => row.email),
        ["a@example.com", "b@example.com"]
      )
      const key = (userId: number, prefix: string) =>
        store.apiKeys.insert({
          userId,
          prefix,
          secretHash: "scrypt$x",
          label: "ci",
          createdAt: at("2026-01-01T00:00:00.000Z"),
          revokedAt: null
        })
      const firstKey = yield* key(first.id, "aaa111")
      yield* key(second.id, "bbb222")
      assert.strictEqual((yield* store.apiKeys.list()).length, 2)
      assert.deepStrictEqual(
        (yield* store.apiKeys.list(first.id)).map((row) => row.prefix),
        ["aaa111"]
      )
      assert.strictEqual((yield* store.apiKeys.get(firstKey.id))?.lastUsedAt ?? null, null)
      yield* store.apiKeys.markUsed(firstKey.id, at("2026-01-05T00:00:00.000Z"))
      assert.strictEqual((yield* store.apiKeys.get(firstKey.id))?.lastUsedAt?.toISOString(), "2026-01-05T00:00:00.000Z")
      assert.strictEqual(yield* store.apiKeys.revoke(firstKey.id, at("2026-01-06T00:00:00.000Z")), true)
      assert.strictEqual(yield* store.apiKeys.revoke(firstKey.id, at("2026-01-07T00:00:00.000Z")), false)
      assert.strictEqual((yield* store.apiKeys.get(firstKey.id))?.revokedAt?.toISOString(), "2026-01-06T00:00:00.000Z")
      assert.strictEqual((yield* store.apiKeys.getByPrefix("bbb222"))?.revokedAt, null)
    })
  }
]
