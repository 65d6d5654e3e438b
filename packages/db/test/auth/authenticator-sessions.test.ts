/**
 * The Authenticator's side of dialect session tokens: a login through an API key or a password
 * names what the session derives from, and `principalOfSession` re-checks it on every use — a
 * revoked (or replaced) key ends its sessions at once, a password session lives as long as its
 * user, and the principal is read afresh each time rather than copied at login.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  ApiKeyId,
  Authenticator,
  authenticatorLayerWith,
  CustomerId,
  testKdfCost,
  Unauthorized,
  UserId
} from "@paybridge/core"
import { Effect, Layer } from "effect"
import { TestLedgerStore } from "../../src/testing/index.ts"

const layer = Layer.provideMerge(authenticatorLayerWith({ kdfCost: testKdfCost }), TestLedgerStore.layer)

describe("Authenticator: session origins", () => {
  it.effect("a session from an API key works until that key is revoked, then not at all", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({ email: "crm@example.com", name: "CRM client", role: "finance" })
      const { apiKey, record } = yield* auth.issueApiKey({ userId: user.id })
      const grant = yield* auth.sessionForApiKey(apiKey)
      assert.deepStrictEqual(grant.origin, { kind: "api-key", apiKeyId: record.id })
      assert.deepStrictEqual(grant.principal, yield* auth.authenticateApiKey(apiKey))

      assert.deepStrictEqual(yield* auth.principalOfSession(grant.origin), grant.principal)
      yield* auth.revokeApiKey(record.id)
      assert.instanceOf(yield* Effect.flip(auth.principalOfSession(grant.origin)), Unauthorized)
    }).pipe(Effect.provide(layer))
  )

  it.effect("issuing a user a new key ends the sessions made from the old one", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({ email: "svc@example.com", name: "Service", role: "read-only" })
      const first = yield* auth.issueApiKey({ userId: user.id })
      const grant = yield* auth.sessionForApiKey(first.apiKey)
      const second = yield* auth.issueApiKey({ userId: user.id })
      assert.instanceOf(yield* Effect.flip(auth.principalOfSession(grant.origin)), Unauthorized)
      const fresh = yield* auth.sessionForApiKey(second.apiKey)
      assert.strictEqual((yield* auth.principalOfSession(fresh.origin)).name, "Service")
    }).pipe(Effect.provide(layer))
  )

  it.effect("a password session names its user and resolves to that user's current principal", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({
        email: "Ada@Example.com",
        name: "Ada",
        role: "admin",
        password: "correct horse",
        customerScope: [CustomerId.make(3), CustomerId.make(4)]
      })
      const grant = yield* auth.sessionForPassword("ada@example.com", "correct horse")
      assert.deepStrictEqual(grant.origin, { kind: "user", userId: user.id })
      assert.deepStrictEqual(yield* auth.principalOfSession(grant.origin), {
        id: user.id,
        kind: "user",
        name: "Ada",
        role: "admin",
        customerScope: [CustomerId.make(3), CustomerId.make(4)]
      })
      assert.instanceOf(yield* Effect.flip(auth.sessionForPassword("ada@example.com", "wrong horse")), Unauthorized)
    }).pipe(Effect.provide(layer))
  )

  it.effect("a session whose user or key does not exist is refused", () =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      assert.instanceOf(
        yield* Effect.flip(auth.principalOfSession({ kind: "user", userId: UserId.make(999) })),
        Unauthorized
      )
      assert.instanceOf(
        yield* Effect.flip(auth.principalOfSession({ kind: "api-key", apiKeyId: ApiKeyId.make(999) })),
        Unauthorized
      )
      assert.instanceOf(yield* Effect.flip(auth.sessionForApiKey("pbk_nonsense")), Unauthorized)
    }).pipe(Effect.provide(layer))
  )
})
