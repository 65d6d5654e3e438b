/** Persistence row of an API key: the public prefix is unique, only a hash of the secret is kept. */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const ApiKeyEntity = defineEntity({
  name: "ApiKey",
  tableName: "api_keys",
  properties: {
    id: p.integer().primary().autoincrement(),
    userId: p.integer().index(),
    prefix: p.string().length(64).unique(),
    secretHash: p.text(),
    label: p.text(),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable()
  }
})
export type ApiKeyRow = InferEntity<typeof ApiKeyEntity>
