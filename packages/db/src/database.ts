/**
 * Opening a Paybridge database: `openDatabase({ url })` is a scoped layer that connects MikroORM
 * to SQLite or PostgreSQL (chosen by the URL), applies the checked-in migrations, and provides core's
 * three storage ports (`LedgerStore`, `IdempotencyStore`, `IdentityStore`, sharing one transaction
 * context) plus a small `Database` service (driver name, ping, the ORM for scripts). The
 * connection closes when the layer's scope closes.
 *
 *   sqlite::memory:            a private in-memory database (gone when closed)
 *   sqlite:<path>, file:<path> a SQLite file (its directory is created)
 *   postgresql://…, postgres://…
 */
import { StorageUnavailable } from "@paybridge/core"
import { Context, Effect, Layer } from "effect"
import { makeMikroOrmStores, type StorePorts, storesContext } from "./ledger-stores.layer.ts"
import {
  type DatabaseDriver,
  type DatabaseTarget,
  initOrm,
  type LedgerOrm,
  migrateToLatest,
  type OrmOptions,
  parseDatabaseUrl
} from "./orm.ts"
import { isRetryableStorageError, storageUnavailable } from "./store/storage-errors.ts"

export interface DatabaseOptions extends OrmOptions {
  readonly url: string
  /** Apply pending migrations at start (default true). */
  readonly migrate?: boolean | undefined
  /** The key gateway secrets are sealed with (see `parseSecretsKey`); none: secrets cannot be stored. */
  readonly secretsKey?: Buffer | null | undefined
  /** Keys gateway secrets were sealed with before (they still open; a save re-seals with `secretsKey`). */
  readonly previousSecretsKeys?: ReadonlyArray<Buffer> | undefined
}

export class Database extends Context.Service<
  Database,
  {
    readonly driver: DatabaseDriver
    /** Where the database lives (the URL's parsed form; PostgreSQL URLs keep their credentials). */
    readonly target: DatabaseTarget
    /** Names of the migrations applied when the database was opened. */
    readonly appliedMigrations: ReadonlyArray<string>
    /** One round trip to the database. */
    readonly ping: Effect.Effect<void, StorageUnavailable>
    /** The underlying ORM, for scripts and tests (closed with the layer). */
    readonly orm: LedgerOrm
  }
>()("@paybridge/db/Database") {}

const failure = (operation: string) => (error: unknown) =>
  isRetryableStorageError(error) ? storageUnavailable(operation, error) : error

/** Connects, migrates and closes on release; fails with `StorageUnavailable` when the database is unreachable. */
export const acquireDatabase = (options: DatabaseOptions) =>
  Effect.gen(function* () {
    const target = yield* Effect.try({ try: () => parseDatabaseUrl(options.url), catch: (e) => e }).pipe(Effect.orDie)
    const orm = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => initOrm(target, options), catch: failure("connect") }),
      (orm) => Effect.promise(() => orm.close(true))
    ).pipe(
      Effect.catchIf((e): e is Exclude<typeof e, StorageUnavailable> => !(e instanceof StorageUnavailable), Effect.die)
    )
    const appliedMigrations =
      options.migrate === false
        ? []
        : yield* Effect.tryPromise({ try: () => migrateToLatest(orm, target.driver), catch: failure("migrate") }).pipe(
            Effect.catchIf(
              (e): e is Exclude<typeof e, StorageUnavailable> => !(e instanceof StorageUnavailable),
              Effect.die
            )
          )
    const stores = yield* makeMikroOrmStores({
      orm,
      driver: target.driver,
      secretsKey: options.secretsKey ?? null,
      previousSecretsKeys: options.previousSecretsKeys ?? []
    })
    const database = Database.of({ driver: target.driver, target, appliedMigrations, ping: stores.ledger.ping, orm })
    return { database, stores }
  })

/** The scoped layer providing the three storage ports and `Database` for the database at `url`. */
export const openDatabase = (options: DatabaseOptions): Layer.Layer<StorePorts | Database, StorageUnavailable> =>
  Layer.effectContext(
    Effect.map(acquireDatabase(options), ({ database, stores }) =>
      Context.merge(storesContext(stores), Context.make(Database, database))
    )
  )
