/**
 * Writers racing for one unique key on a SQLite file (one API process: writers are serialised by
 * the database write lock): the same outcomes as on PostgreSQL, see `support/unique-race-scenarios.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe } from "vitest"
import { openProcess, type ProcessRuntime } from "./support/ledger-processes.ts"
import { describeUniqueRaces } from "./support/unique-race-scenarios.ts"

describe("unique keys under concurrent writers on a SQLite file", () => {
  const directory = mkdtempSync(join(tmpdir(), "pb-unique-races-"))
  const runtimes: Array<ProcessRuntime> = []

  beforeAll(async () => {
    runtimes.push(await openProcess(`sqlite:${join(directory, "ledger.sqlite")}`))
  })
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.dispose()
    rmSync(directory, { recursive: true, force: true })
  })

  describeUniqueRaces(() => runtimes)
})
