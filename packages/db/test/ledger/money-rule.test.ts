/**
 * Regressions of issue 12 through the ledger services (docs/money-model.md): a draft books nothing
 * and only reserves documents (12.1); refunds and partial reversals release, to the minor unit,
 * the payment's credit, then the named document, then the newest allocations, and cancelling,
 * bouncing or reinstating restores exactly that (12.2); customer credit is paid back across
 * payments and balance adjustments, refused only when the balance is too small (12.4). Every test
 * ends by checking all money invariants of the customer (`checkCustomerMoney`).
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Balances,
  Conflict,
  type CustomerId,
  type DocumentId,
  Documents,
  LedgerStore,
  Payments,
  Refunds
} from "@paybridge/core"
import { Effect } from "effect"
import { checkCustomerMoney } from "../../src/testing/index.ts"
import { asAdmin, balanceOf, issueInvoice, newCustomer, newPayment, withLedger } from "./ledger-fixtures.ts"

/** [state, outstanding, allocated] of a document. */
const documentFigures = (documentId: DocumentId) =>
  Effect.flatMap(Documents, (documents) =>
    Effect.map(asAdmin(documents.getDocument(documentId)), (row) => [row.state, row.outstanding, row.allocated])
  )

const invariantsHold = (customerId: CustomerId) =>
  Effect.map(checkCustomerMoney(customerId), (violations) => assert.deepStrictEqual(violations, []))

describe("issue 12.1: a draft books nothing, it only reserves", () => {
  it.effect("a draft with allocations leaves the invoice owed; pay_invoice still works; posting books what fits", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "50.00")
        const draft = yield* newPayment(customer.id, "50.00", {
          initialState: "draft",
          allocations: [{ documentId: invoice.id, amount: "50.00" }]
        })
        // Reserved, not booked: the invoice is still owed in full and the balance agrees.
        assert.deepStrictEqual(
          draft.allocations.map((row) => [row.documentId, row.amount, row.booked]),
          [[invoice.id, 5000n, false]]
        )
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["issued", 5000n, 0n])
        assert.strictEqual(yield* balanceOf(customer.id), -5000n)

        // Paying the invoice works on its real outstanding amount (40.00 of it here).
        yield* asAdmin(documents.payDocument({ documentId: invoice.id, amount: "40.00" }))
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["issued", 1000n, 4000n])

        // Posting the draft books only the 10.00 the invoice can still take; 40.00 stays credit.
        yield* asAdmin(payments.postPayment({ paymentId: draft.payment.id }))
        const posted = yield* asAdmin(payments.getPayment({ id: draft.payment.id }))
        assert.deepStrictEqual(
          posted.allocations.map((row) => [row.documentId, row.amount, row.booked]),
          [[invoice.id, 1000n, true]]
        )
        assert.strictEqual(posted.payment.allocatedAmount, 1000n)
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["paid", 0n, 5000n])
        assert.strictEqual(yield* balanceOf(customer.id), 4000n)
        yield* invariantsHold(customer.id)
      })
    )
  )

  it.effect("rejecting or cancelling a draft drops its reservation and changes no document", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "30.00")
        const toReject = yield* newPayment(customer.id, "30.00", {
          initialState: "draft",
          allocations: [{ documentId: invoice.id, amount: "30.00" }]
        })
        const toCancel = yield* newPayment(customer.id, "20.00", {
          initialState: "draft",
          allocations: [{ documentId: invoice.id, amount: "20.00" }]
        })
        yield* asAdmin(payments.rejectPayment({ paymentId: toReject.payment.id, reason: "bounced" }))
        yield* asAdmin(payments.cancelPayment({ paymentId: toCancel.payment.id }))
        for (const id of [toReject.payment.id, toCancel.payment.id]) {
          const detail = yield* asAdmin(payments.getPayment({ id }))
          assert.deepStrictEqual([detail.allocations.length, detail.payment.allocatedAmount], [0, 0n])
        }
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["issued", 3000n, 0n])
        assert.strictEqual(yield* balanceOf(customer.id), -3000n)
        yield* invariantsHold(customer.id)
      })
    )
  )
})

describe("issue 12.2: movements release exactly what they name, and restore it", () => {
  it.effect("a 12.34 refund for an 80.00 invoice paid in full reopens 12.34; cancelling it restores the invoice", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "80.00")
        yield* newPayment(customer.id, "80.00", { allocations: [{ documentId: invoice.id, amount: "80.00" }] })
        const refund = yield* asAdmin(refunds.refundDocument({ documentId: invoice.id, amount: "12.34" }))
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["issued", 1234n, 6766n])
        yield* asAdmin(refunds.transitionRefund({ refundId: refund.id, action: "cancel" }))
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["paid", 0n, 8000n])

        // A bounced (failed) refund restores too.
        const bounced = yield* asAdmin(refunds.refundDocument({ documentId: invoice.id, amount: "5.00" }))
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["issued", 500n, 7500n])
        yield* asAdmin(refunds.transitionRefund({ refundId: bounced.id, action: "submit" }))
        yield* asAdmin(refunds.transitionRefund({ refundId: bounced.id, action: "fail" }))
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["paid", 0n, 8000n])
        assert.strictEqual(yield* balanceOf(customer.id), 0n)
        yield* invariantsHold(customer.id)
      })
    )
  )

  it.effect("a refund named for the older of two invoices reopens the older one only", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const customer = yield* newCustomer()
        const older = yield* issueInvoice(customer.id, "40.00")
        const newer = yield* issueInvoice(customer.id, "40.00")
        const { payment } = yield* newPayment(customer.id, "80.00", {
          allocations: [
            { documentId: older.id, amount: "40.00" },
            { documentId: newer.id, amount: "40.00" }
          ]
        })
        yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "10.00", documentId: older.id }))
        assert.deepStrictEqual(yield* documentFigures(older.id), ["issued", 1000n, 3000n])
        assert.deepStrictEqual(yield* documentFigures(newer.id), ["paid", 0n, 4000n])
        yield* invariantsHold(customer.id)
      })
    )
  )

  it.effect(
    "a 10.00 partial reversal of a 40.00 payment spread over invoices reopens 10.00; reinstating restores it",
    () =>
      withLedger(
        Effect.gen(function* () {
          const payments = yield* Payments
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const first = yield* issueInvoice(customer.id, "25.00")
          const second = yield* issueInvoice(customer.id, "45.00")
          const { payment } = yield* newPayment(customer.id, "40.00", {
            allocations: [
              { documentId: first.id, amount: "25.00" },
              { documentId: second.id, amount: "15.00" }
            ]
          })
          const reversed = yield* asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "10.00" }))
          // The newest allocation (15.00 to `second`) gives up 10.00, nothing else moves.
          assert.deepStrictEqual(yield* documentFigures(first.id), ["paid", 0n, 2500n])
          assert.deepStrictEqual(yield* documentFigures(second.id), ["issued", 4000n, 500n])
          const reversalId = reversed.reversals[0]?.id ?? 0
          const released = yield* store.releases.listByMovement("reversal", reversalId)
          assert.deepStrictEqual(
            released.map((row) => [row.documentId, row.amount]),
            [[second.id, 1000n]]
          )

          yield* asAdmin(payments.reinstateReversal({ paymentId: payment.id }))
          assert.deepStrictEqual(yield* documentFigures(second.id), ["issued", 3000n, 1500n])
          const restored = yield* store.releases.listByMovement("reversal", reversalId)
          assert.deepStrictEqual(
            restored.map((row) => row.restoredAmount),
            [1000n]
          )
          assert.strictEqual(yield* balanceOf(customer.id), -3000n)
          yield* invariantsHold(customer.id)
        })
      )
  )

  it.effect("what a document can no longer take is restored as credit on the payment, and logged", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const refunds = yield* Refunds
        const balances = yield* Balances
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "30.00")
        const { payment } = yield* newPayment(customer.id, "30.00", {
          allocations: [{ documentId: invoice.id, amount: "30.00" }]
        })
        const refund = yield* asAdmin(
          refunds.refundPayment({ paymentId: payment.id, amount: "20.00", documentId: invoice.id })
        )
        // Someone else pays 15.00 of the reopened 20.00 meanwhile.
        yield* asAdmin(documents.payDocument({ documentId: invoice.id, amount: "15.00" }))
        yield* asAdmin(refunds.transitionRefund({ refundId: refund.id, action: "cancel" }))
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["paid", 0n, 3000n])
        const detail = yield* asAdmin(payments.getPayment({ id: payment.id }))
        // 5.00 went back onto the invoice, 15.00 stays credit on the payment.
        assert.deepStrictEqual(
          [detail.payment.allocatedAmount, detail.payment.refundedAmount, detail.payment.amount],
          [1500n, 0n, 3000n]
        )
        const restoredEvents = (yield* asAdmin(
          balances.listEvents({ paymentId: payment.id, types: ["payment.allocated"] })
        )).items.filter((event) => event.data.restoredFrom === "refund")
        assert.deepStrictEqual(
          restoredEvents.map((event) => [event.data.amount, event.data.keptAsCredit]),
          [["500", "1500"]]
        )
        yield* invariantsHold(customer.id)
      })
    )
  )
})

describe("issue 12.4: customer credit is paid back across payments and adjustments", () => {
  it.effect("draws from several payments' credit and adjustment credit; refused only beyond the balance", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "50.00")
        const first = yield* newPayment(customer.id, "60.00", {
          allocations: [{ documentId: invoice.id, amount: "50.00" }]
        })
        const second = yield* newPayment(customer.id, "30.00")
        yield* asAdmin(balances.adjustBalance({ customerId: customer.id, amount: "40.00", description: "goodwill" }))
        assert.strictEqual(yield* balanceOf(customer.id), 8000n)

        const tooMuch = yield* Effect.flip(
          asAdmin(refunds.refundCustomerCredit({ customerId: customer.id, amount: "80.01" }))
        )
        assert.instanceOf(tooMuch, Conflict)
        assert.strictEqual(tooMuch.reason, "insufficient-amount")

        const booked = yield* asAdmin(
          refunds.refundCustomerCredit({ customerId: customer.id, amount: "75.00", settle: true })
        )
        assert.deepStrictEqual(
          booked.refunds.map((row) => [row.paymentId, row.amount, row.state]),
          [
            [first.payment.id, 1000n, "settled"],
            [second.payment.id, 3000n, "settled"],
            [null, 3500n, "settled"]
          ]
        )
        // The invoice stays paid: credit refunds never touch allocations.
        assert.deepStrictEqual(yield* documentFigures(invoice.id), ["paid", 0n, 5000n])
        assert.strictEqual(yield* balanceOf(customer.id), 500n)
        yield* invariantsHold(customer.id)
      })
    )
  )

  it.effect("a refund of balance credit that fails books the amount back", () =>
    withLedger(
      Effect.gen(function* () {
        const refunds = yield* Refunds
        const balances = yield* Balances
        const customer = yield* newCustomer()
        yield* asAdmin(balances.adjustBalance({ customerId: customer.id, amount: "12.00", description: "rebate" }))
        const { refunds: booked } = yield* asAdmin(
          refunds.refundCustomerCredit({ customerId: customer.id, amount: "12.00" })
        )
        assert.deepStrictEqual(
          booked.map((row) => [row.paymentId, row.amount]),
          [[null, 1200n]]
        )
        assert.strictEqual(yield* balanceOf(customer.id), 0n)
        const [voided] = booked
        assert.isDefined(voided)
        if (voided !== undefined) yield* asAdmin(refunds.transitionRefund({ refundId: voided.id, action: "cancel" }))
        assert.strictEqual(yield* balanceOf(customer.id), 1200n)
        yield* invariantsHold(customer.id)
      })
    )
  )
})
