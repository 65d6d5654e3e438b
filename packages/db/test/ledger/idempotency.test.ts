/**
 * Idempotent commands: the same key and request replays the stored result without running the
 * command again; the same key with another request is a conflict; keys are per principal; a
 * failed command stores nothing, so the key can be used again once the request is fixed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Balances, Conflict, canonicalJson, Payments, requestHash, ValidationFailed } from "@paybridge/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { admin, as, balanceChain, finance, newCustomer, withLedger } from "./ledger-fixtures.ts"

describe("idempotency", () => {
  it.effect("replays the stored result for the same key and request, without a second effect", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const withKey = as(finance, { idempotencyKey: "pay-001", requestId: "req-1" })
        const input = { customerId: customer.id, amount: "42.10", reference: "BANK 17" }
        const first = yield* withKey(payments.createPayment(input))
        yield* TestClock.adjust("5 minutes")
        const replay = yield* withKey(
          payments.createPayment({ reference: "BANK 17", amount: "42.10", customerId: customer.id })
        )

        assert.deepStrictEqual(replay, first)
        assert.strictEqual(replay.payment.amount, 4210n)
        assert.instanceOf(replay.payment.createdAt, Date)
        assert.strictEqual((yield* withKey(payments.listPayments({}))).items.length, 1)
        assert.strictEqual((yield* balanceChain(customer.id)).length, 1)
        const events = yield* withKey(balances.listEvents({ types: ["payment.created"] }))
        assert.strictEqual(events.items.length, 1)
      })
    )
  )

  it.effect(
    "createPaymentOnAccount books what createPayment books, answers the account it locked, and replays both",
    () =>
      withLedger(
        Effect.gen(function* () {
          const payments = yield* Payments
          const customer = yield* newCustomer()
          const withKey = as(finance, { idempotencyKey: "pay-on-account" })
          const input = { customerId: customer.id, amount: "42.10", reference: "BANK 18" }
          const first = yield* withKey(payments.createPaymentOnAccount(input))
          assert.deepStrictEqual(first.account, customer)
          assert.strictEqual(first.detail.payment.amount, 4210n)
          assert.strictEqual(first.detail.payment.state, "posted")
          assert.deepStrictEqual(yield* withKey(payments.getPayment({ id: first.detail.payment.id })), first.detail)
          const replay = yield* withKey(payments.createPaymentOnAccount(input))
          assert.deepStrictEqual(replay, first)
          assert.strictEqual((yield* balanceChain(customer.id)).length, 1)
          // The same key with createPayment is another operation.
          const other = yield* Effect.flip(withKey(payments.createPayment(input)))
          assert.instanceOf(other, Conflict)
          const missing = yield* Effect.flip(
            as(finance)(
              payments.createPaymentOnAccount({ ...input, customerId: (customer.id + 1000) as typeof customer.id })
            )
          )
          assert.strictEqual(missing._tag, "NotFound")
        })
      )
  )

  it.effect("refuses the same key for a different request", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const withKey = as(finance, { idempotencyKey: "pay-002" })
        yield* withKey(payments.createPayment({ customerId: customer.id, amount: "10.00" }))
        const otherAmount = yield* Effect.flip(
          withKey(payments.createPayment({ customerId: customer.id, amount: "10.01" }))
        )
        assert.instanceOf(otherAmount, Conflict)
        assert.strictEqual(otherAmount.reason, "idempotency-key-reused")
        const otherOperation = yield* Effect.flip(
          withKey(balances.adjustBalance({ customerId: customer.id, amount: "10.00", description: "x" }))
        )
        assert.instanceOf(otherOperation, Conflict)
        assert.strictEqual(otherOperation.reason, "idempotency-key-reused")
        assert.strictEqual((yield* balanceChain(customer.id)).length, 1)
      })
    )
  )

  it.effect("keeps keys per principal", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const input = { customerId: customer.id, amount: "10.00" }
        const byFinance = yield* as(finance, { idempotencyKey: "same-key" })(payments.createPayment(input))
        const byAdmin = yield* as(admin, { idempotencyKey: "same-key" })(payments.createPayment(input))
        assert.notStrictEqual(byFinance.payment.id, byAdmin.payment.id)
        assert.strictEqual((yield* balanceChain(customer.id)).length, 2)
      })
    )
  )

  it.effect("stores nothing for a failed command, so the key works once the request is valid", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const withKey = as(finance, { idempotencyKey: "pay-003" })
        const failed = yield* Effect.flip(withKey(payments.createPayment({ customerId: customer.id, amount: "1.001" })))
        assert.instanceOf(failed, ValidationFailed)
        const fixed = yield* withKey(payments.createPayment({ customerId: customer.id, amount: "1.00" }))
        assert.strictEqual(fixed.payment.amount, 100n)
      })
    )
  )

  it.effect("replays every kind of command result, including state changes and balance entries", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const draft = yield* as(finance)(
          payments.createPayment({ customerId: customer.id, amount: "9.00", initialState: "draft" })
        )
        const post = as(finance, { idempotencyKey: "post-1" })
        const posted = yield* post(payments.postPayment({ paymentId: draft.payment.id }))
        const postedAgain = yield* post(payments.postPayment({ paymentId: draft.payment.id }))
        assert.deepStrictEqual(postedAgain, posted)

        const adjust = as(finance, { idempotencyKey: "adjust-1" })
        const entry = yield* adjust(
          balances.adjustBalance({ customerId: customer.id, amount: "-1.50", description: "fee" })
        )
        const entryAgain = yield* adjust(
          balances.adjustBalance({ customerId: customer.id, amount: "-1.50", description: "fee" })
        )
        assert.deepStrictEqual(entryAgain, entry)
        assert.strictEqual((yield* balanceChain(customer.id)).length, 2)
      })
    )
  )

  it("hashes the canonical JSON of the input: key order does not matter, bigints and dates are text", () => {
    assert.strictEqual(
      canonicalJson({ b: 1n, a: [new Date(0), undefined], c: undefined }),
      '{"a":["1970-01-01T00:00:00.000Z",null],"b":"1"}'
    )
    assert.strictEqual(requestHash("createPayment", { a: 1, b: "x" }), requestHash("createPayment", { b: "x", a: 1 }))
    assert.notStrictEqual(requestHash("createPayment", { a: 1 }), requestHash("adjustBalance", { a: 1 }))
    assert.match(requestHash("createPayment", {}), /^[0-9a-f]{64}$/)
  })
})
