/**
 * `LedgerUnits.bulkImport` books exactly what the single commands book, on PostgreSQL: the
 * property of `ledger/bulk-import.property.test.ts` (see `support/bulk-import-scenarios.ts`),
 * smaller — 6 sequences of 40 records. A refused command may still take a serial id on
 * PostgreSQL, so a scratch database first sorts out the records the ledger accepts; those are then
 * booked one by one in database A and in one bulk unit in database B, whose ids so stay in step,
 * and the two customers' snapshots compared. Fails loudly when the database cannot be reached.
 */
import { ledgerLayer, PaymentGateways } from "@paybridge/core"
import { Layer, ManagedRuntime } from "effect"
import * as fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "../src/testing/index.ts"
import { bookInBulk, bookOneByOne, ledgerSnapshot } from "./support/bulk-import-scenarios.ts"
import { moneyStep } from "./support/money-scenarios.ts"

const ledgerOn = (url: string) =>
  ledgerLayer.pipe(Layer.provideMerge(Layer.merge(openDatabase({ url }), PaymentGateways.layerTest)))
type Ledger = ManagedRuntime.ManagedRuntime<Layer.Success<ReturnType<typeof ledgerOn>>, unknown>

describe("bulk import (property, PostgreSQL)", () => {
  const databases: Array<PostgresTestDatabase> = []
  const ledgers: Array<Ledger> = []

  beforeAll(async () => {
    for (let n = 0; n < 3; n++) {
      const database = await createPostgresTestDatabase()
      databases.push(database)
      const ledger = ManagedRuntime.make(ledgerOn(database.url))
      await ledger.context()
      ledgers.push(ledger)
    }
  }, 120_000)
  afterAll(async () => {
    for (const ledger of ledgers) await ledger.dispose()
    for (const database of databases) await database.drop()
  })

  it("gives the same ledger as the same records booked one command at a time", async () => {
    const [scratch, single, bulk] = ledgers
    if (scratch === undefined || single === undefined || bulk === undefined)
      throw new Error("the databases are not open")
    let bookedEntries = 0
    await fc.assert(
      fc.asyncProperty(fc.array(moneyStep, { minLength: 40, maxLength: 40 }), async (steps) => {
        const { accepted } = await scratch.runPromise(bookOneByOne(steps))
        const one = await single.runPromise(bookOneByOne(accepted))
        expect(one.accepted).toHaveLength(accepted.length)
        const expected = await single.runPromise(ledgerSnapshot(one.customerId, true))
        const customerId = await bulk.runPromise(bookInBulk(accepted))
        expect(await bulk.runPromise(ledgerSnapshot(customerId, true))).toEqual(expected)
        bookedEntries += expected.entries.length
      }),
      { numRuns: 6 }
    )
    expect(bookedEntries).toBeGreaterThan(20)
  }, 300_000)
})
