/**
 * Session tokens for dialects whose vendor logs in first and then sends a token (CRM.COM's
 * `authentication/token`, LogiSense's `Access/Login`, Silver's token) and for the admin console. A
 * token is 32 random bytes (base64url) mapped to what it was derived from — the API key it was
 * traded for, or the user who signed in with a password — with a fixed lifetime from issue (the
 * vendors' 15/30/120 minutes) and optional sliding renewal. The principal is never copied into the
 * store: every `resolve` asks the Authenticator again (`principalOfSession`, one indexed read, or its
 * short-lived cache), so a revoked key or a removed user ends the token and a changed role applies
 * on the next call (within the cache time when that happened in another process). With `refreshTtlSeconds` a login also gets an OAuth-style refresh token: single use (each
 * refresh rotates it: the old one stops working, and of two concurrent refreshes only one wins),
 * optionally bound to the client id it was issued to, good for `refreshTtlSeconds` from its own
 * issue, and carrying the same origin, so `refresh` re-checks the key or user exactly as `resolve`
 * does.
 *
 * Tokens live in the database (`Authenticator.sessions`, by SHA-256 of the token; the token itself
 * is never stored), under the store's `scope` (a token works only where it was issued), so every
 * server process — and a restarted one — accepts a token another one issued. Expired tokens are
 * deleted by the purge schedule (`purgeExpired`) and by a sweep that runs at most once per token
 * lifetime on the next use. A session token's record is remembered in this process for
 * `cacheTtlSeconds` (default 5, issue 14: a get within three statements including authentication),
 * and the principal behind it by the Authenticator for as long: signing out or revoking the key
 * through this process ends the token at once; through another process, within that time.
 */
import { createHash } from "node:crypto"
import {
  Authenticator,
  type Principal,
  type SessionGrant,
  type SessionOrigin,
  type SessionRecord,
  type StorageUnavailable,
  Unauthorized
} from "@paybridge/core"
import { Cause, Effect } from "effect"

/** An issued token and when it stops working. */
export interface IssuedSession {
  readonly token: string
  readonly expiresAt: Date
  /** Lifetime in whole seconds, for `expires_in`-style responses. */
  readonly expiresInSeconds: number
  /** The refresh token issued with it; only from a store with `refreshTtlSeconds`. */
  readonly refresh?: IssuedRefreshToken | undefined
}

/** A single-use refresh token and when it stops working. */
export interface IssuedRefreshToken {
  readonly token: string
  readonly expiresAt: Date
  readonly expiresInSeconds: number
}

/** Options of `issue` and `refresh`. */
export interface RefreshBinding {
  /**
   * The client the refresh token belongs to (an OAuth `client_id`): a token issued with a client
   * refreshes only for that same client.
   */
  readonly client?: string | undefined
}

/** Issues, resolves and revokes session tokens. */
export interface SessionStore {
  /**
   * A new token for a login's grant (`Authenticator.sessionForApiKey` / `sessionForPassword`);
   * only its origin is kept.
   */
  readonly issue: (
    grant: SessionGrant,
    binding?: RefreshBinding
  ) => Effect.Effect<IssuedSession, StorageUnavailable, Authenticator>
  /**
   * Trades a refresh token for a new session and a new refresh token (same origin, re-checked
   * through the Authenticator first). The refresh token is used up; `Unauthorized` for an unknown,
   * used, expired or other client's refresh token, or one whose key or user is gone.
   */
  readonly refresh: (
    refreshToken: string,
    binding?: RefreshBinding
  ) => Effect.Effect<IssuedSession, Unauthorized | StorageUnavailable, Authenticator>
  /**
   * The current principal behind a live token, re-checked through the Authenticator;
   * `Unauthorized` for an unknown, revoked or expired token, or one whose key or user is gone.
   */
  readonly resolve: (token: string) => Effect.Effect<Principal, Unauthorized | StorageUnavailable, Authenticator>
  /** Ends a token at once; unknown tokens are ignored. */
  readonly revoke: (token: string) => Effect.Effect<void, StorageUnavailable, Authenticator>
  /**
   * Deletes every expired session and refresh token now (of every scope: they share one table);
   * how many were deleted.
   */
  readonly purgeExpired: Effect.Effect<number, StorageUnavailable, Authenticator>
}

/** Options of {@link makeSessionStore}. */
export interface SessionStoreOptions {
  /** Lifetime of a token in seconds. */
  readonly ttlSeconds: number
  /**
   * Who issues the tokens (a dialect id, `admin-console`): a token resolves only in a store of the
   * same scope. Default `sessions`.
   */
  readonly scope?: string | undefined
  /** Renew the lifetime on every use (CRM.COM before R12 expired tokens after idle time). */
  readonly sliding?: boolean | undefined
  /** Clock in milliseconds; defaults to `Date.now` (tests pin it). */
  readonly now?: (() => number) | undefined
  /** Lifetime of a refresh token in seconds; without it no refresh tokens are issued. */
  readonly refreshTtlSeconds?: number | undefined
  /**
   * Expired tokens are deleted by a sweep that runs, at most this often, on the next issue,
   * resolve or refresh (so an idle store costs nothing). Default: the token lifetime.
   */
  readonly sweepIntervalSeconds?: number | undefined
  /**
   * How long a session token's record is remembered in this process without reading it again
   * (sign-out elsewhere applies within this time; here at once). Default 5 seconds; 0 turns it off.
   */
  readonly cacheTtlSeconds?: number | undefined
}

const randomToken = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")

/** The key a token is kept under: its SHA-256, hex (a database leak reveals no usable token). */
const hashOf = (token: string): string => createHash("sha256").update(token).digest("hex")

/** A {@link SessionStore} over the database (through `Authenticator.sessions`). */
export const makeSessionStore = (options: SessionStoreOptions): SessionStore => {
  const now = options.now ?? Date.now
  const scope = options.scope ?? "sessions"
  const ttlMillis = options.ttlSeconds * 1000
  const refreshTtlSeconds = options.refreshTtlSeconds
  const expired = new Unauthorized({ message: "The session token is invalid or has expired" })
  const refreshRefused = new Unauthorized({ message: "The refresh token is invalid, expired or already used" })

  const sweepIntervalMillis = (options.sweepIntervalSeconds ?? options.ttlSeconds) * 1000
  let lastSweep = now()
  /** The periodic sweep: every expired token goes, at most once per `sweepIntervalMillis`. */
  const sweepIfDue = Effect.suspend(() => {
    const at = now()
    if (at - lastSweep < sweepIntervalMillis) return Effect.void
    lastSweep = at
    return Authenticator.use((auth) => auth.sessions.purgeExpired(new Date(at))).pipe(Effect.asVoid)
  })

  /** A session (and, when configured, a refresh token) for an origin, issued now. */
  const open = (origin: SessionOrigin, client: string | null) =>
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const at = now()
      const token = randomToken()
      const createdAt = new Date(at)
      yield* auth.sessions.save({
        tokenHash: hashOf(token),
        kind: "session",
        scope,
        origin,
        client: null,
        expiresAt: new Date(at + ttlMillis),
        createdAt
      })
      const issued: IssuedSession = {
        token,
        expiresAt: new Date(at + ttlMillis),
        expiresInSeconds: options.ttlSeconds
      }
      if (refreshTtlSeconds === undefined) return issued
      const refreshToken = randomToken()
      const refreshExpiresAt = new Date(at + refreshTtlSeconds * 1000)
      yield* auth.sessions.save({
        tokenHash: hashOf(refreshToken),
        kind: "refresh",
        scope,
        origin,
        client,
        expiresAt: refreshExpiresAt,
        createdAt
      })
      return {
        ...issued,
        refresh: { token: refreshToken, expiresAt: refreshExpiresAt, expiresInSeconds: refreshTtlSeconds }
      }
    })

  const cacheTtlMillis = (options.cacheTtlSeconds ?? 5) * 1000
  const cacheMaxEntries = 10_000
  /** token hash → its live session record and until when it is trusted; insertion order = age. */
  const remembered = new Map<string, { record: SessionRecord; readonly until: number }>()
  const remember = (record: SessionRecord) => {
    if (cacheTtlMillis <= 0 || record.kind !== "session") return
    remembered.delete(record.tokenHash)
    remembered.set(record.tokenHash, { record, until: now() + cacheTtlMillis })
    while (remembered.size > cacheMaxEntries) {
      const oldest = remembered.keys().next()
      if (oldest.done) break
      remembered.delete(oldest.value)
    }
  }
  /** Ends a token for good: deleted from the database and forgotten here. */
  const take = (auth: Authenticator["Service"], tokenHash: string) => {
    remembered.delete(tokenHash)
    return auth.sessions.take(tokenHash)
  }

  /** The live record of `token` of this kind in this scope, or null (sessions from the cache while fresh). */
  const live = (token: string, kind: SessionRecord["kind"]) =>
    Effect.flatMap(Authenticator, (auth) => {
      const tokenHash = hashOf(token)
      const usable = (record: SessionRecord | null) =>
        record !== null && record.kind === kind && record.scope === scope && record.expiresAt.getTime() > now()
          ? record
          : null
      const hit = kind === "session" ? remembered.get(tokenHash) : undefined
      if (hit !== undefined && hit.until > now()) return Effect.succeed(usable(hit.record))
      if (hit !== undefined) remembered.delete(tokenHash)
      return Effect.map(auth.sessions.find(tokenHash), (record) => {
        const found = usable(record)
        if (found !== null) remember(found)
        return found
      })
    })

  return {
    issue: (grant, binding) => Effect.andThen(sweepIfDue, open(grant.origin, binding?.client ?? null)),
    refresh: (refreshToken, binding) =>
      Effect.gen(function* () {
        yield* sweepIfDue
        const auth = yield* Authenticator
        const entry = yield* live(refreshToken, "refresh")
        if (entry === null) return yield* refreshRefused
        // Another client's token is refused but not used up: its owner can still refresh.
        if (entry.client !== null && entry.client !== (binding?.client ?? null)) return yield* refreshRefused
        const checked = yield* Effect.exit(auth.principalOfSession(entry.origin))
        if (checked._tag === "Failure") {
          const error = Cause.squash(checked.cause)
          if (error instanceof Unauthorized) {
            yield* take(auth, entry.tokenHash)
            return yield* refreshRefused
          }
          return yield* Effect.failCause(checked.cause)
        }
        // Single use: of two concurrent refreshes with one token (in any process), only the one that deletes it wins.
        if (!(yield* take(auth, entry.tokenHash))) return yield* refreshRefused
        return yield* open(entry.origin, entry.client)
      }),
    resolve: (token) =>
      Effect.gen(function* () {
        yield* sweepIfDue
        const auth = yield* Authenticator
        const session = yield* live(token, "session")
        if (session === null) return yield* expired
        const principal = yield* auth.principalOfSession(session.origin).pipe(
          Effect.tapError((error) =>
            // The key was revoked or the user removed: the token is over for good.
            error._tag === "Unauthorized" ? take(auth, session.tokenHash) : Effect.void
          ),
          Effect.mapError((error) => (error._tag === "Unauthorized" ? expired : error))
        )
        if (options.sliding) {
          const expiresAt = new Date(now() + ttlMillis)
          yield* auth.sessions.extend(session.tokenHash, expiresAt)
          const cached = remembered.get(session.tokenHash)
          if (cached !== undefined) cached.record = { ...cached.record, expiresAt }
        }
        return principal
      }),
    revoke: (token) => Authenticator.use((auth) => Effect.asVoid(take(auth, hashOf(token)))),
    purgeExpired: Effect.suspend(() => {
      const at = now()
      lastSweep = at
      return Authenticator.use((auth) => auth.sessions.purgeExpired(new Date(at)))
    })
  }
}
