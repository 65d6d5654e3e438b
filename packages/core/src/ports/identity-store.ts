/**
 * The identity port: users and their API keys (and, later, console sessions), the records the
 * `Authenticator` works on. `@paybridge/db` implements it beside `LedgerStore` from one layer, so
 * `transaction` here is the same database transaction the ledger uses (nested calls join it).
 */
import { Context, type Effect } from "effect"
import type { StorageUnavailable } from "../errors.ts"
import type { Role } from "../model/common.ts"
import type { ApiKeyId, CustomerId, UserId } from "../model/ids.ts"

type Op<A> = Effect.Effect<A, StorageUnavailable>

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
      readonly insert: (row: Omit<UserRecord, "id">) => Op<UserRecord>
      readonly get: (id: UserId) => Op<UserRecord | null>
      readonly getByEmail: (email: string) => Op<UserRecord | null>
      readonly count: Op<number>
      /** Every user, by id. */
      readonly list: Op<ReadonlyArray<UserRecord>>
    }
    readonly apiKeys: {
      readonly insert: (row: Omit<ApiKeyRecord, "id">) => Op<ApiKeyRecord>
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
  }
>()("@paybridge/core/ports/IdentityStore") {}

export type IdentityStoreShape = IdentityStore["Service"]
