/** User: persistence row ↔ the port's user record. */
import { type CustomerId, trustedId, type UserRecord } from "@paybridge/core"
import type { UserRow } from "../entities/user.entity.ts"
import { orNull } from "./external-ref.ts"

export const userFromRow = (row: UserRow): UserRecord => ({
  id: trustedId(row.id),
  email: row.email,
  name: row.name,
  role: row.role,
  passwordHash: orNull(row.passwordHash),
  customerScope: row.customerScope == null ? null : row.customerScope.map((id) => trustedId<CustomerId>(id)),
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
