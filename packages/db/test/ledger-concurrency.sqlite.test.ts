/**
 * Ledger-level concurrency on a SQLite file: the real Ledger service, with the commands of each
 * scenario split between this process and two other OS processes on the same file, all started at
 * once. A SQLite connection waits for the write lock synchronously, so every API process on a file
 * is its own OS process; inside one process the store runs one transaction at a time. See
 * `support/ledger-concurrency-scenarios.ts` for the scenarios and what they check.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe } from "vitest"
import { describeLedgerConcurrency } from "./support/ledger-concurrency-scenarios.ts"
import { inProcess, openProcess, type ProcessRuntime, workerProcess } from "./support/ledger-processes.ts"

describe("Ledger concurrency on a SQLite file (three OS processes)", () => {
  const directory = mkdtempSync(join(tmpdir(), "paybridge-concurrency-"))
  const url = `sqlite:${join(directory, "ledger.db")}`
  let main: ProcessRuntime | undefined

  beforeAll(async () => {
    main = await openProcess(url)
  })
  afterAll(async () => {
    await main?.dispose()
    rmSync(directory, { recursive: true, force: true })
  })

  const opened = (): ProcessRuntime => {
    if (main === undefined) throw new Error("the database is not open yet")
    return main
  }

  describeLedgerConcurrency({
    main: opened,
    participants: () => [inProcess("api-1", opened()), workerProcess("api-2", url), workerProcess("api-3", url)]
  })
})
