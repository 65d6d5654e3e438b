/**
 * The Authenticator over the `IdentityStore` port (users and API keys). Secrets and
 * passwords are scrypt hashes (see `credentials.ts`); issuing a key revokes the user's previous
 * keys in the same transaction. Because scrypt is slow by design, successful API-key checks are
 * remembered in-process for a few minutes, keyed by the SHA-256 of the whole key; the key row
 * (with its user, in one read) is remembered for `principalCacheTtlMillis` (5 seconds), so a
 * revocation in this process takes effect on the very next request and one in another process (or
 * straight in the database) within those 5 seconds; a key's `last used` time is written at most
 * once per `lastUsedResolutionMillis`. Verified passwords are remembered the same way
 * (keyed by an HMAC of user, stored hash and password; the user row is read every time), so HTTP
 * Basic does not run scrypt per request. Session tokens derived from a key or a password login are re-checked the
 * same way (`principalOfSession`: the key row and the user row, no KDF). Failures never say which
 * part of a credential was wrong. At most `maxConcurrentKdf` scrypt computations run at once; a
 * check that finds every slot taken waits briefly (`kdfQueueTimeoutMillis`) and then fails with
 * `Overloaded`, so a burst of password guesses cannot exhaust memory or the libuv thread pool.
 * The principal of a session origin or a signed-in user (`principalOfSession`, `principalOf`: a
 * JWT or session token already proved who it is) is remembered for `principalCacheTtlMillis`
 * (default 5 seconds, issue 14): revoking or re-issuing a key empties that cache in this process at
 * once; another process sees the revocation within the TTL (README, "Running several workers").
 */
import { randomBytes } from "node:crypto"
import { Clock, Effect, Layer, Option, Schema, Semaphore } from "effect"
import { Conflict, notFound, Overloaded, Unauthorized, validationFailed } from "../errors.ts"
import { type Principal, Role } from "../model/common.ts"
import type { ApiKeyId, UserId } from "../model/ids.ts"
import { type ApiKeyRecord, type ApiKeyWithUser, IdentityStore, type UserRecord } from "../ports/identity-store.ts"
import { now } from "../services/clock.ts"
import {
  Authenticator,
  type CreateUserInput,
  type SessionOrigin,
  type UserLookup,
  type UserProfile
} from "./authenticator.ts"
import {
  apiKeyFingerprint,
  decoyHash,
  formatApiKey,
  generateApiKeyPrefix,
  generateApiKeySecret,
  hashSecret,
  type KdfCost,
  parseApiKey,
  passwordFingerprint,
  productionKdfCost,
  rememberVerified,
  verifySecret
} from "./credentials.ts"

export interface AuthenticatorOptions {
  /** scrypt cost for new hashes; defaults to {@link productionKdfCost}. Tests pass a cheap one. */
  readonly kdfCost?: KdfCost | undefined
  /** How long a verified API key or password skips scrypt (the rows are still read every time). Default 5 minutes. */
  readonly cacheTtlMillis?: number | undefined
  /** Upper bound of remembered keys; the oldest entry is dropped first. Default 10 000. */
  readonly cacheMaxEntries?: number | undefined
  /** A key's last-used time is written at most this often (a write per request would be wasteful). Default 1 minute. */
  readonly lastUsedResolutionMillis?: number | undefined
  /**
   * How many scrypt computations may run at once (each holds ~32 MiB and a libuv worker thread).
   * Default 4, Node's default thread-pool size: more would only queue inside libuv, delaying file
   * and DNS work too.
   */
  readonly maxConcurrentKdf?: number | undefined
  /** How long a check waits for a free scrypt slot before it fails with `Overloaded`. Default 2 seconds. */
  readonly kdfQueueTimeoutMillis?: number | undefined
  /**
   * How long the principal of a session origin or a user (`principalOfSession`, `principalOf`) is
   * remembered without reading the key and user rows again. Default 5 seconds; 0 turns it off.
   * A revocation in this process empties the cache at once; in another process it applies within this time.
   */
  readonly principalCacheTtlMillis?: number | undefined
  /** The scrypt check of a secret against its stored hash; default {@link verifySecret}. Tests may slow it down. */
  readonly verifySecret?: ((secret: string, stored: string) => Promise<boolean>) | undefined
}

const invalidApiKey = () => new Unauthorized({ message: "invalid or revoked API key" })
const invalidPassword = () => new Unauthorized({ message: "invalid email or password" })

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/
const maxEmailLength = 254
const maxNameLength = 200
const minPasswordLength = 8
const maxPasswordLength = 1024
const maxLabelLength = 100

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()

interface CachedVerification {
  readonly apiKeyId: ApiKeyId
  readonly userId: UserId
  readonly expiresAt: number
}

const principalFromUser = (user: UserRecord, kind: "user" | "api-key"): Principal => ({
  id: user.id,
  kind,
  name: user.name,
  role: user.role,
  customerScope: user.customerScope === null ? null : [...user.customerScope]
})

/** The Authenticator with explicit options (a cheap `kdfCost` for tests, cache tuning). */
export const authenticatorLayerWith = (
  options: AuthenticatorOptions = {}
): Layer.Layer<Authenticator, never, IdentityStore> =>
  Layer.effect(
    Authenticator,
    Effect.gen(function* () {
      const store = yield* IdentityStore
      const kdfCost = options.kdfCost ?? productionKdfCost
      const cacheTtlMillis = options.cacheTtlMillis ?? 5 * 60 * 1000
      const cacheMaxEntries = options.cacheMaxEntries ?? 10_000
      const lastUsedResolutionMillis = options.lastUsedResolutionMillis ?? 60_000
      /** fingerprint of the whole key → who it proved to be; insertion order = age. */
      const verified = new Map<string, CachedVerification>()
      /** fingerprint of (user, stored hash, password) → when the entry expires; insertion order = age. */
      const verifiedPasswords = new Map<string, number>()
      const passwordCacheKey = randomBytes(32)
      const principalCacheTtlMillis = options.principalCacheTtlMillis ?? 5000
      /** `api-key:<id>` / `user:<id>` → the principal it resolved to and until when it is trusted. */
      const principals = new Map<string, { readonly principal: Principal; readonly until: number }>()
      /** Remembers a resolved principal (bounded like the key cache: the oldest entry goes first). */
      const rememberPrincipal = (key: string, principal: Principal, nowMillis: number) => {
        if (principalCacheTtlMillis <= 0) return
        principals.delete(key)
        principals.set(key, { principal, until: nowMillis + principalCacheTtlMillis })
        while (principals.size > cacheMaxEntries) {
          const oldest = principals.keys().next()
          if (oldest.done) break
          principals.delete(oldest.value)
        }
      }
      /**
       * fingerprint of the whole key → its key row and user, and until when they are trusted without
       * reading them again (`principalCacheTtlMillis`). Only a key whose secret was verified gets here.
       */
      const liveKeys = new Map<string, { readonly found: ApiKeyWithUser; readonly until: number }>()
      const rememberLiveKey = (fingerprint: string, found: ApiKeyWithUser, until: number) => {
        if (principalCacheTtlMillis <= 0) return
        liveKeys.delete(fingerprint)
        liveKeys.set(fingerprint, { found, until })
        while (liveKeys.size > cacheMaxEntries) {
          const oldest = liveKeys.keys().next()
          if (oldest.done) break
          liveKeys.delete(oldest.value)
        }
      }
      /** A revocation or re-issue in this process: every remembered principal and key row goes at once. */
      const evictPrincipals = () => {
        principals.clear()
        liveKeys.clear()
      }

      /** `resolve`'s principal for `key`, from the cache while it is fresh. */
      const cachedPrincipal = <E>(key: string, resolve: Effect.Effect<Principal, E>) =>
        Effect.flatMap(Clock.currentTimeMillis, (nowMillis) => {
          const hit = principals.get(key)
          if (hit !== undefined && hit.until > nowMillis) return Effect.succeed(hit.principal)
          if (hit !== undefined) principals.delete(key)
          return Effect.tap(resolve, (principal) => Effect.sync(() => rememberPrincipal(key, principal, nowMillis)))
        })

      const kdfSlots = yield* Semaphore.make(Math.max(1, options.maxConcurrentKdf ?? 4))
      const kdfQueueTimeoutMillis = options.kdfQueueTimeoutMillis ?? 2000
      const kdfBusy = () =>
        new Overloaded({
          message: "Too many credential checks are in progress; try again shortly",
          retryAfterSeconds: Math.max(1, Math.ceil(kdfQueueTimeoutMillis / 1000))
        })
      /** Runs one scrypt computation in a free slot, waiting at most `kdfQueueTimeoutMillis` for one. */
      const withKdfSlot = <A>(work: () => Promise<A>): Effect.Effect<A, Overloaded> =>
        Effect.scoped(
          Effect.gen(function* () {
            const slot = yield* kdfSlots.takeScoped(1).pipe(Effect.timeoutOption(kdfQueueTimeoutMillis))
            if (Option.isNone(slot)) return yield* kdfBusy()
            return yield* Effect.promise(work)
          })
        )

      const hash = (secret: string) => withKdfSlot(() => hashSecret(secret, kdfCost))
      const scryptCheck = options.verifySecret ?? verifySecret
      const verify = (secret: string, stored: string) => withKdfSlot(() => scryptCheck(secret, stored))
      // Computed once, lazily: lets unknown emails cost one scrypt like known ones.
      let decoy: Promise<string> | null = null
      const spendDecoyTime = (secret: string) =>
        withKdfSlot(() => {
          decoy ??= decoyHash(kdfCost)
          return decoy.then((stored) => scryptCheck(secret, stored))
        })

      const remember = (fingerprint: string, entry: CachedVerification) =>
        rememberVerified(verified, fingerprint, entry, cacheMaxEntries)

      const loadUser = (userId: UserId) =>
        Effect.flatMap(store.users.get(userId), (user) =>
          user === null ? Effect.fail(new Unauthorized({ message: "unknown user" })) : Effect.succeed(user)
        )

      const createUser = Effect.fn("Authenticator.createUser")(function* (input: CreateUserInput) {
        const email = normalizeEmail(input.email)
        if (email.length > maxEmailLength || !emailPattern.test(email)) {
          return yield* validationFailed(["email"], "email must be a valid address")
        }
        const name = input.name.trim()
        if (name.length === 0) return yield* validationFailed(["name"], "name must not be empty")
        if (name.length > maxNameLength) {
          return yield* validationFailed(["name"], `name must be at most ${maxNameLength} characters`)
        }
        if (!Schema.is(Role)(input.role)) {
          return yield* validationFailed(["role"], "role must be one of admin, finance, read-only")
        }
        const password = input.password ?? null
        if (password !== null && (password.length < minPasswordLength || password.length > maxPasswordLength)) {
          return yield* validationFailed(
            ["password"],
            `password must be between ${minPasswordLength} and ${maxPasswordLength} characters`
          )
        }
        const scope = input.customerScope ?? null
        if (scope !== null && !scope.every((id) => Number.isSafeInteger(id) && id > 0)) {
          return yield* validationFailed(["customerScope"], "customerScope must list customer ids")
        }
        const duplicate = () =>
          new Conflict({ reason: "duplicate", message: `a user with email ${email} already exists` })
        // Checked before the slow hash and again inside the transaction that inserts.
        if ((yield* store.users.getByEmail(email)) !== null) return yield* duplicate()
        const passwordHash = password === null ? null : yield* hash(password)
        const createdAt = yield* now
        return yield* store.transaction(
          Effect.gen(function* () {
            if ((yield* store.users.getByEmail(email)) !== null) return yield* duplicate()
            return yield* store.users.insert({
              email,
              name,
              role: input.role,
              passwordHash,
              customerScope: scope === null ? null : [...new Set(scope)],
              createdAt
            })
          })
        )
      })

      // A collision of two random 12-character prefixes is astronomically unlikely; still, never shadow a key.
      const unusedPrefix = Effect.gen(function* () {
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const prefix = generateApiKeyPrefix()
          if ((yield* store.apiKeys.getByPrefix(prefix)) === null) return prefix
        }
        return yield* Effect.die(new Error("could not find an unused API key prefix in 5 attempts"))
      })

      const issueApiKey = Effect.fn("Authenticator.issueApiKey")(function* (input: {
        readonly userId: UserId
        readonly label?: string
      }) {
        const label = input.label?.trim() || "default"
        if (label.length > maxLabelLength) {
          return yield* validationFailed(["label"], `label must be at most ${maxLabelLength} characters`)
        }
        const user = yield* store.users.get(input.userId)
        if (user === null) return yield* notFound("user", input.userId)
        const secret = generateApiKeySecret()
        const secretHash = yield* hash(secret)
        const createdAt = yield* now
        const { prefix, record } = yield* store.transaction(
          Effect.gen(function* () {
            const prefix = yield* unusedPrefix
            yield* store.apiKeys.revokeAllForUser(user.id, createdAt)
            const record = yield* store.apiKeys.insert({
              userId: user.id,
              prefix,
              secretHash,
              label,
              createdAt,
              revokedAt: null
            })
            return { prefix, record }
          })
        )
        // The user's previous keys were revoked: their sessions end in this process at once.
        evictPrincipals()
        return { apiKey: formatApiKey({ prefix, secret }), record }
      })

      const checkSecret = Effect.fnUntraced(function* (apiKey: string, secret: string, row: ApiKeyRecord) {
        const fingerprint = apiKeyFingerprint(apiKey)
        const nowMillis = yield* Clock.currentTimeMillis
        const cached = verified.get(fingerprint)
        if (cached !== undefined && cached.apiKeyId === row.id && cached.expiresAt > nowMillis) return
        if (cached !== undefined) verified.delete(fingerprint)
        if (!(yield* verify(secret, row.secretHash))) return yield* invalidApiKey()
        remember(fingerprint, { apiKeyId: row.id, userId: row.userId, expiresAt: nowMillis + cacheTtlMillis })
      })

      /** The live key row and its user behind a whole API key. */
      const verifyApiKey = Effect.fnUntraced(function* (apiKey: string) {
        const trimmed = apiKey.trim()
        const parts = parseApiKey(trimmed)
        if (parts === null) return yield* invalidApiKey()
        const fingerprint = apiKeyFingerprint(trimmed)
        const nowMillis = yield* Clock.currentTimeMillis
        // The key row and its user (one read) are remembered for `principalCacheTtlMillis`: a
        // revocation here evicts at once, one in another process applies within that time.
        const hit = liveKeys.get(fingerprint)
        let found: ApiKeyWithUser
        if (hit !== undefined && hit.until > nowMillis) {
          found = hit.found
        } else {
          if (hit !== undefined) liveKeys.delete(fingerprint)
          const read = yield* store.apiKeys.getWithUserByPrefix(parts.prefix)
          if (read === null || read.key.revokedAt !== null) return yield* invalidApiKey()
          yield* checkSecret(trimmed, parts.secret, read.key)
          found = read
          rememberLiveKey(fingerprint, found, nowMillis + principalCacheTtlMillis)
        }
        const { key: row, user } = found
        // `last used` is written at most once per `lastUsedResolutionMillis`, never per request.
        const usedAt = yield* now
        const lastUsedAt = row.lastUsedAt ?? null
        if (lastUsedAt === null || usedAt.getTime() - lastUsedAt.getTime() >= lastUsedResolutionMillis) {
          yield* store.apiKeys.markUsed(row.id, usedAt)
          const entry = liveKeys.get(fingerprint)
          if (entry !== undefined) {
            rememberLiveKey(fingerprint, { key: { ...entry.found.key, lastUsedAt: usedAt }, user }, entry.until)
          }
        }
        return { row, user }
      })

      const authenticateApiKey = Effect.fn("Authenticator.authenticateApiKey")(function* (apiKey: string) {
        const { user } = yield* verifyApiKey(apiKey)
        return principalFromUser(user, "api-key")
      })

      const sessionForApiKey = Effect.fn("Authenticator.sessionForApiKey")(function* (apiKey: string) {
        const { row, user } = yield* verifyApiKey(apiKey)
        const origin: SessionOrigin = { kind: "api-key", apiKeyId: row.id }
        return { principal: principalFromUser(user, "api-key"), origin }
      })

      const verifyPassword = Effect.fnUntraced(function* (email: string, password: string) {
        const user = password.length > maxPasswordLength ? null : yield* store.users.getByEmail(normalizeEmail(email))
        if (user === null || user.passwordHash === null) {
          yield* spendDecoyTime(password.slice(0, maxPasswordLength))
          return yield* invalidPassword()
        }
        // A password verified recently against this very hash skips scrypt (HTTP Basic sends it on
        // every request); the user row is still read every time, so a changed password or a
        // deleted user takes effect on the next request.
        const fingerprint = passwordFingerprint(passwordCacheKey, user.id, user.passwordHash, password)
        const nowMillis = yield* Clock.currentTimeMillis
        const cachedUntil = verifiedPasswords.get(fingerprint)
        if (cachedUntil !== undefined && cachedUntil > nowMillis) return user
        if (cachedUntil !== undefined) verifiedPasswords.delete(fingerprint)
        if (!(yield* verify(password, user.passwordHash))) return yield* invalidPassword()
        verifiedPasswords.set(fingerprint, nowMillis + cacheTtlMillis)
        while (verifiedPasswords.size > cacheMaxEntries) {
          const oldest = verifiedPasswords.keys().next()
          if (oldest.done) break
          verifiedPasswords.delete(oldest.value)
        }
        return user
      })

      const authenticatePassword = Effect.fn("Authenticator.authenticatePassword")(function* (
        email: string,
        password: string
      ) {
        return principalFromUser(yield* verifyPassword(email, password), "user")
      })

      const sessionForPassword = Effect.fn("Authenticator.sessionForPassword")(function* (
        email: string,
        password: string
      ) {
        const user = yield* verifyPassword(email, password)
        const origin: SessionOrigin = { kind: "user", userId: user.id }
        return { principal: principalFromUser(user, "user"), origin }
      })

      const endedSession = () => new Unauthorized({ message: "The session token is invalid or has expired" })

      const principalOfSession = Effect.fn("Authenticator.principalOfSession")(function* (origin: SessionOrigin) {
        if (origin.kind === "user") {
          return yield* cachedPrincipal(
            `user:${origin.userId}`,
            Effect.flatMap(store.users.get(origin.userId), (user) =>
              user === null ? Effect.fail(endedSession()) : Effect.succeed(principalFromUser(user, "user"))
            )
          )
        }
        return yield* cachedPrincipal(
          `api-key:${origin.apiKeyId}`,
          Effect.flatMap(store.apiKeys.getWithUser(origin.apiKeyId), (found) =>
            found === null || found.key.revokedAt !== null
              ? Effect.fail(endedSession())
              : Effect.succeed(principalFromUser(found.user, "api-key"))
          )
        )
      })

      const revokeApiKey = Effect.fn("Authenticator.revokeApiKey")(function* (apiKeyId: ApiKeyId) {
        const existing = yield* store.apiKeys.get(apiKeyId)
        if (existing === null) return yield* notFound("API key", apiKeyId)
        if (existing.revokedAt === null) yield* store.apiKeys.revoke(apiKeyId, yield* now)
        evictPrincipals()
        const row = yield* store.apiKeys.get(apiKeyId)
        return row ?? existing
      })

      const principalOf = Effect.fn("Authenticator.principalOf")(function* (userId: UserId) {
        return yield* cachedPrincipal(
          `user:${userId}`,
          Effect.map(loadUser(userId), (user) => principalFromUser(user, "user"))
        )
      })

      /** user id → public profile and until when it is trusted (dialects name users on every read). */
      const profiles = new Map<UserId, { readonly profile: UserProfile | null; readonly until: number }>()
      const findUser = Effect.fn("Authenticator.findUser")(function* (lookup: UserLookup) {
        const nowMillis = yield* Clock.currentTimeMillis
        if ("id" in lookup) {
          const hit = profiles.get(lookup.id)
          if (hit !== undefined && hit.until > nowMillis) return hit.profile
        }
        const user =
          "id" in lookup
            ? yield* store.users.get(lookup.id)
            : yield* store.users.getByEmail(normalizeEmail(lookup.email))
        const profile = user === null ? null : { id: user.id, email: user.email, name: user.name }
        // Only users that exist are remembered (a user created later is found at once).
        if ("id" in lookup && profile !== null && principalCacheTtlMillis > 0) {
          if (profiles.size >= cacheMaxEntries) profiles.clear()
          profiles.set(lookup.id, { profile, until: nowMillis + principalCacheTtlMillis })
        }
        return profile
      })

      return Authenticator.of({
        createUser,
        issueApiKey,
        authenticateApiKey,
        authenticatePassword,
        sessionForApiKey,
        sessionForPassword,
        principalOfSession,
        principalOf,
        findUser,
        countUsers: store.users.count,
        listUsers: store.users.list,
        listApiKeys: (userId) => store.apiKeys.list(userId),
        revokeApiKey,
        sessions: {
          // A taken token hash (two random 32-byte tokens alike) cannot happen; a refused insert is a defect.
          save: (record) =>
            store.sessions
              .insert(record)
              .pipe(Effect.catchTags({ Conflict: Effect.die, ValidationFailed: Effect.die })),
          find: store.sessions.get,
          extend: store.sessions.extend,
          take: store.sessions.take,
          purgeExpired: store.sessions.purgeExpired
        }
      })
    })
  )

/** The production Authenticator: scrypt N=2^15, r=8, p=1; verified keys remembered 5 minutes. */
export const authenticatorLayer: Layer.Layer<Authenticator, never, IdentityStore> = authenticatorLayerWith()
