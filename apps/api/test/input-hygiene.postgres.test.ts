/**
 * Input hygiene on PostgreSQL (a throwaway database from `TEST_DATABASE_URL`; an unreachable server
 * fails the suite): where NUL bytes and out-of-range dates used to be a 503 or a 500, they are a 400
 * in each protocol's shape; card numbers are masked everywhere (`support/input-hygiene-scenarios.ts`).
 */
import { createPostgresTestDatabase } from "@paybridge/db/testing"
import { registerInputHygieneScenarios } from "./support/input-hygiene-scenarios.ts"

registerInputHygieneScenarios("input hygiene on PostgreSQL", async () => {
  const database = await createPostgresTestDatabase()
  return { url: database.url, dispose: database.drop }
})
