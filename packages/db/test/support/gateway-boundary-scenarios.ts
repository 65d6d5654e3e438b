/**
 * The gateway boundary's scenarios, run on every store (`ledger/gateway-boundary.test.ts` on
 * SQLite, `gateway-boundary.postgres.test.ts` on PostgreSQL; each test on a fresh database): a
 * charge (and a reversal through the gateway) is booked and committed before the gateway is called,
 * the call runs outside any transaction, and its outcome is recorded afterwards; an attempt left
 * without an answer (the request lost, the answer lost, a slow gateway) is settled by the
 * reconciler asking the gateway for the attempt's key, so the gateway moves money at most once per
 * payment and the ledger agrees with it to the minor unit; a retried idempotency key during a slow
 * answer or after a timeout charges once; 50 concurrent charges of one customer hold no lock while
 * the gateway answers (another customer's writes proceed) and leave a gap-free balance chain. A
 * pending gateway payment is cancelled only while its charge has not been sent.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Balances,
  Collections,
  type CustomerId,
  type GatewayId,
  type GatewayNotice,
  type LedgerServices,
  LedgerStore,
  Parties,
  type PaymentGateways,
  type PaymentGatewaysShape,
  type PaymentId,
  Payments
} from "@paybridge/core"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import type { StoreFaults } from "../../src/testing/index.ts"
import {
  admin,
  as,
  asAdmin,
  auditor,
  balanceChain,
  balanceOf,
  finance,
  issueInvoice,
  newCustomer,
  testNow
} from "../ledger/ledger-fixtures.ts"
import { makeScriptedGateway, type ScriptedGateway } from "./scripted-gateway.ts"

type Needs = LedgerServices | LedgerStore | PaymentGateways

/** Every ledger service, the stores and the gateway, on a fresh database per build of the layer. */
export type LedgerOnStore = (options: {
  readonly gateways: PaymentGatewaysShape
  readonly faults?: StoreFaults | undefined
}) => Layer.Layer<Needs, unknown>

export const gatewayBoundaryScenarios = (ledgerOn: LedgerOnStore) => {
  const withGateway = <A, E>(run: (gateway: ScriptedGateway) => Effect.Effect<A, E, Needs>) => {
    const gateway = makeScriptedGateway()
    return Effect.provide(
      Effect.andThen(TestClock.setTime(testNow), run(gateway)),
      Layer.fresh(ledgerOn({ gateways: gateway.shape }))
    )
  }

  const newGateway = Effect.flatMap(Parties, (parties) =>
    asAdmin(parties.createGateway({ code: "cards", name: "Cards" }))
  )

  const charge = (customerId: CustomerId, gatewayId: GatewayId, amount: string, key: string | null = null) =>
    Effect.flatMap(Payments, (payments) =>
      as(admin, { idempotencyKey: key })(
        payments.createPayment({ customerId, amount, gatewayId, cardToken: "tok_visa" })
      )
    )

  const paymentState = (id: PaymentId) =>
    Effect.flatMap(LedgerStore, (store) => Effect.map(store.payments.get(id), (payment) => payment?.state))

  const pendingCount = Effect.flatMap(LedgerStore, (store) =>
    Effect.map(store.gatewayAttempts.listPending(1000), (rows) => rows.length)
  ).pipe(Effect.orDie)

  const reconcile = (minimumAgeMs = 0) =>
    Effect.flatMap(Collections, (collections) => asAdmin(collections.reconcileGatewayAttempts({ minimumAgeMs })))

  describe("charging through the gateway boundary", () => {
    it.effect("books the payment pending with its attempt, commits, then calls the gateway and posts on approval", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const seen: Array<unknown> = []
          // While the gateway "thinks", the booking is already committed and visible to anyone.
          gateway.setOnCall(
            Effect.gen(function* () {
              const page = yield* store.payments.list({ customerId: customer.id, order: "id", cursor: null, limit: 10 })
              const payment = page.items[0]
              const attempts = payment === undefined ? [] : yield* store.gatewayAttempts.listByPayment(payment.id)
              seen.push({ state: payment?.state, attempts: attempts.map((a) => [a.state, a.attemptKey]) })
            }).pipe(Effect.orDie)
          )
          const detail = yield* charge(customer.id, cards.id, "25.00")
          assert.strictEqual(detail.payment.state, "posted")
          assert.deepStrictEqual(seen, [
            { state: "pending", attempts: [["pending", `pb_ch_${detail.payment.publicId}`]] }
          ])
          const [attempt] = yield* store.gatewayAttempts.listByPayment(detail.payment.id)
          assert.strictEqual(attempt?.state, "approved")
          assert.strictEqual(attempt?.tries, 1)
          assert.strictEqual(detail.payment.gatewayReference, attempt?.gatewayReference)
          assert.strictEqual(yield* balanceOf(customer.id), 2500n)
        })
      )
    )

    it.effect("a decline rejects the payment with the gateway's reason and releases what it had allocated", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const invoice = yield* issueInvoice(customer.id, "40.00")
          gateway.setMode("decline")
          const detail = yield* asAdmin(
            payments.createPayment({
              customerId: customer.id,
              amount: "40.00",
              gatewayId: cards.id,
              cardToken: "tok",
              allocations: [{ documentId: invoice.id, amount: "40.00" }]
            })
          )
          assert.strictEqual(detail.payment.state, "rejected")
          assert.strictEqual(detail.payment.rejectionReason, "do not honour")
          assert.deepStrictEqual(detail.allocations, [])
          const documents = yield* Effect.flatMap(LedgerStore, (store) => store.documents.get(invoice.id))
          assert.strictEqual(documents?.outstanding, 4000n)
          assert.strictEqual(yield* balanceOf(customer.id), -4000n)
        })
      )
    )

    it.effect("the request lost on the way: the payment stays pending; the reconciler re-sends it once", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-request")
          const detail = yield* charge(customer.id, cards.id, "12.34")
          assert.strictEqual(detail.payment.state, "pending")
          assert.strictEqual(gateway.held.size, 0)
          gateway.setMode("approve")
          const report = yield* reconcile()
          assert.deepStrictEqual(report, {
            examined: 1,
            settled: 1,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 1234n)
        })
      )
    )

    it.effect("the answer lost on the way back: the reconciler finds the charge by key and books it, no re-send", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const detail = yield* charge(customer.id, cards.id, "7.00")
          assert.strictEqual(detail.payment.state, "pending")
          gateway.setMode("approve")
          yield* reconcile()
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.requests.length, 1)
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 700n)
          // A second pass finds nothing left to settle.
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
        })
      )
    )

    it.effect("the reconciler leaves young attempts alone (a call may still be in flight)", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-request")
          const detail = yield* charge(customer.id, cards.id, "3.00")
          gateway.setMode("approve")
          assert.deepStrictEqual(yield* reconcile(30_000), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          yield* TestClock.adjust("31 seconds")
          assert.strictEqual((yield* reconcile(30_000)).settled, 1)
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
        })
      )
    )

    it.effect("a retried request with the same idempotency key during a slow answer charges once", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          yield* gateway.hold()
          const first = yield* Effect.forkChild(charge(customer.id, cards.id, "50.00", "retry-1"))
          // Let the first request book and reach the (held) gateway.
          while (gateway.requests.length === 0 && (yield* pendingCount) === 0) yield* Effect.yieldNow
          const retried = yield* charge(customer.id, cards.id, "50.00", "retry-1")
          assert.strictEqual(retried.payment.state, "pending")
          yield* gateway.release()
          const original = yield* Fiber.join(first)
          assert.strictEqual(original.payment.id, retried.payment.id)
          assert.strictEqual(original.payment.state, "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(gateway.requests.length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 5000n)
        })
      )
    )

    it.effect("a retried request after a timeout charges once, and shows the payment as it now is", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const first = yield* charge(customer.id, cards.id, "8.00", "retry-2")
          assert.strictEqual(first.payment.state, "pending")
          gateway.setMode("approve")
          const retried = yield* charge(customer.id, cards.id, "8.00", "retry-2")
          assert.strictEqual(retried.payment.id, first.payment.id)
          assert.strictEqual(retried.payment.state, "pending")
          yield* reconcile()
          const after = yield* charge(customer.id, cards.id, "8.00", "retry-2")
          assert.strictEqual(after.payment.state, "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 800n)
        })
      )
    )

    it.effect(
      "50 charges of one customer against a slow gateway: no lock held, another customer writes meanwhile, chain gap-free",
      () =>
        withGateway((gateway) =>
          Effect.gen(function* () {
            const payments = yield* Payments
            const busy = yield* newCustomer("Busy Ltd")
            const other = yield* newCustomer("Other Ltd")
            const cards = yield* newGateway
            yield* gateway.hold()
            const charges = yield* Effect.forkChild(
              Effect.all(
                Array.from({ length: 50 }, (_, index) => charge(busy.id, cards.id, `${index + 1}.00`)),
                { concurrency: "unbounded" }
              )
            )
            // Every charge is booked and waiting at the gateway...
            while ((yield* pendingCount) < 50) yield* Effect.yieldNow
            // ...and the other customer's writes go through while they wait.
            const cash = yield* asAdmin(payments.createPayment({ customerId: other.id, amount: "9.99" }))
            assert.strictEqual(cash.payment.state, "posted")
            assert.strictEqual(yield* balanceOf(other.id), 999n)
            assert.strictEqual(gateway.requests.length, 0)
            yield* gateway.release()
            const done = yield* Fiber.join(charges)
            assert.isTrue(done.every((detail) => detail.payment.state === "posted"))
            assert.strictEqual(gateway.approvedCharges().length, 50)
            const expected = (50n * 51n * 100n) / 2n
            assert.strictEqual(yield* balanceOf(busy.id), expected)
            const chain = yield* balanceChain(busy.id)
            assert.deepStrictEqual(
              chain.map((entry) => entry.sequence),
              Array.from({ length: 50 }, (_, index) => index + 1)
            )
            let running = 0n
            for (const entry of chain) {
              running += entry.delta
              assert.strictEqual(entry.balanceAfter, running)
            }
          })
        ),
      // 50 charges and their reconciliation: 8 s on PostgreSQL on a quiet machine, more under a CI machine's load.
      120_000
    )
  })

  describe("cancelling a pending gateway payment", () => {
    it.effect("a charge the gateway holds pending is cancelled there, then the payment; nothing is booked", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const invoice = yield* issueInvoice(customer.id, "15.00")
          gateway.setMode("pend")
          const detail = yield* asAdmin(
            payments.createPayment({
              customerId: customer.id,
              amount: "15.00",
              gatewayId: cards.id,
              cardToken: "tok",
              allocations: [{ documentId: invoice.id, amount: "15.00" }]
            })
          )
          assert.strictEqual(detail.payment.state, "pending")
          // A read-only principal cannot reach the gateway through it.
          const forbidden = yield* Effect.flip(as(auditor)(payments.cancelPayment({ paymentId: detail.payment.id })))
          assert.strictEqual(forbidden._tag, "Forbidden")
          assert.deepStrictEqual(gateway.cancels, [])

          const cancelled = yield* asAdmin(payments.cancelPayment({ paymentId: detail.payment.id }))
          assert.strictEqual(cancelled.state, "cancelled")
          assert.deepStrictEqual(gateway.cancels, [`pb_ch_${detail.payment.publicId}`])
          const [attempt] = yield* store.gatewayAttempts.listByPayment(detail.payment.id)
          assert.strictEqual(attempt?.state, "cancelled")
          assert.strictEqual(gateway.approvedCharges().length, 0)
          assert.strictEqual((yield* store.documents.get(invoice.id).pipe(Effect.orDie))?.outstanding, 1500n)
          assert.strictEqual(yield* balanceOf(customer.id), -1500n)
          // Nothing left for the reconciler.
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
        })
      )
    )

    it.effect("is refused while the gateway cannot cancel the charge (it never received it); its answer decides", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-request")
          const detail = yield* charge(customer.id, cards.id, "9.00")
          assert.strictEqual(detail.payment.state, "pending")
          const cancel = yield* Effect.flip(asAdmin(payments.cancelPayment({ paymentId: detail.payment.id })))
          assert.strictEqual(cancel._tag, "InvalidTransition")
          assert.include(cancel.message, "already at the payment gateway")
          assert.deepStrictEqual(gateway.cancels, [`pb_ch_${detail.payment.publicId}`])
          const unwind = yield* Effect.flip(
            asAdmin(collections.cancelCollection({ paymentId: detail.payment.id, reason: "customer asked" }))
          )
          assert.strictEqual(unwind._tag, "InvalidTransition")
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          gateway.setMode("approve")
          yield* reconcile()
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          assert.strictEqual(yield* balanceOf(customer.id), 900n)
        })
      )
    )

    it.effect("withdraws a charge not yet sent for good: neither the call nor the reconciler sends it", () => {
      const gateway = makeScriptedGateway()
      let holdSends = true
      const layer = ledgerOn({
        gateways: gateway.shape,
        // The attempt cannot be marked sent: the charge stays booked and unsent (a crash after the commit).
        faults: (operation) => holdSends && operation === "gatewayAttempts.update"
      })
      return Effect.provide(
        Effect.gen(function* () {
          yield* TestClock.setTime(testNow)
          const payments = yield* Payments
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const detail = yield* charge(customer.id, cards.id, "9.00")
          assert.strictEqual(detail.payment.state, "pending")
          holdSends = false
          const cancelled = yield* asAdmin(payments.cancelPayment({ paymentId: detail.payment.id }))
          assert.strictEqual(cancelled.state, "cancelled")
          const [attempt] = yield* store.gatewayAttempts.listByPayment(detail.payment.id)
          assert.strictEqual(attempt?.state, "abandoned")
          assert.strictEqual(attempt?.sentAt, null)
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          assert.strictEqual(yield* pendingCount, 0)
          assert.strictEqual(gateway.held.size, 0)
          assert.deepStrictEqual(gateway.requests, [])
          assert.strictEqual(yield* balanceOf(customer.id), 0n)
        }),
        Layer.fresh(layer)
      )
    })
  })

  describe("the reconciler's back-off, give-up and cluster lease", () => {
    it.effect(
      "backs off per attempt, gives an unanswered one up to needs-attention, which a late answer still settles",
      () =>
        withGateway((gateway) =>
          Effect.gen(function* () {
            const collections = yield* Collections
            const payments = yield* Payments
            const balances = yield* Balances
            const store = yield* LedgerStore
            const customer = yield* newCustomer()
            const cards = yield* newGateway
            gateway.setMode("lose-request")
            const detail = yield* charge(customer.id, cards.id, "6.00")
            const pass = () =>
              asAdmin(collections.reconcileGatewayAttempts({ minimumAgeMs: 0, maxTries: 5, backoffBaseMs: 1000 }))
            const attempt = () =>
              Effect.map(store.gatewayAttempts.listByPayment(detail.payment.id), (rows) => rows[0]).pipe(Effect.orDie)

            // Sent once by the command; the pass looks it up, re-sends it (no answer) and backs off 4 s.
            assert.deepStrictEqual(yield* pass(), {
              examined: 1,
              settled: 0,
              stillPending: 1,
              needsAttention: 0,
              leaseHeldElsewhere: false
            })
            const first = yield* attempt()
            assert.strictEqual(first?.tries, 3)
            assert.strictEqual(
              first?.nextTryAt?.getTime(),
              (yield* Effect.clockWith((c) => c.currentTimeMillis)) + 4000
            )
            // Not due yet: left alone.
            assert.strictEqual((yield* pass()).examined, 0)
            yield* TestClock.adjust("4 seconds")
            const gaveUp = yield* pass()
            assert.strictEqual(gaveUp.needsAttention, 1)
            assert.strictEqual((yield* attempt())?.state, "needs-attention")
            assert.include((yield* attempt())?.message ?? "", "no answer after 5 tries")
            // Sent by the command and re-sent twice, looked up twice: five tries.
            assert.strictEqual((yield* attempt())?.tries, 5)

            // Visible, with an event; no longer retried on its own; the payment cannot be cancelled.
            const listed = yield* asAdmin(collections.listGatewayAttempts({ state: "needs-attention" }))
            assert.deepStrictEqual(
              listed.map((row) => row.attemptKey),
              [`pb_ch_${detail.payment.publicId}`]
            )
            const events = yield* asAdmin(balances.listEvents({ types: ["gateway.attempt-needs-attention"] }))
            assert.strictEqual(events.items.length, 1)
            yield* TestClock.adjust("2 hours")
            assert.strictEqual((yield* pass()).examined, 0)
            assert.strictEqual((yield* attempt())?.tries, 5)
            const cancel = yield* Effect.flip(asAdmin(payments.cancelPayment({ paymentId: detail.payment.id })))
            assert.strictEqual(cancel._tag, "InvalidTransition")
            const forbidden = yield* Effect.flip(
              as(finance)(collections.listGatewayAttempts({ state: "needs-attention" }))
            )
            assert.strictEqual(forbidden._tag, "Forbidden")

            // The gateway's answer arrives after all (a webhook): it settles the attempt, once.
            const settled = yield* asAdmin(
              collections.recordGatewayNotice({
                gatewayCode: "cards",
                attemptKey: `pb_ch_${detail.payment.publicId}`,
                kind: "charge",
                amount: 600n,
                currency: "EUR",
                outcome: { status: "approved", gatewayReference: "GW-LATE-1" }
              })
            )
            assert.strictEqual(settled, "settled")
            assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
            assert.strictEqual(yield* balanceOf(customer.id), 600n)
          })
        )
    )

    it.effect("a pass is skipped while another process holds the reconciler's lease, and runs once it expires", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const store = yield* LedgerStore
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const detail = yield* charge(customer.id, cards.id, "4.00")
          gateway.setMode("approve")
          const at = new Date(yield* Effect.clockWith((c) => c.currentTimeMillis))
          const taken = yield* store.leases
            .acquire("gateway-reconciler", "another-process", at, new Date(at.getTime() + 60_000))
            .pipe(Effect.orDie)
          assert.isTrue(taken)
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: true
          })
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          assert.strictEqual(gateway.requests.length, 1)
          yield* TestClock.adjust("61 seconds")
          assert.strictEqual((yield* reconcile()).settled, 1)
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(gateway.approvedCharges().length, 1)
          // The pass gave the lease back: the other process takes it at once.
          const now2 = new Date(yield* Effect.clockWith((c) => c.currentTimeMillis))
          assert.isTrue(
            yield* store.leases
              .acquire("gateway-reconciler", "another-process", now2, new Date(now2.getTime() + 1000))
              .pipe(Effect.orDie)
          )
        })
      )
    )
  })

  describe("a gateway's notice (a webhook event) about an attempt", () => {
    it.effect("settles a pending attempt once; a notice of another gateway or amount changes nothing", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          gateway.setMode("lose-answer")
          const detail = yield* charge(customer.id, cards.id, "11.00")
          assert.strictEqual(detail.payment.state, "pending")
          const attemptKey = `pb_ch_${detail.payment.publicId}`
          const notice: GatewayNotice = {
            gatewayCode: "cards",
            attemptKey,
            kind: "charge",
            amount: 1100n,
            currency: "EUR",
            outcome: { status: "approved", gatewayReference: "GW-NOTICE-1" }
          }
          const notify = (input: GatewayNotice) => asAdmin(collections.recordGatewayNotice(input))
          assert.strictEqual(yield* notify({ ...notice, amount: 110_000n }), "mismatch")
          assert.strictEqual(yield* notify({ ...notice, gatewayCode: "other" }), "mismatch")
          assert.strictEqual(yield* notify({ ...notice, kind: "refund" }), "mismatch")
          assert.strictEqual(yield* notify({ ...notice, attemptKey: "pb_ch_unknown" }), "unknown-attempt")
          assert.strictEqual(yield* paymentState(detail.payment.id), "pending")
          assert.strictEqual(yield* balanceOf(customer.id), 0n)

          assert.strictEqual(yield* notify(notice), "settled")
          assert.strictEqual(yield* notify(notice), "already-settled")
          assert.strictEqual(
            yield* notify({
              ...notice,
              outcome: { status: "declined", gatewayReference: "GW-NOTICE-1", message: "x" }
            }),
            "already-settled"
          )
          assert.strictEqual(yield* paymentState(detail.payment.id), "posted")
          assert.strictEqual(yield* balanceOf(customer.id), 1100n)
          // The reconciler finds nothing left to do.
          assert.deepStrictEqual(yield* reconcile(), {
            examined: 0,
            settled: 0,
            stillPending: 0,
            needsAttention: 0,
            leaseHeldElsewhere: false
          })
          const forbidden = yield* Effect.flip(as(finance)(collections.recordGatewayNotice(notice)))
          assert.strictEqual(forbidden._tag, "Forbidden")
        })
      )
    )
  })

  describe("reversing through the gateway boundary", () => {
    it.effect("approved: the reversal is booked after the gateway answered; the amount is reserved meanwhile", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const paid = yield* charge(customer.id, cards.id, "100.00")
          gateway.setMode("lose-answer")
          const pending = yield* asAdmin(
            collections.reverseThroughGateway({ paymentId: paid.payment.id, amount: "60.00" })
          )
          assert.strictEqual(pending.state, "pending")
          assert.strictEqual(pending.reversalId, null)
          assert.strictEqual(yield* balanceOf(customer.id), 10000n)
          // 60 of 100 are spoken for until the gateway answers.
          const over = yield* Effect.flip(
            asAdmin(collections.reverseThroughGateway({ paymentId: paid.payment.id, amount: "50.00" }))
          )
          assert.strictEqual(over._tag, "Conflict")
          gateway.setMode("approve")
          yield* reconcile()
          assert.strictEqual(yield* balanceOf(customer.id), 4000n)
          const refunds = [...gateway.held.values()].filter((m) => m.kind === "refund")
          assert.deepStrictEqual(
            refunds.map((m) => m.amount),
            [6000n]
          )
        })
      )
    )

    it.effect("declined: nothing is booked and the answer carries the gateway's reason", () =>
      withGateway((gateway) =>
        Effect.gen(function* () {
          const collections = yield* Collections
          const customer = yield* newCustomer()
          const cards = yield* newGateway
          const paid = yield* charge(customer.id, cards.id, "20.00")
          gateway.setMode("decline")
          const refused = yield* Effect.flip(
            asAdmin(collections.reverseThroughGateway({ paymentId: paid.payment.id, amount: "5.00" }))
          )
          assert.strictEqual(refused._tag, "ValidationFailed")
          assert.include(refused.message, "do not honour")
          assert.strictEqual(yield* balanceOf(customer.id), 2000n)
        })
      )
    )
  })

  describe("managing gateways", () => {
    it.effect(
      "rename and disable: one gateway.updated event per change, none for no change; a disabled gateway charges nothing",
      () =>
        withGateway((gateway) =>
          Effect.gen(function* () {
            const parties = yield* Parties
            const balances = yield* Balances
            const customer = yield* newCustomer()
            const cards = yield* newGateway
            const renamed = yield* asAdmin(parties.updateGateway({ id: cards.id, name: "Cards EU" }))
            assert.strictEqual(renamed.name, "Cards EU")
            yield* asAdmin(parties.updateGateway({ id: cards.id, name: "Cards EU" }))
            const disabled = yield* asAdmin(parties.updateGateway({ id: cards.id, enabled: false }))
            assert.strictEqual(disabled.enabled, false)
            const events = yield* asAdmin(balances.listEvents({ types: ["gateway.updated"] }))
            assert.deepStrictEqual(
              events.items.map((event) => event.data),
              [
                { code: "cards", name: "Cards EU" },
                { code: "cards", enabled: false }
              ]
            )
            const refused = yield* Effect.flip(charge(customer.id, cards.id, "5.00"))
            assert.strictEqual(refused._tag, "ValidationFailed")
            assert.strictEqual(gateway.requests.length, 0)
            const forbidden = yield* Effect.flip(as(finance)(parties.updateGateway({ id: cards.id, enabled: true })))
            assert.strictEqual(forbidden._tag, "Forbidden")
          })
        )
    )
  })
}
