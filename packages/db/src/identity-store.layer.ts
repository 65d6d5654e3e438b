/**
 * The `IdentityStore` port on MikroORM: users, API keys and session tokens (by hash), on the same
 * session (and so the same transaction) as the `LedgerStore`.
 */
import {
  type ApiKeyRecord,
  IdentityStore,
  type IdentityStoreShape,
  type UserId,
  type UserRecord
} from "@paybridge/core"
import { ApiKeyEntity } from "./entities/api-key.entity.ts"
import { SessionEntity } from "./entities/session.entity.ts"
import { UserEntity } from "./entities/user.entity.ts"
import { apiKeyFromRow, apiKeyToRow } from "./mappers/api-key.mapper.ts"
import { sessionFromRow, sessionToRow } from "./mappers/session.mapper.ts"
import { userFromRow, userToRow } from "./mappers/user.mapper.ts"
import type { OrmSession } from "./store/orm-session.ts"

export const makeIdentityStore = (session: OrmSession): IdentityStoreShape => {
  const { findAll, findOne, insert, transaction, use, write } = session
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
