/**
 * The event log and the running balance: every state change is logged with the command context
 * (actor, origin, request id, idempotency key) and amounts as minor-unit strings; the balance
 * chain is gap-free and consistent (each entry = previous + delta, the last = the customer's
 * balance) under concurrent commands and when storage fails half-way (nothing of the failed
 * command remains); under any sequence of commands: `money-invariants.property.test.ts`.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  type BalanceEntry,
  Balances,
  Documents,
  LedgerStore,
  Payments,
  Refunds,
  StorageUnavailable
} from "@paybridge/core"
import { Effect } from "effect"
import { testLedgerLayerWith } from "../../src/testing/index.ts"
import {
  admin,
  as,
  asAdmin,
  balanceChain,
  balanceOf,
  issueInvoice,
  newCustomer,
  newPayment,
  withLedger
} from "./ledger-fixtures.ts"

/** Asserts the chain's invariants and returns its final balance. */
const assertConsistentChain = (chain: ReadonlyArray<BalanceEntry>): bigint => {
  let balance = 0n
  chain.forEach((entry, index) => {
    assert.strictEqual(entry.sequence, index + 1, "sequences are gap-free from 1")
    assert.strictEqual(entry.balanceAfter, balance + entry.delta, `entry ${entry.sequence}: previous + delta`)
    assert.notStrictEqual(entry.delta, 0n, "no empty movements")
    balance = entry.balanceAfter
  })
  return balance
}

describe("event log", () => {
  it.effect("records each state change with the command's context and minor-unit amounts", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const viaDialect = as(admin, { origin: "dialect:logisense", requestId: "req-42", idempotencyKey: "k-42" })
        const { payment } = yield* viaDialect(payments.createPayment({ customerId: customer.id, amount: "19.99" }))
        yield* as(admin, { origin: "cli", requestId: "req-43" })(
          payments.reversePayment({ paymentId: payment.id, amount: "4.99", effectiveDate: "2026-03-01" })
        )

        const events = (yield* asAdmin(balances.listEvents({ paymentId: payment.id }))).items
        assert.deepStrictEqual(
          events.map((event) => event.type),
          ["payment.created", "payment.posted", "payment.reversed"]
        )
        const [created, posted, reversed] = events
        assert.deepStrictEqual(
          [created?.actorId, created?.actorName, created?.origin, created?.requestId, created?.idempotencyKey],
          [admin.id, admin.name, "dialect:logisense", "req-42", "k-42"]
        )
        assert.strictEqual(created?.occurredAt.toISOString(), "2026-03-14T09:30:00.000Z")
        assert.strictEqual(created?.customerId, customer.id)
        assert.strictEqual(posted?.data.amount, "1999")
        assert.strictEqual(posted?.data.balanceAfter, "1999")
        assert.deepStrictEqual(
          [reversed?.origin, reversed?.requestId, reversed?.idempotencyKey],
          ["cli", "req-43", null]
        )
        assert.strictEqual(reversed?.data.amount, "499")
        assert.strictEqual(reversed?.data.effectiveDate, "2026-03-01")

        const customerEvents = yield* asAdmin(balances.listEvents({ types: ["customer.created"] }))
        assert.deepStrictEqual(
          customerEvents.items.map((event) => event.entityId),
          [customer.id]
        )
      })
    )
  )

  it.effect("pages through the log with cursors and filters by time", () =>
    withLedger(
      Effect.gen(function* () {
        const balances = yield* Balances
        const customer = yield* newCustomer()
        for (let index = 0; index < 5; index++) yield* newPayment(customer.id, "1.00")
        const seen: Array<number> = []
        let cursor: string | null = null
        let pages = 0
        do {
          const page: { items: ReadonlyArray<{ id: number }>; nextCursor: string | null } = yield* asAdmin(
            balances.listEvents({ limit: 4, cursor })
          )
          seen.push(...page.items.map((event) => event.id))
          cursor = page.nextCursor
          pages += 1
        } while (cursor !== null)
        // 1 customer.created + 5 × (payment.created, payment.posted)
        assert.strictEqual(seen.length, 11)
        assert.strictEqual(pages, 3)
        assert.deepStrictEqual(
          seen,
          [...seen].sort((a, b) => a - b)
        )
        const future = yield* asAdmin(balances.listEvents({ since: new Date("2027-01-01T00:00:00Z") }))
        assert.strictEqual(future.items.length, 0)
      })
    )
  )
})

describe("running balance", () => {
  it.effect("books every movement kind once, in order, with the records it concerns", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const payments = yield* Payments
        const refunds = yield* Refunds
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "100.00")
        const cancelledInvoice = yield* issueInvoice(customer.id, "5.00")
        yield* asAdmin(documents.cancelDocument(cancelledInvoice.id))
        const { payment } = yield* newPayment(customer.id, "100.00", {
          allocations: [{ documentId: invoice.id, amount: "100.00" }]
        })
        const reversed = yield* asAdmin(payments.reversePayment({ paymentId: payment.id, amount: "10.00" }))
        yield* asAdmin(payments.reinstateReversal({ paymentId: payment.id }))
        const refund = yield* asAdmin(refunds.refundPayment({ paymentId: payment.id, amount: "1.00" }))
        yield* asAdmin(refunds.transitionRefund({ refundId: refund.id, action: "cancel" }))
        yield* asAdmin(
          balances.adjustBalance({ customerId: customer.id, amount: "2.50", description: "rounding credit" })
        )

        const chain = yield* balanceChain(customer.id)
        assert.deepStrictEqual(
          chain.map((entry) => [entry.kind, entry.delta]),
          [
            ["document-issued", -10000n],
            ["document-issued", -500n],
            ["document-cancelled", 500n],
            ["payment-posted", 10000n],
            ["payment-reversed", -1000n],
            ["payment-reinstated", 1000n],
            ["refund", -100n],
            ["refund-voided", 100n],
            ["adjustment", 250n]
          ]
        )
        assert.strictEqual(chain[4]?.reversalId, reversed.reversals[0]?.id)
        assert.strictEqual(chain[6]?.refundId, refund.id)
        assert.strictEqual(chain[8]?.description, "rounding credit")
        assert.strictEqual(assertConsistentChain(chain), yield* balanceOf(customer.id))
        assert.strictEqual(yield* balanceOf(customer.id), 250n)
      })
    )
  )

  it.effect("stays gap-free and consistent under concurrent commands on one customer", () =>
    withLedger(
      Effect.gen(function* () {
        const balances = yield* Balances
        const paymentsService = yield* Payments
        const customer = yield* newCustomer()
        const commands = Array.from({ length: 40 }, (_, index) =>
          index % 3 === 0
            ? asAdmin(balances.adjustBalance({ customerId: customer.id, amount: "-0.50", description: `fee ${index}` }))
            : asAdmin(paymentsService.createPayment({ customerId: customer.id, amount: "1.25" }))
        )
        yield* Effect.all(commands, { concurrency: "unbounded" })
        const chain = yield* balanceChain(customer.id)
        assert.strictEqual(chain.length, 40)
        // 14 fees of 0.50, 26 payments of 1.25
        assert.strictEqual(assertConsistentChain(chain), BigInt(14 * -50 + 26 * 125))
        assert.strictEqual(yield* balanceOf(customer.id), BigInt(14 * -50 + 26 * 125))
        const numbers = (yield* asAdmin(paymentsService.listPayments({ order: "id", limit: 100 }))).items.map(
          (payment) => payment.number
        )
        assert.deepStrictEqual(
          [...numbers].sort((a, b) => Number(a) - Number(b)),
          Array.from({ length: 26 }, (_, index) => String(index + 1))
        )
      })
    )
  )

  it.effect("a storage failure half-way through a command leaves nothing behind", () =>
    Effect.gen(function* () {
      let failEvents = false
      const program = Effect.gen(function* () {
        const payments = yield* Payments
        const documents = yield* Documents
        const customer = yield* newCustomer()
        const invoice = yield* issueInvoice(customer.id, "10.00")
        failEvents = true
        const error = yield* Effect.flip(
          newPayment(customer.id, "10.00", { allocations: [{ documentId: invoice.id, amount: "10.00" }] })
        )
        failEvents = false
        assert.instanceOf(error, StorageUnavailable)
        assert.strictEqual((yield* asAdmin(payments.listPayments({}))).items.length, 0)
        const untouched = yield* asAdmin(documents.getDocument(invoice.id))
        assert.deepStrictEqual([untouched.state, untouched.outstanding], ["issued", 1000n])
        const chain = yield* balanceChain(customer.id)
        assert.strictEqual(chain.length, 1)
        assert.strictEqual(yield* balanceOf(customer.id), -1000n)
        // The numbering sequences rolled back too.
        const { payment } = yield* newPayment(customer.id, "10.00")
        assert.deepStrictEqual([payment.referenceNumber, payment.number], ["1", "1"])
        const store = yield* LedgerStore
        assert.strictEqual((yield* store.payments.list({ cursor: null, limit: 10, order: "id" })).items.length, 1)
      })
      yield* program.pipe(
        Effect.provide(
          testLedgerLayerWith({
            // A create appends its events with its balance movement (`balance.moveWithEvents`).
            faults: (operation) =>
              failEvents && (operation.startsWith("events.append") || operation === "balance.moveWithEvents")
          })
        )
      )
    })
  )
})
