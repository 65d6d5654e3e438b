/**
 * The session store behind login-style dialects: a token keeps only what it was derived from and
 * asks the Authenticator again on every use, so a token traded for an API key dies the moment the
 * key is revoked (or replaced), a password token follows its user, and lifetime and sliding
 * renewal work as before — renewal only for a token that is still good. Refresh tokens are single
 * use, bound to their client, expire, and re-check the same origin as the session they came with.
 */
import { assert, describe, it } from "@effect/vitest"
import { makeSessionStore } from "@paybridge/adapter-kit"
import { Authenticator, authenticatorLayerWith, testKdfCost, Unauthorized, UserId } from "@paybridge/core"
import { TestLedgerStore } from "@paybridge/db/testing"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"

const layer = Layer.provideMerge(authenticatorLayerWith({ kdfCost: testKdfCost }), TestLedgerStore.layer)

const refusal = (effect: Effect.Effect<unknown, unknown, Authenticator>) =>
  Effect.map(Effect.flip(effect), (error) => {
    assert.instanceOf(error, Unauthorized)
    return (error as Unauthorized).message
  })

describe("session store", () => {
  it.effect("a token traded for an API key stops working as soon as the key is revoked", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const sessions = makeSessionStore({ ttlSeconds: 7200 })
      const user = yield* auth.createUser({ email: "crm@example.com", name: "CRM client", role: "finance" })
      const { apiKey, record } = yield* auth.issueApiKey({ userId: user.id })
      const { token } = yield* sessions.issue(yield* auth.sessionForApiKey(apiKey))
      const principal = yield* sessions.resolve(token)
      assert.deepStrictEqual([principal.id, principal.kind, principal.role], [user.id, "api-key", "finance"])

      yield* auth.revokeApiKey(record.id)
      assert.strictEqual(yield* refusal(sessions.resolve(token)), "The session token is invalid or has expired")
      assert.strictEqual(yield* refusal(sessions.resolve(token)), "The session token is invalid or has expired")
    }).pipe(Effect.provide(layer))
  )

  it.effect("a new key for the user ends the tokens of the key it replaced, not of the new one", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const sessions = makeSessionStore({ ttlSeconds: 1800 })
      const user = yield* auth.createUser({ email: "svc@example.com", name: "Service", role: "read-only" })
      const old = yield* sessions.issue(
        yield* auth.sessionForApiKey((yield* auth.issueApiKey({ userId: user.id })).apiKey)
      )
      const replacement = yield* auth.issueApiKey({ userId: user.id })
      const fresh = yield* sessions.issue(yield* auth.sessionForApiKey(replacement.apiKey))
      yield* refusal(sessions.resolve(old.token))
      assert.strictEqual((yield* sessions.resolve(fresh.token)).name, "Service")
    }).pipe(Effect.provide(layer))
  )

  it.effect("a password token resolves to its user; a token whose user is unknown is refused", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const sessions = makeSessionStore({ ttlSeconds: 900 })
      yield* auth.createUser({ email: "ada@example.com", name: "Ada", role: "admin", password: "correct horse" })
      const { token } = yield* sessions.issue(yield* auth.sessionForPassword("ada@example.com", "correct horse"))
      assert.deepStrictEqual(yield* sessions.resolve(token), {
        id: UserId.make(1),
        kind: "user",
        name: "Ada",
        role: "admin",
        customerScope: null
      })
      const orphan = yield* sessions.issue({
        principal: { id: UserId.make(42), kind: "user", name: "Gone", role: "admin", customerScope: null },
        origin: { kind: "user", userId: UserId.make(42) }
      })
      yield* refusal(sessions.resolve(orphan.token))
      yield* sessions.revoke(token)
      yield* refusal(sessions.resolve(token))
    }).pipe(Effect.provide(layer))
  )

  it.effect("expires a token after its lifetime; sliding renewal extends only tokens still good", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      let now = Date.UTC(2024, 0, 1)
      const fixed = makeSessionStore({ ttlSeconds: 60, now: () => now })
      const sliding = makeSessionStore({ ttlSeconds: 60, sliding: true, now: () => now })
      const user = yield* auth.createUser({ email: "eve@example.com", name: "Eve", role: "finance" })
      const { apiKey } = yield* auth.issueApiKey({ userId: user.id })
      const grant = yield* auth.sessionForApiKey(apiKey)
      const fixedToken = (yield* fixed.issue(grant)).token
      const slidingToken = (yield* sliding.issue(grant)).token
      now += 50_000
      yield* fixed.resolve(fixedToken)
      yield* sliding.resolve(slidingToken)
      now += 50_000
      yield* refusal(fixed.resolve(fixedToken))
      assert.strictEqual((yield* sliding.resolve(slidingToken)).name, "Eve")
    }).pipe(Effect.provide(layer))
  )

  it.effect("a refresh token rotates: it gives a new session and refresh token once, for its own client only", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const sessions = makeSessionStore({ ttlSeconds: 1800, refreshTtlSeconds: 86_400 })
      const user = yield* auth.createUser({ email: "rot@example.com", name: "Rot", role: "finance" })
      const { apiKey } = yield* auth.issueApiKey({ userId: user.id })
      const first = yield* sessions.issue(yield* auth.sessionForApiKey(apiKey), { client: "billing" })
      const firstRefresh = first.refresh?.token ?? ""
      assert.strictEqual(first.refresh?.expiresInSeconds, 86_400)

      assert.strictEqual(
        yield* refusal(sessions.refresh(firstRefresh, { client: "other" })),
        "The refresh token is invalid, expired or already used"
      )
      const second = yield* sessions.refresh(firstRefresh, { client: "billing" })
      assert.notStrictEqual(second.token, first.token)
      assert.notStrictEqual(second.refresh?.token, firstRefresh)
      assert.strictEqual((yield* sessions.resolve(second.token)).name, "Rot")
      yield* refusal(sessions.refresh(firstRefresh, { client: "billing" }))
      const third = yield* sessions.refresh(second.refresh?.token ?? "", { client: "billing" })
      assert.strictEqual((yield* sessions.resolve(third.token)).id, user.id)
    }).pipe(Effect.provide(layer))
  )

  it.effect("a refresh token expires, and dies with the API key it came from", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      let now = Date.UTC(2024, 0, 1)
      const sessions = makeSessionStore({ ttlSeconds: 60, refreshTtlSeconds: 600, now: () => now })
      const plain = makeSessionStore({ ttlSeconds: 60 })
      const user = yield* auth.createUser({ email: "exp@example.com", name: "Exp", role: "finance" })
      const { apiKey, record } = yield* auth.issueApiKey({ userId: user.id })
      const grant = yield* auth.sessionForApiKey(apiKey)
      assert.strictEqual((yield* plain.issue(grant)).refresh, undefined)

      const early = (yield* sessions.issue(grant)).refresh?.token ?? ""
      const late = (yield* sessions.issue(grant)).refresh?.token ?? ""
      now += 599_000
      const renewed = yield* sessions.refresh(early)
      now += 2_000
      yield* refusal(sessions.refresh(late))

      yield* auth.revokeApiKey(record.id)
      yield* refusal(sessions.refresh(renewed.refresh?.token ?? ""))
    }).pipe(Effect.provide(layer))
  )
})

describe("session store: the principal cache of each server process (issue 14)", () => {
  it.effect("sign-out and key revocation apply at once in their own process and within the cache time in another", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const here = yield* Authenticator
        // Another worker: its own Authenticator and session store over the same database.
        const elsewhere = yield* Layer.build(authenticatorLayerWith({ kdfCost: testKdfCost }))
        const inOtherProcess = <A, E>(effect: Effect.Effect<A, E, Authenticator>) => Effect.provide(effect, elsewhere)
        let now = Date.UTC(2026, 0, 1)
        const local = makeSessionStore({ ttlSeconds: 1800, cacheTtlSeconds: 5, now: () => now })
        const remote = makeSessionStore({ ttlSeconds: 1800, cacheTtlSeconds: 5, now: () => now })
        const user = yield* here.createUser({ email: "lb@example.com", name: "Balanced", role: "finance" })
        const { apiKey, record } = yield* here.issueApiKey({ userId: user.id })
        const signedOut = (yield* local.issue(yield* here.sessionForApiKey(apiKey))).token
        const revoked = (yield* local.issue(yield* here.sessionForApiKey(apiKey))).token
        for (const token of [signedOut, revoked]) {
          assert.strictEqual((yield* local.resolve(token)).name, "Balanced")
          assert.strictEqual((yield* inOtherProcess(remote.resolve(token))).name, "Balanced")
        }

        yield* local.revoke(signedOut)
        yield* refusal(local.resolve(signedOut))
        assert.strictEqual((yield* inOtherProcess(remote.resolve(signedOut))).name, "Balanced")
        now += 5_001
        yield* refusal(inOtherProcess(remote.resolve(signedOut)))

        assert.strictEqual((yield* inOtherProcess(remote.resolve(revoked))).name, "Balanced")
        yield* here.revokeApiKey(record.id)
        yield* refusal(local.resolve(revoked))
        assert.strictEqual((yield* inOtherProcess(remote.resolve(revoked))).name, "Balanced")
        now += 5_001
        yield* TestClock.adjust("5001 millis")
        yield* refusal(inOtherProcess(remote.resolve(revoked)))
      })
    ).pipe(Effect.provide(layer))
  )
})

describe("session store: dropping expired tokens", () => {
  it.effect("purgeExpired drops every expired session and refresh token and keeps live ones", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      let clock = Date.parse("2026-03-01T09:00:00Z")
      const sessions = makeSessionStore({
        ttlSeconds: 900,
        refreshTtlSeconds: 3600,
        sweepIntervalSeconds: 86_400, // no sweep on use in this test: only purgeExpired drops
        now: () => clock
      })
      yield* auth.createUser({ email: "ops@example.com", name: "Ops", role: "admin", password: "correct horse" })
      const grant = () => auth.sessionForPassword("ops@example.com", "correct horse")
      for (let index = 0; index < 3; index += 1) yield* sessions.issue(yield* grant())
      clock += 901_000 // sessions over, refresh tokens still good
      const live = yield* sessions.issue(yield* grant())
      assert.strictEqual(yield* sessions.purgeExpired, 3)
      assert.strictEqual((yield* sessions.resolve(live.token)).name, "Ops")
      clock += 3600_000 // everything issued so far is over
      assert.strictEqual(yield* sessions.purgeExpired, 5) // the live session and the four refresh tokens
      assert.strictEqual(yield* sessions.purgeExpired, 0)
    }).pipe(Effect.provide(layer))
  )

  it.effect("the next use after a token lifetime sweeps out every expired token, not only the one touched", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      let clock = Date.parse("2026-03-01T09:00:00Z")
      const sessions = makeSessionStore({ ttlSeconds: 900, now: () => clock })
      yield* auth.createUser({ email: "ops@example.com", name: "Ops", role: "admin", password: "correct horse" })
      for (let index = 0; index < 4; index += 1) {
        yield* sessions.issue(yield* auth.sessionForPassword("ops@example.com", "correct horse"))
      }
      clock += 600_000 // within the sweep interval: nothing is due yet
      yield* sessions.issue(yield* auth.sessionForPassword("ops@example.com", "correct horse"))
      clock += 400_000 // the first four are over, and a sweep is due
      yield* refusal(sessions.resolve("not-a-token"))
      assert.strictEqual(yield* sessions.purgeExpired, 0) // the sweep already took all four
    }).pipe(Effect.provide(layer))
  )
})
