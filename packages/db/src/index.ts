/**
 * `@paybridge/db`: the MikroORM 7 persistence of the ledger on SQLite and PostgreSQL. Apps use
 * `openDatabase({ url })`; the ORM types are re-exported so consumers need no `@mikro-orm/*` dependency.
 */
export type { EntityManager, MikroORM } from "@mikro-orm/core"
export type { SqlEntityManager } from "@mikro-orm/sql"
export { acquireDatabase, Database, type DatabaseOptions, openDatabase } from "./database.ts"
export * from "./entities/index.ts"
export {
  type LedgerStores,
  makeMikroOrmStores,
  mikroOrmStoresLayer,
  type StoreOptions,
  type StorePorts,
  storesContext
} from "./ledger-stores.layer.ts"
export { ledgerMigrations } from "./migrations/index.ts"
export {
  type DatabaseDriver,
  type DatabaseTarget,
  initOrm,
  type LedgerOrm,
  migrateToLatest,
  type OrmOptions,
  parseDatabaseUrl,
  serializeSqlite
} from "./orm.ts"
export { parseSecretsKey, secretsKeyId } from "./secrets/secret-sealing.ts"
export { defaultPageLimit } from "./store/orm-session.ts"
