/**
 * The `IdentityStore` port on MikroORM: users, API keys and session tokens (by hash), on the same
 * session (and so the same transaction) as the `LedgerStore`. A key and its user are read in one
 * joined statement (what authenticating a request needs), converted by the ORM's own column types (`em.map`).
 */
import {
  type ApiKeyRecord,
  type ApiKeyWithUser,
  IdentityStore,
  type IdentityStoreShape,
  type UserId,
  type UserRecord
} from "@paybridge/core"
import { ApiKeyEntity, type ApiKeyRow } from "./entities/api-key.entity.ts"
import { SessionEntity } from "./entities/session.entity.ts"
import { UserEntity, type UserRow } from "./entities/user.entity.ts"
import { apiKeyFromRow, apiKeyToRow } from "./mappers/api-key.mapper.ts"
import { sessionFromRow, sessionToRow } from "./mappers/session.mapper.ts"
import { userFromRow, userToRow } from "./mappers/user.mapper.ts"
import { leanMapperOf } from "./store/lean-rows.ts"
import type { OrmSession } from "./store/orm-session.ts"

/** The columns of an API key and of its user, prefixed `k_` and `u_` (one joined read). */
const keyWithUserColumns = [
  ...["id", "user_id", "prefix", "secret_hash", "label", "created_at", "revoked_at", "last_used_at"].map(
    (column) => `k.${column} as k_${column}`
  ),
  ...["id", "email", "name", "role", "password_hash", "customer_scope", "created_at"].map(
    (column) => `u.${column} as u_${column}`
  )
].join(", ")

/** The columns of `row` that start with `prefix`, without it (a raw row as the ORM's `map` reads it). */
const columnsOf = (row: Record<string, unknown>, prefix: string): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(row).flatMap(([column, value]) =>
      column.startsWith(prefix) ? [[column.slice(prefix.length), value]] : []
    )
  )

export const makeIdentityStore = (session: OrmSession): IdentityStoreShape => {
  const { findAll, findOne, insert, transaction, use, write } = session
  const keyWithUser = (operation: string, condition: string, value: string | number) =>
    use(operation, async (em): Promise<ApiKeyWithUser | null> => {
      const rows = (await em.execute(
        `select ${keyWithUserColumns} from api_keys k join users u on u.id = k.user_id where ${condition} limit 1`,
        [value]
      )) as ReadonlyArray<Record<string, unknown>>
      const row = rows[0]
      if (row === undefined) return null
      return {
        // Converted by the ORM's column types without hydrating managed entities (read on every API-key request).
        key: apiKeyFromRow(leanMapperOf(em, ApiKeyEntity)(columnsOf(row, "k_")) as ApiKeyRow),
        user: userFromRow(leanMapperOf(em, UserEntity)(columnsOf(row, "u_")) as UserRow)
      }
    })
  return IdentityStore.of({
    transaction,

    users: {
      insert: (row: Omit<UserRecord, "id">) => insert("users.insert", UserEntity, row, userToRow),
      get: (id) => findOne("users.get", UserEntity, { id }, userFromRow),
      getByEmail: (email) => findOne("users.getByEmail", UserEntity, { email }, userFromRow),
      count: use("users.count", (em) => em.count(UserEntity, {})),
      list: findAll("users.list", UserEntity, {}, userFromRow)
    },

    apiKeys: {
      insert: (row: Omit<ApiKeyRecord, "id">) => {
        const record: Omit<ApiKeyRecord, "id"> = { ...row, lastUsedAt: row.lastUsedAt ?? null }
        return insert("apiKeys.insert", ApiKeyEntity, record, apiKeyToRow)
      },
      getByPrefix: (prefix) => findOne("apiKeys.getByPrefix", ApiKeyEntity, { prefix }, apiKeyFromRow),
      getWithUserByPrefix: (prefix) => keyWithUser("apiKeys.getWithUserByPrefix", "k.prefix = ?", prefix),
      getWithUser: (id) => keyWithUser("apiKeys.getWithUser", "k.id = ?", id),
      revokeAllForUser: (userId: UserId, at: Date) =>
        use("apiKeys.revokeAllForUser", (em) =>
          em.nativeUpdate(ApiKeyEntity, { userId, revokedAt: null }, { revokedAt: at })
        ),
      get: (id) => findOne("apiKeys.get", ApiKeyEntity, { id }, apiKeyFromRow),
      list: (userId) => findAll("apiKeys.list", ApiKeyEntity, userId === undefined ? {} : { userId }, apiKeyFromRow),
      revoke: (id, at) =>
        use(
          "apiKeys.revoke",
          async (em) => (await em.nativeUpdate(ApiKeyEntity, { id, revokedAt: null }, { revokedAt: at })) === 1
        ),
      markUsed: (id, at) =>
        use("apiKeys.markUsed", async (em) => {
          await em.nativeUpdate(ApiKeyEntity, { id }, { lastUsedAt: at })
        })
    },

    sessions: {
      insert: (record) =>
        write("sessions.insert", async (em) => {
          await em.insert(SessionEntity, sessionToRow(record))
        }),
      get: (tokenHash) => findOne("sessions.get", SessionEntity, { tokenHash }, sessionFromRow),
      extend: (tokenHash, expiresAt) =>
        use("sessions.extend", async (em) => {
          await em.nativeUpdate(SessionEntity, { tokenHash }, { expiresAt })
        }),
      take: (tokenHash) =>
        use("sessions.take", async (em) => (await em.nativeDelete(SessionEntity, { tokenHash })) === 1),
      purgeExpired: (at) =>
        use("sessions.purgeExpired", (em) => em.nativeDelete(SessionEntity, { expiresAt: { $lte: at } }))
    }
  })
}
