/**
 * The `IdempotencyStore` port on MikroORM: claims of idempotency keys in the `idempotency_keys`
 * table, on the same session (and so the same transaction) as the `LedgerStore`. A claim inserts
 * the key if absent; on PostgreSQL a concurrent claim of the same key waits for the first
 * transaction to commit (then it sees the row) or roll back (then its insert wins).
 */
import { type IdempotencyClaim, IdempotencyStore, type IdempotencyStoreShape } from "@paybridge/core"
import { IdempotencyKeyEntity } from "./entities/idempotency-key.entity.ts"
import type { OrmSession } from "./store/orm-session.ts"

export const makeIdempotencyStore = (session: OrmSession): IdempotencyStoreShape => {
  const { use } = session
  return IdempotencyStore.of({
    claim: (input) =>
      use("idempotency.claim", async (em): Promise<IdempotencyClaim> => {
        // Insert-if-absent first: on PostgreSQL this waits for a concurrent claim of the same key
        // to commit (then we see its row) or roll back (then our insert wins).
        const inserted = await em
          .createQueryBuilder(IdempotencyKeyEntity)
          .insert({
            principalId: input.principalId,
            key: input.key,
            operation: input.operation,
            requestHash: input.requestHash,
            response: null,
            createdAt: input.now,
            completedAt: null
          })
          .onConflict(["principalId", "key"])
          .ignore()
          .execute("run")
        if (inserted.affectedRows === 1) return { _tag: "Fresh" }
        const existing = await em.findOne(IdempotencyKeyEntity, {
          principalId: input.principalId,
          key: input.key
        })
        if (existing === null) throw new Error("idempotency.claim: the conflicting key vanished")
        if (existing.operation !== input.operation || existing.requestHash !== input.requestHash) {
          return { _tag: "Mismatch" }
        }
        return existing.completedAt == null
          ? { _tag: "Fresh" }
          : { _tag: "Replay", response: existing.response ?? null }
      }),
    complete: (input) =>
      use("idempotency.complete", async (em) => {
        const updated = await em.nativeUpdate(
          IdempotencyKeyEntity,
          { principalId: input.principalId, key: input.key },
          { response: input.response ?? null, completedAt: new Date() }
        )
        if (updated !== 1) throw new Error(`idempotency.complete: key ${input.key} was never claimed`)
      }),
    purge: (before) =>
      use("idempotency.purge", (em) => em.nativeDelete(IdempotencyKeyEntity, { createdAt: { $lt: before } }))
  })
}
