/**
 * The idempotency port: the claims of idempotency keys, one per (principal, key), with the
 * request's hash and, once the command committed, its encoded response. `claim` and `complete`
 * run inside the ledger command's transaction (the `@paybridge/db` implementation shares the
 * transaction with `LedgerStore`), so a key's claim, the command's writes and the stored response
 * commit or roll back together. See `services/shared/idempotency.ts` for how commands use it.
 */
import { Context, type Effect } from "effect"
import type { StorageUnavailable } from "../errors.ts"
import type { ActorId } from "../model/common.ts"

type Op<A> = Effect.Effect<A, StorageUnavailable>

/** What a claim found: a fresh key, the stored response of the same request, or another request's key. */
export type IdempotencyClaim =
  | { readonly _tag: "Fresh" }
  | { readonly _tag: "Replay"; readonly response: unknown }
  | { readonly _tag: "Mismatch" }

export class IdempotencyStore extends Context.Service<
  IdempotencyStore,
  {
    /**
     * Inside the command's transaction: records `(principalId, key)` for this request, or
     * reports the stored response of the same request, or a mismatch when the key was used for
     * a different request. A concurrent claim of the same key waits for the first to finish.
     */
    readonly claim: (input: {
      readonly principalId: ActorId
      readonly key: string
      readonly operation: string
      readonly requestHash: string
      readonly now: Date
    }) => Op<IdempotencyClaim>
    /** Inside the same transaction: stores the command's encoded response under the claimed key. */
    readonly complete: (input: {
      readonly principalId: ActorId
      readonly key: string
      readonly response: unknown
    }) => Op<void>
    /** Deletes keys older than `before` (kept at least 24 hours). Returns how many. */
    readonly purge: (before: Date) => Op<number>
  }
>()("@paybridge/core/ports/IdempotencyStore") {}

export type IdempotencyStoreShape = IdempotencyStore["Service"]
