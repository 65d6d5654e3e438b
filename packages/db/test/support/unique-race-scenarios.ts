/**
 * Writers racing for one unique key, through the real ledger services (issue 15.5). Each scenario
 * starts its commands at the same moment, dealt out over the given "API processes" (runtimes with
 * their own connection pools): on PostgreSQL the commands of different customers do not wait for
 * each other, so two of them can both find the key free and both insert; the database's unique
 * index refuses the second, and the ledger must answer with its own error or outcome — never a
 * defect (a 500 in every protocol). On SQLite writers are serialised and the same outcomes hold.
 *
 * - the same new dialect record saved by many writers at once: every save succeeds (the first
 *   inserts, the others update), one record remains;
 * - payments of different customers carrying one external reference: one is created, every other
 *   writer gets `Conflict("duplicate")`, the answer the ledger gives when the payment already exists.
 */
import { CommandContext, type CustomerId, DialectRecords, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { expect, it } from "vitest"
import type { ProcessRuntime } from "./ledger-processes.ts"
import { unique } from "./store-fixtures.ts"

type Outcome = { readonly ok: true } | { readonly ok: false; readonly tag: string; readonly reason: string | null }

const outcomeOf = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.map((): Outcome => ({ ok: true })),
    Effect.catch((error: E) =>
      Effect.succeed<Outcome>({
        ok: false,
        tag: error._tag,
        reason: "reason" in error && typeof error.reason === "string" ? error.reason : null
      })
    )
  )

/** Runs `count` commands at once, command `i` on runtime `i mod n`; a defect fails the test. */
const race = <E extends { readonly _tag: string }>(
  runtimes: ReadonlyArray<ProcessRuntime>,
  count: number,
  command: (index: number) => Effect.Effect<unknown, E, Payments | DialectRecords | Parties | CommandContext>
): Promise<ReadonlyArray<Outcome>> =>
  Promise.all(
    Array.from({ length: count }, (_, index) => {
      const runtime = runtimes[index % runtimes.length] as ProcessRuntime
      return runtime.runPromise(outcomeOf(command(index)).pipe(Effect.provide(CommandContext.system())))
    })
  )

export const describeUniqueRaces = (runtimes: () => ReadonlyArray<ProcessRuntime>): void => {
  it("saves one new dialect record from 16 writers at once: every save succeeds and one record remains", async () => {
    const key = unique("race")
    const outcomes = await race(runtimes(), 16, (index) =>
      DialectRecords.use((records) =>
        records.saveDialectRecord({ dialect: "elevate", kind: "race", key, data: { writer: index } })
      )
    )
    expect(outcomes).toEqual(outcomes.map(() => ({ ok: true })))
    const [first] = runtimes()
    const stored = await (first as ProcessRuntime).runPromise(
      DialectRecords.use((records) =>
        records.listDialectRecords({ dialect: "elevate", kind: "race", limit: 100 })
      ).pipe(Effect.provide(CommandContext.system()))
    )
    expect(stored.items.filter((record) => record.key === key)).toHaveLength(1)
  })

  it("creates one payment of 8 carrying one external reference at once; the others get Conflict(duplicate)", async () => {
    const [first] = runtimes()
    const customers: Array<CustomerId> = []
    for (let i = 0; i < 8; i++) {
      const customer = await (first as ProcessRuntime).runPromise(
        Parties.use((parties) => parties.createCustomer({ name: `Racer ${i}`, currency: "EUR" })).pipe(
          Effect.provide(CommandContext.system())
        )
      )
      customers.push(customer.id)
    }
    const externalRef = { system: "import", id: unique("ext") }
    const outcomes = await race(runtimes(), customers.length, (index) =>
      Payments.use((payments) =>
        payments.createPayment({ customerId: customers[index] as CustomerId, amount: "10.00", externalRef })
      )
    )
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1)
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual(
      Array.from({ length: customers.length - 1 }, () => ({ ok: false, tag: "Conflict", reason: "duplicate" }))
    )
    const found = await (first as ProcessRuntime).runPromise(
      Payments.use((payments) => payments.getPayment({ externalRef })).pipe(Effect.provide(CommandContext.system()))
    )
    expect(customers).toContain(found.payment.customerId)
  })
}
