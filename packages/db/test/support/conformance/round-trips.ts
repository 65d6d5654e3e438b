/**
 * Store conformance, part of `../ledger-store-conformance.ts`. The migrated schema and exact round trips of
 * every record kind: customers and payments with bigint amounts at the limits, documents and the records
 * around payments, dialect records, users and API keys, balance entries, idempotency keys and named
 * sequences.
 */
import {
  ApiKeyId,
  BillingEntityId,
  CustomerId,
  GatewayId,
  IdempotencyStore,
  IdentityStore,
  LedgerStore,
  type Page,
  PaymentId,
  PresetId,
  UserId
} from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Database } from "../../../src/index.ts"
import type { DatabaseHarness } from "../database-harness.ts"
import { diffAgainstEntities } from "../integrity-schema.ts"
import {
  at,
  newApiKey,
  newBalanceEntry,
  newBillingEntity,
  newCustomer,
  newDocument,
  newGateway,
  newPayment,
  newPreset,
  newRefund,
  newUser,
  unique
} from "../store-fixtures.ts"

const store = LedgerStore

export const describeSchemaAndRoundTrips = (db: DatabaseHarness): void => {
  const run = db.run

  describe("schema", () => {
    it("applies the checked-in migrations and ends up exactly at the entities plus the integrity constraints (empty schema diff)", async () => {
      const diff = await run(
        Effect.gen(function* () {
          const database = yield* Database
          return yield* Effect.promise(() => diffAgainstEntities(database.orm))
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
        "Migration20261121080000ApiKeyLastUsed",
        "Migration20261122000000SearchText",
        "Migration20261122000100SearchTextBackfill",
        "Migration20261203100000AllocationReleases",
        "Migration20261203100100DraftReservations",
        "Migration20261203290000PaymentReceivedAt",
        "Migration20261203300000IntegrityConstraints",
        "Migration20261203300100Sessions",
        "Migration20261203400000GatewayAttempts",
        "Migration20261204300000VendorListIndexes",
        "Migration20261204500000GatewaySettings",
        "Migration20261204600000GatewayReconcilerBackoff",
        "Migration20261205400000DialectRecordListColumns",
        "Migration20261205500000EventAttachedRecords",
        "Migration20261206200000AttachedRecordListColumns",
        "Migration20261207100000LockedDocuments",
        "Migration20261208000000MovementTriggers",
        "Migration20261208100000CustomerPaymentSeekIndex",
        "Migration20261209000000ListFlagSeekIndex",
        "Migration20261209200000CustomerReversedPaymentsIndex",
        "Migration20261212000000CustomerStateSeekIndex"
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
            customFields: { udf_region: "north", "odd key ü": "välue", empty: "" },
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
            otherRef:
              input.externalRef === null
                ? "no reference"
                : yield* s.customers.getByExternalRef({ ...input.externalRef, id: `${input.externalRef.id}-other` }),
            missing: yield* s.customers.get(CustomerId.make(987_654_321))
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
      expect(result.otherRef).toBeNull()
      expect(result.missing).toBeNull()
      expect(result.entityBack).toEqual(result.entity)
    })

    it("stores payments with every field, the largest amounts and the source record verbatim", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const gateway = yield* s.gateways.insert(newGateway())
          const method = yield* s.presets.insert(newPreset("method", { gatewayId: gateway.id }))
          const type = yield* s.presets.insert(newPreset("type"))
          const entity = yield* s.billingEntities.insert(newBillingEntity())
          const input = newPayment(customer.id, {
            number: unique("N"),
            amount: 9_223_372_036_854_775_807n,
            balanceAfterPosting: -9_223_372_036_854_775_807n,
            reversedAmount: 100_000_000_000_000_001n,
            allocatedAmount: 1n,
            refundedAmount: 0n,
            methodId: method.id,
            typeId: type.id,
            gatewayId: gateway.id,
            gatewayReference: "gw-ref",
            billingEntityId: entity.id,
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
            booked: false,
            createdAt: at("2026-04-15T10:11:12.131Z")
          })
          const allocationUpdated = yield* s.allocations.update({ ...allocation, amount: 2_000n, booked: true })
          const creditRelease = yield* s.releases.insert({
            movementKind: "refund",
            movementId: 7,
            paymentId: payment.id,
            allocationId: null,
            documentId: null,
            amount: 300n,
            booked: false,
            createdAt: at("2026-04-16T10:00:00.000Z"),
            restoredAmount: null,
            restoredAt: null
          })
          const partRelease = yield* s.releases.insert({
            movementKind: "refund",
            movementId: 7,
            paymentId: payment.id,
            allocationId: allocation.id,
            documentId: document.id,
            amount: 500n,
            booked: true,
            createdAt: at("2026-04-16T10:00:00.000Z"),
            restoredAmount: null,
            restoredAt: null
          })
          const otherRelease = yield* s.releases.insert({
            ...creditRelease,
            movementKind: "reversal",
            amount: 9_007_199_254_740_993n
          })
          const restoredRelease = yield* s.releases.update({
            ...partRelease,
            restoredAmount: 400n,
            restoredAt: at("2026-04-17T10:00:00.000Z")
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
            allocation: allocationUpdated,
            allocationBack: yield* s.allocations.get(allocation.id),
            refundReleases: yield* s.releases.listByMovement("refund", 7),
            reversalReleases: yield* s.releases.listByMovement("reversal", 7),
            paymentReleases: yield* s.releases.listByPayment(payment.id),
            creditRelease,
            restoredRelease,
            otherRelease,
            byPayment: yield* s.allocations.listByPayment(payment.id),
            byDocument: yield* s.allocations.listByDocument(document.id),
            byPayments: yield* s.allocations.listByPayments([payment.id, PaymentId.make(999_999)]),
            reversalsByPayments: yield* s.reversals.listByPayments([payment.id]),
            reversals: yield* s.reversals.listByPayment(payment.id),
            reversalUpdated,
            collections: yield* s.collections.listByPayment(payment.id),
            collectionUpdated,
            refundUpdated,
            refundBack: yield* s.refunds.get(refund.id),
            children: yield* s.payments.children(payment.id),
            withChildren: yield* s.payments.getWithChildren(payment.id),
            paymentRead: yield* s.payments.get(payment.id),
            noSuchPayment: yield* s.payments.getWithChildren(PaymentId.make(987_654)),
            afterDelete: yield* Effect.andThen(s.allocations.delete(allocation.id), s.allocations.get(allocation.id)),
            byPaymentAfterDelete: yield* s.allocations.listByPayment(payment.id),
            byDocumentAfterDelete: yield* s.allocations.listByDocument(document.id)
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
      expect(result.allocationBack).toMatchObject({ amount: 2_000n, booked: true })
      expect(result.refundReleases).toEqual([result.creditRelease, result.restoredRelease])
      expect(result.reversalReleases).toEqual([result.otherRelease])
      expect(result.otherRelease.amount).toBe(9_007_199_254_740_993n)
      expect(result.paymentReleases).toEqual([result.creditRelease, result.restoredRelease, result.otherRelease])
      expect(result.byPayment).toEqual([result.allocation])
      expect(result.byDocument).toEqual([result.allocation])
      expect(result.byPayments).toEqual([result.allocation])
      expect(result.reversalsByPayments).toEqual([result.reversalUpdated])
      expect(result.reversals).toEqual([result.reversalUpdated])
      expect(result.collections).toEqual([result.collectionUpdated])
      expect(result.refundBack).toEqual(result.refundUpdated)
      expect(result.children).toEqual({
        allocations: [result.allocation],
        reversals: [result.reversalUpdated],
        collections: [result.collectionUpdated],
        refunds: [result.refundUpdated]
      })
      expect(result.withChildren).toEqual({ payment: result.paymentRead, children: result.children })
      expect(result.noSuchPayment).toBeNull()
      expect(result.afterDelete).toBeNull()
      expect(result.byPaymentAfterDelete).toEqual([])
      expect(result.byDocumentAfterDelete).toEqual([])
    })

    it("stores users and API keys (read alone or with their user), counts users and revokes a user's keys", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* IdentityStore
          const before = yield* s.users.count
          const user = yield* s.users.insert(
            newUser({ customerScope: [CustomerId.make(3), CustomerId.make(1), CustomerId.make(2)] })
          )
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
            key1WithUser: yield* s.apiKeys.getWithUserByPrefix(key1.prefix),
            otherWithUser: yield* s.apiKeys.getWithUser(other.id),
            unknownWithUser: yield* s.apiKeys.getWithUserByPrefix("no-such-prefix"),
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
      expect(result.key1WithUser).toEqual({ key: result.key1Back, user: result.user })
      expect(result.otherWithUser).toEqual({ key: result.other, user: result.admin })
      expect(result.unknownWithUser).toBeNull()
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
          const idempotency = yield* IdempotencyStore
          const claim = {
            principalId: UserId.make(7),
            key,
            operation: "payments.create",
            requestHash: "h1",
            now: at("2026-01-01T00:00:00.000Z")
          }
          const first = yield* s.transaction(
            Effect.gen(function* () {
              const claimed = yield* idempotency.claim(claim)
              yield* idempotency.complete({
                principalId: UserId.make(7),
                key,
                response: { id: 5, amount: "12.50", nested: [1, 2] }
              })
              return claimed
            })
          )
          const replay = yield* idempotency.claim(claim)
          const otherHash = yield* idempotency.claim({ ...claim, requestHash: "h2" })
          const otherOperation = yield* idempotency.claim({ ...claim, operation: "payments.post" })
          const otherPrincipal = yield* s.transaction(idempotency.claim({ ...claim, principalId: UserId.make(8) }))
          const purged = yield* idempotency.purge(at("2026-01-01T00:00:00.001Z"))
          const afterPurge = yield* s.transaction(idempotency.claim({ ...claim, now: at("2026-02-01T00:00:00.000Z") }))
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

    it("stores dialect records: unique per dialect, kind and key; JSON data round-trips; lists filter and page", async () => {
      const dialect = unique("elevate")
      await run(
        Effect.gen(function* () {
          const s = yield* store
          const stamp = at("2026-02-01T10:00:00.000Z")
          const seven = (yield* s.customers.insert(newCustomer())).id
          const eight = (yield* s.customers.insert(newCustomer())).id
          const mandate = (key: string, customerId: CustomerId | null) => ({
            dialect,
            kind: "site-payment-mandate",
            key,
            customerId,
            paymentId: null,
            data: { reference: `MD-${key}`, nested: { active: true, limit: "120.50" }, sites: [1, 2] },
            createdAt: stamp,
            updatedAt: stamp
          })
          const first = yield* s.dialectRecords.insert(mandate("1", seven))
          expect(yield* s.dialectRecords.get(first.id)).toEqual(first)
          expect(yield* s.dialectRecords.getByKey(dialect, "site-payment-mandate", "1")).toEqual(first)
          const duplicate = yield* Effect.flip(s.dialectRecords.insert(mandate("1", eight)))
          expect(duplicate).toMatchObject({ _tag: "Conflict", reason: "duplicate" })
          // The same key under another dialect or kind is a different object.
          yield* s.dialectRecords.insert({ ...mandate("1", seven), dialect: `${dialect}-other` })
          yield* s.dialectRecords.insert({ ...mandate("1", seven), kind: "other" })
          for (const key of ["2", "3", "4"]) yield* s.dialectRecords.insert(mandate(key, key === "4" ? eight : seven))
          const query = { dialect, kind: "site-payment-mandate", customerId: seven, limit: 2 }
          const page1 = yield* s.dialectRecords.list({ ...query, cursor: null })
          expect(page1.items.map((row) => row.key)).toEqual(["1", "2"])
          const page2 = yield* s.dialectRecords.list({ ...query, cursor: page1.nextCursor })
          expect(page2.items.map((row) => row.key)).toEqual(["3"])
          expect(page2.nextCursor).toBeNull()
          const updated = yield* s.dialectRecords.update({ ...first, data: { reference: "MD-1", active: false } })
          expect((yield* s.dialectRecords.get(first.id))?.data).toEqual(updated.data)
          yield* s.dialectRecords.delete(first.id)
          expect(yield* s.dialectRecords.get(first.id)).toBeNull()
          expect(yield* s.dialectRecords.getByKey(dialect, "site-payment-mandate", "1")).toBeNull()
        })
      )
    })

    it("lists users and API keys, revokes one key and records a key's last use", async () => {
      await run(
        Effect.gen(function* () {
          const s = yield* IdentityStore
          const first = yield* s.users.insert(newUser({ role: "read-only", customerScope: null }))
          const second = yield* s.users.insert(newUser())
          const users = yield* s.users.list
          expect(users.map((row) => row.id)).toEqual([...users.map((row) => row.id)].sort((a, b) => a - b))
          expect(users.filter((row) => row.id === first.id || row.id === second.id)).toEqual([first, second])
          const firstKey = yield* s.apiKeys.insert(newApiKey(first.id))
          const secondKey = yield* s.apiKeys.insert(newApiKey(second.id))
          const all = yield* s.apiKeys.list()
          expect(all.map((row) => row.id)).toEqual(expect.arrayContaining([firstKey.id, secondKey.id]))
          expect((yield* s.apiKeys.list(first.id)).map((row) => row.prefix)).toEqual([firstKey.prefix])
          expect((yield* s.apiKeys.get(firstKey.id))?.lastUsedAt ?? null).toBeNull()
          yield* s.apiKeys.markUsed(firstKey.id, at("2026-01-05T00:00:00.000Z"))
          expect((yield* s.apiKeys.get(firstKey.id))?.lastUsedAt).toEqual(at("2026-01-05T00:00:00.000Z"))
          expect(yield* s.apiKeys.revoke(firstKey.id, at("2026-01-06T00:00:00.000Z"))).toBe(true)
          expect(yield* s.apiKeys.revoke(firstKey.id, at("2026-01-07T00:00:00.000Z"))).toBe(false)
          expect((yield* s.apiKeys.get(firstKey.id))?.revokedAt).toEqual(at("2026-01-06T00:00:00.000Z"))
          expect((yield* s.apiKeys.getByPrefix(secondKey.prefix))?.revokedAt).toBeNull()
          expect(yield* s.apiKeys.get(ApiKeyId.make(987_654_321))).toBeNull()
        })
      )
    })
  })
}
