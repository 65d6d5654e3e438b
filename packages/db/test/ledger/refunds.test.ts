/**
 * Refunds of posted payments: limited to what is left of the payment, debiting the balance when
 * requested and crediting it back when cancelled or failed, following the refund lifecycle
 * table, and keeping the payment's refunded amount right.
 */
import { assert, describe, it } from "@effect/vitest"
import { Conflict, Documents, InvalidTransition, Payments, Refunds } from "@paybridge/core"
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

describe("refunds", () => {
  it.effect("refunds what is left by default and books it against the balance", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "60.00")
        yield* asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "10.00" }))
        const refund = yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, reason: "goodwill" }))
        assert.strictEqual(refund.amount, 5000n)
        assert.strictEqual(refund.state, "requested")
        assert.strictEqual(refund.currency, "EUR")
        assert.strictEqual(refund.reason, "goodwill")
        const detail = yield* asAdmin(payments.getPayment({ id: payment.id }))
        assert.strictEqual(detail.payment.refundedAmount, 5000n)
        assert.deepStrictEqual(
          detail.refunds.map((row) => row.id),
          [refund.id]
        )
        assert.strictEqual(yield* balanceOf(customer.id), 0n)

        const nothingLeft = yield* Effect.flip(
          asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "0.01" }))
        )
        assert.instanceOf(nothingLeft, Conflict)
        assert.strictEqual(nothingLeft.reason, "insufficient-amount")
        assert.strictEqual(nothingLeft.message, `only 0.00 EUR of payment ${payment.id} can still be refunded`)
        // A refunded amount cannot be reversed either.
        const reverse = yield* Effect.flip(asAdmin(payments.reversePayment({ paymentId: payment.id })))
        assert.instanceOf(reverse, Conflict)
      })
    )
  )

  it.effect("moves through submitted to settled with timestamps; settled refunds stay booked", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "20.00")
        const refund = yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "5.00" }))
        yield* TestClock.adjust("1 hour")
        const submitted = yield* asAdmin(
          refunds.transitionRefund({ refundId: refund.id, action: "submit", gatewayReference: "RF-9" })
        )
        assert.strictEqual(submitted.state, "submitted")
        assert.strictEqual(submitted.submittedAt?.toISOString(), "2026-03-14T10:30:00.000Z")
        assert.strictEqual(submitted.gatewayReference, "RF-9")
        yield* TestClock.adjust("1 day")
        const settled = yield* asAdmin(refunds.transitionRefund({ refundId: refund.id, action: "settle" }))
        assert.strictEqual(settled.state, "settled")
        assert.strictEqual(settled.settledAt?.toISOString(), "2026-03-15T10:30:00.000Z")
        assert.strictEqual(settled.gatewayReference, "RF-9")

        const late = yield* Effect.flip(asAdmin(refunds.transitionRefund({ refundId: refund.id, action: "cancel" })))
        assert.instanceOf(late, InvalidTransition)
        assert.deepStrictEqual([late.entity, late.from, late.action], ["refund", "settled", "cancel"])
        assert.strictEqual(yield* balanceOf(customer.id), 1500n)
      })
    )
  )

  it.effect("cancelling or failing a refund books the amount back and frees it on the payment", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "20.00")
        const cancelled = yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "5.00" }))
        yield* asAdmin(refunds.transitionRefund({ refundId: cancelled.id, action: "cancel" }))
        const bounced = yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "20.00" }))
        yield* asAdmin(refunds.transitionRefund({ refundId: bounced.id, action: "submit" }))
        const failed = yield* asAdmin(refunds.transitionRefund({ refundId: bounced.id, action: "fail" }))
        assert.strictEqual(failed.state, "failed")
        assert.isNotNull(failed.failedAt)

        const detail = yield* asAdmin(payments.getPayment({ id: payment.id }))
        assert.strictEqual(detail.payment.refundedAmount, 0n)
        assert.strictEqual(yield* balanceOf(customer.id), 2000n)
        assert.deepStrictEqual(
          (yield* balanceChain(customer.id)).map((entry) => [entry.kind, entry.delta, entry.balanceAfter]),
          [
            ["payment-posted", 2000n, 2000n],
            ["refund", -500n, 1500n],
            ["refund-voided", 500n, 2000n],
            ["refund", -2000n, 0n],
            ["refund-voided", 2000n, 2000n]
          ]
        )
        const failFromRequested = yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "1.00" }))
        const refused = yield* Effect.flip(
          asAdmin(refunds.transitionRefund({ refundId: failFromRequested.id, action: "fail" }))
        )
        assert.instanceOf(refused, InvalidTransition)
      })
    )
  )

  it.effect(
    "only posted payments are refunded; a refund releases the payment's credit, then part of an allocation",
    () =>
      withLedger(
        Effect.gen(function* () {
          const refunds = yield* Refunds
          const payments = yield* Payments
          const documents = yield* Documents
          const customer = yield* newCustomer()
          const draft = yield* newPayment(customer.id, "20.00", { initialState: "draft" })
          const notPosted = yield* Effect.flip(asAdmin(refunds.refundPayment({ paymentId: draft.payment.id })))
          assert.instanceOf(notPosted, InvalidTransition)
          assert.strictEqual(notPosted.from, "draft")

          const invoice = yield* issueInvoice(customer.id, "15.00")
          const { payment } = yield* newPayment(customer.id, "20.00", {
            allocations: [{ documentId: invoice.id, amount: "15.00" }]
          })
          // 10.00 refunded: the 5.00 of credit, then 5.00 of the 15.00 allocation; 10.00 still pays the invoice.
          yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "10.00" }))
          const detail = yield* asAdmin(payments.getPayment({ id: payment.id }))
          assert.deepStrictEqual(
            detail.allocations.map((allocation) => allocation.amount),
            [1000n]
          )
          assert.strictEqual(detail.payment.allocatedAmount, 1000n)
          const reopened = yield* asAdmin(documents.getDocument(invoice.id))
          assert.deepStrictEqual([reopened.state, reopened.outstanding], ["issued", 500n])

          const listed = yield* asAdmin(refunds.listRefunds({ paymentId: payment.id, states: ["requested"] }))
          assert.strictEqual(listed.items.length, 1)
        })
      )
  )
})
