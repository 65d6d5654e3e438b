/** Persistence row of a user (unique email); `customerScope` is a JSON array of customer ids or null. */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const UserEntity = defineEntity({
  name: "User",
  tableName: "users",
  properties: {
    id: p.integer().primary().autoincrement(),
    email: p.string().length(320).unique(),
    name: p.text(),
    role: p.enum(["admin", "finance", "read-only"] as const),
    passwordHash: p.text().nullable(),
    customerScope: p.json<ReadonlyArray<number>>().nullable(),
    createdAt: p.datetime()
  }
})
export type UserRow = InferEntity<typeof UserEntity>
