/**
 * The API scenarios on PostgreSQL, in a throwaway database created from `TEST_DATABASE_URL`
 * (default: the local server). An unreachable server fails the suite; it never skips.
 */
import { createPostgresTestDatabase } from "@paybridge/db/testing"
import { registerApiScenarios } from "./support/api-scenarios.ts"

registerApiScenarios("API over HTTP on PostgreSQL", async () => {
  const database = await createPostgresTestDatabase()
  return { url: database.url, dispose: database.drop }
})
