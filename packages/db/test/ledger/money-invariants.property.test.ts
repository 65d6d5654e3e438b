/**
 * The money invariants under any sequence of commands, on the real SQLite store: 100 random
 * sequences of 30 commands through the ledger services (see `support/money-scenarios.ts`), every
 * invariant of docs/money-model.md checked after each step. The PostgreSQL run is
 * `money-invariants.postgres.test.ts`.
 */
import { describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fc from "fast-check"
import { testLedgerLayer } from "../../src/testing/index.ts"
import { moneyStep, runMoneyScenario } from "../support/money-scenarios.ts"

describe("money invariants (property, SQLite)", () => {
  // 100 × 30 commands with a full read-back after each: ~3,000 commands and checks, about 100 s on two
  // cores shared with other work (250 s at a load of 40), so the budget is 600 s instead of the default 30 s.
  it("hold after every step of any sequence of ledger commands", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(moneyStep, { minLength: 30, maxLength: 30 }), (steps) =>
        Effect.runPromise(runMoneyScenario(steps).pipe(Effect.provide(testLedgerLayer)))
      ),
      { numRuns: 100 }
    )
  }, 600_000)
})
