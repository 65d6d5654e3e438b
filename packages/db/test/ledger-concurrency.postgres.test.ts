/**
 * Ledger-level concurrency on PostgreSQL: the real Ledger service, in a throwaway database, with
 * the commands of each scenario split between two independent API processes (two `openDatabase`
 * runtimes, each with its own connection pool) running at the same time. See
 * `support/ledger-concurrency-scenarios.ts` for the scenarios and what they check.
 */
import { afterAll, beforeAll, describe } from "vitest"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "../src/testing/index.ts"
import { describeLedgerConcurrency } from "./support/ledger-concurrency-scenarios.ts"
import { inProcess, openProcess, type ProcessRuntime } from "./support/ledger-processes.ts"

describe("Ledger concurrency on PostgreSQL (two API processes, pools of 6 connections)", () => {
  let database: PostgresTestDatabase | undefined
  let first: ProcessRuntime | undefined
  let second: ProcessRuntime | undefined

  beforeAll(async () => {
    database = await createPostgresTestDatabase()
    first = await openProcess(database.url, 6)
    second = await openProcess(database.url, 6)
  })
  afterAll(async () => {
    await first?.dispose()
    await second?.dispose()
    await database?.drop()
  })

  const opened = (runtime: ProcessRuntime | undefined): ProcessRuntime => {
    if (runtime === undefined) throw new Error("the database is not open yet")
    return runtime
  }

  describeLedgerConcurrency({
    main: () => opened(first),
    participants: () => [inProcess("api-1", opened(first)), inProcess("api-2", opened(second))]
  })
})
