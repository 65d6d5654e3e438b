/** The store conformance suite on a private in-memory SQLite database. */
import { describe } from "vitest"
import { useDatabase } from "./support/database-harness.ts"
import { describeLedgerStoreConformance } from "./support/ledger-store-conformance.ts"

describe("LedgerStore on SQLite in memory", () => {
  const db = useDatabase(async () => ({ url: "sqlite::memory:", remove: async () => {} }))
  describeLedgerStoreConformance(db)
})
