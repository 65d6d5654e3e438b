/**
 * Authorisation in the Ledger: roles (admin everything, finance no configuration, read-only only
 * gets and lists) and customer scopes (lists narrowed, other customers' records forbidden, for
 * reads and writes alike).
 */
import { assert, describe, it } from "@effect/vitest"
import { Forbidden, Ledger, type LedgerError, ledgerOperationAccess, type Principal } from "@paybridge/core"
import { Effect } from "effect"
import { as, asAdmin, auditor, finance, issueInvoice, newCustomer, newPayment, withLedger } from "./ledger-fixtures.ts"

const scopedTo = (customerIds: ReadonlyArray<number>, role: Principal["role"] = "finance"): Principal => ({
  id: 20,
  kind: "api-key",
  name: "Portal key",
  role,
  customerScope: customerIds
})

describe("roles", () => {
  it.effect("read-only principals can get and list but not change anything", () =>
    withLedger(
      Effect.gen(function* () {
        const ledger = yield* Ledger
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "10.00")
        const readOnly = as(auditor)
        assert.strictEqual((yield* readOnly(ledger.getPayment({ id: payment.id }))).payment.id, payment.id)
        assert.strictEqual((yield* readOnly(ledger.listCustomers({}))).items.length, 1)
        assert.strictEqual((yield* readOnly(ledger.listBalanceEntries(customer.id, {}))).items.length, 1)

        const writes: ReadonlyArray<Effect.Effect<unknown, LedgerError>> = [
          readOnly(ledger.createPayment({ customerId: customer.id, amount: "1.00" })),
          readOnly(ledger.reversePayment({ paymentId: payment.id })),
          readOnly(ledger.adjustBalance({ customerId: customer.id, amount: "1", description: "x" })),
          readOnly(ledger.createCustomer({ name: "New", currency: "EUR" }))
        ]
        for (const write of writes) {
          const error = yield* Effect.flip(write)
          assert.instanceOf(error, Forbidden)
        }
        assert.strictEqual((yield* readOnly(ledger.getCustomer(customer.id))).balance, 1000n)
      })
    )
  )

  it.effect("finance writes the ledger but configuration is admin-only", () =>
    withLedger(
      Effect.gen(function* () {
        const ledger = yield* Ledger
        const customer = yield* newCustomer()
        const asFinance = as(finance)
        const detail = yield* asFinance(ledger.createPayment({ customerId: customer.id, amount: "5.00" }))
        assert.strictEqual(detail.payment.createdBy, finance.id)
        const configuration: ReadonlyArray<Effect.Effect<unknown, LedgerError>> = [
          asFinance(ledger.createGateway({ code: "gw", name: "Gateway" })),
          asFinance(ledger.createPreset({ kind: "method", code: "cash", name: "Cash" })),
          asFinance(ledger.createBillingEntity({ name: "Provider" }))
        ]
        for (const configure of configuration) {
          const error = yield* Effect.flip(configure)
          assert.instanceOf(error, Forbidden)
        }
        const preset = yield* asAdmin(ledger.createPreset({ kind: "method", code: "cash", name: "Cash" }))
        const refused = yield* Effect.flip(asFinance(ledger.updatePreset({ presetId: preset.id, available: false })))
        assert.instanceOf(refused, Forbidden)
        assert.strictEqual((yield* asFinance(ledger.listPresets("method", {}))).items.length, 1)
      })
    )
  )

  it("classifies every Ledger operation", () => {
    const levels = Object.values(ledgerOperationAccess)
    assert.strictEqual(levels.length, 51)
    assert.deepStrictEqual(
      Object.entries(ledgerOperationAccess)
        .filter(([, access]) => access === "configure")
        .map(([operation]) => operation)
        .sort(),
      ["createBillingEntity", "createGateway", "createPreset", "updatePreset"]
    )
  })
})

describe("customer scope", () => {
  it.effect("lists only the principal's customers and their records", () =>
    withLedger(
      Effect.gen(function* () {
        const ledger = yield* Ledger
        const mine = yield* newCustomer("Mine Ltd")
        const theirs = yield* newCustomer("Theirs Ltd")
        const minePayment = yield* newPayment(mine.id, "1.00")
        yield* newPayment(theirs.id, "2.00")
        yield* issueInvoice(mine.id, "3.00")
        yield* issueInvoice(theirs.id, "4.00")
        yield* asAdmin(ledger.refundPayment({ paymentId: minePayment.payment.id }))
        const scoped = as(scopedTo([mine.id], "read-only"))

        assert.deepStrictEqual(
          (yield* scoped(ledger.listCustomers({}))).items.map((customer) => customer.id),
          [mine.id]
        )
        const payments = yield* scoped(ledger.listPayments({}))
        assert.deepStrictEqual(
          payments.items.map((payment) => payment.customerId),
          [mine.id]
        )
        const documents = yield* scoped(ledger.listDocuments({}))
        assert.deepStrictEqual(
          documents.items.map((document) => document.customerId),
          [mine.id]
        )
        const refunds = yield* scoped(ledger.listRefunds({}))
        assert.strictEqual(refunds.items.length, 1)
        const events = yield* scoped(ledger.listEvents({}))
        assert.isTrue(events.items.length > 0)
        assert.isTrue(events.items.every((event) => event.customerId === mine.id))
      })
    )
  )

  it.effect("forbids reading or acting on another customer's records", () =>
    withLedger(
      Effect.gen(function* () {
        const ledger = yield* Ledger
        const mine = yield* newCustomer("Mine Ltd")
        const theirs = yield* newCustomer("Theirs Ltd")
        const theirPayment = yield* newPayment(theirs.id, "2.00")
        const theirInvoice = yield* issueInvoice(theirs.id, "4.00")
        const theirPaid = yield* asAdmin(
          ledger.payDocument({ documentId: (yield* issueInvoice(theirs.id, "5.00")).id })
        )
        const theirAllocation = theirPaid.allocations[0]?.id ?? 0
        const scoped = as(scopedTo([mine.id]))

        const attempts: ReadonlyArray<Effect.Effect<unknown, LedgerError>> = [
          scoped(ledger.getCustomer(theirs.id)),
          scoped(ledger.getPayment({ id: theirPayment.payment.id })),
          scoped(ledger.getDocument(theirInvoice.id)),
          scoped(ledger.getAllocation(theirAllocation)),
          scoped(ledger.listPayments({ customerId: theirs.id })),
          scoped(ledger.listBalanceEntries(theirs.id, {})),
          scoped(ledger.listEvents({ paymentId: theirPayment.payment.id })),
          scoped(ledger.createPayment({ customerId: theirs.id, amount: "1.00" })),
          scoped(ledger.reversePayment({ paymentId: theirPayment.payment.id })),
          scoped(ledger.payDocument({ documentId: theirInvoice.id })),
          scoped(ledger.adjustBalance({ customerId: theirs.id, amount: "1", description: "x" })),
          scoped(ledger.createCustomer({ name: "Sneaky", currency: "EUR" }))
        ]
        for (const attempt of attempts) {
          const error = yield* Effect.flip(attempt)
          assert.instanceOf(error, Forbidden)
        }
        // Their own customer works as usual.
        const own = yield* scoped(ledger.createPayment({ customerId: mine.id, amount: "1.00" }))
        assert.strictEqual(own.payment.customerId, mine.id)
        // A document of another customer cannot be pulled in through an allocation either.
        const viaAllocation = yield* Effect.flip(
          scoped(
            ledger.allocatePayment({
              paymentId: own.payment.id,
              allocations: [{ documentId: theirInvoice.id, amount: "1" }]
            })
          )
        )
        assert.strictEqual(viaAllocation._tag, "ValidationFailed")
        assert.strictEqual((yield* asAdmin(ledger.getCustomer(theirs.id))).balance, -200n)
      })
    )
  )
})
