/** API key: persistence row ↔ the port's API key record. */
import { type ApiKeyRecord, trustedId } from "@paybridge/core"
import type { ApiKeyRow } from "../entities/api-key.entity.ts"
import { orNull } from "./external-ref.ts"

export const apiKeyFromRow = (row: ApiKeyRow): ApiKeyRecord => ({
  id: trustedId(row.id),
  userId: trustedId(row.userId),
  prefix: row.prefix,
  secretHash: row.secretHash,
  label: row.label,
  createdAt: row.createdAt,
  revokedAt: orNull(row.revokedAt),
  lastUsedAt: orNull(row.lastUsedAt)
})

export const apiKeyToRow = (record: Omit<ApiKeyRecord, "id">) => ({
  userId: record.userId,
  prefix: record.prefix,
  secretHash: record.secretHash,
  label: record.label,
  createdAt: record.createdAt,
  revokedAt: record.revokedAt,
  lastUsedAt: record.lastUsedAt ?? null
})
