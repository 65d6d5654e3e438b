/**
 * Documents and allocations: issuing debits the balance (proformas do not), allocations keep the
 * document's outstanding amount exact (paid at zero, issued again when released), limits on the
 * payment side and the document side, allocation together with payment creation (all or
 * nothing), paying a document in one step, and cancelling documents.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  type AllocationId,
  Balances,
  Conflict,
  Documents,
  InvalidTransition,
  Payments,
  ValidationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import {
  asAdmin,
  balanceChain,
  balanceOf,
  issueInvoice,
  newCustomer,
  newPayment,
  withLedger
} from "./ledger-fixtures.ts"

describe("documents", () => {
  it.effect("invoices and bills debit the balance; proformas do not; numbers come from a sequence", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "120.00")
        const bill = yield* asAdmin(documents.issueDocument({ kind: "bill", customerId: customer.id, total: "30.00" }))
        const proforma = yield* asAdmin(
          documents.issueDocument({ kind: "proforma", customerId: customer.id, total: "500.00", number: "PF-1" })
        )
        assert.deepStrictEqual([invoice.number, bill.number, proforma.number], ["1", "2", "PF-1"])
        assert.deepStrictEqual([invoice.state, invoice.outstanding, invoice.allocated], ["issued", 12000n, 0n])
        assert.strictEqual(invoice.issueDate, "2026-03-14")
        assert.strictEqual(yield* balanceOf(customer.id), -15000n)
        assert.deepStrictEqual(
          (yield* balanceChain(customer.id)).map((entry) => [entry.kind, entry.delta, entry.documentId]),
          [
            ["document-issued", -12000n, invoice.id],
            ["document-issued", -3000n, bill.id]
          ]
        )
        const duplicate = yield* Effect.flip(issueInvoice(customer.id, "1.00", { number: "1" }))
        assert.instanceOf(duplicate, Conflict)
        assert.strictEqual(duplicate.reason, "duplicate")
      })
    )
  )

  it.effect("cancelling an unallocated invoice credits its outstanding amount back; allocated ones are refused", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const unpaid = yield* issueInvoice(customer.id, "20.00")
        const partlyPaid = yield* issueInvoice(customer.id, "50.00")
        yield* newPayment(customer.id, "10.00", { allocations: [{ documentId: partlyPaid.id, amount: "10.00" }] })

        const cancelled = yield* asAdmin(documents.cancelDocument(unpaid.id))
        assert.strictEqual(cancelled.state, "cancelled")
        const refused = yield* Effect.flip(asAdmin(documents.cancelDocument(partlyPaid.id)))
        assert.instanceOf(refused, InvalidTransition)
        const twice = yield* Effect.flip(asAdmin(documents.cancelDocument(unpaid.id)))
        assert.instanceOf(twice, InvalidTransition)
        assert.strictEqual(twice.from, "cancelled")
        // -20 -50 +10 +20
        assert.strictEqual(yield* balanceOf(customer.id), -4000n)

        const unpaidList = yield* asAdmin(documents.listDocuments({ customerId: customer.id, unpaidOnly: true }))
        assert.deepStrictEqual(
          unpaidList.items.map((document) => [document.id, document.outstanding]),
          [[partlyPaid.id, 4000n]]
        )
      })
    )
  )
})

describe("allocations", () => {
  it.effect("pays an invoice exactly: outstanding reaches zero and the invoice is paid; removing it reopens", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "33.33")
        const { payment } = yield* newPayment(customer.id, "50.00")
        const first = yield* asAdmin(
          documents.allocatePayment({
            paymentId: payment.id,
            allocations: [{ documentId: invoice.id, amount: "13.33" }]
          })
        )
        assert.strictEqual(first.payment.allocatedAmount, 1333n)
        const second = yield* asAdmin(
          documents.allocatePayment({
            paymentId: payment.id,
            allocations: [{ documentId: invoice.id, amount: "20.00" }]
          })
        )
        assert.strictEqual(second.allocations.length, 2)
        const paid = yield* asAdmin(documents.getDocument(invoice.id))
        assert.deepStrictEqual([paid.state, paid.allocated, paid.outstanding], ["paid", 3333n, 0n])

        const removed = yield* asAdmin(
          documents.deallocate({ allocationId: second.allocations[1]?.id ?? (0 as AllocationId) })
        )
        assert.strictEqual(removed.payment.allocatedAmount, 1333n)
        const reopened = yield* asAdmin(documents.getDocument(invoice.id))
        assert.deepStrictEqual([reopened.state, reopened.allocated, reopened.outstanding], ["issued", 1333n, 2000n])
        // Allocation moves no money: payment +50, invoice -33.33.
        assert.strictEqual(yield* balanceOf(customer.id), 1667n)
      })
    )
  )

  it.effect("refuses to allocate more than the payment has or the invoice is owed", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const big = yield* issueInvoice(customer.id, "100.00")
        const small = yield* issueInvoice(customer.id, "10.00")
        const { payment } = yield* newPayment(customer.id, "60.00")

        const paymentLimit = yield* Effect.flip(
          asAdmin(
            documents.allocatePayment({
              paymentId: payment.id,
              allocations: [
                { documentId: big.id, amount: "50.00" },
                { documentId: small.id, amount: "10.01" }
              ]
            })
          )
        )
        assert.instanceOf(paymentLimit, Conflict)
        assert.strictEqual(paymentLimit.reason, "over-allocation")
        assert.strictEqual(paymentLimit.message, "10.01 EUR exceeds the 10.00 EUR outstanding on invoice 2")

        const invoiceLimit = yield* Effect.flip(
          asAdmin(
            documents.allocatePayment({
              paymentId: payment.id,
              allocations: [
                { documentId: small.id, amount: "6.00" },
                { documentId: small.id, amount: "4.01" }
              ]
            })
          )
        )
        assert.instanceOf(invoiceLimit, Conflict)
        assert.strictEqual(invoiceLimit.reason, "over-allocation")
        assert.strictEqual(invoiceLimit.message, "4.01 EUR exceeds the 4.00 EUR outstanding on invoice 2")

        // Nothing of the refused requests stuck.
        const detail = yield* asAdmin(payments.getPayment({ id: payment.id }))
        assert.strictEqual(detail.allocations.length, 0)
        assert.strictEqual(detail.payment.allocatedAmount, 0n)
        assert.strictEqual((yield* asAdmin(documents.getDocument(small.id))).outstanding, 1000n)

        const exact = yield* asAdmin(
          documents.allocatePayment({
            paymentId: payment.id,
            allocations: [
              { documentId: big.id, amount: "50.00" },
              { documentId: small.id, amount: "10.00" }
            ]
          })
        )
        assert.strictEqual(exact.payment.allocatedAmount, 6000n)
        const full = yield* Effect.flip(
          asAdmin(
            documents.allocatePayment({ paymentId: payment.id, allocations: [{ documentId: big.id, amount: "0.01" }] })
          )
        )
        assert.instanceOf(full, Conflict)
        assert.strictEqual(full.message, "allocations of 0.01 EUR exceed the 0.00 EUR of the payment left to allocate")
      })
    )
  )

  it.effect("allocates only to the same customer's live documents, from draft or posted payments", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const other = yield* newCustomer("Other plc")
        const foreign = yield* issueInvoice(other.id, "10.00")
        const cancelled = yield* issueInvoice(customer.id, "10.00")
        yield* asAdmin(documents.cancelDocument(cancelled.id))
        const own = yield* issueInvoice(customer.id, "10.00")
        const { payment } = yield* newPayment(customer.id, "30.00")

        const wrongCustomer = yield* Effect.flip(
          asAdmin(
            documents.allocatePayment({ paymentId: payment.id, allocations: [{ documentId: foreign.id, amount: "1" }] })
          )
        )
        assert.instanceOf(wrongCustomer, ValidationFailed)
        assert.deepStrictEqual(wrongCustomer.issues[0]?.path, ["allocations", 0, "documentId"])
        const dead = yield* Effect.flip(
          asAdmin(
            documents.allocatePayment({
              paymentId: payment.id,
              allocations: [{ documentId: cancelled.id, amount: "1" }]
            })
          )
        )
        assert.instanceOf(dead, InvalidTransition)

        const draft = yield* newPayment(customer.id, "5.00", { initialState: "draft" })
        const fromDraft = yield* asAdmin(
          documents.allocatePayment({
            paymentId: draft.payment.id,
            allocations: [{ documentId: own.id, amount: "5.00" }]
          })
        )
        assert.strictEqual(fromDraft.allocations.length, 1)
        // Rejecting the draft gives the invoice its outstanding amount back.
        yield* asAdmin(payments.rejectPayment({ paymentId: draft.payment.id, reason: "bounced" }))
        assert.strictEqual((yield* asAdmin(documents.getDocument(own.id))).outstanding, 1000n)
        const fromRejected = yield* Effect.flip(
          asAdmin(
            documents.allocatePayment({
              paymentId: draft.payment.id,
              allocations: [{ documentId: own.id, amount: "1" }]
            })
          )
        )
        assert.instanceOf(fromRejected, InvalidTransition)
        assert.strictEqual(fromRejected.from, "rejected")
      })
    )
  )

  it.effect("createPayment with allocations is all or nothing", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "10.00")
        const chainBefore = yield* balanceChain(customer.id)
        const refused = yield* Effect.flip(
          newPayment(customer.id, "30.00", { allocations: [{ documentId: invoice.id, amount: "20.00" }] })
        )
        assert.instanceOf(refused, Conflict)
        assert.strictEqual((yield* asAdmin(payments.listPayments({}))).items.length, 0)
        assert.deepStrictEqual(yield* balanceChain(customer.id), chainBefore)
        assert.strictEqual((yield* asAdmin(documents.getDocument(invoice.id))).outstanding, 1000n)

        const accepted = yield* newPayment(customer.id, "30.00", {
          allocations: [{ documentId: invoice.id, amount: "10.00" }]
        })
        assert.strictEqual(accepted.payment.allocatedAmount, 1000n)
        assert.strictEqual((yield* asAdmin(documents.getDocument(invoice.id))).state, "paid")
      })
    )
  )

  it.effect("payDocument pays the outstanding amount, or a smaller given one, as one posted payment", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "75.50")
        const part = yield* asAdmin(
          documents.payDocument({ documentId: invoice.id, amount: "25.50", reference: "BANK-1" })
        )
        assert.strictEqual(part.payment.state, "posted")
        assert.strictEqual(part.payment.amount, 2550n)
        assert.strictEqual(part.payment.references.reference, "BANK-1")
        assert.deepStrictEqual(
          part.allocations.map((allocation) => [allocation.documentId, allocation.amount]),
          [[invoice.id, 2550n]]
        )
        const tooMuch = yield* Effect.flip(asAdmin(documents.payDocument({ documentId: invoice.id, amount: "50.01" })))
        assert.instanceOf(tooMuch, Conflict)
        assert.strictEqual(tooMuch.reason, "over-allocation")

        const rest = yield* asAdmin(documents.payDocument({ documentId: invoice.id }))
        assert.strictEqual(rest.payment.amount, 5000n)
        assert.strictEqual((yield* asAdmin(documents.getDocument(invoice.id))).state, "paid")
        assert.strictEqual(yield* balanceOf(customer.id), 0n)

        const paidAlready = yield* Effect.flip(asAdmin(documents.payDocument({ documentId: invoice.id })))
        assert.instanceOf(paidAlready, InvalidTransition)
        assert.deepStrictEqual([paidAlready.entity, paidAlready.from], ["document", "paid"])
      })
    )
  )

  it.effect("an amount edit on a draft cannot go below what it already allocates", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "40.00")
        const draft = yield* newPayment(customer.id, "40.00", {
          initialState: "draft",
          allocations: [{ documentId: invoice.id, amount: "30.00" }]
        })
        const refused = yield* Effect.flip(
          asAdmin(payments.updatePayment({ paymentId: draft.payment.id, amount: "29.99" }))
        )
        assert.instanceOf(refused, Conflict)
        const lowered = yield* asAdmin(payments.updatePayment({ paymentId: draft.payment.id, amount: "30.00" }))
        assert.strictEqual(lowered.amount, 3000n)
      })
    )
  )
})

describe("adjusting an allocation in place", () => {
  it.effect("keeps the allocation's id, moves the difference on the document and the payment, and logs an event", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "40.00")
        const { payment, allocations } = yield* newPayment(customer.id, "50.00", {
          allocations: [{ documentId: invoice.id, amount: "10.00" }]
        })
        const allocationId = allocations[0]?.id ?? (0 as AllocationId)

        const raised = yield* asAdmin(documents.adjustAllocation({ allocationId, amount: "40.00" }))
        assert.deepStrictEqual(
          raised.allocations.map((allocation) => [allocation.id, allocation.amount]),
          [[allocationId, 4000n]]
        )
        assert.strictEqual(raised.payment.allocatedAmount, 4000n)
        const paid = yield* asAdmin(documents.getDocument(invoice.id))
        assert.deepStrictEqual([paid.state, paid.allocated, paid.outstanding], ["paid", 4000n, 0n])

        const lowered = yield* asAdmin(documents.adjustAllocation({ allocationId, amount: "15.50" }))
        assert.deepStrictEqual(
          lowered.allocations.map((allocation) => allocation.id),
          [allocationId]
        )
        const reopened = yield* asAdmin(documents.getDocument(invoice.id))
        assert.deepStrictEqual([reopened.state, reopened.outstanding], ["issued", 2450n])

        const events = yield* asAdmin(
          balances.listEvents({ paymentId: payment.id, types: ["payment.allocation-adjusted"] })
        )
        assert.deepStrictEqual(
          events.items.map((event) => [event.data.allocationId, event.data.previousAmount, event.data.amount]),
          [
            [allocationId, "1000", "4000"],
            [allocationId, "4000", "1550"]
          ]
        )
        // Allocation moves no money: payment +50, invoice -40.
        assert.strictEqual(yield* balanceOf(customer.id), 1000n)
      })
    )
  )

  it.effect("refuses more than the document owes or the payment has, in major units, changing nothing", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "100.00")
        const { allocations } = yield* newPayment(customer.id, "30.00", {
          allocations: [{ documentId: invoice.id, amount: "10.00" }]
        })
        const allocationId = allocations[0]?.id ?? (0 as AllocationId)
        const tooMuch = yield* Effect.flip(asAdmin(documents.adjustAllocation({ allocationId, amount: "30.01" })))
        assert.instanceOf(tooMuch, Conflict)
        assert.strictEqual(
          tooMuch.message,
          "allocations of 30.01 EUR exceed the 30.00 EUR of the payment that can be allocated"
        )
        const zero = yield* Effect.flip(asAdmin(documents.adjustAllocation({ allocationId, amount: "0" })))
        assert.instanceOf(zero, ValidationFailed)
        const unchanged = yield* asAdmin(documents.getDocument(invoice.id))
        assert.strictEqual(unchanged.outstanding, 9000n)
      })
    )
  )
})
