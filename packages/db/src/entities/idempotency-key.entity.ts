/**
 * Persistence row of an idempotency key, keyed by (principal_id, key). `completedAt` tells a
 * finished request (whose `response` may itself be JSON null) from one still in progress.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const IdempotencyKeyEntity = defineEntity({
  name: "IdempotencyKey",
  tableName: "idempotency_keys",
  properties: {
    principalId: p.integer().primary(),
    key: p.string().length(255).primary(),
    operation: p.string().length(128),
    requestHash: p.string().length(128),
    response: p.json<unknown>().nullable(),
    createdAt: p.datetime().index(),
    completedAt: p.datetime().nullable()
  },
  primaryKeys: ["principalId", "key"]
})
export type IdempotencyKeyRow = InferEntity<typeof IdempotencyKeyEntity>
