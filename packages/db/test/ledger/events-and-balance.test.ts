/**
 * The event log and the running balance: every state change is logged with the command context
 * (actor, origin, request id, idempotency key) and amounts as minor-unit strings; the balance
 * chain is gap-free and consistent (each entry = previous + delta, the last = the customer's
 * balance) under any sequence of commands, under concurrent commands, and when storage fails
 * half-way (nothing of the failed command remains).
 */
import { assert, describe, it } from "@effect/vitest"
import {
  type AllocationId,
  type BalanceEntry,
  Balances,
  Conflict,
  type DocumentId,
  Documents,
  formatMinorUnits,
  InvalidTransition,
  LedgerStore,
  NotFound,
  type PaymentId,
  Payments,
  type RefundId,
  Refunds,
  StorageUnavailable,
  type TransitionRefundInput
} from "@paybridge/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { testLedgerLayer, testLedgerLayerWith } from "../../src/testing/index.ts"
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
        Effect.provide(testLedgerLayerWith({ faults: (operation) => failEvents && operation === "events.append" }))
      )
    })
  )
})

type Step =
  | { readonly op: "invoice"; readonly cents: number; readonly proforma: boolean }
  | { readonly op: "pay"; readonly cents: number; readonly draft: boolean }
  | {
      readonly op: "post" | "reject" | "cancel" | "reinstate" | "payDocument" | "cancelDocument"
      readonly pick: number
    }
  | { readonly op: "reverse" | "refund"; readonly pick: number; readonly cents: number }
  | { readonly op: "allocate"; readonly pick: number; readonly document: number; readonly cents: number }
  | { readonly op: "deallocate"; readonly pick: number }
  | { readonly op: "refundAction"; readonly pick: number; readonly action: TransitionRefundInput["action"] }
  | { readonly op: "adjust"; readonly cents: number }

const cents = fc.integer({ min: 1, max: 20_000 })
const pick = fc.nat({ max: 50 })
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant("invoice" as const), cents, proforma: fc.boolean() }),
  fc.record({ op: fc.constant("pay" as const), cents, draft: fc.boolean() }),
  fc.record({
    op: fc.constantFrom("post", "reject", "cancel", "reinstate", "payDocument", "cancelDocument"),
    pick
  }),
  fc.record({ op: fc.constantFrom("reverse", "refund"), pick, cents }),
  fc.record({ op: fc.constant("allocate" as const), pick, document: pick, cents }),
  fc.record({ op: fc.constant("deallocate" as const), pick }),
  fc.record({
    op: fc.constant("refundAction" as const),
    pick,
    action: fc.constantFrom("submit", "settle", "cancel", "fail")
  }),
  fc.record({
    op: fc.constant("adjust" as const),
    cents: fc.integer({ min: -5_000, max: 5_000 }).filter((n) => n !== 0)
  })
)

/** Runs random command sequences and checks the ledger's books balance afterwards. */
const runScenario = (steps: ReadonlyArray<Step>) =>
  Effect.gen(function* () {
    const documentsService = yield* Documents
    const payments = yield* Payments
    const balances = yield* Balances
    const refundsService = yield* Refunds
    const customer = yield* newCustomer()
    const money = (value: number) => formatMinorUnits(BigInt(value), "EUR")
    const paymentIds: Array<PaymentId> = []
    const documentIds: Array<DocumentId> = []
    const refundIds: Array<RefundId> = []
    const allocationIds: Array<AllocationId> = []
    const chosen = <Id>(ids: ReadonlyArray<Id>, index: number) => ids[index % Math.max(ids.length, 1)]

    for (const s of steps) {
      const command: Effect.Effect<unknown, unknown> = (() => {
        switch (s.op) {
          case "invoice":
            return Effect.map(
              asAdmin(
                documentsService.issueDocument({
                  kind: s.proforma ? "proforma" : "invoice",
                  customerId: customer.id,
                  total: money(s.cents)
                })
              ),
              (document) => documentIds.push(document.id)
            )
          case "pay":
            return Effect.map(
              asAdmin(
                payments.createPayment({
                  customerId: customer.id,
                  amount: money(s.cents),
                  initialState: s.draft ? "draft" : "posted"
                })
              ),
              (detail) => paymentIds.push(detail.payment.id)
            )
          case "payDocument": {
            const documentId = chosen(documentIds, s.pick)
            return documentId === undefined
              ? Effect.void
              : Effect.map(asAdmin(documentsService.payDocument({ documentId })), (detail) => {
                  paymentIds.push(detail.payment.id)
                  allocationIds.push(...detail.allocations.map((allocation) => allocation.id))
                })
          }
          case "cancelDocument": {
            const documentId = chosen(documentIds, s.pick)
            return documentId === undefined ? Effect.void : asAdmin(documentsService.cancelDocument(documentId))
          }
          case "allocate": {
            const paymentId = chosen(paymentIds, s.pick)
            const documentId = chosen(documentIds, s.document)
            return paymentId === undefined || documentId === undefined
              ? Effect.void
              : Effect.map(
                  asAdmin(
                    documentsService.allocatePayment({
                      paymentId,
                      allocations: [{ documentId, amount: money(s.cents) }]
                    })
                  ),
                  (detail) => allocationIds.push(...detail.allocations.map((allocation) => allocation.id))
                )
          }
          case "deallocate": {
            const allocationId = chosen(allocationIds, s.pick)
            return allocationId === undefined ? Effect.void : asAdmin(documentsService.deallocate({ allocationId }))
          }
          case "adjust":
            return asAdmin(
              balances.adjustBalance({ customerId: customer.id, amount: money(s.cents), description: "adj" })
            )
          case "refundAction": {
            const refundId = chosen(refundIds, s.pick)
            return refundId === undefined
              ? Effect.void
              : asAdmin(refundsService.transitionRefund({ refundId, action: s.action }))
          }
          default: {
            const paymentId = chosen(paymentIds, s.pick)
            if (paymentId === undefined) return Effect.void
            switch (s.op) {
              case "post":
                return asAdmin(payments.postPayment({ paymentId }))
              case "reject":
                return asAdmin(payments.rejectPayment({ paymentId, reason: "random" }))
              case "cancel":
                return asAdmin(payments.cancelPayment({ paymentId }))
              case "reinstate":
                return asAdmin(payments.reinstateReversal({ paymentId }))
              case "reverse":
                return asAdmin(payments.reversePayment({ paymentId, amount: money(s.cents) }))
              case "refund":
                return Effect.map(
                  asAdmin(refundsService.refundPayment({ paymentId, amount: money(s.cents) })),
                  (refund) => refundIds.push(refund.id)
                )
            }
          }
        }
      })()
      // Business refusals are expected along the way (and an allocation released earlier is gone);
      // anything else (other NotFounds, validation failures, defects) fails the property.
      yield* command.pipe(
        Effect.catchIf(
          (error) =>
            error instanceof Conflict ||
            error instanceof InvalidTransition ||
            (error instanceof NotFound && error.entity === "allocation"),
          () => Effect.void
        )
      )
    }

    const chain = yield* balanceChain(customer.id)
    const balance = assertConsistentChain(chain)
    assert.strictEqual(balance, yield* balanceOf(customer.id))

    // The balance is what the records say it is.
    let expected = 0n
    for (const entry of chain) if (entry.kind === "adjustment") expected += entry.delta
    const documents = (yield* asAdmin(documentsService.listDocuments({ limit: 1000 }))).items
    for (const document of documents) {
      if (document.kind !== "proforma" && document.state !== "cancelled") expected -= document.total
      assert.strictEqual(document.outstanding, document.total - document.allocated)
      assert.isTrue(document.outstanding >= 0n)
      if (document.state !== "cancelled") assert.strictEqual(document.state === "paid", document.outstanding === 0n)
    }
    const allocatedPerDocument = new Map<number, bigint>()
    for (const summary of (yield* asAdmin(payments.listPayments({ limit: 1000 }))).items) {
      const { payment, allocations, refunds } = yield* asAdmin(payments.getPayment({ id: summary.id }))
      const liveRefunds = refunds
        .filter((refund) => refund.state !== "cancelled" && refund.state !== "failed")
        .reduce((sum, refund) => sum + refund.amount, 0n)
      assert.strictEqual(payment.refundedAmount, liveRefunds)
      const allocated = allocations.reduce((sum, allocation) => sum + allocation.amount, 0n)
      assert.strictEqual(payment.allocatedAmount, allocated)
      assert.isTrue(allocated <= payment.amount - payment.reversedAmount - payment.refundedAmount)
      for (const allocation of allocations) {
        allocatedPerDocument.set(
          allocation.documentId,
          (allocatedPerDocument.get(allocation.documentId) ?? 0n) + allocation.amount
        )
      }
      if (payment.state === "posted") expected += payment.amount - payment.reversedAmount - payment.refundedAmount
    }
    for (const document of documents)
      assert.strictEqual(document.allocated, allocatedPerDocument.get(document.id) ?? 0n)
    assert.strictEqual(balance, expected)
  })

describe("ledger invariants (property)", () => {
  // 100 runs of up to 80 commands on the real SQLite store: ~14 s of CPU alone, 130 s in the full parallel run on
  // two shared cores, so the budget is 300 s instead of the default 30 s.
  it("any sequence of commands keeps the chain, the balance, payments and documents consistent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 80, size: "max" }), (steps) =>
        Effect.runPromise(runScenario(steps).pipe(Effect.provide(testLedgerLayer)))
      ),
      { numRuns: 100 }
    )
  }, 300_000)
})
