/**
 * Fresh, migrated SQLite databases in memory for tests, at the cost of a copy. The first use in a
 * process migrates one in-memory database and keeps its image (better-sqlite3 `serialize()`);
 * every `sqliteTestDatabase` after that opens an in-memory copy of that image (`new Database(image)`)
 * with migrations off, so each test or layer gets its own database, already at the latest schema,
 * without running the migrations again. What remains per copy is MikroORM's start (entity discovery).
 */
import { Effect, Layer, type Scope } from "effect"
import { acquireDatabase, type Database, openDatabase } from "../database.ts"
import type { LedgerStores, StorePorts } from "../ledger-stores.layer.ts"
import { ledgerMigrations } from "../migrations/index.ts"
import { initOrm, migrateToLatest, serializeSqlite } from "../orm.ts"

/** The process-wide cache of the template, keyed by the migration list it was built with. */
const cacheKey = Symbol.for("@paybridge/db/testing/sqliteTemplate")
const templateVersion = ledgerMigrations.map((migration) => migration.name).join(",")

interface TemplateCache {
  readonly version: string
  readonly image: Promise<Uint8Array>
}

const buildTemplate = async (): Promise<Uint8Array> => {
  const orm = await initOrm({ driver: "sqlite", filename: ":memory:" })
  try {
    await migrateToLatest(orm, "sqlite")
    return serializeSqlite(orm)
  } finally {
    await orm.close(true)
  }
}

/** The image of a freshly migrated SQLite database, built once per process. */
export const migratedSqliteImage = (): Promise<Uint8Array> => {
  const global = globalThis as { [cacheKey]?: TemplateCache }
  const cached = global[cacheKey]
  if (cached !== undefined && cached.version === templateVersion) return cached.image
  const image = buildTemplate()
  global[cacheKey] = { version: templateVersion, image }
  // A failed build is not cached: the next caller tries again.
  image.catch(() => {
    if (global[cacheKey]?.image === image) delete global[cacheKey]
  })
  return image
}

const image = Effect.promise(migratedSqliteImage)

/** A new in-memory copy of the migrated template, open until the scope closes. */
export const acquireSqliteTestDatabase = (
  options: { readonly secretsKey?: Buffer } = {}
): Effect.Effect<{ readonly database: Database["Service"]; readonly stores: LedgerStores }, never, Scope.Scope> =>
  Effect.flatMap(image, (sqliteImage) =>
    acquireDatabase({ url: "sqlite::memory:", migrate: false, sqliteImage, secretsKey: options.secretsKey }).pipe(
      Effect.orDie
    )
  )

/**
 * The storage ports and `Database` on a new in-memory copy of the migrated template (one per build
 * of the layer); `secretsKey` lets it store gateway secrets.
 */
export const sqliteTestDatabase = (
  options: { readonly secretsKey?: Buffer } = {}
): Layer.Layer<StorePorts | Database> =>
  Layer.unwrap(
    Effect.map(image, (sqliteImage) =>
      openDatabase({ url: "sqlite::memory:", migrate: false, sqliteImage, secretsKey: options.secretsKey })
    )
  ).pipe(Layer.orDie)
