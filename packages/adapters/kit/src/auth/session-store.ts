/**
 * Session tokens for dialects whose vendor logs in first and then sends a token (CRM.COM's
 * `authentication/token`, LogiSense's `Access/Login`, Elevate's `POST /authenticate`). A token
 * is 32 random bytes (base64url) mapped to what it was derived from — the API key it was traded
 * for, or the user who signed in with a password — with a fixed lifetime from issue (the vendors'
 * 15/30/120 minutes) and optional sliding renewal. The principal is never copied into the store:
 * every `resolve` asks the Authenticator again (`principalOfSession`, two indexed reads), so a
 * revoked key or a removed user ends the token at once and a changed role applies on the next
 * call. The store
 * is in memory, one per dialect app: a restart signs everyone out, which these vendors'
 * clients already handle because their tokens expire anyway.
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
}

/** Issues, resolves and revokes session tokens. */
export interface SessionStore {
  /**
   * A new token for a login's grant (`Authenticator.sessionForApiKey` / `sessionForPassword`);
   * only its origin is kept.
   */
  readonly issue: (grant: SessionGrant) => Effect.Effect<IssuedSession>
  /**
   * The current principal behind a live token, re-checked through the Authenticator;
   * `Unauthorized` for an unknown, revoked or expired token, or one whose key or user is gone.
   */
  readonly resolve: (token: string) => Effect.Effect<Principal, Unauthorized | StorageUnavailable, Authenticator>
  /** Ends a token at once; unknown tokens are ignored. */
  readonly revoke: (token: string) => Effect.Effect<void>
}

/** Options of {@link makeSessionStore}. */
export interface SessionStoreOptions {
  /** Lifetime of a token in seconds. */
  readonly ttlSeconds: number
  /** Renew the lifetime on every use (CRM.COM before R12 expired tokens after idle time). */
  readonly sliding?: boolean | undefined
  /** Clock in milliseconds; defaults to `Date.now` (tests pin it). */
  readonly now?: (() => number) | undefined
  /** Upper bound of live tokens kept; the oldest are dropped first. Default 100 000. */
  readonly maxSessions?: number | undefined
}

interface Session {
  readonly origin: SessionOrigin
  expiresAt: number
}

const randomToken = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")

/** An in-memory {@link SessionStore}. */
export const makeSessionStore = (options: SessionStoreOptions): SessionStore => {
  const now = options.now ?? Date.now
  const ttlMillis = options.ttlSeconds * 1000
  const maxSessions = options.maxSessions ?? 100_000
  const sessions = new Map<string, Session>()
  const expired = new Unauthorized({ message: "The session token is invalid or has expired" })

  const sweep = (at: number) => {
    for (const [token, session] of sessions) if (session.expiresAt <= at) sessions.delete(token)
    while (sessions.size >= maxSessions) {
      const oldest = sessions.keys().next()
      if (oldest.done) break
      sessions.delete(oldest.value)
    }
  }

  return {
    issue: (grant) =>
      Effect.sync(() => {
        const at = now()
        if (sessions.size >= maxSessions) sweep(at)
        const token = randomToken()
        sessions.set(token, { origin: grant.origin, expiresAt: at + ttlMillis })
        return { token, expiresAt: new Date(at + ttlMillis), expiresInSeconds: options.ttlSeconds }
      }),
    resolve: (token) =>
      Effect.suspend(() => {
        const at = now()
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
      })
  }
}
