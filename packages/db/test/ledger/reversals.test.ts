/**
 * Reversals of posted payments: partial and repeated up to what is left, each with its business
 * effective date and event time, reinstatement (latest active by default), the payment's
 * reversed amount and reversal date, and the balance movements each step books.
 */
import { assert, describe, it } from "@effect/vitest"
import { Conflict, Documents, InvalidTransition, NotFound, Payments, ReversalId } from "@paybridge/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import {
  asAdmin,
  balanceChain,
  balanceOf,
  issueInvoice,
  newCustomer,
  newPayment,
  withLedger
} from "./ledger-fixtures.ts"

describe("reversals", () => {
  it.effect("reverses partially and repeatedly, keeping effective dates, event times and the balance chain", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "100.00")

        const first = yield* asAdmin(
          payments.reversePayment({
            paymentId: payment.id,
            amount: "30.00",
            effectiveDate: "2026-03-10",
            reason: "chargeback"
          })
        )
        assert.strictEqual(first.payment.reversedAmount, 3000n)
        assert.strictEqual(first.payment.reversalDate, "2026-03-10")
        assert.strictEqual(first.payment.state, "posted")

        yield* TestClock.adjust("1 day")
        const second = yield* asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "20.00" }))
        assert.strictEqual(second.payment.reversedAmount, 5000n)
        assert.strictEqual(second.payment.reversalDate, "2026-03-15")
        assert.deepStrictEqual(
          second.reversals.map((reversal) => [
            reversal.amount,
            reversal.effectiveDate,
            reversal.reversedAt.toISOString(),
            reversal.reason
          ]),
          [
            [3000n, "2026-03-10", "2026-03-14T09:30:00.000Z", "chargeback"],
            [2000n, "2026-03-15", "2026-03-15T09:30:00.000Z", null]
          ]
        )

        const rest = yield* asAdmin(payments.reversePayment({ paymentId: payment.id }))
        assert.strictEqual(rest.payment.reversedAmount, 10000n)
        assert.strictEqual(rest.reversals[2]?.amount, 5000n)

        const nothingLeft = yield* Effect.flip(
          asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "0.01" }))
        )
        assert.instanceOf(nothingLeft, Conflict)
        assert.strictEqual(nothingLeft.reason, "insufficient-amount")

        assert.strictEqual(yield* balanceOf(customer.id), 0n)
        assert.deepStrictEqual(
          (yield* balanceChain(customer.id)).map((entry) => [
            entry.sequence,
            entry.kind,
            entry.delta,
            entry.balanceAfter
          ]),
          [
            [1, "payment-posted", 10000n, 10000n],
            [2, "payment-reversed", -3000n, 7000n],
            [3, "payment-reversed", -2000n, 5000n],
            [4, "payment-reversed", -5000n, 0n]
          ]
        )
      })
    )
  )

  it.effect("refuses to reverse more than is left, or a payment that is not posted", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "10.00")
        const tooMuch = yield* Effect.flip(asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "10.01" })))
        assert.instanceOf(tooMuch, Conflict)
        assert.strictEqual(tooMuch.reason, "insufficient-amount")
        assert.strictEqual(tooMuch.message, `only 10.00 EUR of payment ${payment.id} can still be reversed`)

        const draft = yield* newPayment(customer.id, "10.00", { initialState: "draft" })
        const notPosted = yield* Effect.flip(asAdmin(payments.reversePayment({ paymentId: draft.payment.id })))
        assert.instanceOf(notPosted, InvalidTransition)
        assert.deepStrictEqual([notPosted.from, notPosted.action], ["draft", "reverse"])
        assert.strictEqual(yield* balanceOf(customer.id), 1000n)
      })
    )
  )

  it.effect("reinstates the latest active reversal by default, or a chosen one, once", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "100.00")
        const first = yield* asAdmin(
          payments.reversePayment({ paymentId: payment.id, amount: "10.00", effectiveDate: "2026-03-01" })
        )
        yield* asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "25.00", effectiveDate: "2026-03-05" }))

        yield* TestClock.adjust("2 hours")
        const latest = yield* asAdmin(payments.reinstateReversal({ paymentId: payment.id }))
        assert.strictEqual(latest.payment.reversedAmount, 1000n)
        assert.strictEqual(latest.payment.reversalDate, "2026-03-01")
        assert.strictEqual(latest.reversals[1]?.reinstatedAt?.toISOString(), "2026-03-14T11:30:00.000Z")
        assert.strictEqual(latest.reversals[0]?.reinstatedAt, null)

        const firstId = first.reversals[0]?.id ?? (0 as ReversalId)
        const chosen = yield* asAdmin(payments.reinstateReversal({ paymentId: payment.id, reversalId: firstId }))
        assert.strictEqual(chosen.payment.reversedAmount, 0n)
        assert.strictEqual(chosen.payment.reversalDate, null)

        const twice = yield* Effect.flip(
          asAdmin(payments.reinstateReversal({ paymentId: payment.id, reversalId: firstId }))
        )
        assert.instanceOf(twice, InvalidTransition)
        assert.strictEqual(twice.entity, "reversal")
        const none = yield* Effect.flip(asAdmin(payments.reinstateReversal({ paymentId: payment.id })))
        assert.instanceOf(none, InvalidTransition)
        const unknown = yield* Effect.flip(
          asAdmin(payments.reinstateReversal({ paymentId: payment.id, reversalId: ReversalId.make(999) }))
        )
        assert.instanceOf(unknown, NotFound)

        assert.deepStrictEqual(
          (yield* balanceChain(customer.id)).map((entry) => [entry.kind, entry.delta, entry.balanceAfter]),
          [
            ["payment-posted", 10000n, 10000n],
            ["payment-reversed", -1000n, 9000n],
            ["payment-reversed", -2500n, 6500n],
            ["payment-reinstated", 2500n, 9000n],
            ["payment-reinstated", 1000n, 10000n]
          ]
        )
        // The reinstated amount can be reversed again.
        const again = yield* asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "100.00" }))
        assert.strictEqual(again.payment.reversedAmount, 10000n)
      })
    )
  )

  it.effect(
    "a partial reversal releases the payment's credit first, then only what it needs of the newest allocation",
    () =>
      withLedger(
        Effect.gen(function* () {
          const documents = yield* Documents
          const payments = yield* Payments
          const customer = yield* newCustomer()
          const older = yield* issueInvoice(customer.id, "40.00")
          const newer = yield* issueInvoice(customer.id, "40.00")
          const { payment } = yield* newPayment(customer.id, "100.00", {
            allocations: [
              { documentId: older.id, amount: "40.00" },
              { documentId: newer.id, amount: "40.00" }
            ]
          })
          assert.strictEqual((yield* asAdmin(documents.getDocument(newer.id))).state, "paid")

          // 30.00 reversed: the 20.00 of credit first, then 10.00 of the newest allocation (to `newer`).
          const reversed = yield* asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "30.00" }))
          assert.deepStrictEqual(
            reversed.allocations.map((allocation) => [allocation.documentId, allocation.amount]),
            [
              [older.id, 4000n],
              [newer.id, 3000n]
            ]
          )
          assert.strictEqual(reversed.payment.allocatedAmount, 7000n)
          const reopened = yield* asAdmin(documents.getDocument(newer.id))
          assert.deepStrictEqual([reopened.state, reopened.outstanding, reopened.allocated], ["issued", 1000n, 3000n])
          assert.strictEqual((yield* asAdmin(documents.getDocument(older.id))).state, "paid")
        })
      )
  )
})
