/**
 * A separate OS process acting as a second API process in the ledger concurrency tests (see
 * `ledger-processes.ts`). Run as `node ledger-process.worker.ts <database-url>`: it reads its
 * commands (a JSON array) from the first line of stdin, opens the database, prints `ready`, waits
 * for a `go` line, runs every command concurrently through the Ledger and prints
 * `{"outcomes":[…]}` on one line before closing the database and exiting.
 */
import { createInterface } from "node:readline"
import { Effect } from "effect"
import { executeCommand, type LedgerCommand, openProcess } from "./ledger-processes.ts"

const url = process.argv[2]
if (url === undefined) throw new Error("usage: node ledger-process.worker.ts <database-url>")

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
const nextLine = async (): Promise<string> => {
  const line = await lines.next()
  if (line.done === true) throw new Error("stdin closed early")
  return line.value
}

const commands = JSON.parse(await nextLine()) as ReadonlyArray<LedgerCommand>
const runtime = await openProcess(url, 4)
try {
  process.stdout.write("ready\n")
  await nextLine()
  const outcomes = await runtime.runPromise(Effect.all(commands.map(executeCommand), { concurrency: "unbounded" }))
  process.stdout.write(`${JSON.stringify({ outcomes })}\n`)
} finally {
  await runtime.dispose()
}
