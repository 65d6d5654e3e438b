/**
 * Writers racing for one unique key on PostgreSQL, split between two API processes (two
 * `openDatabase` runtimes with their own pools) on a throwaway database: see
 * `support/unique-race-scenarios.ts`.
 */
import { afterAll, beforeAll, describe } from "vitest"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "../src/testing/index.ts"
import { openProcess, type ProcessRuntime } from "./support/ledger-processes.ts"
import { describeUniqueRaces } from "./support/unique-race-scenarios.ts"

describe("unique keys under concurrent writers on PostgreSQL (two API processes)", () => {
  let database: PostgresTestDatabase | undefined
  const runtimes: Array<ProcessRuntime> = []

  beforeAll(async () => {
    database = await createPostgresTestDatabase()
    runtimes.push(await openProcess(database.url, 8), await openProcess(database.url, 8))
  })
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.dispose()
    await database?.drop()
  })

  describeUniqueRaces(() => runtimes)
})
