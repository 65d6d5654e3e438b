/**
 * Two ledger capabilities protocol edges build on: `atomically`, which runs several commands as
 * one all-or-nothing unit with a single idempotency claim (a failing command undoes the ones
 * before it; a retried key replays the unit's result without running it again), and
 * `reverseThroughGateway`, which books a reversal only after the payment's gateway approved
 * giving the money back.
 */
import { assert, describe, it } from "@effect/vitest"
import { Collections, type CustomerId, LedgerUnits, Parties, Payments, testGatewayTokens } from "@paybridge/core"
import { Effect, Exit, Schema } from "effect"
import { admin, as, asAdmin, balanceChain, balanceOf, newCustomer, newPayment, withLedger } from "./ledger-fixtures.ts"

const gatewayPayment = (customerId: CustomerId, amount: string) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const gateway = yield* asAdmin(parties.createGateway({ code: "tgw", name: "Test gateway" }))
    const detail = yield* newPayment(customerId, amount, {
      gatewayId: gateway.id,
      cardToken: testGatewayTokens.approve
    })
    return detail.payment
  })

describe("atomically", () => {
  it.effect("undoes every command of the unit when a later one fails", () =>
    withLedger(
      Effect.gen(function* () {
        const ledgerUnits = yield* LedgerUnits
        const paymentsService = yield* Payments
        const customer = yield* newCustomer()
        const exit = yield* Effect.exit(
          asAdmin(
            ledgerUnits.atomically(
              { operation: "test:two-payments", input: {}, result: Schema.Number },
              Effect.gen(function* () {
                yield* paymentsService.createPayment({ customerId: customer.id, amount: "10.00" })
                yield* paymentsService.createPayment({ customerId: customer.id, amount: "0.001" })
                return 1
              })
            )
          )
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual((yield* asAdmin(paymentsService.listPayments({}))).items.length, 0)
        assert.strictEqual(yield* balanceOf(customer.id), 0n)
        assert.deepStrictEqual(yield* balanceChain(customer.id), [])
      })
    )
  )

  it.effect("claims the idempotency key once for the unit and replays its result on a retry", () =>
    withLedger(
      Effect.gen(function* () {
        const ledgerUnits = yield* LedgerUnits
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const withKey = as(admin, { idempotencyKey: "unit-1" })
        const unit = (amount: string) =>
          withKey(
            ledgerUnits.atomically(
              { operation: "test:create-and-reverse", input: { amount }, result: Schema.Number },
              Effect.gen(function* () {
                const created = yield* payments.createPayment({ customerId: customer.id, amount })
                yield* payments.reversePayment({ paymentId: created.payment.id, amount: "1.00" })
                return created.payment.id
              })
            )
          )
        const first = yield* unit("10.00")
        const replay = yield* unit("10.00")
        assert.strictEqual(replay, first)
        assert.strictEqual((yield* asAdmin(payments.listPayments({}))).items.length, 1)
        assert.strictEqual(yield* balanceOf(customer.id), 900n)
        const reused = yield* Effect.flip(unit("20.00"))
        assert.strictEqual(reused._tag, "Conflict")
      })
    )
  )
})

describe("reverseThroughGateway", () => {
  it.effect("books the reversal after the gateway approves the refund, like reversePayment", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const customer = yield* newCustomer()
        const payment = yield* gatewayPayment(customer.id, "100.00")
        const result = yield* asAdmin(collections.reverseThroughGateway({ paymentId: payment.id, amount: "40.00" }))
        assert.strictEqual(result.detail.payment.reversedAmount, 4000n)
        assert.strictEqual(result.state, "approved")
        assert.strictEqual(
          result.detail.reversals.some((row) => row.id === result.reversalId),
          true
        )
        assert.match(result.gatewayReference ?? "", /^TGR_/)
        assert.strictEqual(yield* balanceOf(customer.id), 6000n)
        const over = yield* Effect.flip(
          asAdmin(collections.reverseThroughGateway({ paymentId: payment.id, amount: "70.00" }))
        )
        assert.strictEqual(over._tag, "Conflict")
      })
    )
  )

  it.effect("changes nothing when the gateway declines, and refuses payments made without a gateway", () =>
    withLedger(
      Effect.gen(function* () {
        const collections = yield* Collections
        const customer = yield* newCustomer()
        const payment = yield* gatewayPayment(customer.id, "100.00")
        const declined = yield* Effect.flip(
          asAdmin(collections.reverseThroughGateway({ paymentId: payment.id, amount: "10.51" }))
        )
        assert.strictEqual(declined._tag, "ValidationFailed")
        assert.include(declined.message, "card declined")
        assert.strictEqual(yield* balanceOf(customer.id), 10000n)
        const manual = yield* newPayment(customer.id, "5.00")
        const refused = yield* Effect.flip(asAdmin(collections.reverseThroughGateway({ paymentId: manual.payment.id })))
        assert.strictEqual(refused._tag, "ValidationFailed")
        assert.strictEqual(yield* balanceOf(customer.id), 10500n)
      })
    )
  )
})
