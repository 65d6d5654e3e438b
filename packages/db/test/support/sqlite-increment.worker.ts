/**
 * A separate OS process for the SQLite cross-process test: opens the database file given as the
 * first argument and credits customer `id` (second argument) `count` times (third argument), each in
 * its own read-modify-write transaction that dawdles between reading and writing.
 * Run as `node sqlite-increment.worker.ts <file> <customerId> <count>`.
 */
import { CustomerId, LedgerStore } from "@paybridge/core"
import { Effect } from "effect"
import { openDatabase } from "../../src/index.ts"

const [file, customerArg, countArg] = process.argv.slice(2)
const customerId = CustomerId.make(Number(customerArg))
const count = Number(countArg)

const program = Effect.gen(function* () {
  const s = yield* LedgerStore
  for (let i = 0; i < count; i++) {
    yield* s.transaction(
      Effect.gen(function* () {
        const current = yield* s.lockCustomer(customerId)
        if (current === null) return yield* Effect.die(`customer ${customerId} not found`)
        yield* Effect.sleep("15 millis")
        yield* s.customers.update({ ...current, balance: current.balance + 1n }, current.version)
      })
    )
  }
})

await Effect.runPromise(program.pipe(Effect.provide(openDatabase({ url: `sqlite:${file}`, busyTimeoutMs: 20_000 }))))
