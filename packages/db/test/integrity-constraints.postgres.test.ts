/**
 * The integrity constraints (issue 15.5) on PostgreSQL: see `support/integrity-scenarios.ts`. Each
 * scenario gets its own throwaway database, migrated (or half-migrated) by the scenario itself.
 */
import { describe } from "vitest"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { describeIntegrityConstraints } from "./support/integrity-scenarios.ts"

describe("integrity constraints on PostgreSQL", () => {
  describeIntegrityConstraints(async () => {
    const database = await createPostgresTestDatabase()
    return { target: { driver: "postgresql", url: database.url }, remove: database.drop }
  })
})
