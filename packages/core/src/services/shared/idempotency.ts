/**
 * Idempotent commands. When the command context carries an idempotency key, the command claims
 * `(principal, key)` inside its own transaction with a hash of the operation and its input: a
 * replay of the same request returns the stored result (decoded with the result schema's JSON
 * codec) without running anything; the same key with a different request is a
 * `Conflict("idempotency-key-reused")`; a fresh key runs the command and stores its encoded result
 * in the same transaction, so a failed command stores nothing and may be retried with its key.
 * The claims live behind the `IdempotencyStore` port, whose implementation shares the ledger's
 * transaction.
 */
import { createHash } from "node:crypto"
import { Context, Effect, Metric, Schema } from "effect"
import { Conflict, type StorageUnavailable } from "../../errors.ts"
import { IdempotencyStore, type IdempotencyStoreShape } from "../../ports/idempotency-store.ts"
import { now } from "../clock.ts"
import { CommandContext } from "../command-context.ts"

/**
 * JSON with object keys sorted at every level, bigints as decimal strings, dates as ISO strings
 * and `undefined` members dropped, so equal inputs always give the same text.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(canonicalize(value)) ?? "null"

const canonicalize = (value: unknown): unknown => {
  if (typeof value === "bigint") return value.toString()
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalize(item)))
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => [key, canonicalize(member)] as const)
    return Object.fromEntries(entries)
  }
  return value
}

/** SHA-256 (hex) of the operation name and the canonical JSON of its input. */
export const requestHash = (operation: string, input: unknown): string =>
  createHash("sha256").update(operation).update("\n").update(canonicalJson(input)).digest("hex")

/** Commands answered from a stored result instead of running again, by operation (Prometheus: `/metrics`). */
export const idempotentReplays = Metric.counter("paybridge_idempotent_replays_total", {
  description: "Commands answered from the stored result of an earlier request with the same idempotency key",
  incremental: true
})

/** A result schema whose JSON codec needs no services (every ledger record schema qualifies). */
export type ResultSchema<A> = Schema.Codec<A, unknown, never, never>

/**
 * True while a command that already claimed the request's idempotency key runs (an `atomically`
 * batch, or a command built on another command): commands nested in it join its claim instead
 * of claiming the same key again under their own operation name.
 */
export const IdempotencyClaimed = Context.Reference<boolean>("@paybridge/core/services/IdempotencyClaimed", {
  defaultValue: () => false
})

/**
 * Runs `command` once per idempotency key, claiming it in `store`. Must run inside the command's
 * transaction (the caller opens it) so the claim, the command's writes and the stored result
 * commit together.
 */
export const withIdempotencyIn = <A, E, R>(
  store: IdempotencyStoreShape,
  operation: string,
  input: unknown,
  resultSchema: ResultSchema<A>,
  command: Effect.Effect<A, E, R>
): Effect.Effect<A, E | Conflict | StorageUnavailable, R | CommandContext> =>
  Effect.gen(function* () {
    const context = yield* CommandContext
    const key = context.idempotencyKey
    if (key === null || (yield* IdempotencyClaimed)) return yield* command
    const codec = Schema.toCodecJson(resultSchema)
    const principalId = context.principal.id
    const claim = yield* store.claim({
      principalId,
      key,
      operation,
      requestHash: requestHash(operation, input),
      now: yield* now
    })
    switch (claim._tag) {
      case "Replay":
        yield* Metric.update(Metric.withAttributes(idempotentReplays, { operation }), 1)
        return yield* Schema.decodeUnknownEffect(codec)(claim.response).pipe(Effect.orDie)
      case "Mismatch":
        return yield* new Conflict({
          reason: "idempotency-key-reused",
          message: `idempotency key "${key}" was already used for a different request`
        })
      case "Fresh": {
        const result = yield* Effect.provideService(command, IdempotencyClaimed, true)
        const response = yield* Schema.encodeEffect(codec)(result).pipe(Effect.orDie)
        yield* store.complete({ principalId, key, response })
        return result
      }
    }
  })

/** {@link withIdempotencyIn} on the `IdempotencyStore` of the context. */
export const withIdempotency = <A, E, R>(
  operation: string,
  input: unknown,
  resultSchema: ResultSchema<A>,
  command: Effect.Effect<A, E, R>
): Effect.Effect<A, E | Conflict | StorageUnavailable, R | CommandContext | IdempotencyStore> =>
  Effect.flatMap(IdempotencyStore, (store) => withIdempotencyIn(store, operation, input, resultSchema, command))
