/**
 * The Authenticator service: users, API keys and the principals they become. API keys look like
 * `pbk_<prefix>_<secret>`; only a slow-KDF hash (scrypt, `node:crypto`) of the secret is stored
 * and the key is shown once. A user has one key at a time: issuing a new key revokes the old one
 * immediately. Every protocol maps its own credential style onto these principals. A session token
 * a dialect issues after a login remembers its {@link SessionOrigin} and is re-checked with
 * `principalOfSession` on every use, so revoking the key (or deleting the user) ends it — at once in
 * the process that revoked it, within the principal cache time (5 seconds) in the others.
 * The implementation is `authenticatorLayer` in `authenticator.layer.ts`.
 */
import { Context, type Effect } from "effect"
import type { LedgerError, Overloaded, StorageUnavailable, Unauthorized } from "../errors.ts"
import type { Principal, Role } from "../model/common.ts"
import type { ApiKeyId, CustomerId, UserId } from "../model/ids.ts"
import type { ApiKeyRecord, SessionRecord, UserRecord } from "../ports/identity-store.ts"

export interface CreateUserInput {
  readonly email: string
  readonly name: string
  readonly role: Role
  /** Optional: users without a password sign in with API keys only. */
  readonly password?: string | null | undefined
  /** `null`/omitted = every customer; otherwise only these customer ids. */
  readonly customerScope?: ReadonlyArray<CustomerId> | null | undefined
}

/** What other users may know of a user: no password hash, role or scope. */
export interface UserProfile {
  readonly id: UserId
  readonly email: string
  readonly name: string
}

/** Find a user by id or by e-mail (case-insensitive). */
export type UserLookup = { readonly id: UserId } | { readonly email: string }

export interface IssuedApiKey {
  /** The whole key; shown once, never stored. */
  readonly apiKey: string
  readonly record: ApiKeyRecord
}

/**
 * What a session token was derived from, re-checked every time the token is used: the API key it
 * was exchanged for (a revoked key ends the session) or the user who signed in with a password.
 */
export type SessionOrigin =
  | { readonly kind: "api-key"; readonly apiKeyId: ApiKeyId }
  | { readonly kind: "user"; readonly userId: UserId }

/** A principal just authenticated, and what a session issued for it is derived from. */
export interface SessionGrant {
  readonly principal: Principal
  readonly origin: SessionOrigin
}

/** How checking a credential (key or password, which costs one scrypt) can fail. */
export type CredentialCheckFailure = Unauthorized | StorageUnavailable | Overloaded

export class Authenticator extends Context.Service<
  Authenticator,
  {
    readonly createUser: (input: CreateUserInput) => Effect.Effect<UserRecord, LedgerError>
    readonly issueApiKey: (input: {
      readonly userId: UserId
      readonly label?: string
    }) => Effect.Effect<IssuedApiKey, LedgerError>
    /** `Overloaded` when every scrypt slot stayed busy (a key not verified in the last minutes needs one). */
    readonly authenticateApiKey: (apiKey: string) => Effect.Effect<Principal, CredentialCheckFailure>
    readonly authenticatePassword: (email: string, password: string) => Effect.Effect<Principal, CredentialCheckFailure>
    /** {@link authenticateApiKey}, also naming the key, for a dialect that trades the key for a session token. */
    readonly sessionForApiKey: (apiKey: string) => Effect.Effect<SessionGrant, CredentialCheckFailure>
    /** {@link authenticatePassword}, also naming the user, for a dialect that trades a password for a session token. */
    readonly sessionForPassword: (
      email: string,
      password: string
    ) => Effect.Effect<SessionGrant, CredentialCheckFailure>
    /**
     * The current principal of a live session (role and scope read afresh): `Unauthorized` once the
     * API key it came from is revoked or gone, or its user no longer exists. One indexed read, no KDF;
     * remembered for `principalCacheTtlMillis` (a revocation through this process empties the cache).
     */
    readonly principalOfSession: (origin: SessionOrigin) => Effect.Effect<Principal, Unauthorized | StorageUnavailable>
    readonly principalOf: (userId: UserId) => Effect.Effect<Principal, Unauthorized | StorageUnavailable>
    /**
     * A user's public profile, or `null` when there is none (dialects that name users, e.g.
     * CRM.COM's `received_by_user` and `log_information`).
     */
    readonly findUser: (lookup: UserLookup) => Effect.Effect<UserProfile | null, StorageUnavailable>
    readonly countUsers: Effect.Effect<number, StorageUnavailable>
    /** Every user, by id (never their password hash's secret: only whether one is set matters to callers). */
    readonly listUsers: Effect.Effect<ReadonlyArray<UserRecord>, StorageUnavailable>
    /** API keys (of one user when given), by id, revoked ones included; secrets are never kept. */
    readonly listApiKeys: (userId?: UserId) => Effect.Effect<ReadonlyArray<ApiKeyRecord>, StorageUnavailable>
    /** Revokes one key at once (`NotFound` for an unknown id); revoking a revoked key is a no-op. */
    readonly revokeApiKey: (apiKeyId: ApiKeyId) => Effect.Effect<ApiKeyRecord, LedgerError>
    /**
     * The session and refresh tokens logins issue (dialects, the console), kept in the database by
     * token hash so every server process, and a restarted one, accepts them (see `SessionRecord`).
     */
    readonly sessions: {
      readonly save: (record: SessionRecord) => Effect.Effect<void, StorageUnavailable>
      readonly find: (tokenHash: string) => Effect.Effect<SessionRecord | null, StorageUnavailable>
      readonly extend: (tokenHash: string, expiresAt: Date) => Effect.Effect<void, StorageUnavailable>
      /** Deletes the record; true for the one caller that deleted it (single-use refresh tokens). */
      readonly take: (tokenHash: string) => Effect.Effect<boolean, StorageUnavailable>
      /** Deletes every session and refresh token expired at `at`; how many. */
      readonly purgeExpired: (at: Date) => Effect.Effect<number, StorageUnavailable>
    }
  }
>()("@paybridge/core/auth/Authenticator") {}
