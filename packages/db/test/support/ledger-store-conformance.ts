/**
 * The behaviour every `LedgerStore` database must show, run against SQLite in memory, a SQLite
 * file and PostgreSQL: the migrated schema matches the entities, every record round-trips exactly
 * (bigint money included), version guards refuse stale writes, keyset pages cover every row once
 * in a stable order under every filter, transactions are atomic and nest by joining.
 */
import {
  type Customer,
  type LedgerEventType,
  LedgerStore,
  newPublicId,
  type Page,
  type Payment,
  type PaymentQuery,
  ValidationFailed
} from "@paybridge/core"
import { Cause, Effect, Exit, Option } from "effect"
import { describe, expect, it } from "vitest"
import { Database } from "../../src/index.ts"
import type { DatabaseHarness } from "./database-harness.ts"
import {
  at,
  newApiKey,
  newBalanceEntry,
  newBillingEntity,
  newCustomer,
  newDocument,
  newEvent,
  newPayment,
  newRefund,
  newUser,
  unique
} from "./store-fixtures.ts"

const store = LedgerStore

/** Reads every page of a list, asserting each page respects the limit. */
const allPages = async <A>(
  fetch: (cursor: string | null) => Promise<Page<A>>,
  limit: number
): Promise<{ items: Array<A>; pages: number }> => {
  const items: Array<A> = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page: Page<A> = await fetch(cursor)
    expect(page.items.length).toBeLessThanOrEqual(limit)
    items.push(...page.items)
    pages += 1
    cursor = page.nextCursor
    if (pages > 10_000) throw new Error("paging does not terminate")
  } while (cursor !== null)
  return { items, pages }
}

const newestFirst = (a: Payment, b: Payment) =>
  a.paymentDate === b.paymentDate ? b.id - a.id : a.paymentDate < b.paymentDate ? 1 : -1

export const describeLedgerStoreConformance = (db: DatabaseHarness): void => {
  const run = db.run

  describe("schema", () => {
    it("applies the checked-in migrations and ends up exactly at the entities (empty schema diff)", async () => {
      const diff = await run(
        Effect.gen(function* () {
          const database = yield* Database
          return yield* Effect.promise(() => database.orm.schema.getUpdateSchemaSQL({ wrap: false }))
        })
      )
      expect(diff.trim()).toBe("")
      const applied = await run(
        Effect.gen(function* () {
          const database = yield* Database
          return yield* Effect.promise(() => database.orm.migrator.getExecuted())
        })
      )
      expect(applied.map((migration) => migration.name)).toEqual([
        "Migration20261121000000Initial",
        "Migration20261121060000PaymentStateListingIndex",
        "Migration20261121070000DialectRecords",
        "Migration20261121080000ApiKeyLastUsed"
      ])
    })

    it("answers ping", async () => {
      await expect(run(Effect.flatMap(Database, (database) => database.ping))).resolves.toBeUndefined()
    })
  })

  describe("round trips", () => {
    it("stores and reads back customers with exact bigint amounts near 10^17 and below zero", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const entity = yield* s.billingEntities.insert(newBillingEntity())
          const input = newCustomer({
            balance: -99_999_999_999_999_999n,
            creditLimit: 123_456_789_012_345_678n,
            billingEntityId: entity.id,
            externalRef: { system: "crm.com", id: unique("ext") },
            customFields: { udf_region: "north", "odd key ü": "välue" },
            email: null
          })
          const inserted = yield* s.customers.insert(input)
          return {
            input,
            inserted,
            entity,
            entityBack: yield* s.billingEntities.get(entity.id),
            byId: yield* s.customers.get(inserted.id),
            byPublicId: yield* s.customers.getByPublicId(input.publicId),
            byNumber: yield* s.customers.getByNumber(input.number),
            byRef: input.externalRef === null ? null : yield* s.customers.getByExternalRef(input.externalRef),
            missing: yield* s.customers.get(987_654_321)
          }
        })
      )
      expect(result.inserted).toEqual({ ...result.input, id: result.inserted.id })
      expect(result.byId).toEqual(result.inserted)
      expect(result.byId?.balance).toBe(-99_999_999_999_999_999n)
      expect(typeof result.byId?.balance).toBe("bigint")
      expect(result.byId?.creditLimit).toBe(123_456_789_012_345_678n)
      expect(result.byPublicId).toEqual(result.inserted)
      expect(result.byNumber).toEqual(result.inserted)
      expect(result.byRef).toEqual(result.inserted)
      expect(result.missing).toBeNull()
      expect(result.entityBack).toEqual(result.entity)
    })

    it("stores payments with every field, the largest amounts and the source record verbatim", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const input = newPayment(customer.id, {
            number: unique("N"),
            amount: 9_223_372_036_854_775_807n,
            balanceAfterPosting: -9_223_372_036_854_775_807n,
            reversedAmount: 100_000_000_000_000_001n,
            allocatedAmount: 1n,
            refundedAmount: 0n,
            methodId: 11,
            typeId: 12,
            gatewayId: 13,
            gatewayReference: "gw-ref",
            billingEntityId: 14,
            rejectionReason: "none",
            rejectedAt: at("2026-04-16T01:02:03.004Z"),
            cancelledAt: at("2026-04-17T01:02:03.004Z"),
            reversalDate: "2026-04-18",
            references: {
              description: "April rent",
              notes: "paid at desk",
              reference: "STMT-1",
              customerReference: "CR-9",
              checkNumber: "000123",
              thirdPartyReference: "TP-7"
            },
            customFields: { udf_a: "1" },
            externalRef: { system: "logisense", id: unique("p") },
            sourceRecord: { zeta: 1, alpha: [true, null, "x"], nested: { b: 2, a: 1 } },
            origin: "dialect:crm-com"
          })
          const inserted = yield* s.payments.insert(input)
          return {
            input,
            inserted,
            byId: yield* s.payments.get(inserted.id),
            byPublicId: yield* s.payments.getByPublicId(input.publicId),
            byReference: yield* s.payments.getByReferenceNumber(input.referenceNumber),
            byNumber: input.number === null ? null : yield* s.payments.getByNumber(input.number),
            byRef: input.externalRef === null ? null : yield* s.payments.getByExternalRef(input.externalRef)
          }
        })
      )
      expect(result.byId).toEqual({ ...result.input, id: result.inserted.id })
      expect(result.byId?.amount).toBe(9_223_372_036_854_775_807n)
      expect(result.byId?.balanceAfterPosting).toBe(-9_223_372_036_854_775_807n)
      expect(JSON.stringify(result.byId?.sourceRecord)).toBe(JSON.stringify(result.input.sourceRecord))
      expect(result.byPublicId).toEqual(result.byId)
      expect(result.byReference).toEqual(result.byId)
      expect(result.byNumber).toEqual(result.byId)
      expect(result.byRef).toEqual(result.byId)
    })

    it("stores documents, gateways, presets, allocations, reversals, collections and refunds", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const documentInput = newDocument(customer.id, {
            total: 100_000_000_000_000_000n,
            outstanding: 100_000_000_000_000_000n,
            externalRef: { system: "silver", id: unique("d") },
            dueDate: null
          })
          const document = yield* s.documents.insert(documentInput)
          const gateway = yield* s.gateways.insert({
            publicId: "0123456789ABCDEF0123456789ABCDEF",
            code: unique("gw"),
            name: "Test gateway",
            driver: "test",
            enabled: true,
            createdAt: at("2026-01-01T00:00:00.000Z")
          })
          const method = yield* s.presets.insert({
            publicId: "FEDCBA9876543210FEDCBA9876543210",
            kind: "method",
            code: unique("card"),
            name: "Card",
            available: true,
            gatewayId: gateway.id,
            createdAt: at("2026-01-01T00:00:00.000Z")
          })
          const methodUpdated = yield* s.presets.update({ ...method, available: false, name: "Card (old)" })
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const allocation = yield* s.allocations.insert({
            paymentId: payment.id,
            documentId: document.id,
            amount: 2_500n,
            createdAt: at("2026-04-15T10:11:12.131Z")
          })
          const reversal = yield* s.reversals.insert({
            paymentId: payment.id,
            amount: 1_000n,
            effectiveDate: "2026-04-20",
            reversedAt: at("2026-04-20T08:00:00.000Z"),
            reason: "bounced",
            reinstatedAt: null
          })
          const reversalUpdated = yield* s.reversals.update({
            ...reversal,
            reinstatedAt: at("2026-04-21T08:00:00.000Z")
          })
          const collection = yield* s.collections.insert({
            paymentId: payment.id,
            method: "direct-debit",
            state: "requested",
            gatewayReference: null,
            failureReason: null,
            requestedAt: at("2026-04-15T10:11:12.131Z"),
            collectedAt: null,
            cancelledAt: null,
            failedAt: null
          })
          const collectionUpdated = yield* s.collections.update({
            ...collection,
            state: "failed",
            failureReason: "insufficient funds",
            failedAt: at("2026-04-16T10:00:00.000Z")
          })
          const refund = yield* s.refunds.insert(newRefund(payment.id, customer.id, { documentId: document.id }))
          const refundUpdated = yield* s.refunds.update({
            ...refund,
            state: "submitted",
            submittedAt: at("2026-05-02T00:00:00.000Z")
          })
          return {
            documentInput,
            document,
            documentBack: yield* s.documents.get(document.id),
            documentByPublicId: yield* s.documents.getByPublicId(document.publicId),
            documentByNumber: yield* s.documents.getByNumber("invoice", document.number),
            documentWrongKind: yield* s.documents.getByNumber("bill", document.number),
            gateway,
            gatewayBack: yield* s.gateways.get(gateway.id),
            gatewayByCode: yield* s.gateways.getByCode(gateway.code),
            methodUpdated,
            methodBack: yield* s.presets.get(method.id),
            methodByCode: yield* s.presets.getByCode("method", method.code),
            methodAsType: yield* s.presets.getByCode("type", method.code),
            allocation,
            allocationBack: yield* s.allocations.get(allocation.id),
            byPayment: yield* s.allocations.listByPayment(payment.id),
            byDocument: yield* s.allocations.listByDocument(document.id),
            reversals: yield* s.reversals.listByPayment(payment.id),
            reversalUpdated,
            collections: yield* s.collections.listByPayment(payment.id),
            collectionUpdated,
            refundUpdated,
            refundBack: yield* s.refunds.get(refund.id),
            afterDelete: yield* Effect.andThen(s.allocations.delete(allocation.id), s.allocations.get(allocation.id))
          }
        })
      )
      expect(result.documentBack).toEqual({ ...result.documentInput, id: result.document.id })
      expect(result.documentBack?.total).toBe(100_000_000_000_000_000n)
      expect(result.documentByPublicId).toEqual(result.documentBack)
      expect(result.documentByNumber).toEqual(result.documentBack)
      expect(result.documentWrongKind).toBeNull()
      expect(result.gatewayBack).toEqual(result.gateway)
      expect(result.gatewayByCode).toEqual(result.gateway)
      expect(result.methodBack).toEqual(result.methodUpdated)
      expect(result.methodBack?.available).toBe(false)
      expect(result.methodByCode).toEqual(result.methodUpdated)
      expect(result.methodAsType).toBeNull()
      expect(result.allocationBack).toEqual(result.allocation)
      expect(result.byPayment).toEqual([result.allocation])
      expect(result.byDocument).toEqual([result.allocation])
      expect(result.reversals).toEqual([result.reversalUpdated])
      expect(result.collections).toEqual([result.collectionUpdated])
      expect(result.refundBack).toEqual(result.refundUpdated)
      expect(result.afterDelete).toBeNull()
    })

    it("stores users and API keys, counts users and revokes a user's keys", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const before = yield* s.users.count
          const user = yield* s.users.insert(newUser({ customerScope: [3, 1, 2] }))
          const admin = yield* s.users.insert(newUser({ role: "admin", passwordHash: null }))
          const key1 = yield* s.apiKeys.insert(newApiKey(user.id))
          const key2 = yield* s.apiKeys.insert(newApiKey(user.id))
          const other = yield* s.apiKeys.insert(newApiKey(admin.id))
          const revokedAt = at("2026-06-01T12:00:00.000Z")
          const revoked = yield* s.apiKeys.revokeAllForUser(user.id, revokedAt)
          const revokedAgain = yield* s.apiKeys.revokeAllForUser(user.id, revokedAt)
          return {
            before,
            after: yield* s.users.count,
            user,
            userBack: yield* s.users.get(user.id),
            byEmail: yield* s.users.getByEmail(user.email),
            adminBack: yield* s.users.get(admin.id),
            admin,
            revoked,
            revokedAgain,
            key1Back: yield* s.apiKeys.getByPrefix(key1.prefix),
            key2,
            otherBack: yield* s.apiKeys.getByPrefix(other.prefix),
            other,
            revokedAt
          }
        })
      )
      expect(result.after).toBe(result.before + 2)
      expect(result.userBack).toEqual(result.user)
      expect(result.userBack?.customerScope).toEqual([3, 1, 2])
      expect(result.byEmail).toEqual(result.user)
      expect(result.adminBack).toEqual(result.admin)
      expect(result.revoked).toBe(2)
      expect(result.revokedAgain).toBe(0)
      expect(result.key1Back?.revokedAt).toEqual(result.revokedAt)
      expect(result.otherBack).toEqual(result.other)
    })

    it("appends balance entries with gap-free per-customer sequences and pages them in order", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const a = yield* s.customers.insert(newCustomer())
          const b = yield* s.customers.insert(newCustomer())
          const appended = []
          for (let i = 0; i < 7; i++) {
            appended.push(
              yield* s.transaction(
                s.balance.append(
                  newBalanceEntry(i % 2 === 0 ? a.id : b.id, { delta: BigInt(i) - 3n, balanceAfter: -(10n ** 17n) })
                )
              )
            )
          }
          const pagesOfA = []
          let cursor: string | null = null
          do {
            const page: Page<(typeof appended)[number]> = yield* s.balance.list(a.id, { cursor, limit: 2 })
            pagesOfA.push(page.items)
            cursor = page.nextCursor
          } while (cursor !== null)
          return { a, b, appended, pagesOfA }
        })
      )
      const ofA = result.appended.filter((entry) => entry.customerId === result.a.id)
      const ofB = result.appended.filter((entry) => entry.customerId === result.b.id)
      expect(ofA.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4])
      expect(ofB.map((entry) => entry.sequence)).toEqual([1, 2, 3])
      expect(result.pagesOfA.map((page) => page.length)).toEqual([2, 2])
      expect(result.pagesOfA.flat()).toEqual(ofA)
      expect(ofA[0]?.balanceAfter).toBe(-(10n ** 17n))
    })

    it("records idempotency keys: Fresh, then Replay of the stored response, Mismatch for another request, purge by age", async () => {
      const key = unique("idem")
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const claim = {
            principalId: 7,
            key,
            operation: "payments.create",
            requestHash: "h1",
            now: at("2026-01-01T00:00:00.000Z")
          }
          const first = yield* s.transaction(
            Effect.gen(function* () {
              const claimed = yield* s.idempotency.claim(claim)
              yield* s.idempotency.complete({
                principalId: 7,
                key,
                response: { id: 5, amount: "12.50", nested: [1, 2] }
              })
              return claimed
            })
          )
          const replay = yield* s.idempotency.claim(claim)
          const otherHash = yield* s.idempotency.claim({ ...claim, requestHash: "h2" })
          const otherOperation = yield* s.idempotency.claim({ ...claim, operation: "payments.post" })
          const otherPrincipal = yield* s.transaction(s.idempotency.claim({ ...claim, principalId: 8 }))
          const purged = yield* s.idempotency.purge(at("2026-01-01T00:00:00.001Z"))
          const afterPurge = yield* s.transaction(
            s.idempotency.claim({ ...claim, now: at("2026-02-01T00:00:00.000Z") })
          )
          return { first, replay, otherHash, otherOperation, otherPrincipal, purged, afterPurge }
        })
      )
      expect(result.first).toEqual({ _tag: "Fresh" })
      expect(result.replay).toEqual({ _tag: "Replay", response: { id: 5, amount: "12.50", nested: [1, 2] } })
      expect(result.otherHash).toEqual({ _tag: "Mismatch" })
      expect(result.otherOperation).toEqual({ _tag: "Mismatch" })
      expect(result.otherPrincipal).toEqual({ _tag: "Fresh" })
      expect(result.purged).toBeGreaterThanOrEqual(2)
      expect(result.afterPurge).toEqual({ _tag: "Fresh" })
    })

    it("hands out named sequences one by one, independently per name", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const a1 = yield* s.nextSequence("document-number")
          const a2 = yield* s.nextSequence("document-number")
          const b1 = yield* s.nextSequence("customer-number")
          const a3 = yield* s.transaction(s.nextSequence("document-number"))
          return { a1, a2, a3, b1, b2: yield* s.nextSequence("customer-number") }
        })
      )
      expect(result.a2).toBe(result.a1 + 1n)
      expect(result.a3).toBe(result.a2 + 1n)
      expect(result.b2).toBe(result.b1 + 1n)
      expect(typeof result.a1).toBe("bigint")
    })
  })

  describe("version guards", () => {
    it("refuses an update made from a stale version with Conflict(concurrent-modification)", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const updated = yield* s.customers.update(
            { ...customer, balance: 5n, updatedAt: at("2026-02-01T00:00:00.000Z") },
            1
          )
          const stale = yield* Effect.exit(s.customers.update({ ...customer, balance: 7n }, 1))
          const document = yield* s.documents.insert(newDocument(customer.id))
          const documentUpdated = yield* s.documents.update(
            { ...document, allocated: 10_000n, outstanding: 0n, state: "paid" },
            1
          )
          const documentStale = yield* Effect.exit(s.documents.update({ ...document, state: "cancelled" }, 1))
          const payment = yield* s.payments.insert(newPayment(customer.id))
          const paymentUpdated = yield* s.payments.update(
            { ...payment, reversedAmount: 2_500n, reversalDate: "2026-05-01" },
            1
          )
          const paymentAgain = yield* s.payments.update({ ...paymentUpdated, refundedAmount: 1n }, 2)
          const paymentStale = yield* Effect.exit(s.payments.update({ ...payment, state: "cancelled" }, 2))
          return {
            updated,
            stale,
            customerBack: yield* s.customers.get(customer.id),
            documentUpdated,
            documentStale,
            documentBack: yield* s.documents.get(document.id),
            paymentAgain,
            paymentStale,
            paymentBack: yield* s.payments.get(payment.id)
          }
        })
      )
      expect(result.updated.version).toBe(2)
      expect(result.customerBack).toEqual(result.updated)
      expect(Exit.isFailure(result.stale) && Cause.squash(result.stale.cause)).toMatchObject({
        _tag: "Conflict",
        reason: "concurrent-modification"
      })
      expect(result.documentBack).toEqual(result.documentUpdated)
      expect(result.documentBack?.version).toBe(2)
      expect(Exit.isFailure(result.documentStale) && Cause.squash(result.documentStale.cause)).toMatchObject({
        _tag: "Conflict"
      })
      expect(result.paymentBack).toEqual(result.paymentAgain)
      expect(result.paymentBack?.version).toBe(3)
      expect(Exit.isFailure(result.paymentStale) && Cause.squash(result.paymentStale.cause)).toMatchObject({
        _tag: "Conflict"
      })
    })
  })

  describe("transactions", () => {
    it("leaves nothing behind when the work fails: rows, balance entries, events and sequence numbers roll back", async () => {
      const number = unique("C")
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const probe = yield* s.customers.insert(newCustomer())
          const sequenceBefore = yield* s.nextSequence("payment-reference")
          const failed = yield* Effect.exit(
            s.transaction(
              Effect.gen(function* () {
                const customer = yield* s.customers.insert(newCustomer({ number }))
                yield* s.payments.insert(newPayment(customer.id))
                yield* s.balance.append(newBalanceEntry(probe.id))
                yield* s.events.append(newEvent({ customerId: probe.id }))
                yield* s.nextSequence("payment-reference")
                yield* s.customers.update({ ...probe, name: "renamed" }, 1)
                return yield* Effect.fail("business rule says no" as const)
              })
            )
          )
          return {
            failed,
            customer: yield* s.customers.getByNumber(number),
            balance: yield* s.balance.list(probe.id, { cursor: null, limit: 10 }),
            events: yield* s.events.list({ cursor: null, limit: 10, customerId: probe.id }),
            probeBack: yield* s.customers.get(probe.id),
            probe,
            sequenceBefore,
            sequenceAfter: yield* s.nextSequence("payment-reference")
          }
        })
      )
      expect(Exit.isFailure(result.failed)).toBe(true)
      expect(result.customer).toBeNull()
      expect(result.balance.items).toEqual([])
      expect(result.events.items).toEqual([])
      expect(result.probeBack).toEqual(result.probe)
      expect(result.sequenceAfter).toBe(result.sequenceBefore + 1n)
    })

    it("rolls back a defect and an interruption too", async () => {
      const numbers = [unique("C"), unique("C")] as const
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const died = yield* Effect.exit(
            s.transaction(Effect.andThen(s.customers.insert(newCustomer({ number: numbers[0] })), Effect.die("boom")))
          )
          const interrupted = yield* Effect.exit(
            s.transaction(Effect.andThen(s.customers.insert(newCustomer({ number: numbers[1] })), Effect.interrupt))
          )
          return {
            died,
            interrupted,
            first: yield* s.customers.getByNumber(numbers[0]),
            second: yield* s.customers.getByNumber(numbers[1])
          }
        })
      )
      expect(Exit.isFailure(result.died)).toBe(true)
      expect(Exit.isFailure(result.interrupted)).toBe(true)
      expect(result.first).toBeNull()
      expect(result.second).toBeNull()
    })

    it("joins nested transactions: the inner work sees the outer writes and the outer failure undoes both", async () => {
      const outerNumber = unique("C")
      const innerNumber = unique("C")
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const committed = yield* s.transaction(
            Effect.gen(function* () {
              const outer = yield* s.customers.insert(newCustomer())
              const seenInside = yield* s.transaction(s.customers.get(outer.id))
              return { outer, seenInside }
            })
          )
          const failed = yield* Effect.exit(
            s.transaction(
              Effect.gen(function* () {
                yield* s.customers.insert(newCustomer({ number: outerNumber }))
                yield* s.transaction(s.customers.insert(newCustomer({ number: innerNumber })))
                return yield* Effect.fail("outer fails after the inner one finished" as const)
              })
            )
          )
          return {
            committed,
            committedBack: yield* s.customers.get(committed.outer.id),
            failed,
            outer: yield* s.customers.getByNumber(outerNumber),
            inner: yield* s.customers.getByNumber(innerNumber)
          }
        })
      )
      expect(result.committed.seenInside).toEqual(result.committed.outer)
      expect(result.committedBack).toEqual(result.committed.outer)
      expect(Exit.isFailure(result.failed)).toBe(true)
      expect(result.outer).toBeNull()
      expect(result.inner).toBeNull()
    })

    it("runs concurrent transactions of one process without losing a sequence number", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const start = yield* s.nextSequence("payment-number")
          const values = yield* Effect.all(
            Array.from({ length: 20 }, () =>
              s.transaction(Effect.andThen(Effect.yieldNow, s.nextSequence("payment-number")))
            ),
            { concurrency: "unbounded" }
          )
          return { start, values }
        })
      )
      const sorted = [...result.values].sort((a, b) => (a < b ? -1 : 1))
      expect(sorted).toEqual(Array.from({ length: 20 }, (_, i) => result.start + 1n + BigInt(i)))
    })
  })

  describe("keyset pagination", () => {
    // 3 customers × 40 payments over 9 dates (many ties on payment date), mixed states/currencies/references.
    const seedPayments = Effect.gen(function* () {
      const s = yield* store
      const customers: Array<Customer> = []
      for (let i = 0; i < 3; i++) customers.push(yield* s.customers.insert(newCustomer()))
      const system = unique("sys")
      const payments: Array<Payment> = []
      for (let i = 0; i < 120; i++) {
        const customer = customers[i % 3] as Customer
        const reversed = i % 7 === 0
        payments.push(
          yield* s.payments.insert(
            newPayment(customer.id, {
              paymentDate: `2026-0${1 + (i % 9)}-1${i % 3}`,
              state: (["draft", "pending", "posted", "rejected", "cancelled"] as const)[i % 5] ?? "posted",
              currency: i % 4 === 0 ? "USD" : "EUR",
              amount: BigInt(i + 1) * 1_000_000_000_000n,
              reversedAmount: reversed ? 1n : 0n,
              reversalDate: reversed ? `2026-0${1 + (i % 9)}-2${i % 3}` : null,
              methodId: i % 2 === 0 ? 1 : 2,
              typeId: i % 3 === 0 ? 3 : null,
              gatewayId: i % 5 === 0 ? 9 : null,
              externalRef: i % 6 === 0 ? { system, id: `p${i}` } : null,
              createdAt: at(`2026-06-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`),
              updatedAt: at(`2026-06-02T00:${String(i % 60).padStart(2, "0")}:00.000Z`)
            })
          )
        )
      }
      return { customers, payments, system }
    })

    it("pages payments newest first through many pages with no duplicates, no gaps and a stable order", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const seeded = yield* seedPayments
          const customerIds = seeded.customers.map((customer) => customer.id)
          const newest = yield* Effect.promise(() =>
            allPages((cursor) => run(s.payments.list({ cursor, limit: 7, order: "newest", customerIds })), 7)
          )
          const byId = yield* Effect.promise(() =>
            allPages((cursor) => run(s.payments.list({ cursor, limit: 11, order: "id", customerIds })), 11)
          )
          return { seeded, newest, byId }
        })
      )
      const expected = [...result.seeded.payments].sort(newestFirst)
      expect(result.newest.items.map((p) => p.id)).toEqual(expected.map((p) => p.id))
      expect(result.newest.pages).toBe(Math.ceil(120 / 7))
      expect(result.newest.items).toEqual(expected)
      expect(result.byId.items.map((p) => p.id)).toEqual(result.seeded.payments.map((p) => p.id))
      expect(new Set(result.byId.items.map((p) => p.id)).size).toBe(120)
    })

    it("implements every payment filter, alone and combined, across pages", async () => {
      const seeded = await run(seedPayments)
      const customerIds = seeded.customers.map((customer) => customer.id)
      const [c0, c1] = seeded.customers
      const pivot = seeded.payments[60] as Payment
      const events = await run(
        Effect.gen(function* () {
          const s = yield* store
          const touched = [seeded.payments[3], seeded.payments[50], seeded.payments[51]] as Array<Payment>
          for (const payment of touched) {
            yield* s.events.append(
              newEvent({
                type: "payment.reversed",
                paymentId: payment.id,
                customerId: payment.customerId,
                occurredAt: at("2026-07-01T00:00:00.000Z")
              })
            )
          }
          // Too early or of another type: must not match.
          yield* s.events.append(
            newEvent({
              type: "payment.reversed",
              paymentId: seeded.payments[4]?.id ?? 0,
              occurredAt: at("2026-06-30T23:59:59.999Z")
            })
          )
          yield* s.events.append(
            newEvent({
              type: "payment.posted",
              paymentId: seeded.payments[5]?.id ?? 0,
              occurredAt: at("2026-07-02T00:00:00.000Z")
            })
          )
          return touched.map((payment) => payment.id)
        })
      )
      const cases: Array<[string, Omit<PaymentQuery, "cursor" | "limit" | "order">, (p: Payment) => boolean]> = [
        ["customerId", { customerId: c0?.id }, (p) => p.customerId === c0?.id],
        [
          "customerIds",
          { customerIds: [c0?.id ?? 0, c1?.id ?? 0] },
          (p) => p.customerId === c0?.id || p.customerId === c1?.id
        ],
        ["states", { states: ["posted", "draft"] }, (p) => p.state === "posted" || p.state === "draft"],
        ["currency", { currency: "USD" }, (p) => p.currency === "USD"],
        [
          "paymentDate range",
          { paymentDateFrom: "2026-03-11", paymentDateTo: "2026-06-10" },
          (p) => p.paymentDate >= "2026-03-11" && p.paymentDate <= "2026-06-10"
        ],
        ["reversal none", { reversal: "none" }, (p) => p.reversedAmount === 0n],
        ["reversal some", { reversal: "some" }, (p) => p.reversedAmount > 0n],
        ["reversal any", { reversal: "any" }, () => true],
        [
          "reversalDate range",
          { reversalDateFrom: "2026-02-20", reversalDateTo: "2026-05-22" },
          (p) => p.reversalDate !== null && p.reversalDate >= "2026-02-20" && p.reversalDate <= "2026-05-22"
        ],
        [
          "eventSince",
          {
            eventSince: {
              types: ["payment.reversed", "payment.reinstated"] as Array<LedgerEventType>,
              since: at("2026-07-01T00:00:00.000Z")
            }
          },
          (p) => events.includes(p.id)
        ],
        ["idAfter", { idAfter: pivot.id }, (p) => p.id > pivot.id],
        [
          "createdSince",
          { createdSince: at("2026-06-01T00:00:30.000Z") },
          (p) => p.createdAt.getTime() >= Date.parse("2026-06-01T00:00:30.000Z")
        ],
        [
          "updatedSince",
          { updatedSince: at("2026-06-02T00:45:00.000Z") },
          (p) => p.updatedAt.getTime() >= Date.parse("2026-06-02T00:45:00.000Z")
        ],
        ["methodId", { methodId: 2 }, (p) => p.methodId === 2],
        ["typeId", { typeId: 3 }, (p) => p.typeId === 3],
        ["gatewayId", { gatewayId: 9 }, (p) => p.gatewayId === 9],
        ["externalSystem", { externalSystem: seeded.system }, (p) => p.externalRef?.system === seeded.system],
        [
          "combined",
          { states: ["posted", "pending", "draft"], currency: "EUR", methodId: 1, paymentDateFrom: "2026-02-01" },
          (p) =>
            ["posted", "pending", "draft"].includes(p.state) &&
            p.currency === "EUR" &&
            p.methodId === 1 &&
            p.paymentDate >= "2026-02-01"
        ]
      ]
      for (const [label, filter, predicate] of cases) {
        for (const order of ["newest", "id"] as const) {
          const { items } = await allPages(
            (cursor) =>
              run(
                Effect.flatMap(store, (s) =>
                  s.payments.list({
                    ...filter,
                    customerIds: filter.customerIds ?? customerIds,
                    cursor,
                    limit: 4,
                    order
                  })
                )
              ),
            4
          )
          const expected = seeded.payments.filter(predicate)
          const expectedOrder = order === "newest" ? [...expected].sort(newestFirst) : expected
          expect({ label, order, ids: items.map((p) => p.id) }).toEqual({
            label,
            order,
            ids: expectedOrder.map((p) => p.id)
          })
        }
      }
      expect(events.length).toBe(3)
    })

    it("keeps pages stable while rows are inserted behind the cursor", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          for (let i = 0; i < 10; i++) yield* s.payments.insert(newPayment(customer.id, { paymentDate: "2026-02-01" }))
          const first = yield* s.payments.list({ cursor: null, limit: 4, order: "newest", customerId: customer.id })
          // A newer payment (sorts before the cursor) must not shift the following pages.
          yield* s.payments.insert(newPayment(customer.id, { paymentDate: "2026-03-01" }))
          const second = yield* s.payments.list({
            cursor: first.nextCursor,
            limit: 4,
            order: "newest",
            customerId: customer.id
          })
          const third = yield* s.payments.list({
            cursor: second.nextCursor,
            limit: 4,
            order: "newest",
            customerId: customer.id
          })
          return { first, second, third }
        })
      )
      const ids = [...result.first.items, ...result.second.items, ...result.third.items].map((p) => p.id)
      expect(new Set(ids).size).toBe(10)
      expect(ids).toEqual([...ids].sort((a, b) => b - a))
      expect(result.third.nextCursor).toBeNull()
    })

    it("pages documents oldest first and by id, with kind, state and unpaid filters", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const documents = []
          for (let i = 0; i < 25; i++) {
            documents.push(
              yield* s.documents.insert(
                newDocument(i === 24 ? other.id : customer.id, {
                  kind: i % 3 === 0 ? "proforma" : "invoice",
                  state: i % 4 === 0 ? "paid" : i % 5 === 0 ? "cancelled" : "issued",
                  outstanding: i % 4 === 0 || i % 6 === 0 ? 0n : 100n,
                  issueDate: `2026-0${1 + ((i * 7) % 9)}-0${1 + (i % 3)}`
                })
              )
            )
          }
          const oldest = yield* Effect.promise(() =>
            allPages(
              (cursor) => run(s.documents.list({ cursor, limit: 3, order: "oldest", customerId: customer.id })),
              3
            )
          )
          const unpaid = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.documents.list({
                    cursor,
                    limit: 2,
                    order: "oldest",
                    customerIds: [customer.id],
                    unpaidOnly: true,
                    kinds: ["invoice"]
                  })
                ),
              2
            )
          )
          const byId = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.documents.list({
                    cursor,
                    limit: 5,
                    order: "id",
                    customerIds: [customer.id, other.id],
                    states: ["paid", "cancelled"]
                  })
                ),
              5
            )
          )
          return { customer, documents, oldest, unpaid, byId }
        })
      )
      const mine = result.documents.filter((d) => d.customerId === result.customer.id)
      const oldestFirst = (a: (typeof mine)[number], b: (typeof mine)[number]) =>
        a.issueDate === b.issueDate ? a.id - b.id : a.issueDate < b.issueDate ? -1 : 1
      expect(result.oldest.items.map((d) => d.id)).toEqual([...mine].sort(oldestFirst).map((d) => d.id))
      expect(result.unpaid.items.map((d) => d.id)).toEqual(
        mine
          .filter((d) => d.state === "issued" && d.outstanding > 0n && d.kind === "invoice")
          .sort(oldestFirst)
          .map((d) => d.id)
      )
      expect(result.byId.items.map((d) => d.id)).toEqual(
        result.documents.filter((d) => d.state === "paid" || d.state === "cancelled").map((d) => d.id)
      )
    })

    it("pages customers (ids, search, billing entity), refunds and events with their filters", async () => {
      const tag = unique("zq").toLowerCase()
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const entity = yield* s.billingEntities.insert(newBillingEntity())
          const customers = []
          for (let i = 0; i < 9; i++) {
            customers.push(
              yield* s.customers.insert(
                newCustomer({
                  name: i % 2 === 0 ? `Shop ${tag.toUpperCase()} ${i}` : `Other ${i}`,
                  email: i === 3 ? `${tag}_100%@example.com` : null,
                  billingEntityId: i % 3 === 0 ? entity.id : null
                })
              )
            )
          }
          const ids = customers.map((c) => c.id)
          const searched = yield* Effect.promise(() =>
            allPages((cursor) => run(s.customers.list({ cursor, limit: 2, search: tag, ids })), 2)
          )
          const percent = yield* s.customers.list({ cursor: null, limit: 10, search: `${tag}_100%`, ids })
          const wildcard = yield* s.customers.list({ cursor: null, limit: 10, search: "%", ids })
          const byEntity = yield* s.customers.list({ cursor: null, limit: 10, billingEntityId: entity.id })
          const payment = yield* s.payments.insert(newPayment(ids[0] ?? 0))
          const refunds = []
          for (let i = 0; i < 6; i++) {
            refunds.push(
              yield* s.refunds.insert(
                newRefund(payment.id, ids[i % 2] ?? 0, { state: i % 2 === 0 ? "settled" : "requested" })
              )
            )
          }
          const refundPages = yield* Effect.promise(() =>
            allPages(
              (cursor) => run(s.refunds.list({ cursor, limit: 2, paymentId: payment.id, states: ["settled"] })),
              2
            )
          )
          const refundsOfCustomer = yield* s.refunds.list({ cursor: null, limit: 50, customerIds: [ids[1] ?? 0] })
          const events = []
          for (let i = 0; i < 8; i++) {
            events.push(
              yield* s.events.append(
                newEvent({
                  type: i % 2 === 0 ? "customer.updated" : "payment.posted",
                  customerId: ids[i % 3] ?? null,
                  paymentId: i % 2 === 0 ? null : payment.id,
                  occurredAt: at(`2026-08-0${1 + i}T00:00:00.000Z`),
                  data: { amount: String(10n ** 18n + BigInt(i)), nested: { ok: true } }
                })
              )
            )
          }
          const eventPages = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.events.list({
                    cursor,
                    limit: 3,
                    customerIds: ids,
                    types: ["payment.posted", "customer.updated"],
                    since: at("2026-08-03T00:00:00.000Z")
                  })
                ),
              3
            )
          )
          const eventsOfPayment = yield* s.events.list({ cursor: null, limit: 50, paymentId: payment.id })
          const eventsOfCustomer = yield* s.events.list({ cursor: null, limit: 50, customerId: ids[0] ?? 0 })
          return {
            customers,
            searched,
            percent,
            wildcard,
            byEntity,
            refunds,
            refundPages,
            refundsOfCustomer,
            events,
            eventPages,
            eventsOfPayment,
            eventsOfCustomer,
            ids
          }
        })
      )
      expect(result.searched.items.map((c) => c.id)).toEqual(
        result.customers.filter((_, i) => i % 2 === 0 || i === 3).map((c) => c.id)
      )
      expect(result.percent.items.map((c) => c.id)).toEqual([result.customers[3]?.id])
      expect(result.wildcard.items.map((c) => c.id)).toEqual([result.customers[3]?.id])
      expect(result.byEntity.items.map((c) => c.id)).toEqual(
        result.customers.filter((_, i) => i % 3 === 0).map((c) => c.id)
      )
      expect(result.refundPages.items).toEqual(result.refunds.filter((r) => r.state === "settled"))
      expect(result.refundsOfCustomer.items).toEqual(result.refunds.filter((r) => r.customerId === result.ids[1]))
      expect(result.eventPages.items).toEqual(
        result.events.filter((e) => e.occurredAt.getTime() >= Date.parse("2026-08-03T00:00:00.000Z"))
      )
      expect(result.eventPages.items[0]?.data).toEqual({ amount: "1000000000000000002", nested: { ok: true } })
      expect(result.eventsOfPayment.items).toEqual(result.events.filter((e) => e.paymentId !== null))
      expect(result.eventsOfCustomer.items).toEqual(result.events.filter((e) => e.customerId === result.ids[0]))
    })

    it("pages billing entities, gateways and presets of one kind, and defaults the page size to 50", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const before = (yield* s.billingEntities.list({ cursor: null, limit: 1000 })).items.length
          for (let i = 0; i < 55 - Math.min(before, 55); i++)
            yield* s.billingEntities.insert(newBillingEntity({ name: `BE ${i}` }))
          const defaultPage = yield* s.billingEntities.list({ cursor: null, limit: 0 })
          const all = yield* Effect.promise(() =>
            allPages((cursor) => run(s.billingEntities.list({ cursor, limit: 10 })), 10)
          )
          for (let i = 0; i < 3; i++) {
            yield* s.presets.insert({
              publicId: newPublicId(),
              kind: "type",
              code: unique("t"),
              name: `Type ${i}`,
              available: true,
              gatewayId: null,
              createdAt: at("2026-01-01T00:00:00.000Z")
            })
          }
          const types = yield* Effect.promise(() =>
            allPages((cursor) => run(s.presets.list("type", { cursor, limit: 2 })), 2)
          )
          const gateways = yield* s.gateways.list({ cursor: null, limit: 100 })
          return { defaultPage, all, types, gateways }
        })
      )
      expect(result.defaultPage.items.length).toBe(50)
      expect(result.defaultPage.nextCursor).not.toBeNull()
      expect(result.all.items.length).toBeGreaterThanOrEqual(55)
      expect(result.all.items.map((b) => b.id)).toEqual([...result.all.items.map((b) => b.id)].sort((a, b) => a - b))
      expect(result.types.items.every((preset) => preset.kind === "type")).toBe(true)
      expect(result.types.items.length).toBeGreaterThanOrEqual(3)
      expect(result.gateways.items.every((g) => g.driver === "test")).toBe(true)
    })

    it("refuses a forged cursor or one from another ordering as a validation error on the cursor", async () => {
      const exit = await run(
        Effect.exit(
          Effect.flatMap(store, (s) => s.payments.list({ cursor: "bm90LWEtY3Vyc29y", limit: 5, order: "newest" }))
        )
      )
      const cursorIssue = (result: Exit.Exit<unknown, unknown>) => {
        if (Exit.isSuccess(result)) return "succeeded"
        const error = Option.getOrUndefined(Cause.findErrorOption(result.cause))
        return error instanceof ValidationFailed ? error.issues[0]?.path : error
      }
      expect(cursorIssue(exit)).toEqual(["cursor"])
      const otherOrdering = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          yield* s.payments.insert(newPayment(customer.id))
          yield* s.payments.insert(newPayment(customer.id))
          const page = yield* s.payments.list({ cursor: null, limit: 1, order: "id", customerId: customer.id })
          return yield* Effect.exit(
            s.payments.list({ cursor: page.nextCursor, limit: 1, order: "newest", customerId: customer.id })
          )
        })
      )
      expect(cursorIssue(otherOrdering)).toEqual(["cursor"])
    })
  })
}
