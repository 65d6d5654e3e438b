/**
 * The `IdempotencyStore` port on MikroORM: claims of idempotency keys in the `idempotency_keys`
 * table, on the same session (and so the same transaction) as the `LedgerStore`. A claim inserts
 * the key if absent; on PostgreSQL a concurrent claim of the same key waits for the first
 * transaction to commit (then it sees the row) or roll back (then its insert wins). The claim's
 * insert and the completing update are written out, bound as MikroORM's insert and update bind them.
 */
import { type IdempotencyClaim, IdempotencyStore, type IdempotencyStoreShape } from "@paybridge/core"
import { IdempotencyKeyEntity } from "./entities/idempotency-key.entity.ts"
import type { OrmSession } from "./store/orm-session.ts"

// The two statements of every idempotent command, written out (MikroORM's query builder built the
// same text on every call).
const claimStatement =
  'insert into "idempotency_keys" ("principal_id", "key", "operation", "request_hash", "response", "created_at", "completed_at") ' +
  'values (?, ?, ?, ?, ?, ?, ?) on conflict ("principal_id", "key") do nothing'
const completeStatement =
  'update "idempotency_keys" set "response" = ?, "completed_at" = ? where "principal_id" = ? and "key" = ?'

export const makeIdempotencyStore = (session: OrmSession): IdempotencyStoreShape => {
  const { use } = session
  return IdempotencyStore.of({
    claim: (input) =>
      use("idempotency.claim", async (em): Promise<IdempotencyClaim> => {
        // Insert-if-absent first: on PostgreSQL this waits for a concurrent claim of the same key
        // to commit (then we see its row) or roll back (then our insert wins).
        const inserted = (await em.execute(
          claimStatement,
          [input.principalId, input.key, input.operation, input.requestHash, null, input.now, null],
          "run"
        )) as unknown as { affectedRows: number }
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
        // JSON text, as MikroORM's json type writes it (`null`: no response).
        const response = input.response === null || input.response === undefined ? null : JSON.stringify(input.response)
        const updated = (
          (await em.execute(
            completeStatement,
            [response, new Date(), input.principalId, input.key],
            "run"
          )) as unknown as {
            affectedRows: number
          }
        ).affectedRows
        if (updated !== 1) throw new Error(`idempotency.complete: key ${input.key} was never claimed`)
      }),
    purge: (before) =>
      use("idempotency.purge", (em) => em.nativeDelete(IdempotencyKeyEntity, { createdAt: { $lt: before } }))
  })
}
