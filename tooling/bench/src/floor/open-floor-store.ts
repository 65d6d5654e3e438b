/**
 * Opens the floor's store for a database URL, read the way Paybridge reads `DATABASE_URL`:
 * `postgres(ql)://…` → the PostgreSQL store, `sqlite:<path>` → the SQLite store (each loaded only
 * when used). Its own module, so the stores and the contract they implement (`floor-store.ts`)
 * do not import one another in a cycle.
 */
import type { FloorStore } from "./floor-store.ts"

export const openFloorStore = async (databaseUrl: string): Promise<FloorStore> => {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { openPostgresFloorStore } = await import("./floor-postgres.store.ts")
    return openPostgresFloorStore(databaseUrl)
  }
  const sqlite = /^sqlite:(.+)$/.exec(databaseUrl)
  if (sqlite?.[1] === undefined) throw new Error(`floor: unsupported DATABASE_URL ${databaseUrl}`)
  const { openSqliteFloorStore } = await import("./floor-sqlite.store.ts")
  return openSqliteFloorStore(sqlite[1])
}
