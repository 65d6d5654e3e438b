/**
 * The Authenticator over the real IdentityStore (SQLite in memory): creating users, issuing and checking API keys
 * (one live key per user, revocation that takes effect at once in this process and within 5 seconds in another, failures
 * that never say which part was wrong), password sign-in, and the role and customer scope that a
 * principal carries. Hashes use a cheap scrypt cost except where the production cost is the point.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Authenticator,
  authenticatorLayer,
  authenticatorLayerWith,
  type CreateUserInput,
  CustomerId,
  IdentityStore,
  parseApiKey,
  testKdfCost,
  UserId,
  verifySecret
} from "@paybridge/core"
import { Effect, Fiber, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { TestLedgerStore } from "../../src/testing/index.ts"

const cheapAuthenticator = authenticatorLayerWith({ kdfCost: testKdfCost })
const withFreshStore = Layer.provideMerge(cheapAuthenticator, TestLedgerStore.layer)

const alice: CreateUserInput = {
  email: "Alice@Example.com",
  name: "Alice Finance",
  role: "finance",
  password: "correct horse battery",
  customerScope: [CustomerId.make(3), CustomerId.make(5)]
}

/** One Authenticator instance (its own cache, like one API process) over the given store. */
const authenticatorOver = (store: IdentityStore["Service"]) =>
  Effect.provide(
    Effect.gen(function* () {
      return yield* Authenticator
    }),
    Layer.provide(cheapAuthenticator, Layer.succeed(IdentityStore, store))
  )

const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.result(effect), (result) => {
    if (Result.isSuccess(result)) throw new Error("expected a failure, got a success")
    return result.failure
  })

/** A second key of the same shape that differs from `apiKey` only in the secret. */
const withOtherSecret = (apiKey: string): string => {
  const parts = parseApiKey(apiKey)
  if (parts === null) throw new Error(`not an API key: ${apiKey}`)
  const first = parts.secret.startsWith("A") ? "B" : "A"
  return `pbk_${parts.prefix}_${first}${parts.secret.slice(1)}`
}

describe("Authenticator: users", () => {
  it.effect("creates a user with the email normalised to lower case and the password hashed", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({ ...alice, email: "  Alice@Example.COM " })
      assert.strictEqual(user.email, "alice@example.com")
      assert.strictEqual(user.name, "Alice Finance")
      assert.strictEqual(user.role, "finance")
      assert.deepStrictEqual(user.customerScope, [CustomerId.make(3), CustomerId.make(5)])
      assert.isNotNull(user.passwordHash)
      assert.isTrue(user.passwordHash?.startsWith("scrypt$"))
      assert.notInclude(user.passwordHash ?? "", "correct horse")
      assert.strictEqual(yield* auth.countUsers, 1)
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("refuses a second user with the same email, whatever its case", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      yield* auth.createUser(alice)
      const error = yield* failureOf(auth.createUser({ ...alice, email: "ALICE@example.com", name: "Other" }))
      assert.strictEqual(error._tag, "Conflict")
      assert.strictEqual(error._tag === "Conflict" && error.reason, "duplicate")
      assert.strictEqual(yield* auth.countUsers, 1)
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("refuses an invalid email, an empty name or a too short password, naming the field", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const cases: ReadonlyArray<[CreateUserInput, string]> = [
        [{ ...alice, email: "not-an-email" }, "email"],
        [{ ...alice, email: "a@b" }, "email"],
        [{ ...alice, email: "two words@example.com" }, "email"],
        [{ ...alice, email: "" }, "email"],
        [{ ...alice, name: "   " }, "name"],
        [{ ...alice, name: "" }, "name"],
        [{ ...alice, password: "short" }, "password"]
      ]
      for (const [input, field] of cases) {
        const error = yield* failureOf(auth.createUser(input))
        assert.strictEqual(error._tag, "ValidationFailed")
        assert.deepStrictEqual(error._tag === "ValidationFailed" && error.issues[0]?.path, [field])
      }
      assert.strictEqual(yield* auth.countUsers, 0)
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("counts users", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      assert.strictEqual(yield* auth.countUsers, 0)
      yield* auth.createUser(alice)
      yield* auth.createUser({ email: "bob@example.com", name: "Bob", role: "read-only" })
      assert.strictEqual(yield* auth.countUsers, 2)
    }).pipe(Effect.provide(withFreshStore))
  )
})

describe("Authenticator: API keys", () => {
  it.effect("issues a pbk_ key that authenticates as its user, with role and scope", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id })
      assert.match(issued.apiKey, /^pbk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/)
      assert.strictEqual(issued.record.userId, user.id)
      assert.strictEqual(issued.record.label, "default")
      assert.strictEqual(issued.record.prefix, parseApiKey(issued.apiKey)?.prefix)
      assert.isNull(issued.record.revokedAt)
      const principal = yield* auth.authenticateApiKey(issued.apiKey)
      assert.deepStrictEqual(principal, {
        id: user.id,
        kind: "api-key",
        name: "Alice Finance",
        role: "finance",
        customerScope: [CustomerId.make(3), CustomerId.make(5)]
      })
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("keeps a given label and refuses keys for unknown users", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id, label: "  ERP sync " })
      assert.strictEqual(issued.record.label, "ERP sync")
      const tooLong = yield* failureOf(auth.issueApiKey({ userId: user.id, label: "x".repeat(101) }))
      assert.strictEqual(tooLong._tag, "ValidationFailed")
      const unknown = yield* failureOf(auth.issueApiKey({ userId: UserId.make(999) }))
      assert.strictEqual(unknown._tag, "NotFound")
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("stores only a scrypt hash of the secret, never the secret or the whole key", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const store = yield* IdentityStore
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id })
      const parts = parseApiKey(issued.apiKey)
      assert.isNotNull(parts)
      const row = yield* store.apiKeys.getByPrefix(parts?.prefix ?? "")
      assert.isNotNull(row)
      const stored = row?.secretHash ?? ""
      assert.match(stored, /^scrypt\$256\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/)
      assert.notInclude(stored, parts?.secret ?? "")
      assert.notInclude(JSON.stringify(row), parts?.secret ?? "")
      assert.isTrue(yield* Effect.promise(() => verifySecret(parts?.secret ?? "", stored)))
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("refuses a wrong secret, an unknown prefix and malformed keys with one and the same message", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id })
      const wrongSecret = withOtherSecret(issued.apiKey)
      const unknownPrefix = issued.apiKey.replace(/^pbk_[a-z0-9]{12}_/, "pbk_zzzzzzzzzzzz_")
      const malformed = [
        "",
        "pbk_",
        "not a key",
        `Bearer ${issued.apiKey}`,
        issued.apiKey.slice(0, -1),
        `${issued.apiKey}x`,
        issued.apiKey.toUpperCase(),
        issued.apiKey.replace("pbk_", "pbx_")
      ]
      const messages = new Set<string>()
      for (const candidate of [wrongSecret, unknownPrefix, ...malformed]) {
        const error = yield* failureOf(auth.authenticateApiKey(candidate))
        assert.strictEqual(error._tag, "Unauthorized", candidate)
        messages.add(error.message)
      }
      assert.deepStrictEqual([...messages], ["invalid or revoked API key"])
      // The right key still works after all those attempts.
      assert.strictEqual((yield* auth.authenticateApiKey(issued.apiKey)).id, user.id)
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("a wrong secret is refused even right after the right key was verified and cached", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id })
      yield* auth.authenticateApiKey(issued.apiKey)
      const error = yield* failureOf(auth.authenticateApiKey(withOtherSecret(issued.apiKey)))
      assert.strictEqual(error._tag, "Unauthorized")
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("issuing a new key revokes the old one immediately, even when it was just verified", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const store = yield* IdentityStore
      const user = yield* auth.createUser(alice)
      const first = yield* auth.issueApiKey({ userId: user.id })
      yield* auth.authenticateApiKey(first.apiKey) // now in the verification cache
      const second = yield* auth.issueApiKey({ userId: user.id, label: "rotated" })
      const error = yield* failureOf(auth.authenticateApiKey(first.apiKey))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual((yield* auth.authenticateApiKey(second.apiKey)).id, user.id)
      const oldRow = yield* store.apiKeys.getByPrefix(first.record.prefix)
      assert.instanceOf(oldRow?.revokedAt, Date)
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("a key revoked by another process stops working within 5 seconds, in this process at once", () =>
    Effect.gen(function* () {
      const { identity: store } = yield* TestLedgerStore.make()
      // Two Authenticator instances with their own caches over one database: two API processes.
      const processA = yield* authenticatorOver(store)
      const processB = yield* authenticatorOver(store)
      const user = yield* processA.createUser(alice)
      const first = yield* processA.issueApiKey({ userId: user.id })
      yield* processA.authenticateApiKey(first.apiKey)
      yield* processA.authenticateApiKey(first.apiKey)
      const second = yield* processB.issueApiKey({ userId: user.id })
      // Process B issued (and so revoked the old key): B refuses the old key at once.
      assert.strictEqual((yield* failureOf(processB.authenticateApiKey(first.apiKey)))._tag, "Unauthorized")
      // Process A still trusts what it read less than 5 seconds ago, and no longer once they have passed.
      yield* TestClock.adjust("5 seconds")
      const error = yield* failureOf(processA.authenticateApiKey(first.apiKey))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual((yield* processA.authenticateApiKey(second.apiKey)).id, user.id)
      // Revoking straight in the database (an operator, a script) applies within the same 5 seconds.
      yield* store.apiKeys.revokeAllForUser(user.id, new Date())
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual((yield* failureOf(processA.authenticateApiKey(second.apiKey)))._tag, "Unauthorized")
    })
  )

  it.effect("revoking a key in this process refuses it on the very next call, even while its row is remembered", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id })
      yield* auth.authenticateApiKey(issued.apiKey)
      yield* auth.revokeApiKey(issued.record.id)
      assert.strictEqual((yield* failureOf(auth.authenticateApiKey(issued.apiKey)))._tag, "Unauthorized")
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("of many keys issued at once for one user, exactly the last one stays valid", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const issued = yield* Effect.forEach(
        Array.from({ length: 5 }, (_, index) => index),
        (index) => auth.issueApiKey({ userId: user.id, label: `key ${index}` }),
        { concurrency: "unbounded" }
      )
      const valid = []
      for (const key of issued) {
        if (Result.isSuccess(yield* Effect.result(auth.authenticateApiKey(key.apiKey)))) valid.push(key)
      }
      assert.strictEqual(valid.length, 1)
      const newest = issued.reduce((latest, key) => (key.record.id > latest.record.id ? key : latest))
      assert.strictEqual(valid[0]?.record.id, newest.record.id)
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("a failed issue changes nothing: the previous key keeps working", () =>
    Effect.gen(function* () {
      let failInserts = false
      const { identity: store } = yield* TestLedgerStore.make({
        faults: (operation) => failInserts && operation === "apiKeys.insert"
      })
      const auth = yield* authenticatorOver(store)
      const user = yield* auth.createUser(alice)
      const first = yield* auth.issueApiKey({ userId: user.id })
      failInserts = true
      const error = yield* failureOf(auth.issueApiKey({ userId: user.id }))
      assert.strictEqual(error._tag, "StorageUnavailable")
      assert.strictEqual((yield* auth.authenticateApiKey(first.apiKey)).id, user.id)
    })
  )

  it.effect("reports a database outage as StorageUnavailable, never as bad credentials", () =>
    Effect.gen(function* () {
      let outage = false
      const { identity: store } = yield* TestLedgerStore.make({ faults: () => outage })
      const auth = yield* authenticatorOver(store)
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id })
      yield* auth.authenticateApiKey(issued.apiKey)
      yield* TestClock.adjust("5 seconds") // the key row is read again
      outage = true
      assert.strictEqual((yield* failureOf(auth.authenticateApiKey(issued.apiKey)))._tag, "StorageUnavailable")
      assert.strictEqual(
        (yield* failureOf(auth.authenticatePassword(alice.email, alice.password ?? "")))._tag,
        "StorageUnavailable"
      )
    })
  )

  it.effect("reads the key row once per 5 seconds and writes `last used` once per minute, not per request", () =>
    Effect.gen(function* () {
      let keyReads = 0
      let usedWrites = 0
      const { identity: store } = yield* TestLedgerStore.make({
        faults: (operation) => {
          if (operation === "apiKeys.getWithUserByPrefix") keyReads += 1
          if (operation === "apiKeys.markUsed") usedWrites += 1
          return false
        }
      })
      const auth = yield* authenticatorOver(store)
      const user = yield* auth.createUser(alice)
      const issued = yield* auth.issueApiKey({ userId: user.id })
      const before = keyReads
      for (let call = 0; call < 4; call++) yield* auth.authenticateApiKey(issued.apiKey)
      assert.strictEqual(keyReads - before, 1)
      assert.strictEqual(usedWrites, 1)
      yield* TestClock.adjust("5 seconds")
      for (let call = 0; call < 4; call++) yield* auth.authenticateApiKey(issued.apiKey)
      assert.strictEqual(keyReads - before, 2)
      assert.strictEqual(usedWrites, 1)
      yield* TestClock.adjust("1 minute")
      for (let call = 0; call < 4; call++) yield* auth.authenticateApiKey(issued.apiKey)
      assert.strictEqual(keyReads - before, 3)
      assert.strictEqual(usedWrites, 2)
      const row = yield* store.apiKeys.getByPrefix(issued.record.prefix)
      assert.instanceOf(row?.lastUsedAt, Date)
    })
  )
})

describe("Authenticator: production cost and the verification cache", () => {
  const measure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.gen(function* () {
      const started = performance.now()
      yield* effect
      return performance.now() - started
    })

  it.effect("hashes with N=2^15 by default; a verified key skips scrypt until the cache entry expires", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const store = yield* IdentityStore
      const user = yield* auth.createUser({ ...alice, password: null })
      const issued = yield* auth.issueApiKey({ userId: user.id })
      const row = yield* store.apiKeys.getByPrefix(issued.record.prefix)
      assert.match(row?.secretHash ?? "", /^scrypt\$32768\$8\$1\$/)

      const firstCall = yield* measure(auth.authenticateApiKey(issued.apiKey))
      const cachedCalls: Array<number> = []
      for (let call = 0; call < 5; call++) cachedCalls.push(yield* measure(auth.authenticateApiKey(issued.apiKey)))
      const fastestCached = Math.min(...cachedCalls)
      yield* TestClock.adjust("4 minutes")
      const stillCached = yield* measure(auth.authenticateApiKey(issued.apiKey))
      yield* TestClock.adjust("2 minutes") // past the 5-minute lifetime
      const afterExpiry = yield* measure(auth.authenticateApiKey(issued.apiKey))

      // scrypt at production cost takes tens of milliseconds; a cached check is a couple of reads.
      assert.isAbove(firstCall, 10)
      assert.isAbove(firstCall, 10 * fastestCached)
      assert.isBelow(stillCached, firstCall / 2)
      assert.isAbove(afterExpiry, 10 * fastestCached)
    }).pipe(Effect.provide(Layer.provideMerge(authenticatorLayer, TestLedgerStore.layer)))
  )
})

describe("Authenticator: passwords and principals", () => {
  it.effect("signs in with email (any case) and password as a user principal", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const principal = yield* auth.authenticatePassword("ALICE@example.com ", "correct horse battery")
      assert.deepStrictEqual(principal, {
        id: user.id,
        kind: "user",
        name: "Alice Finance",
        role: "finance",
        customerScope: [CustomerId.make(3), CustomerId.make(5)]
      })
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("refuses a wrong password, an unknown email and a user without password alike", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      yield* auth.createUser(alice)
      yield* auth.createUser({ email: "bot@example.com", name: "Sync bot", role: "admin" })
      const attempts: ReadonlyArray<[string, string]> = [
        ["alice@example.com", "correct horse batterY"],
        ["alice@example.com", ""],
        ["nobody@example.com", "correct horse battery"],
        ["bot@example.com", "anything at all"],
        ["alice@example.com", "x".repeat(5000)]
      ]
      for (const [email, password] of attempts) {
        const error = yield* failureOf(auth.authenticatePassword(email, password))
        assert.strictEqual(error._tag, "Unauthorized")
        assert.strictEqual(error.message, "invalid email or password")
      }
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("a verified password skips scrypt on the next sign-ins; a wrong one is still checked and refused", () => {
    let scryptChecks = 0
    const counted = Layer.provideMerge(
      authenticatorLayerWith({
        kdfCost: testKdfCost,
        verifySecret: (secret, stored) => {
          scryptChecks += 1
          return verifySecret(secret, stored)
        }
      }),
      TestLedgerStore.layer
    )
    return Effect.gen(function* () {
      const auth = yield* Authenticator
      yield* auth.createUser(alice)
      for (let call = 0; call < 5; call++)
        yield* auth.authenticatePassword("alice@example.com", "correct horse battery")
      assert.strictEqual(scryptChecks, 1)
      const error = yield* failureOf(auth.authenticatePassword("alice@example.com", "correct horse batterY"))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual(scryptChecks, 2)
      yield* auth.authenticatePassword("alice@example.com", "correct horse battery")
      assert.strictEqual(scryptChecks, 2)
    }).pipe(Effect.provide(counted))
  })

  it.effect("principalOf carries the user's role and customer scope", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const scoped = yield* auth.createUser(alice)
      const admin = yield* auth.createUser({ email: "root@example.com", name: "Root", role: "admin" })
      const reader = yield* auth.createUser({
        email: "viewer@example.com",
        name: "Viewer",
        role: "read-only",
        customerScope: [CustomerId.make(8)]
      })
      assert.deepStrictEqual(yield* auth.principalOf(scoped.id), {
        id: scoped.id,
        kind: "user",
        name: "Alice Finance",
        role: "finance",
        customerScope: [CustomerId.make(3), CustomerId.make(5)]
      })
      const adminPrincipal = yield* auth.principalOf(admin.id)
      assert.strictEqual(adminPrincipal.role, "admin")
      assert.isNull(adminPrincipal.customerScope)
      const readerKey = yield* auth.issueApiKey({ userId: reader.id })
      const readerPrincipal = yield* auth.authenticateApiKey(readerKey.apiKey)
      assert.strictEqual(readerPrincipal.role, "read-only")
      assert.deepStrictEqual(readerPrincipal.customerScope, [CustomerId.make(8)])
      assert.strictEqual((yield* failureOf(auth.principalOf(UserId.make(4242))))._tag, "Unauthorized")
    }).pipe(Effect.provide(withFreshStore))
  )

  it.effect("findUser shows a user's id, e-mail and name by id or by e-mail in any case, and null for nobody", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser(alice)
      const profile = { id: user.id, email: user.email, name: "Alice Finance" }
      assert.deepStrictEqual(yield* auth.findUser({ id: user.id }), profile)
      assert.deepStrictEqual(yield* auth.findUser({ email: user.email.toUpperCase() }), profile)
      assert.isNull(yield* auth.findUser({ id: UserId.make(4242) }))
      assert.isNull(yield* auth.findUser({ email: "nobody@example.com" }))
    }).pipe(Effect.provide(withFreshStore))
  )
})

describe("Authenticator: scrypt slots", () => {
  it.effect(
    "a check that finds every scrypt slot busy waits briefly, then fails with Overloaded and a retry time",
    () => {
      // The first password check holds the only scrypt slot until the test lets it go.
      let releaseFirst: () => void = () => undefined
      let firstEntered: () => void = () => undefined
      const firstMayFinish = new Promise<void>((resolve) => {
        releaseFirst = resolve
      })
      const firstHoldsSlot = new Promise<void>((resolve) => {
        firstEntered = resolve
      })
      let checks = 0
      const heldFirstCheck = (secret: string, stored: string) => {
        checks += 1
        if (checks !== 1) return verifySecret(secret, stored)
        firstEntered()
        return firstMayFinish.then(() => verifySecret(secret, stored))
      }
      return Effect.gen(function* () {
        const auth = yield* Authenticator
        yield* auth.createUser(alice)
        const password = "correct horse battery"
        const first = yield* Effect.forkChild(auth.authenticatePassword(alice.email, password))
        yield* Effect.promise(() => firstHoldsSlot)
        const waiting = yield* Effect.forkChild(
          Effect.all(
            [
              Effect.result(auth.authenticatePassword(alice.email, password)),
              Effect.result(auth.authenticatePassword(alice.email, "a wrong password"))
            ],
            { concurrency: "unbounded" }
          )
        )
        // The waiting checks read the user from the database (real I/O) before they queue for the slot,
        // so virtual time moves past the 2-second queue timeout until both have given up.
        while (waiting.pollUnsafe() === undefined) {
          yield* TestClock.adjust("3 seconds")
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
        }
        const refused = yield* Fiber.join(waiting)
        for (const result of refused) {
          assert.isTrue(Result.isFailure(result))
          if (Result.isFailure(result)) {
            assert.strictEqual(result.failure._tag, "Overloaded")
            if (result.failure._tag === "Overloaded") assert.strictEqual(result.failure.retryAfterSeconds, 2)
          }
        }
        releaseFirst()
        assert.strictEqual((yield* Fiber.join(first)).name, "Alice Finance")
        // The slot is free again: the next check runs.
        assert.strictEqual((yield* auth.authenticatePassword(alice.email, password)).name, "Alice Finance")
      }).pipe(
        Effect.provide(
          Layer.provideMerge(
            authenticatorLayerWith({
              kdfCost: testKdfCost,
              maxConcurrentKdf: 1,
              kdfQueueTimeoutMillis: 2000,
              verifySecret: heldFirstCheck
            }),
            TestLedgerStore.layer
          )
        )
      )
    }
  )

  it.effect("checks queued behind a busy slot run one after another when the slot frees in time", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      yield* auth.createUser({ ...alice, password: "another password 1" })
      const results = yield* Effect.all(
        Array.from({ length: 4 }, () => Effect.result(auth.authenticatePassword(alice.email, "another password 1"))),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(
        results.map((result) => (Result.isSuccess(result) ? result.success.name : result.failure._tag)),
        ["Alice Finance", "Alice Finance", "Alice Finance", "Alice Finance"]
      )
    }).pipe(
      Effect.provide(
        Layer.provideMerge(
          authenticatorLayerWith({ kdfCost: testKdfCost, maxConcurrentKdf: 1, kdfQueueTimeoutMillis: 60_000 }),
          TestLedgerStore.layer
        )
      )
    )
  )
})
