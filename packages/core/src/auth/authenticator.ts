/**
 * The Authenticator service: users, API keys and the principals they become. API keys look like
 * `pbk_<prefix>_<secret>`; only a slow-KDF hash (scrypt, `node:crypto`) of the secret is stored
 * and the key is shown once. A user has one key at a time: issuing a new key revokes the old one
 * immediately. Every protocol maps its own credential style onto these principals.
 * The implementation is `authenticatorLayer` in `authenticator.layer.ts`.
 */
import { Context, type Effect } from "effect"
import type { LedgerError, StorageUnavailable, Unauthorized } from "../errors.ts"
import type { Principal, RecordId, Role } from "../model/common.ts"
import type { ApiKeyRecord, UserRecord } from "../ports/ledger-store.ts"

export interface CreateUserInput {
  readonly email: string
  readonly name: string
  readonly role: Role
  /** Optional: users without a password sign in with API keys only. */
  readonly password?: string | null | undefined
  /** `null`/omitted = every customer; otherwise only these customer ids. */
  readonly customerScope?: ReadonlyArray<RecordId> | null | undefined
}

/** What other users may know of a user: no password hash, role or scope. */
export interface UserProfile {
  readonly id: RecordId
  readonly email: string
  readonly name: string
}

/** Find a user by id or by e-mail (case-insensitive). */
export type UserLookup = { readonly id: RecordId } | { readonly email: string }

export interface IssuedApiKey {
  /** The whole key; shown once, never stored. */
  readonly apiKey: string
  readonly record: ApiKeyRecord
}

export class Authenticator extends Context.Service<
  Authenticator,
  {
    readonly createUser: (input: CreateUserInput) => Effect.Effect<UserRecord, LedgerError>
    readonly issueApiKey: (input: {
      readonly userId: RecordId
      readonly label?: string
    }) => Effect.Effect<IssuedApiKey, LedgerError>
    readonly authenticateApiKey: (apiKey: string) => Effect.Effect<Principal, Unauthorized | StorageUnavailable>
    readonly authenticatePassword: (
      email: string,
      password: string
    ) => Effect.Effect<Principal, Unauthorized | StorageUnavailable>
    readonly principalOf: (userId: RecordId) => Effect.Effect<Principal, Unauthorized | StorageUnavailable>
    /**
     * A user's public profile, or `null` when there is none (dialects that name users, e.g.
     * CRM.COM's `received_by_user` and `log_information`).
     */
    readonly findUser: (lookup: UserLookup) => Effect.Effect<UserProfile | null, StorageUnavailable>
    readonly countUsers: Effect.Effect<number, StorageUnavailable>
    /** Every user, by id (never their password hash's secret: only whether one is set matters to callers). */
    readonly listUsers: Effect.Effect<ReadonlyArray<UserRecord>, StorageUnavailable>
    /** API keys (of one user when given), by id, revoked ones included; secrets are never kept. */
    readonly listApiKeys: (userId?: RecordId) => Effect.Effect<ReadonlyArray<ApiKeyRecord>, StorageUnavailable>
    /** Revokes one key at once (`NotFound` for an unknown id); revoking a revoked key is a no-op. */
    readonly revokeApiKey: (apiKeyId: RecordId) => Effect.Effect<ApiKeyRecord, LedgerError>
  }
>()("@paybridge/core/auth/Authenticator") {}
