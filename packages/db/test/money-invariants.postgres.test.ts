/**
 * The money invariants under any sequence of commands on PostgreSQL: the same property as
 * `ledger/money-invariants.property.test.ts` (see `support/money-scenarios.ts`), smaller — 10
 * sequences of 30 commands, each on a new customer of one throwaway database. Fails loudly when
 * the database cannot be reached.
 */
import { ledgerLayer, PaymentGateways } from "@paybridge/core"
import { Layer, ManagedRuntime } from "effect"
import * as fc from "fast-check"
import { afterAll, beforeAll, describe, it } from "vitest"
import { openDatabase } from "../src/index.ts"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "../src/testing/index.ts"
import { moneyStep, runMoneyScenario } from "./support/money-scenarios.ts"

const ledgerOn = (url: string) =>
  ledgerLayer.pipe(Layer.provideMerge(Layer.merge(openDatabase({ url }), PaymentGateways.layerTest)))

describe("money invariants (property, PostgreSQL)", () => {
  let database: PostgresTestDatabase | undefined
  let runtime: ManagedRuntime.ManagedRuntime<Layer.Success<ReturnType<typeof ledgerOn>>, unknown> | undefined

  beforeAll(async () => {
    database = await createPostgresTestDatabase()
    runtime = ManagedRuntime.make(ledgerOn(database.url))
    await runtime.context()
  })
  afterAll(async () => {
    await runtime?.dispose()
    await database?.drop()
  })

  it("hold after every step of any sequence of ledger commands", async () => {
    const ledger = runtime
    if (ledger === undefined) throw new Error("the database is not open yet")
    await fc.assert(
      fc.asyncProperty(fc.array(moneyStep, { minLength: 30, maxLength: 30 }), (steps) =>
        ledger.runPromise(runMoneyScenario(steps))
      ),
      { numRuns: 10 }
    )
  }, 300_000)
})
