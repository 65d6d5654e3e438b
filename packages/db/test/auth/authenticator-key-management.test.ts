/**
 * The Authenticator's key management for the admin console: every user and key listed (revoked
 * keys included, never a secret), one key revoked on its own — refused from the next request on,
 * other users' keys untouched — and the time a key was last used, written at most once a minute
 * so busy clients do not turn every request into a write.
 */
import { assert, describe, it } from "@effect/vitest"
import { ApiKeyId, Authenticator, authenticatorLayerWith, NotFound, testKdfCost, Unauthorized } from "@paybridge/core"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { TestLedgerStore } from "../../src/testing/index.ts"

const layer = Layer.provideMerge(authenticatorLayerWith({ kdfCost: testKdfCost }), TestLedgerStore.layer)

describe("Authenticator: key management", () => {
  it.effect("lists users and their keys, and revokes one key without touching another user's", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const ops = yield* auth.createUser({ email: "ops@example.com", name: "Ops", role: "admin" })
      const bot = yield* auth.createUser({ email: "bot@example.com", name: "Bot", role: "read-only" })
      const opsKey = yield* auth.issueApiKey({ userId: ops.id, label: "laptop" })
      const botKey = yield* auth.issueApiKey({ userId: bot.id, label: "legacy client" })
      assert.deepStrictEqual(
        (yield* auth.listUsers).map((user) => user.email),
        ["ops@example.com", "bot@example.com"]
      )
      assert.deepStrictEqual(
        (yield* auth.listApiKeys(bot.id)).map((key) => key.label),
        ["legacy client"]
      )

      const revoked = yield* auth.revokeApiKey(botKey.record.id)
      assert.isNotNull(revoked.revokedAt)
      assert.instanceOf(yield* Effect.flip(auth.authenticateApiKey(botKey.apiKey)), Unauthorized)
      assert.strictEqual((yield* auth.authenticateApiKey(opsKey.apiKey)).name, "Ops")
      assert.strictEqual(
        (yield* auth.revokeApiKey(botKey.record.id)).revokedAt?.getTime(),
        revoked.revokedAt?.getTime()
      )
      assert.instanceOf(yield* Effect.flip(auth.revokeApiKey(ApiKeyId.make(9999))), NotFound)
      assert.strictEqual((yield* auth.listApiKeys()).length, 2)
    }).pipe(Effect.provide(layer))
  )

  it.effect("records when a key was last used, at most once a minute", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({ email: "svc@example.com", name: "Service", role: "finance" })
      const { apiKey, record } = yield* auth.issueApiKey({ userId: user.id })
      const lastUsed = Effect.map(auth.listApiKeys(user.id), (keys) => keys[0]?.lastUsedAt?.getTime() ?? null)
      assert.strictEqual(yield* lastUsed, null)

      yield* auth.authenticateApiKey(apiKey)
      const first = yield* lastUsed
      assert.isNotNull(first)
      yield* TestClock.adjust("30 seconds")
      yield* auth.authenticateApiKey(apiKey)
      assert.strictEqual(yield* lastUsed, first)
      yield* TestClock.adjust("31 seconds")
      yield* auth.authenticateApiKey(apiKey)
      assert.strictEqual(yield* lastUsed, (first ?? 0) + 61_000)
      assert.strictEqual(record.lastUsedAt ?? null, null)
    }).pipe(Effect.provide(layer))
  )
})
