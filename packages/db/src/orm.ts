/**
 * Opening MikroORM on the two supported databases. A database URL names the driver
 * (`sqlite::memory:`, `sqlite:<path>`, `file:<path>`, `postgresql://…`, `postgres://…`); `initOrm`
 * builds the driver-specific ORM with every ledger entity and the checked-in migrations (listed
 * explicitly: no folder discovery, no snapshot files), and `migrateToLatest` applies them.
 */
import { resolve } from "node:path"
import type { MikroORM } from "@mikro-orm/core"
import { Migrator } from "@mikro-orm/migrations"
import { MikroORM as PostgreSqlOrm } from "@mikro-orm/postgresql"
import type { AbstractSqlDriver, SqlEntityManager } from "@mikro-orm/sql"
import { MikroORM as SqliteOrm } from "@mikro-orm/sqlite"
import { ledgerEntities } from "./entities/index.ts"
import { ledgerMigrations } from "./migrations/index.ts"
import { BoundPostgreSqlDriver, BoundSqliteDriver } from "./sql/bound-drivers.ts"
import { preparedStatementsPool } from "./sql/pg-prepared-statements.ts"
import { ImmediateSqliteDialect } from "./sqlite/immediate-sqlite-dialect.ts"

export type DatabaseDriver = "sqlite" | "postgresql"

/** Where a database lives, parsed from its URL. */
export type DatabaseTarget =
  | { readonly driver: "sqlite"; readonly filename: string }
  | { readonly driver: "postgresql"; readonly url: string }

/** The ORM type the store works with (both drivers are SQL drivers). */
export type LedgerOrm = MikroORM<AbstractSqlDriver, SqlEntityManager>

export interface OrmOptions {
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number | undefined
  /** SQLite: how long to wait for another process's write lock (default 5000 ms). */
  readonly busyTimeoutMs?: number | undefined
  /** Log every SQL statement (default false). */
  readonly debug?: boolean | undefined
  /**
   * SQLite in memory only: open a copy of this serialized database (see {@link serializeSqlite})
   * instead of an empty one. Tests use it to copy one migrated template per test.
   */
  readonly sqliteImage?: Uint8Array | undefined
  /**
   * PostgreSQL: send long statements as named prepared statements (`sql/pg-prepared-statements.ts`);
   * default on, off when `PAYBRIDGE_PG_PREPARED=off` (a pooler in transaction mode in front).
   */
  readonly preparedStatements?: boolean | undefined
}

/** Parses a database URL; throws on a URL no driver accepts. */
export const parseDatabaseUrl = (url: string): DatabaseTarget => {
  if (url === "sqlite::memory:" || url === ":memory:") return { driver: "sqlite", filename: ":memory:" }
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return { driver: "postgresql", url }
  for (const prefix of ["sqlite://", "sqlite:", "file://", "file:"]) {
    if (url.startsWith(prefix)) {
      const path = url.slice(prefix.length)
      if (path === "" || path === ":memory:") return { driver: "sqlite", filename: ":memory:" }
      return { driver: "sqlite", filename: resolve(path) }
    }
  }
  throw new Error(
    `unsupported database URL ${JSON.stringify(url)}: expected sqlite::memory:, sqlite:<path>, file:<path>, postgresql://… or postgres://…`
  )
}

const migrations = {
  migrationsList: ledgerMigrations,
  snapshot: false,
  transactional: true,
  allOrNothing: true,
  tableName: "mikro_orm_migrations",
  silent: true
}

/** Connects MikroORM to the target (the database must exist for PostgreSQL). */
export const initOrm = async (target: DatabaseTarget, options: OrmOptions = {}): Promise<LedgerOrm> => {
  const common = {
    entities: [...ledgerEntities],
    extensions: [Migrator],
    migrations,
    forceUtcTimezone: true,
    disableIdentityMap: true,
    debug: options.debug ?? false,
    discovery: { warnWhenNoEntities: false }
  }
  if (target.driver === "sqlite") {
    const orm = await SqliteOrm.init({
      ...common,
      driver: BoundSqliteDriver,
      dbName: target.filename,
      driverOptions: new ImmediateSqliteDialect({
        filename: target.filename,
        busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
        image: options.sqliteImage
      })
    })
    return orm as unknown as LedgerOrm
  }
  const orm = await PostgreSqlOrm.init({
    ...common,
    driver: BoundPostgreSqlDriver,
    clientUrl: target.url,
    // At least 2: migrating holds one connection for the advisory lock while the migrator uses another.
    pool: { min: 0, max: Math.max(2, options.poolSize ?? 10) },
    ...((options.preparedStatements ?? process.env.PAYBRIDGE_PG_PREPARED !== "off")
      ? { driverOptions: { onPoolCreated: preparedStatementsPool() } }
      : {})
  })
  return orm as unknown as LedgerOrm
}

/** The whole SQLite database behind `orm` as one image, to open copies of it with `sqliteImage`. */
export const serializeSqlite = (orm: LedgerOrm): Uint8Array => {
  const dialect: unknown = orm.config.get("driverOptions")
  if (!(dialect instanceof ImmediateSqliteDialect)) throw new Error("serializeSqlite: not a Paybridge SQLite database")
  return dialect.native.serialize()
}

/** Applies every pending checked-in migration; returns the names applied. */
export const migrateToLatest = async (orm: LedgerOrm, driver: DatabaseDriver): Promise<ReadonlyArray<string>> => {
  if (driver === "sqlite") {
    // Two processes opening one new file may both find a migration pending; the loser's transaction
    // waits for the winner's write lock and then fails, and a second look finds nothing left to do.
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await orm.migrator.up()
        return applied.map((migration) => migration.name)
      } catch (error) {
        if (attempt >= 3) throw error
      }
    }
  }
  // Several API processes may start together on one PostgreSQL: an advisory lock held in a
  // transaction of its own lets exactly one of them migrate while the others wait, then find nothing to do.
  const holder = orm.em.fork()
  await holder.begin()
  try {
    await holder.execute("select pg_advisory_xact_lock(7253011)")
    const applied = await orm.migrator.up()
    return applied.map((migration) => migration.name)
  } finally {
    await holder.commit()
  }
}
