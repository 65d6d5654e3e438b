/**
 * The identity port: users, their API keys and the session tokens logins issue (dialect sessions,
 * refresh tokens, console sessions), the records the `Authenticator` works on. Sessions live in the
 * database so every server process (and a restarted one) accepts a token another one issued. `@paybridge/db` implements it beside `LedgerStore` from one layer, so
 * `transaction` here is the same database transaction the ledger uses (nested calls join it).
 */
import { Context, type Effect } from "effect"
import type { Conflict, StorageUnavailable, ValidationFailed } from "../errors.ts"
import type { Role } from "../model/common.ts"
import type { ApiKeyId, CustomerId, UserId } from "../model/ids.ts"

type Op<A> = Effect.Effect<A, StorageUnavailable>
/** An insert the database's constraints guard (see `LedgerStore`'s writes): a taken unique key is `Conflict("concurrent-modification")`. */
type Write<A> = Effect.Effect<A, StorageUnavailable | Conflict | ValidationFailed>

export interface UserRecord {
  readonly id: UserId
  readonly email: string
  readonly name: string
  readonly role: Role
  readonly passwordHash: string | null
  readonly customerScope: ReadonlyArray<CustomerId> | null
  readonly createdAt: Date
}

export interface ApiKeyRecord {
  readonly id: ApiKeyId
  readonly userId: UserId
  /** Public, unique part of the key used to find it (`pbk_<prefix>_<secret>`). */
  readonly prefix: string
  readonly secretHash: string
  readonly label: string
  readonly createdAt: Date
  readonly revokedAt: Date | null
  /** When the key last authenticated a request (recorded at most once a minute); absent/null = never. */
  readonly lastUsedAt?: Date | null | undefined
}

/**
 * A session or refresh token, kept by the SHA-256 of its token (the token itself is never stored).
 * `scope` names who issued it (a dialect id, `admin-console`): a token works only where it was issued.
 * `origin` is what it was derived from (`SessionOrigin`, re-checked on every use); `client` binds a
 * refresh token to an OAuth client id.
 */
export interface SessionRecord {
  readonly tokenHash: string
  readonly kind: "session" | "refresh"
  readonly scope: string
  readonly origin:
    | { readonly kind: "api-key"; readonly apiKeyId: ApiKeyId }
    | { readonly kind: "user"; readonly userId: UserId }
  readonly client: string | null
  readonly expiresAt: Date
  readonly createdAt: Date
}

/** An API key and the user it belongs to. */
export interface ApiKeyWithUser {
  readonly key: ApiKeyRecord
  readonly user: UserRecord
}

export class IdentityStore extends Context.Service<
  IdentityStore,
  {
    /** Runs `work` atomically (the ledger's transaction: nested calls join the outer one). */
    readonly transaction: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageUnavailable, R>
    readonly users: {
      readonly insert: (row: Omit<UserRecord, "id">) => Write<UserRecord>
      readonly get: (id: UserId) => Op<UserRecord | null>
      readonly getByEmail: (email: string) => Op<UserRecord | null>
      readonly count: Op<number>
      /** Every user, by id. */
      readonly list: Op<ReadonlyArray<UserRecord>>
    }
    readonly apiKeys: {
      readonly insert: (row: Omit<ApiKeyRecord, "id">) => Write<ApiKeyRecord>
      readonly getByPrefix: (prefix: string) => Op<ApiKeyRecord | null>
      /** The key with this prefix and its user, in one read (what authenticating a request needs). */
      readonly getWithUserByPrefix: (prefix: string) => Op<ApiKeyWithUser | null>
      /** The key with this id and its user, in one read (what a session made from a key checks per request). */
      readonly getWithUser: (id: ApiKeyId) => Op<ApiKeyWithUser | null>
      readonly revokeAllForUser: (userId: UserId, at: Date) => Op<number>
      readonly get: (id: ApiKeyId) => Op<ApiKeyRecord | null>
      /** Every key (of one user when given), by id; revoked ones included. */
      readonly list: (userId?: UserId) => Op<ReadonlyArray<ApiKeyRecord>>
      /** Revokes one key; false when it was unknown or already revoked. */
      readonly revoke: (id: ApiKeyId, at: Date) => Op<boolean>
      /** Records that the key authenticated a request at `at`. */
      readonly markUsed: (id: ApiKeyId, at: Date) => Op<void>
    }
    readonly sessions: {
      readonly insert: (row: SessionRecord) => Write<void>
      readonly get: (tokenHash: string) => Op<SessionRecord | null>
      /** Moves a session's expiry (sliding sessions). */
      readonly extend: (tokenHash: string, expiresAt: Date) => Op<void>
      /** Deletes the record; true when this call deleted it (so of two concurrent takers, one wins). */
      readonly take: (tokenHash: string) => Op<boolean>
      /** Deletes every record that expired at or before `at`; how many. */
      readonly purgeExpired: (at: Date) => Op<number>
    }
  }
>()("@paybridge/core/ports/IdentityStore") {}

export type IdentityStoreShape = IdentityStore["Service"]
