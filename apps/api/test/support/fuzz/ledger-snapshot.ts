/**
 * What the ledger holds, in one query the fuzz suite runs before and after every request: the row
 * count of every ledger table, the sum of the customers' balances, the sum of the record versions
 * (an update anywhere moves it) and the latest dialect-record change. Equal snapshots mean the
 * request changed nothing. Read through the server's own database connection (`Database`).
 */
import { Database } from "@paybridge/db"
import { Effect, type ManagedRuntime } from "effect"
import type { AppRuntime } from "../../../src/app-runtime.ts"

const snapshotQuery = `select
  (select count(*) from ledger_events) as events,
  (select count(*) from customers) as customers,
  (select coalesce(sum(balance), 0) from customers) as balances,
  (select coalesce(sum(version), 0) from customers) as customer_versions,
  (select count(*) from payments) as payments,
  (select coalesce(sum(version), 0) from payments) as payment_versions,
  (select count(*) from documents) as documents,
  (select coalesce(sum(version), 0) from documents) as document_versions,
  (select count(*) from allocations) as allocations,
  (select count(*) from reversals) as reversals,
  (select count(*) from refunds) as refunds,
  (select count(*) from collections) as collections,
  (select count(*) from balance_entries) as balance_entries,
  (select count(*) from billing_entities) as billing_entities,
  (select count(*) from gateways) as gateways,
  (select count(*) from payment_presets) as presets,
  (select count(*) from dialect_records) as dialect_records,
  (select max(updated_at) from dialect_records) as dialect_records_changed`

export type LedgerSnapshot = Readonly<Record<string, string>>

/** Takes snapshots of the ledger behind `runtime` (the runtime provides `Database`, as the server's does). */
export const ledgerSnapshots = (runtime: AppRuntime): (() => Promise<LedgerSnapshot>) => {
  const withDatabase = runtime as unknown as ManagedRuntime.ManagedRuntime<Database, never>
  return async () => {
    const rows = (await withDatabase.runPromise(
      Effect.flatMap(Effect.service(Database), (database) =>
        Effect.promise(() => database.orm.em.fork().execute(snapshotQuery))
      )
    )) as ReadonlyArray<Record<string, unknown>>
    const row = rows[0] ?? {}
    return Object.fromEntries(
      Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : String(value)])
    )
  }
}

/** The fields two snapshots disagree on, e.g. `["payments: 4 → 5"]`. */
export const snapshotChanges = (before: LedgerSnapshot, after: LedgerSnapshot): ReadonlyArray<string> =>
  Object.keys({ ...before, ...after })
    .filter((key) => before[key] !== after[key])
    .map((key) => `${key}: ${before[key]} → ${after[key]}`)
