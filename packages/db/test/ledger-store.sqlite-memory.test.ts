/**
 * The store conformance suite on a private in-memory SQLite database: a copy of the migrated
 * template that the test layers use (`sqliteTestDatabase`), so the suite also proves the copy is a
 * complete, migrated database.
 */
import { describe } from "vitest"
import { sqliteTestDatabase } from "../src/testing/index.ts"
import { useDatabase } from "./support/database-harness.ts"
import { describeLedgerStoreConformance } from "./support/ledger-store-conformance.ts"

describe("LedgerStore on SQLite in memory", () => {
  const db = useDatabase(async () => ({ url: "sqlite::memory:", layer: sqliteTestDatabase(), remove: async () => {} }))
  describeLedgerStoreConformance(db)
})
