/**
 * The Kysely dialect MikroORM uses for SQLite in Paybridge. It differs from the stock
 * better-sqlite3 dialect in four ways that the ledger depends on:
 * - transactions start with `BEGIN IMMEDIATE`, so a writer takes the database write lock at BEGIN
 *   (two processes on one file serialise instead of failing to upgrade a read lock mid-transaction);
 * - the connection waits up to `busyTimeoutMs` for that lock (`busy_timeout`) and file databases
 *   run in WAL mode, so readers of other processes are not blocked by a writer; when the lock
 *   does not come in time, the transaction's first statement fails with SQLite's "database is
 *   locked" (which the store reports as `StorageUnavailable`);
 * - statements are prepared once per text and reused (values are bound parameters, so the text of a
 *   statement repeats; see `src/sql/bound-drivers.ts`);
 * - integers are read as exact 64-bit values: every statement reads in "safe integers" mode and
 *   values that fit a JS number are handed back as numbers, larger ones as `bigint`. Money columns
 *   (bigint minor units) therefore round-trip exactly even beyond 2^53.
 *
 * better-sqlite3 waits for a lock synchronously, so two connections to one file must live in
 * different processes: a second connection in the same process would block the event loop that
 * the first one needs to finish its transaction. Open one database per file per process.
 */
import { mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import {
  CompiledQuery,
  type DatabaseConnection,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement
} from "kysely"

/** The part of better-sqlite3's statement API this module uses. */
interface NativeStatement {
  readonly reader: boolean
  safeIntegers(toggle: boolean): NativeStatement
  all(...parameters: ReadonlyArray<unknown>): Array<unknown>
  run(...parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint }
  iterate(...parameters: ReadonlyArray<unknown>): IterableIterator<unknown>
}

/** The part of better-sqlite3's database API this module uses. */
export interface NativeSqliteDatabase {
  prepare(sql: string): NativeStatement
  pragma(source: string): unknown
  /** The whole database as one image (better-sqlite3 `serialize()`). */
  serialize(): Uint8Array
  close(): void
}

type NativeSqliteConstructor = new (
  source: string | Uint8Array,
  options: { readonly timeout: number }
) => NativeSqliteDatabase

const require = createRequire(import.meta.url)

/** Opens `filename`, or an in-memory copy of `image` (a serialized database) when one is given. */
const openNative = (filename: string, busyTimeoutMs: number, image: Uint8Array | undefined): NativeSqliteDatabase => {
  const Database = require("better-sqlite3") as NativeSqliteConstructor
  return new Database(image === undefined ? filename : Buffer.from(image), { timeout: busyTimeoutMs })
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER)
const minSafe = BigInt(Number.MIN_SAFE_INTEGER)

/** Narrows a row's safe bigints to numbers in place, writing only those (a wide row is mostly nulls and text). */
const narrowRow = (row: unknown): unknown => {
  if (row === null || typeof row !== "object") return row
  const record = row as Record<string, unknown>
  for (const key in record) {
    const value = record[key]
    if (typeof value === "bigint" && value <= maxSafe && value >= minSafe) record[key] = Number(value)
  }
  return record
}

/**
 * Shared by the driver and the statement wrapper: set when `BEGIN IMMEDIATE` could not get the
 * write lock in time. Kysely never releases its single-connection mutex when beginning a
 * transaction fails, so instead of failing BEGIN the driver opens a deferred transaction and the
 * wrapper fails its first statement with the lock error; the caller then rolls back as usual.
 */
interface LockState {
  pending: Error | null
}

const endsTransaction = /^\s*(rollback|commit|end)\b/i

/** How many prepared statements a connection keeps for reuse (the store's statements are far fewer). */
const statementCacheSize = 500

/**
 * Wraps better-sqlite3 so every statement reads exact integers (see the module comment) and is
 * prepared once: statements carry their values as bound parameters, so their text repeats and the
 * prepared statement is kept by text (least recently used dropped past `statementCacheSize`).
 */
const exactIntegerDatabase = (native: NativeSqliteDatabase, lock: LockState): SqliteDatabase => {
  const prepared = new Map<string, NativeStatement>()
  const prepareOnce = (sql: string): NativeStatement => {
    const cached = prepared.get(sql)
    if (cached !== undefined) {
      prepared.delete(sql)
      prepared.set(sql, cached)
      return cached
    }
    const statement = native.prepare(sql)
    if (statement.reader) statement.safeIntegers(true)
    prepared.set(sql, statement)
    if (prepared.size > statementCacheSize) {
      const oldest = prepared.keys().next()
      if (oldest.done !== true) prepared.delete(oldest.value)
    }
    return statement
  }
  return {
    close: () => {
      prepared.clear()
      native.close()
    },
    prepare: (sql: string): SqliteStatement => {
      if (lock.pending !== null) {
        if (endsTransaction.test(sql)) lock.pending = null
        else throw lock.pending
      }
      const statement = prepareOnce(sql)
      return {
        reader: statement.reader,
        all: (parameters) => statement.all(...parameters).map(narrowRow),
        run: (parameters) => statement.run(...parameters),
        iterate: function* (parameters) {
          for (const row of statement.iterate(...parameters)) yield narrowRow(row)
        }
      }
    }
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #lock: LockState

  constructor(database: SqliteDatabase, lock: LockState) {
    super({ database })
    this.#lock = lock
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"))
    } catch (error) {
      if (!isBusy(error)) throw error
      await connection.executeQuery(CompiledQuery.raw("begin"))
      this.#lock.pending = error instanceof Error ? error : new Error(String(error))
    }
  }

  // SQLite may already have rolled the transaction back itself (disk full, I/O error); the
  // rollback must still succeed so that Kysely releases the connection.
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw("rollback"))
    } catch (error) {
      if (!(error instanceof Error && /no transaction is active/i.test(error.message))) throw error
    }
  }
}

const isBusy = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === "string" && code.startsWith("SQLITE_BUSY")
}

export interface ImmediateSqliteDialectOptions {
  /** `:memory:` or a file path (its directory is created when missing). */
  readonly filename: string
  /** How long a connection waits for another process's write lock before failing. */
  readonly busyTimeoutMs: number
  /**
   * `:memory:` only: start from a copy of this serialized database (`native.serialize()` of another
   * connection) instead of an empty one. Tests copy one migrated template this way.
   */
  readonly image?: Uint8Array | undefined
}

/** Builds the dialect; pass it to MikroORM as `driverOptions`. */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly native: NativeSqliteDatabase

  readonly #lock: LockState = { pending: null }

  constructor(options: ImmediateSqliteDialectOptions) {
    const inMemory = options.filename === ":memory:" || options.filename === ""
    if (!inMemory && options.image !== undefined) throw new Error("a SQLite image can only be opened in memory")
    if (!inMemory) mkdirSync(dirname(options.filename), { recursive: true })
    const native = openNative(options.filename, options.busyTimeoutMs, options.image)
    if (!inMemory) native.pragma("journal_mode = WAL")
    native.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs))}`)
    super({ database: native as unknown as SqliteDatabase })
    this.native = native
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(exactIntegerDatabase(this.native, this.#lock), this.#lock)
  }
}
