/**
 * The ledger a migration books into: the database at `DATABASE_URL` (SQLite by default, the same
 * default as the server: `sqlite:data/paybridge.db`) opened with its migrations applied, and the
 * ledger's services over it — the same composition `apps/api` uses, without HTTP. Every command runs
 * as the system principal with origin `migration`, so the ledger's event log says where migrated
 * money came from. Nothing here speaks SQL: the migration uses the services' public shapes only.
 */
import { CommandContext, type LedgerServices, ledgerLayer, PaymentGateways } from "@paybridge/core"
import { Database, openDatabase } from "@paybridge/db"
import { Effect, Layer, ManagedRuntime } from "effect"

export const defaultDatabaseUrl = "sqlite:data/paybridge.db"

const ledgerServices = (url: string) =>
  Layer.mergeAll(ledgerLayer, CommandContext.system("migration")).pipe(
    Layer.provide(PaymentGateways.layerTest),
    Layer.provideMerge(openDatabase({ url })),
    Layer.orDie
  )

/** What a migration effect may use: the ledger's services in the migration's command context. */
export type MigrationServices = LedgerServices | CommandContext

/** An open ledger: run ledger effects on it, close it at the end. */
export interface Ledger {
  readonly description: string
  readonly run: <A, E>(effect: Effect.Effect<A, E, MigrationServices>) => Promise<A>
  readonly close: () => Promise<void>
  /** The database under the ledger (driver, ORM), for scripts that measure it. */
  readonly database: Database["Service"]
}

/** Opens the ledger at `url` now (a bad URL or an unreachable database fails here). */
export const openLedger = async (url: string): Promise<Ledger> => {
  const runtime = ManagedRuntime.make(ledgerServices(url))
  const database = await runtime.runPromise(Effect.service(Database))
  return {
    database,
    description: url.startsWith("postgres") ? url.replace(/\/\/[^@/]*@/u, "//…@") : url,
    run: (effect) => runtime.runPromise(effect),
    close: () => runtime.dispose()
  }
}
