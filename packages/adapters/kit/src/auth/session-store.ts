/**
 * Session tokens for dialects whose vendor logs in first and then sends a token (CRM.COM's
 * `authentication/token`, LogiSense's `Access/Login`, Elevate's `POST /authenticate`). A token
 * is 32 random bytes (base64url) mapped to what it was derived from — the API key it was traded
 * for, or the user who signed in with a password — with a fixed lifetime from issue (the vendors'
 * 15/30/120 minutes) and optional sliding renewal. The principal is never copied into the store:
 * every `resolve` asks the Authenticator again (`principalOfSession`, two indexed reads), so a
 * revoked key or a removed user ends the token at once and a changed role applies on the next
 * call. With `refreshTtlSeconds` a login also gets an OAuth-style refresh token: single use
 * (each refresh rotates it: the old one stops working), optionally bound to the client id it was
 * issued to, good for `refreshTtlSeconds` from its own issue, and carrying the same origin, so
 * `refresh` re-checks the key or user exactly as `resolve` does. Expired tokens are dropped by a
 * sweep that runs at most once per token lifetime on the next use, and by `purgeExpired`, so
 * they never pile up until the size bound. The store is in memory, one per
 * dialect app: a restart signs everyone out, which these vendors' clients already handle because
 * their tokens expire anyway.
 */
import {
  Authenticator,
  type Principal,
  type SessionGrant,
  type SessionOrigin,
  type StorageUnavailable,
  Unauthorized
} from "@paybridge/core"
import { Effect } from "effect"

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
  readonly issue: (grant: SessionGrant, binding?: RefreshBinding) => Effect.Effect<IssuedSession>
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
  readonly revoke: (token: string) => Effect.Effect<void>
  /** Drops every expired session and refresh token now; how many were dropped. */
  readonly purgeExpired: Effect.Effect<number>
}

/** Options of {@link makeSessionStore}. */
export interface SessionStoreOptions {
  /** Lifetime of a token in seconds. */
  readonly ttlSeconds: number
  /** Renew the lifetime on every use (CRM.COM before R12 expired tokens after idle time). */
  readonly sliding?: boolean | undefined
  /** Clock in milliseconds; defaults to `Date.now` (tests pin it). */
  readonly now?: (() => number) | undefined
  /** Upper bound of live tokens kept (and, separately, of refresh tokens); the oldest are dropped first. Default 100 000. */
  readonly maxSessions?: number | undefined
  /** Lifetime of a refresh token in seconds; without it no refresh tokens are issued. */
  readonly refreshTtlSeconds?: number | undefined
  /**
   * Expired tokens are dropped by a sweep over the whole store that runs, at most this often, on
   * the next issue, resolve or refresh (so an idle store costs nothing). Default: the token lifetime.
   */
  readonly sweepIntervalSeconds?: number | undefined
}

interface Session {
  readonly origin: SessionOrigin
  expiresAt: number
}

interface RefreshEntry {
  readonly origin: SessionOrigin
  readonly client: string | null
  readonly expiresAt: number
}

const randomToken = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")

/** An in-memory {@link SessionStore}. */
export const makeSessionStore = (options: SessionStoreOptions): SessionStore => {
  const now = options.now ?? Date.now
  const ttlMillis = options.ttlSeconds * 1000
  const maxSessions = options.maxSessions ?? 100_000
  const refreshTtlSeconds = options.refreshTtlSeconds
  const sessions = new Map<string, Session>()
  const refreshTokens = new Map<string, RefreshEntry>()
  const expired = new Unauthorized({ message: "The session token is invalid or has expired" })
  const refreshRefused = new Unauthorized({ message: "The refresh token is invalid, expired or already used" })

  const dropExpired = <V extends { readonly expiresAt: number }>(entries: Map<string, V>, at: number): number => {
    let dropped = 0
    for (const [token, entry] of entries) {
      if (entry.expiresAt <= at) {
        entries.delete(token)
        dropped += 1
      }
    }
    return dropped
  }
  const sweepIntervalMillis = (options.sweepIntervalSeconds ?? options.ttlSeconds) * 1000
  let lastSweep = now()
  /** The periodic sweep: every expired entry goes, at most once per `sweepIntervalMillis`. */
  const sweepIfDue = (at: number) => {
    if (at - lastSweep < sweepIntervalMillis) return
    lastSweep = at
    dropExpired(sessions, at)
    dropExpired(refreshTokens, at)
  }

  const sweep = <V extends { readonly expiresAt: number }>(entries: Map<string, V>, at: number) => {
    if (entries.size < maxSessions) return
    for (const [token, entry] of entries) if (entry.expiresAt <= at) entries.delete(token)
    while (entries.size >= maxSessions) {
      const oldest = entries.keys().next()
      if (oldest.done) break
      entries.delete(oldest.value)
    }
  }

  /** A session (and, when configured, a refresh token) for an origin, issued at `at`. */
  const open = (origin: SessionOrigin, client: string | null, at: number): IssuedSession => {
    sweep(sessions, at)
    const token = randomToken()
    sessions.set(token, { origin, expiresAt: at + ttlMillis })
    const issued = { token, expiresAt: new Date(at + ttlMillis), expiresInSeconds: options.ttlSeconds }
    if (refreshTtlSeconds === undefined) return issued
    sweep(refreshTokens, at)
    const refreshToken = randomToken()
    const refreshExpiresAt = at + refreshTtlSeconds * 1000
    refreshTokens.set(refreshToken, { origin, client, expiresAt: refreshExpiresAt })
    return {
      ...issued,
      refresh: { token: refreshToken, expiresAt: new Date(refreshExpiresAt), expiresInSeconds: refreshTtlSeconds }
    }
  }

  return {
    issue: (grant, binding) =>
      Effect.sync(() => {
        const at = now()
        sweepIfDue(at)
        return open(grant.origin, binding?.client ?? null, at)
      }),
    refresh: (refreshToken, binding) =>
      Effect.suspend(() => {
        sweepIfDue(now())
        const entry = refreshTokens.get(refreshToken)
        if (entry === undefined) return Effect.fail(refreshRefused)
        if (entry.expiresAt <= now()) {
          refreshTokens.delete(refreshToken)
          return Effect.fail(refreshRefused)
        }
        // Another client's token is refused but not used up: its owner can still refresh.
        if (entry.client !== null && entry.client !== (binding?.client ?? null)) return Effect.fail(refreshRefused)
        return Authenticator.use((auth) => auth.principalOfSession(entry.origin)).pipe(
          Effect.tapError((error) =>
            Effect.sync(() => {
              if (error._tag === "Unauthorized") refreshTokens.delete(refreshToken)
            })
          ),
          Effect.mapError((error) => (error._tag === "Unauthorized" ? refreshRefused : error)),
          Effect.flatMap(() =>
            Effect.suspend(() => {
              // Single use: of two concurrent refreshes with one token, only the first gets a session.
              if (refreshTokens.get(refreshToken) !== entry) return Effect.fail(refreshRefused)
              refreshTokens.delete(refreshToken)
              return Effect.succeed(open(entry.origin, entry.client, now()))
            })
          )
        )
      }),
    resolve: (token) =>
      Effect.suspend(() => {
        const at = now()
        sweepIfDue(at)
        const session = sessions.get(token)
        if (session === undefined) return Effect.fail(expired)
        if (session.expiresAt <= at) {
          sessions.delete(token)
          return Effect.fail(expired)
        }
        return Authenticator.use((auth) => auth.principalOfSession(session.origin)).pipe(
          Effect.tapError((error) =>
            Effect.sync(() => {
              // The key was revoked or the user removed: the token is over for good.
              if (error._tag === "Unauthorized") sessions.delete(token)
            })
          ),
          Effect.mapError((error) => (error._tag === "Unauthorized" ? expired : error)),
          Effect.tap(() =>
            Effect.sync(() => {
              if (options.sliding) session.expiresAt = now() + ttlMillis
            })
          )
        )
      }),
    revoke: (token) =>
      Effect.sync(() => {
        sessions.delete(token)
      }),
    purgeExpired: Effect.sync(() => {
      const at = now()
      lastSweep = at
      return dropExpired(sessions, at) + dropExpired(refreshTokens, at)
    })
  }
}
