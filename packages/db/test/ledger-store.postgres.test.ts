/**
 * The store conformance suite on PostgreSQL (a throwaway database per suite), plus the
 * multi-connection guarantees: gap-free sequences under 20 concurrent transactions, a concurrent
 * idempotency claim waiting for the first one, `lockCustomer` preventing lost updates, and
 * `StorageUnavailable` when the server cannot be reached.
 */
import { type CustomerId, IdempotencyStore, LedgerStore, StorageUnavailable, UserId } from "@paybridge/core"
import { Cause, Deferred, Effect, Exit, Fiber, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { useDatabase } from "./support/database-harness.ts"
import { describeLedgerStoreConformance } from "./support/ledger-store-conformance.ts"
import { newCustomer, newDocument, unique } from "./support/store-fixtures.ts"

describe("LedgerStore on PostgreSQL", () => {
  const db = useDatabase(async () => {
    const database = await createPostgresTestDatabase()
    return { url: database.url, remove: database.drop }
  })
  describeLedgerStoreConformance(db)

  describe("concurrency across connections", () => {
    it("keeps sequences gap-free under 20 concurrent transactions, some of which roll back", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const start = yield* s.nextSequence("customer-number")
          const attempts = yield* Effect.all(
            Array.from({ length: 20 }, (_, i) =>
              Effect.exit(
                s.transaction(
                  Effect.gen(function* () {
                    const value = yield* s.nextSequence("customer-number")
                    yield* Effect.sleep(`${(i * 7) % 30} millis`)
                    if (i % 4 === 3) return yield* Effect.fail("rolled back" as const)
                    return value
                  })
                )
              )
            ),
            { concurrency: "unbounded" }
          )
          return { start, attempts, next: yield* s.nextSequence("customer-number") }
        })
      )
      const committed = result.attempts.flatMap((exit) => (Exit.isSuccess(exit) ? [exit.value] : []))
      expect(committed.length).toBe(15)
      const sorted = [...committed].sort((a, b) => (a < b ? -1 : 1))
      expect(sorted).toEqual(Array.from({ length: 15 }, (_, i) => result.start + 1n + BigInt(i)))
      expect(result.next).toBe(result.start + 16n)
    })

    const claimRace = (firstOutcome: "commit" | "rollback") =>
      db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const idempotency = yield* IdempotencyStore
          const key = unique("race")
          const claim = {
            principalId: UserId.make(42),
            key,
            operation: "payments.create",
            requestHash: "same",
            now: new Date()
          }
          const claimed = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const first = yield* Effect.forkChild(
            Effect.exit(
              s.transaction(
                Effect.gen(function* () {
                  const result = yield* idempotency.claim(claim)
                  yield* idempotency.complete({ principalId: UserId.make(42), key, response: { paymentId: 1 } })
                  yield* Deferred.succeed(claimed, undefined)
                  yield* Deferred.await(release)
                  if (firstOutcome === "rollback") return yield* Effect.fail("first request failed" as const)
                  return result
                })
              )
            )
          )
          yield* Deferred.await(claimed)
          const second = yield* Effect.forkChild(s.transaction(idempotency.claim(claim)))
          // The second claim must be blocked by the first transaction's uncommitted row.
          yield* Effect.sleep("300 millis")
          const blocked = second.pollUnsafe() === undefined
          yield* Deferred.succeed(release, undefined)
          const firstExit = yield* Fiber.join(first)
          const secondClaim = yield* Fiber.join(second)
          return { blocked, firstExit, secondClaim }
        })
      )

    it("makes a concurrent claim of the same key wait, then replay the first request's response", async () => {
      const result = await claimRace("commit")
      expect(result.blocked).toBe(true)
      expect(Exit.isSuccess(result.firstExit) && result.firstExit.value).toEqual({ _tag: "Fresh" })
      expect(result.secondClaim).toEqual({ _tag: "Replay", response: { paymentId: 1 } })
    })

    it("makes a concurrent claim of the same key wait, then run fresh when the first request rolled back", async () => {
      const result = await claimRace("rollback")
      expect(result.blocked).toBe(true)
      expect(Exit.isFailure(result.firstExit)).toBe(true)
      expect(result.secondClaim).toEqual({ _tag: "Fresh" })
    })

    it("sees with lockCustomerWith (unpaidDocuments) the documents a writer that held the lock meanwhile committed", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const locked = yield* Deferred.make<void>()
          // The writer holds the customer's lock and issues an invoice; the allocation lock waits for it.
          const writer = yield* Effect.forkChild(
            s.transaction(
              Effect.gen(function* () {
                yield* s.lockCustomer(customer.id)
                yield* Deferred.succeed(locked, undefined)
                yield* Effect.sleep("150 millis")
                yield* s.documents.insert(newDocument(customer.id))
              })
            )
          )
          yield* Deferred.await(locked)
          const started = Date.now()
          const seen = yield* s.transaction(s.lockCustomerWith({ id: customer.id }, [], { unpaidDocuments: true }))
          const waited = Date.now() - started
          yield* Fiber.join(writer)
          return { seen, waited }
        })
      )
      expect(result.waited).toBeGreaterThanOrEqual(100)
      expect(result.seen?.hasUnpaidDocuments).toBe(true)
    })

    it("serialises read-modify-write transactions of one customer with lockCustomer: no lost update", async () => {
      const result = await db.run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const credit = (customerId: CustomerId, amount: bigint) =>
            s.transaction(
              Effect.gen(function* () {
                const current = yield* s.lockCustomer(customerId)
                if (current === null) return yield* Effect.die("customer vanished")
                yield* Effect.sleep("25 millis")
                return yield* s.customers.update({ ...current, balance: current.balance + amount }, current.version)
              })
            )
          const started = Date.now()
          yield* Effect.all(
            [
              ...Array.from({ length: 8 }, (_, i) => credit(customer.id, BigInt(i + 1) * 10n ** 15n)),
              ...Array.from({ length: 8 }, () => credit(other.id, -1n))
            ],
            { concurrency: "unbounded" }
          )
          return {
            elapsed: Date.now() - started,
            after: yield* s.customers.get(customer.id),
            otherAfter: yield* s.customers.get(other.id)
          }
        })
      )
      expect(result.after?.balance).toBe(36n * 10n ** 15n)
      expect(result.after?.version).toBe(9)
      expect(result.otherAfter?.balance).toBe(-8n)
      // 8 serialised transactions of 25 ms each on one customer take at least 200 ms.
      expect(result.elapsed).toBeGreaterThanOrEqual(200)
    })
  })

  it("fails with StorageUnavailable when the server cannot be reached", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.scoped(Layer.build(openDatabase({ url: "postgresql://postgres@127.0.0.1:1/nowhere" })))
    )
    expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBeInstanceOf(StorageUnavailable)
  })
})
