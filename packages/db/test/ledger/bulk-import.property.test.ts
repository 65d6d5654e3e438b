/**
 * `LedgerUnits.bulkImport` books exactly what the single commands book, on the real SQLite store:
 * 25 random sequences of 40 records (`support/bulk-import-scenarios.ts`), each booked one command
 * at a time on one fresh ledger and in one bulk unit on another, then the two ledgers' snapshots
 * (balance, entries, events, payments and their numbers, documents, allocations, reversals,
 * refunds, the next numbers) compared. Plus what the bulk unit saves: fewer statements for the same
 * records; and a key a kept payment finds taken when the unit writes it, booked as one by one. The PostgreSQL run is `bulk-import.postgres.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import { CustomerId, LedgerStore, LedgerUnits, Payments } from "@paybridge/core"
import { Effect, Schema } from "effect"
import * as fc from "fast-check"
import { StatementLog, testLedgerLayer } from "../../src/testing/index.ts"
import { bookInBulk, bookOneByOne, ledgerSnapshot } from "../support/bulk-import-scenarios.ts"
import { moneyStep } from "../support/money-scenarios.ts"
import { newPayment } from "../support/store-fixtures.ts"
import { as, asAdmin, auditor, finance, newCustomer } from "./ledger-fixtures.ts"

describe("bulk import (property, SQLite)", () => {
  it("gives the same ledger as the same records booked one command at a time", async () => {
    let bookedEntries = 0
    await fc.assert(
      fc.asyncProperty(fc.array(moneyStep, { minLength: 40, maxLength: 40 }), async (steps) => {
        const single = await Effect.runPromise(
          Effect.gen(function* () {
            const { customerId, accepted } = yield* bookOneByOne(steps)
            return { accepted, snapshot: yield* ledgerSnapshot(customerId, true) }
          }).pipe(Effect.provide(testLedgerLayer))
        )
        const bulk = await Effect.runPromise(
          Effect.flatMap(bookInBulk(single.accepted), (customerId) => ledgerSnapshot(customerId, true)).pipe(
            Effect.provide(testLedgerLayer)
          )
        )
        bookedEntries += single.snapshot.entries.length
        expect(bulk).toEqual(single.snapshot)
      }),
      { numRuns: 25 }
    )
    // The random records really moved money (not 25 empty ledgers compared).
    expect(bookedEntries).toBeGreaterThan(100)
  }, 300_000)

  it.effect("is authorised as a ledger write, within the principal's customer scope, for an existing customer", () =>
    Effect.gen(function* () {
      const units = yield* LedgerUnits
      const payments = yield* Payments
      const customer = yield* newCustomer()
      const other = yield* newCustomer("Other Ltd")
      const unit = (customerId: CustomerId) =>
        units.bulkImport(
          { customerId, operation: "test:bulk", input: null, result: Schema.Null },
          Effect.as(payments.createPayment({ customerId, amount: "10.00" }), null)
        )
      expect((yield* Effect.flip(as(auditor)(unit(customer.id))))._tag).toBe("Forbidden")
      const scoped = { ...finance, customerScope: [other.id] }
      expect((yield* Effect.flip(as(scoped)(unit(customer.id))))._tag).toBe("Forbidden")
      const missing = yield* Effect.flip(asAdmin(unit(CustomerId.make(9_999))))
      expect(missing._tag).toBe("NotFound")
      expect(yield* as(finance)(unit(customer.id))).toBeNull()
      expect((yield* ledgerSnapshot(customer.id, false)).customer.balance).toBe("1000n")
    }).pipe(Effect.provide(testLedgerLayer))
  )

  it.effect("refuses a payment whose external ref is taken, in a unit as one by one, and the unit writes nothing", () =>
    Effect.gen(function* () {
      const units = yield* LedgerUnits
      const payments = yield* Payments
      const customer = yield* newCustomer()
      const externalRef = { system: "silver", id: "17" }
      yield* asAdmin(payments.createPayment({ customerId: customer.id, amount: "10.00", externalRef }))
      const before = yield* ledgerSnapshot(customer.id, false)
      const single = yield* Effect.flip(
        asAdmin(payments.createPayment({ customerId: customer.id, amount: "5.00", externalRef }))
      )
      const inUnit = yield* Effect.flip(
        asAdmin(
          units.bulkImport(
            { customerId: customer.id, operation: "test:bulk", input: null, result: Schema.Null },
            Effect.as(
              Effect.andThen(
                payments.createPayment({
                  customerId: customer.id,
                  amount: "1.00",
                  externalRef: { system: "silver", id: "18" }
                }),
                payments.createPayment({ customerId: customer.id, amount: "5.00", externalRef })
              ),
              null
            )
          )
        )
      )
      expect(inUnit).toMatchObject({ _tag: "Conflict", reason: "duplicate" })
      expect(inUnit).toEqual(single)
      expect(yield* ledgerSnapshot(customer.id, false)).toEqual(before)
    }).pipe(Effect.provide(testLedgerLayer))
  )

  it.effect("books 50 posted payments in far fewer statements than 50 commands", () =>
    Effect.gen(function* () {
      const log = yield* StatementLog
      const payments = yield* Payments
      const units = yield* LedgerUnits
      const one = yield* newCustomer("One by one")
      const bulk = yield* newCustomer("In bulk")
      const book = (customerId: typeof one.id, n: number) =>
        asAdmin(payments.createPayment({ customerId, amount: `${n + 1}.25`, reference: `R-${n}` }))
      log.reset()
      for (let n = 0; n < 50; n++) yield* book(one.id, n)
      const singleStatements = log.tally().statements.length
      log.reset()
      yield* asAdmin(
        units.bulkImport(
          { customerId: bulk.id, operation: "test:bulk", input: null, result: Schema.Null },
          Effect.as(
            Effect.forEach(
              Array.from({ length: 50 }, (_, n) => n),
              (n) => book(bulk.id, n),
              { discard: true }
            ),
            null
          )
        )
      )
      const bulkStatements = log.tally().statements.length
      // Same payments, same balance: the bulk unit booked all 50.
      expect((yield* ledgerSnapshot(bulk.id, false)).customer.balance).toBe(
        (yield* ledgerSnapshot(one.id, false)).customer.balance
      )
      expect(bulkStatements).toBeLessThan(singleStatements / 2)
      // The payments in one insert with their ids drawn ahead: well under one statement a payment.
      expect(bulkStatements).toBeLessThan(50 / 2)
    }).pipe(Effect.provide(testLedgerLayer))
  )

  it.effect("a posting number a payment imported with its own number holds is skipped in a unit as one by one", () =>
    Effect.gen(function* () {
      const units = yield* LedgerUnits
      const payments = yield* Payments
      const store = yield* LedgerStore
      const customer = yield* newCustomer()
      // The next posting number is already held (a payment imported with its own number).
      const drawn = yield* store.nextSequence("payment-number")
      yield* store.payments.insert(newPayment(customer.id, { number: String(drawn + 1n) }))
      const detail = yield* asAdmin(
        units.bulkImport(
          { customerId: customer.id, operation: "test:bulk", input: null, result: Schema.Unknown },
          Effect.andThen(
            payments.createPayment({ customerId: customer.id, amount: "3.00" }),
            payments.createPayment({ customerId: customer.id, amount: "4.00" })
          )
        )
      )
      const numbers = (yield* store.payments.list({
        customerId: customer.id,
        order: "id",
        cursor: null,
        limit: 10
      })).items.map((payment) => payment.number)
      expect(detail).toMatchObject({ payment: { amount: 400n } })
      expect(numbers).toEqual([String(drawn + 1n), String(drawn + 2n), String(drawn + 3n)])
      expect((yield* ledgerSnapshot(customer.id, false)).customer.balance).toBe("700n")
    }).pipe(Effect.provide(testLedgerLayer))
  )
})
