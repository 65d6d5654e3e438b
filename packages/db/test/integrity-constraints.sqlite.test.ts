/**
 * The integrity constraints (issue 15.5) on SQLite: see `support/integrity-scenarios.ts`. Each
 * scenario gets its own in-memory database, migrated (or half-migrated) by the scenario itself.
 */
import { describe } from "vitest"
import { describeIntegrityConstraints } from "./support/integrity-scenarios.ts"

describe("integrity constraints on SQLite", () => {
  describeIntegrityConstraints(async () => ({
    target: { driver: "sqlite", filename: ":memory:" },
    remove: async () => {}
  }))
})
