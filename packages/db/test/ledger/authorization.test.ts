/**
 * Authorisation in the Ledger: roles (admin everything, finance no configuration, read-only only
 * gets and lists) and customer scopes (lists narrowed, other customers' records forbidden, for
 * reads and writes alike).
 */
import { assert, describe, it } from "@effect/vitest"
import {
  type AllocationId,
  Balances,
  type CustomerId,
  DialectRecords,
  Documents,
  Forbidden,
  type LedgerError,
  ledgerOperationAccess,
  Parties,
  Payments,
  type Principal,
  Refunds,
  UserId
} from "@paybridge/core"
import { Effect } from "effect"
import { as, asAdmin, auditor, finance, issueInvoice, newCustomer, newPayment, withLedger } from "./ledger-fixtures.ts"

const scopedTo = (customerIds: ReadonlyArray<CustomerId>, role: Principal["role"] = "finance"): Principal => ({
  id: UserId.make(20),
  kind: "api-key",
  name: "Portal key",
  role,
  customerScope: customerIds
})

describe("roles", () => {
  it.effect("read-only principals can get and list but not change anything", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const parties = yield* Parties
        const balances = yield* Balances
        const customer = yield* newCustomer()
        const { payment } = yield* newPayment(customer.id, "10.00")
        const readOnly = as(auditor)
        assert.strictEqual((yield* readOnly(payments.getPayment({ id: payment.id }))).payment.id, payment.id)
        assert.strictEqual((yield* readOnly(parties.listCustomers({}))).items.length, 1)
        assert.strictEqual((yield* readOnly(balances.listBalanceEntries(customer.id, {}))).items.length, 1)

        const writes: ReadonlyArray<Effect.Effect<unknown, LedgerError>> = [
          readOnly(payments.createPayment({ customerId: customer.id, amount: "1.00" })),
          readOnly(payments.reversePayment({ paymentId: payment.id })),
          readOnly(balances.adjustBalance({ customerId: customer.id, amount: "1", description: "x" })),
          readOnly(parties.createCustomer({ name: "New", currency: "EUR" }))
        ]
        for (const write of writes) {
          const error = yield* Effect.flip(write)
          assert.instanceOf(error, Forbidden)
        }
        assert.strictEqual((yield* readOnly(parties.getCustomer(customer.id))).balance, 1000n)
      })
    )
  )

  it.effect("finance writes the ledger but configuration is admin-only", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const parties = yield* Parties
        const customer = yield* newCustomer()
        const asFinance = as(finance)
        const detail = yield* asFinance(payments.createPayment({ customerId: customer.id, amount: "5.00" }))
        assert.strictEqual(detail.payment.createdBy, finance.id)
        const configuration: ReadonlyArray<Effect.Effect<unknown, LedgerError>> = [
          asFinance(parties.createGateway({ code: "gw", name: "Gateway" })),
          asFinance(parties.createPreset({ kind: "method", code: "cash", name: "Cash" })),
          asFinance(parties.createBillingEntity({ name: "Provider" }))
        ]
        for (const configure of configuration) {
          const error = yield* Effect.flip(configure)
          assert.instanceOf(error, Forbidden)
        }
        const preset = yield* asAdmin(parties.createPreset({ kind: "method", code: "cash", name: "Cash" }))
        const refused = yield* Effect.flip(asFinance(parties.updatePreset({ presetId: preset.id, available: false })))
        assert.instanceOf(refused, Forbidden)
        assert.strictEqual((yield* asFinance(parties.listPresets("method", {}))).items.length, 1)
      })
    )
  )

  it("classifies every Ledger operation", () => {
    const levels = Object.values(ledgerOperationAccess)
    assert.strictEqual(levels.length, 68)
    assert.deepStrictEqual(
      Object.entries(ledgerOperationAccess)
        .filter(([, access]) => access === "configure")
        .map(([operation]) => operation)
        .sort(),
      [
        "createBillingEntity",
        "createGateway",
        "createPreset",
        "listGatewayAttempts",
        "reconcileGatewayAttempts",
        "recordGatewayNotice",
        "reserveIds",
        "rotateGatewaySecret",
        "updateGateway",
        "updatePreset"
      ]
    )
  })
})

describe("customer scope", () => {
  it.effect("lists only the principal's customers and their records", () =>
    withLedger(
      Effect.gen(function* () {
        const refundsService = yield* Refunds
        const parties = yield* Parties
        const paymentsService = yield* Payments
        const documentsService = yield* Documents
        const balances = yield* Balances
        const mine = yield* newCustomer("Mine Ltd")
        const theirs = yield* newCustomer("Theirs Ltd")
        const minePayment = yield* newPayment(mine.id, "1.00")
        yield* newPayment(theirs.id, "2.00")
        yield* issueInvoice(mine.id, "3.00")
        yield* issueInvoice(theirs.id, "4.00")
        yield* asAdmin(refundsService.refundPayment({ paymentId: minePayment.payment.id }))
        const scoped = as(scopedTo([mine.id], "read-only"))

        assert.deepStrictEqual(
          (yield* scoped(parties.listCustomers({}))).items.map((customer) => customer.id),
          [mine.id]
        )
        const payments = yield* scoped(paymentsService.listPayments({}))
        assert.deepStrictEqual(
          payments.items.map((payment) => payment.customerId),
          [mine.id]
        )
        const details = yield* scoped(paymentsService.paymentDetails(payments.items))
        assert.deepStrictEqual(
          details.map((detail) => detail.payment.customerId),
          [mine.id]
        )
        const documents = yield* scoped(documentsService.listDocuments({}))
        assert.deepStrictEqual(
          documents.items.map((document) => document.customerId),
          [mine.id]
        )
        const refunds = yield* scoped(refundsService.listRefunds({}))
        assert.strictEqual(refunds.items.length, 1)
        const events = yield* scoped(balances.listEvents({}))
        assert.isTrue(events.items.length > 0)
        assert.isTrue(events.items.every((event) => event.customerId === mine.id))
      })
    )
  )

  it.effect("forbids reading or acting on another customer's records", () =>
    withLedger(
      Effect.gen(function* () {
        const documents = yield* Documents
        const parties = yield* Parties
        const payments = yield* Payments
        const balances = yield* Balances
        const mine = yield* newCustomer("Mine Ltd")
        const theirs = yield* newCustomer("Theirs Ltd")
        const theirPayment = yield* newPayment(theirs.id, "2.00")
        const theirInvoice = yield* issueInvoice(theirs.id, "4.00")
        const theirPaid = yield* asAdmin(
          documents.payDocument({ documentId: (yield* issueInvoice(theirs.id, "5.00")).id })
        )
        const theirAllocation = theirPaid.allocations[0]?.id ?? (0 as AllocationId)
        const scoped = as(scopedTo([mine.id]))

        const attempts: ReadonlyArray<Effect.Effect<unknown, LedgerError>> = [
          scoped(parties.getCustomer(theirs.id)),
          scoped(payments.getPayment({ id: theirPayment.payment.id })),
          scoped(payments.getPayment({ publicId: theirPayment.payment.publicId })),
          scoped(payments.viewPayment({ id: theirPayment.payment.id }, { customer: true, events: true })),
          scoped(
            payments.viewPayment({
              vendorId: { system: "logisense", id: String(theirPayment.payment.id), nativeId: theirPayment.payment.id }
            })
          ),
          scoped(documents.getDocument(theirInvoice.id)),
          scoped(documents.getAllocation(theirAllocation)),
          scoped(payments.listPayments({ customerId: theirs.id })),
          scoped(
            payments.paymentTotals({
              customerId: theirs.id,
              states: ["posted"],
              sinceLatestDocument: { kinds: ["invoice"] }
            })
          ),
          scoped(balances.listBalanceEntries(theirs.id, {})),
          scoped(balances.listEvents({ paymentId: theirPayment.payment.id })),
          scoped(payments.createPayment({ customerId: theirs.id, amount: "1.00" })),
          scoped(payments.reversePayment({ paymentId: theirPayment.payment.id })),
          scoped(documents.payDocument({ documentId: theirInvoice.id })),
          scoped(balances.adjustBalance({ customerId: theirs.id, amount: "1", description: "x" })),
          scoped(parties.createCustomer({ name: "Sneaky", currency: "EUR" }))
        ]
        for (const attempt of attempts) {
          const error = yield* Effect.flip(attempt)
          assert.instanceOf(error, Forbidden)
        }
        // Their own customer works as usual.
        const own = yield* scoped(payments.createPayment({ customerId: mine.id, amount: "1.00" }))
        assert.strictEqual(own.payment.customerId, mine.id)
        // A document of another customer cannot be pulled in through an allocation either.
        const viaAllocation = yield* Effect.flip(
          scoped(
            documents.allocatePayment({
              paymentId: own.payment.id,
              allocations: [{ documentId: theirInvoice.id, amount: "1" }]
            })
          )
        )
        assert.strictEqual(viaAllocation._tag, "ValidationFailed")
        assert.strictEqual((yield* asAdmin(parties.getCustomer(theirs.id))).balance, -200n)
      })
    )
  )
})

describe("a payment's customer named by number or public id (found by the command's lock)", () => {
  it.effect("creates it for a customer in scope, with its presets checked, and answers NotFound for one outside", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const parties = yield* Parties
        const dialectRecords = yield* DialectRecords
        const mine = yield* newCustomer("Mine")
        const theirs = yield* newCustomer("Theirs")
        const method = yield* asAdmin(parties.createPreset({ kind: "method", code: "cash", name: "Cash" }))
        const retired = yield* asAdmin(parties.createPreset({ kind: "type", code: "old", name: "Old" }))
        yield* asAdmin(parties.updatePreset({ presetId: retired.id, available: false }))
        const scoped = as(scopedTo([mine.id]))

        const byNumber = yield* scoped(
          payments.createPayment({ customer: { number: mine.number }, amount: "3.00", methodId: method.id })
        )
        assert.strictEqual(byNumber.payment.customerId, mine.id)
        assert.strictEqual(byNumber.payment.methodId, method.id)
        const withRecord = yield* scoped(
          payments.createPayment({
            customer: { number: mine.number },
            amount: "0.50",
            records: [{ dialect: "vendor", kind: "payment", data: { note: "card 4242424242424242", unit: "U1" } }]
          })
        )
        const record = yield* scoped(
          dialectRecords.getDialectRecord({ dialect: "vendor", kind: "payment", key: withRecord.payment.publicId })
        )
        assert.deepStrictEqual(
          { customerId: record.customerId, paymentId: record.paymentId, data: record.data },
          { customerId: mine.id, paymentId: withRecord.payment.id, data: { note: "card 424242******4242", unit: "U1" } }
        )
        const byPublicId = yield* scoped(
          payments.createPayment({ customer: { publicId: mine.publicId }, amount: "4.00" })
        )
        assert.strictEqual(byPublicId.payment.customerId, mine.id)
        assert.strictEqual((yield* asAdmin(parties.getCustomer(mine.id))).balance, 750n)

        const outside = yield* Effect.flip(
          scoped(payments.createPayment({ customer: { number: theirs.number }, amount: "1.00" }))
        )
        assert.strictEqual(outside._tag, "NotFound")
        const unknown = yield* Effect.flip(
          scoped(payments.createPayment({ customer: { number: "no-such-number" }, amount: "1.00" }))
        )
        assert.strictEqual(unknown._tag, "NotFound")
        const wrongKind = yield* Effect.flip(
          scoped(payments.createPayment({ customer: { number: mine.number }, amount: "1.00", typeId: method.id }))
        )
        assert.strictEqual(wrongKind._tag, "ValidationFailed")
        const unavailable = yield* Effect.flip(
          scoped(payments.createPayment({ customer: { number: mine.number }, amount: "1.00", typeId: retired.id }))
        )
        assert.strictEqual(unavailable._tag, "ValidationFailed")
        assert.strictEqual((yield* asAdmin(parties.getCustomer(theirs.id))).balance, 0n)
        assert.strictEqual((yield* asAdmin(parties.getCustomer(mine.id))).balance, 750n)
      })
    )
  )
})
