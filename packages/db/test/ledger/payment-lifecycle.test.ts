/**
 * The payment lifecycle through the Ledger: drafts and posting (numbering at posting time,
 * posting dates, balance after posting), rejection and cancellation of drafts, refusals from the
 * lifecycle table, edits that only drafts allow, and lookups by every identifier.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  CustomerId,
  InvalidTransition,
  LedgerStore,
  NotFound,
  type Page,
  Parties,
  type Payment,
  PaymentId,
  Payments,
  PresetId,
  ValidationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import {
  asAdmin,
  balanceChain,
  balanceOf,
  issueInvoice,
  newCustomer,
  newPayment,
  testToday,
  withLedger
} from "./ledger-fixtures.ts"

describe("payment lifecycle", () => {
  it.effect("posts at once by default: number, posting date and time, balance after posting", () =>
    withLedger(
      Effect.gen(function* () {
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "40.00", { paymentDate: "2026-03-01" })
        assert.strictEqual(payment.state, "posted")
        assert.strictEqual(payment.number, "1")
        assert.strictEqual(payment.referenceNumber, "1")
        assert.match(payment.publicId, /^[0-9A-F]{32}$/)
        assert.strictEqual(payment.paymentDate, "2026-03-01")
        assert.strictEqual(payment.postedOn, testToday)
        assert.strictEqual(payment.postedAt?.toISOString(), "2026-03-14T09:30:00.000Z")
        assert.strictEqual(payment.balanceAfterPosting, 4000n)
        assert.strictEqual(yield* balanceOf(customer.id), 4000n)
      })
    )
  )

  it.effect("skips a reference number and a posting number another payment already holds (imported ones can)", () =>
    withLedger(
      Effect.gen(function* () {
        const store = yield* LedgerStore
        const customer = yield* newCustomer()
        const { payment: first } = yield* newPayment(customer.id, "1.00")
        // A payment holding the numbers the sequences hand out next, as an import with its own numbers would.
        const { id: _id, ...copy } = first
        yield* store.payments.insert({
          ...copy,
          publicId: "0123456789ABCDEF0123456789ABCDEF",
          referenceNumber: "2",
          number: "2"
        })
        const { payment } = yield* newPayment(customer.id, "2.50")
        assert.deepStrictEqual([payment.referenceNumber, payment.number, payment.state], ["3", "3", "posted"])
        const stored = yield* store.payments.get(payment.id)
        assert.deepStrictEqual([stored?.referenceNumber, stored?.number], ["3", "3"])
        const events = (yield* store.events.list({ paymentId: payment.id, cursor: null, limit: 10 })).items
        assert.deepStrictEqual(
          events.map((event) => [event.type, event.data["referenceNumber"] ?? event.data["number"]]),
          [
            ["payment.created", "3"],
            ["payment.posted", "3"]
          ]
        )
        const chain = yield* balanceChain(customer.id)
        assert.deepStrictEqual(
          chain.map((entry) => [entry.sequence, entry.balanceAfter, entry.description]),
          [
            [1, 100n, "payment 1 posted"],
            [2, 350n, "payment 3 posted"]
          ]
        )
      })
    )
  )

  it.effect(
    "keeps the instant a payment was received and the posting instant a client states, with their business dates",
    () =>
      withLedger(
        Effect.gen(function* () {
          const payments = yield* Payments
          const customer = yield* newCustomer()
          const receivedAt = new Date("2021-04-26T23:25:27.587Z")
          const { payment: draft } = yield* newPayment(customer.id, "5.00", { initialState: "draft", receivedAt })
          assert.strictEqual(draft.receivedAt?.toISOString(), "2021-04-26T23:25:27.587Z")
          assert.strictEqual(draft.paymentDate, "2021-04-26")
          const postedAt = new Date("2021-04-27T08:00:00.001Z")
          const posted = yield* asAdmin(payments.postPayment({ paymentId: draft.id, postedAt }))
          assert.strictEqual(posted.postedAt?.toISOString(), "2021-04-27T08:00:00.001Z")
          assert.strictEqual(posted.postedOn, "2021-04-27")
          const read = yield* asAdmin(payments.getPayment({ id: draft.id }))
          assert.strictEqual(read.payment.receivedAt?.toISOString(), "2021-04-26T23:25:27.587Z")
          const { payment: dateOnly } = yield* newPayment(customer.id, "1.00", { paymentDate: "2026-03-01" })
          assert.strictEqual(dateOnly.receivedAt, null)
        })
      )
  )

  it.effect("creates a payment posted at the instant a client states in one step; a draft cannot state one", () =>
    withLedger(
      Effect.gen(function* () {
        const customer = yield* newCustomer()
        const postedAt = new Date("2026-03-10T17:45:00.250Z")
        const { payment } = yield* newPayment(customer.id, "12.00", { paymentDate: "2026-03-09", postedAt })
        assert.strictEqual(payment.state, "posted")
        assert.strictEqual(payment.number, "1")
        assert.strictEqual(payment.postedAt?.toISOString(), "2026-03-10T17:45:00.250Z")
        assert.strictEqual(payment.postedOn, "2026-03-10")
        assert.strictEqual(payment.balanceAfterPosting, 1200n)
        const { payment: dated } = yield* newPayment(customer.id, "1.00", { postedOn: "2026-03-11" })
        assert.strictEqual(dated.postedOn, "2026-03-11")
        assert.strictEqual(dated.postedAt?.toISOString(), "2026-03-14T09:30:00.000Z")
        const refused = yield* Effect.flip(newPayment(customer.id, "5.00", { initialState: "draft", postedAt }))
        assert.instanceOf(refused, ValidationFailed)
        assert.strictEqual(yield* balanceOf(customer.id), 1300n)
      })
    )
  )

  it.effect("numbers payments in posting order while reference numbers follow creation order", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const draftA = yield* newPayment(customer.id, "1.00", { initialState: "draft" })
        const draftB = yield* newPayment(customer.id, "2.00", { initialState: "draft" })
        assert.strictEqual(draftA.payment.number, null)
        assert.strictEqual(draftA.payment.postedOn, null)
        assert.strictEqual(draftA.payment.balanceAfterPosting, null)
        assert.deepStrictEqual([draftA.payment.referenceNumber, draftB.payment.referenceNumber], ["1", "2"])
        assert.strictEqual(yield* balanceOf(customer.id), 0n)

        yield* TestClock.adjust("2 hours")
        const postedB = yield* asAdmin(payments.postPayment({ paymentId: draftB.payment.id, postedOn: "2026-03-20" }))
        const postedA = yield* asAdmin(payments.postPayment({ paymentId: draftA.payment.id }))
        assert.strictEqual(postedB.number, "1")
        assert.strictEqual(postedA.number, "2")
        assert.strictEqual(postedB.postedOn, "2026-03-20")
        assert.strictEqual(postedA.postedOn, testToday)
        assert.strictEqual(postedA.postedAt?.toISOString(), "2026-03-14T11:30:00.000Z")
        assert.strictEqual(postedB.balanceAfterPosting, 200n)
        assert.strictEqual(postedA.balanceAfterPosting, 300n)

        const byNumber = yield* asAdmin(payments.getPayment({ number: "2" }))
        assert.strictEqual(byNumber.payment.id, draftA.payment.id)
      })
    )
  )

  it.effect("rejects a draft with its reason and books nothing", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const draft = yield* newPayment(customer.id, "15.00", { initialState: "draft" })
        const rejected = yield* asAdmin(
          payments.rejectPayment({ paymentId: draft.payment.id, reason: "bounced cheque" })
        )
        assert.strictEqual(rejected.state, "rejected")
        assert.strictEqual(rejected.rejectionReason, "bounced cheque")
        assert.strictEqual(rejected.rejectedAt?.toISOString(), "2026-03-14T09:30:00.000Z")
        assert.strictEqual(rejected.number, null)
        assert.deepStrictEqual(yield* balanceChain(customer.id), [])

        const again = yield* Effect.flip(asAdmin(payments.postPayment({ paymentId: draft.payment.id })))
        assert.instanceOf(again, InvalidTransition)
        assert.strictEqual(again.from, "rejected")
        assert.strictEqual(again.action, "post")
      })
    )
  )

  it.effect("cancels a draft; posted payments can be neither cancelled nor rejected", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const draft = yield* newPayment(customer.id, "15.00", { initialState: "draft" })
        const cancelled = yield* asAdmin(payments.cancelPayment({ paymentId: draft.payment.id, reason: "duplicate" }))
        assert.strictEqual(cancelled.state, "cancelled")
        assert.strictEqual(cancelled.cancelledAt?.toISOString(), "2026-03-14T09:30:00.000Z")

        const posted = yield* newPayment(customer.id, "20.00")
        const cancel = yield* Effect.flip(asAdmin(payments.cancelPayment({ paymentId: posted.payment.id })))
        assert.instanceOf(cancel, InvalidTransition)
        assert.deepStrictEqual([cancel.from, cancel.action], ["posted", "cancel"])
        const reject = yield* Effect.flip(
          asAdmin(payments.rejectPayment({ paymentId: posted.payment.id, reason: "x" }))
        )
        assert.instanceOf(reject, InvalidTransition)
        const repost = yield* Effect.flip(asAdmin(payments.postPayment({ paymentId: posted.payment.id })))
        assert.instanceOf(repost, InvalidTransition)
        assert.strictEqual(yield* balanceOf(customer.id), 2000n)
      })
    )
  )

  it.effect("lets drafts change amount, date, method and type; posted payments only their references", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const cash = yield* asAdmin(parties.createPreset({ kind: "method", code: "cash", name: "Cash" }))
        const draft = yield* newPayment(customer.id, "10.00", { initialState: "draft" })
        const edited = yield* asAdmin(
          payments.updatePayment({
            paymentId: draft.payment.id,
            amount: "12.34",
            paymentDate: "2026-02-28",
            methodId: cash.id,
            notes: "counted twice"
          })
        )
        assert.strictEqual(edited.amount, 1234n)
        assert.strictEqual(edited.paymentDate, "2026-02-28")
        assert.strictEqual(edited.methodId, cash.id)
        assert.strictEqual(edited.references.notes, "counted twice")

        const posted = yield* asAdmin(payments.postPayment({ paymentId: draft.payment.id }))
        assert.strictEqual(posted.balanceAfterPosting, 1234n)
        const late = yield* Effect.flip(asAdmin(payments.updatePayment({ paymentId: posted.id, amount: "99.00" })))
        assert.instanceOf(late, ValidationFailed)
        assert.deepStrictEqual(late.issues[0]?.path, ["amount"])
        const annotated = yield* asAdmin(
          payments.updatePayment({ paymentId: posted.id, customerReference: "INV-7 remittance", notes: null })
        )
        assert.strictEqual(annotated.references.customerReference, "INV-7 remittance")
        assert.strictEqual(annotated.references.notes, null)
        assert.strictEqual(annotated.amount, 1234n)
      })
    )
  )

  it.effect("refuses presets of the wrong kind or not available", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const customer = yield* newCustomer()
        const refundType = yield* asAdmin(parties.createPreset({ kind: "type", code: "refund", name: "Refund" }))
        const retired = yield* asAdmin(
          parties.createPreset({ kind: "method", code: "cheque", name: "Cheque", available: false })
        )
        const wrongKind = yield* Effect.flip(newPayment(customer.id, "1.00", { methodId: refundType.id }))
        assert.instanceOf(wrongKind, ValidationFailed)
        assert.deepStrictEqual(wrongKind.issues[0]?.path, ["methodId"])
        const unavailable = yield* Effect.flip(newPayment(customer.id, "1.00", { methodId: retired.id }))
        assert.instanceOf(unavailable, ValidationFailed)
        const missing = yield* Effect.flip(newPayment(customer.id, "1.00", { typeId: PresetId.make(999) }))
        assert.instanceOf(missing, NotFound)
        assert.strictEqual(missing.entity, "preset")
      })
    )
  )

  it.effect("finds payments by id, public id, reference number and external reference; NotFound otherwise", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "3.00", {
          externalRef: { system: "silver", id: "pay-77" },
          sourceRecord: { id: 77, amount: "3.00" }
        })
        for (const lookup of [
          { id: payment.id },
          { publicId: payment.publicId },
          { referenceNumber: payment.referenceNumber },
          { externalRef: { system: "silver", id: "pay-77" } }
        ]) {
          const found = yield* asAdmin(payments.getPayment(lookup))
          assert.strictEqual(found.payment.id, payment.id)
          assert.deepStrictEqual(found.payment.sourceRecord, { id: 77, amount: "3.00" })
        }
        const missing = yield* Effect.flip(asAdmin(payments.getPayment({ id: PaymentId.make(4242) })))
        assert.instanceOf(missing, NotFound)
        assert.strictEqual(missing.id, "4242")
        const duplicate = yield* Effect.flip(
          newPayment(customer.id, "3.00", { externalRef: { system: "silver", id: "pay-77" } })
        )
        assert.strictEqual(duplicate._tag, "Conflict")
        const noCustomer = yield* Effect.flip(newPayment(CustomerId.make(999), "1.00"))
        assert.instanceOf(noCustomer, NotFound)
        assert.strictEqual(noCustomer.entity, "customer")
      })
    )
  )

  it.effect("lists payments newest first by payment date, filtered by state, and pages with cursors", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const dates = ["2026-01-05", "2026-03-01", "2026-02-10", "2026-03-01", "2026-01-20"]
        const ids: Array<PaymentId> = []
        for (const paymentDate of dates) ids.push((yield* newPayment(customer.id, "1.00", { paymentDate })).payment.id)
        yield* newPayment(customer.id, "1.00", { paymentDate: "2026-03-05", initialState: "draft" })

        const pages: Array<ReadonlyArray<number | undefined>> = []
        let cursor: string | null = null
        do {
          const page: Page<Payment> = yield* asAdmin(payments.listPayments({ states: ["posted"], limit: 2, cursor }))
          pages.push(page.items.map((item) => item.id))
          cursor = page.nextCursor
        } while (cursor !== null)
        assert.deepStrictEqual(pages, [[ids[3], ids[1]], [ids[2], ids[4]], [ids[0]]])

        const byId = yield* asAdmin(payments.listPayments({ order: "id", idAfter: ids[2] }))
        assert.deepStrictEqual(
          byId.items.map((item) => item.paymentDate),
          ["2026-03-01", "2026-01-20", "2026-03-05"]
        )
      })
    )
  )

  it.effect("reads a page of payments' details at once, each equal to the payment's own detail", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "5.00")
        const plain = yield* newPayment(customer.id, "1.00")
        const allocated = yield* newPayment(customer.id, "5.00", {
          allocations: [{ documentId: invoice.id, amount: "5.00" }]
        })
        const reversed = yield* newPayment(customer.id, "3.00")
        yield* asAdmin(payments.reversePayment({ paymentId: reversed.payment.id, amount: "1.00" }))
        const ids = [plain, allocated, reversed].map((detail) => detail.payment.id)

        const pages: Array<ReadonlyArray<unknown>> = []
        let cursor: string | null = null
        do {
          const page: Page<Payment> = yield* asAdmin(
            payments.listPayments({ customerId: customer.id, order: "id", limit: 2, cursor })
          )
          pages.push(yield* asAdmin(payments.paymentDetails(page.items)))
          cursor = page.nextCursor
        } while (cursor !== null)
        const own = yield* Effect.forEach(ids, (id) => asAdmin(payments.getPayment({ id })))
        assert.deepStrictEqual(pages, [own.slice(0, 2), own.slice(2)])
        assert.strictEqual(own[1]?.allocations.length, 1)
        assert.strictEqual(own[2]?.reversals.length, 1)
      })
    )
  )
})
