/**
 * The edge fuzz suite on PostgreSQL (a throwaway database from `TEST_DATABASE_URL`; an unreachable
 * server fails the suite), with fewer runs per route than on SQLite: what differs here is how the
 * database refuses values (NUL, out-of-range dates and numbers), not the request space.
 */
import { createPostgresTestDatabase } from "@paybridge/db/testing"
import { fuzzOptions, registerFuzzSuite } from "./support/fuzz/fuzz-scenarios.ts"

registerFuzzSuite(
  "edge fuzz on PostgreSQL",
  async () => {
    const database = await createPostgresTestDatabase()
    return { url: database.url, dispose: database.drop }
  },
  fuzzOptions(4)
)
