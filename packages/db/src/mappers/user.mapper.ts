/** User and API key: persistence rows ↔ the port's records. */
import type { ApiKeyRecord, UserRecord } from "@paybridge/core"
import type { ApiKeyRow } from "../entities/api-key.entity.ts"
import type { UserRow } from "../entities/user.entity.ts"
import { orNull } from "./external-ref.ts"

export const userFromRow = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  passwordHash: orNull(row.passwordHash),
  customerScope: row.customerScope == null ? null : [...row.customerScope],
  createdAt: row.createdAt
})

export const userToRow = (record: Omit<UserRecord, "id">) => ({
  email: record.email,
  name: record.name,
  role: record.role,
  passwordHash: record.passwordHash,
  customerScope: record.customerScope === null ? null : [...record.customerScope],
  createdAt: record.createdAt
})

export const apiKeyFromRow = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  userId: row.userId,
  prefix: row.prefix,
  secretHash: row.secretHash,
  label: row.label,
  createdAt: row.createdAt,
  revokedAt: orNull(row.revokedAt)
})

export const apiKeyToRow = (record: Omit<ApiKeyRecord, "id">) => ({
  userId: record.userId,
  prefix: record.prefix,
  secretHash: record.secretHash,
  label: record.label,
  createdAt: record.createdAt,
  revokedAt: record.revokedAt
})
