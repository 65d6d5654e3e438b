/**
 * Customers, billing entities, gateways and presets through the Ledger: defaults, numbering,
 * duplicates, references to missing records, updates with their events, and the retry of a
 * command whose guarded update met a concurrent modification.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Balances,
  BillingEntityId,
  Conflict,
  Documents,
  GatewayId,
  LedgerStore,
  ledgerLayer,
  NotFound,
  Parties,
  PaymentGateways,
  Payments,
  ValidationFailed
} from "@paybridge/core"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { storesContext } from "../../src/index.ts"
import { TestLedgerStore } from "../../src/testing/index.ts"
import { asAdmin, balanceChain, newCustomer, testNow, withLedger } from "./ledger-fixtures.ts"

describe("customers", () => {
  it.effect("numbers customers from a sequence unless given a number, and refuses duplicates", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const first = yield* newCustomer("First")
        const named = yield* asAdmin(parties.createCustomer({ name: "Named", currency: "GBP", number: "ACC-9" }))
        const second = yield* newCustomer("Second")
        assert.deepStrictEqual([first.number, named.number, second.number], ["1", "ACC-9", "2"])
        assert.deepStrictEqual([first.balance, first.creditLimit, first.version], [0n, null, 1])
        assert.match(first.publicId, /^[0-9A-F]{32}$/)
        const taken = yield* Effect.flip(
          asAdmin(parties.createCustomer({ name: "Again", currency: "EUR", number: "ACC-9" }))
        )
        assert.instanceOf(taken, Conflict)
        assert.strictEqual(taken.reason, "duplicate")
        const noEntity = yield* Effect.flip(
          asAdmin(parties.createCustomer({ name: "Orphan", currency: "EUR", billingEntityId: BillingEntityId.make(5) }))
        )
        assert.instanceOf(noEntity, NotFound)
        assert.strictEqual(noEntity.entity, "billing-entity")
      })
    )
  )

  it.effect("updates name, contact, credit limit and custom fields, logging which fields changed", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const balances = yield* Balances
        const documentsService = yield* Documents
        const provider = yield* asAdmin(parties.createBillingEntity({ name: "Provider Ltd", flow: "proforma" }))
        const customer = yield* newCustomer()
        yield* TestClock.adjust("1 minute")
        const updated = yield* asAdmin(
          parties.updateCustomer({
            customerId: customer.id,
            email: "billing@acme.test",
            creditLimit: "250.00",
            billingEntityId: provider.id,
            customFields: { udf_segment: "smb" }
          })
        )
        assert.deepStrictEqual(
          [updated.name, updated.email, updated.creditLimit, updated.billingEntityId, updated.customFields],
          ["Acme Ltd", "billing@acme.test", 25000n, provider.id, { udf_segment: "smb" }]
        )
        assert.strictEqual(updated.version, customer.version + 1)
        assert.strictEqual(updated.updatedAt.getTime(), testNow + 60_000)
        const events = yield* asAdmin(balances.listEvents({ types: ["customer.updated"] }))
        assert.deepStrictEqual(events.items[0]?.data.fields, [
          "email",
          "creditLimit",
          "billingEntityId",
          "customFields"
        ])

        // Payments and documents inherit the customer's billing entity.
        const invoice = yield* asAdmin(
          documentsService.issueDocument({ kind: "invoice", customerId: customer.id, total: "1" })
        )
        assert.strictEqual(invoice.billingEntityId, provider.id)
        const search = yield* asAdmin(parties.listCustomers({ search: "acme" }))
        assert.deepStrictEqual(
          search.items.map((row) => row.id),
          [customer.id]
        )
      })
    )
  )
})

describe("configuration", () => {
  it.effect("billing entities, gateways and presets have defaults, unique codes and lookups", () =>
    withLedger(
      Effect.gen(function* () {
        const parties = yield* Parties
        const balances = yield* Balances
        const entity = yield* asAdmin(parties.createBillingEntity({ name: "Provider Ltd" }))
        assert.deepStrictEqual([entity.flow, entity.defaultCurrency, entity.email], ["invoice", "EUR", null])
        assert.deepStrictEqual(yield* asAdmin(parties.getBillingEntity(entity.id)), entity)
        assert.strictEqual((yield* asAdmin(parties.listBillingEntities({}))).items.length, 1)

        const gateway = yield* asAdmin(parties.createGateway({ code: "adyen", name: "Adyen" }))
        assert.deepStrictEqual([gateway.driver, gateway.enabled], ["test", true])
        assert.deepStrictEqual(yield* asAdmin(parties.getGateway(gateway.id)), gateway)
        const duplicateGateway = yield* Effect.flip(asAdmin(parties.createGateway({ code: "adyen", name: "Again" })))
        assert.instanceOf(duplicateGateway, Conflict)
        assert.instanceOf(yield* Effect.flip(asAdmin(parties.getGateway(GatewayId.make(99)))), NotFound)

        const typeWithGateway = yield* Effect.flip(
          asAdmin(parties.createPreset({ kind: "type", code: "t", name: "T", gatewayId: gateway.id }))
        )
        assert.instanceOf(typeWithGateway, ValidationFailed)
        assert.deepStrictEqual(typeWithGateway.issues[0]?.path, ["gatewayId"])
        const method = yield* asAdmin(parties.createPreset({ kind: "method", code: "card", name: "Card" }))
        // The same code may name a method and a type.
        yield* asAdmin(parties.createPreset({ kind: "type", code: "card", name: "Card payment" }))
        const duplicatePreset = yield* Effect.flip(
          asAdmin(parties.createPreset({ kind: "method", code: "card", name: "X" }))
        )
        assert.instanceOf(duplicatePreset, Conflict)

        const linked = yield* asAdmin(
          parties.updatePreset({ presetId: method.id, gatewayId: gateway.id, name: "Card (Adyen)" })
        )
        assert.deepStrictEqual([linked.gatewayId, linked.name, linked.available], [gateway.id, "Card (Adyen)", true])
        const methods = yield* asAdmin(parties.listPresets("method", {}))
        assert.deepStrictEqual(
          methods.items.map((preset) => preset.code),
          ["card"]
        )
        const events = yield* asAdmin(balances.listEvents({ types: ["preset.updated"] }))
        assert.deepStrictEqual(events.items[0]?.data.fields, ["name", "gatewayId"])
      })
    )
  )
})

describe("concurrent modification", () => {
  /**
   * The test store, except that the first `failures` guarded customer updates report a conflict (a
   * balance movement's: `balance.move` — a create's `balance.moveWithEvents` — makes it with the entry's insert).
   */
  const conflictingStore = (failures: number) =>
    Layer.effectContext(
      Effect.map(TestLedgerStore.make(), (stores) => {
        const store = stores.ledger
        let left = failures
        const ledger = LedgerStore.of({
          ...store,
          balance: {
            ...store.balance,
            move: (row, customerVersion) => {
              if (left > 0) {
                left -= 1
                return Effect.fail(new Conflict({ reason: "concurrent-modification", message: "moved" }))
              }
              return store.balance.move(row, customerVersion)
            },
            // A create's movement, made with its events.
            moveWithEvents: (row, customerVersion, events) => {
              if (left > 0) {
                left -= 1
                return Effect.fail(new Conflict({ reason: "concurrent-modification", message: "moved" }))
              }
              return store.balance.moveWithEvents(row, customerVersion, events)
            }
          }
        })
        return storesContext({ ...stores, ledger })
      })
    )
  const ledgerOn = (failures: number) =>
    ledgerLayer.pipe(Layer.provideMerge(Layer.merge(conflictingStore(failures), PaymentGateways.layerTest)))

  it.effect("books a payment for a billing entity proven by the insert, and refuses an unknown one as NotFound", () =>
    withLedger(
      Effect.gen(function* () {
        const payments = yield* Payments
        const parties = yield* Parties
        const customer = yield* newCustomer()
        const entity = yield* asAdmin(
          parties.createBillingEntity({ name: "Other", flow: "invoice", defaultCurrency: "EUR" })
        )
        const booked = yield* asAdmin(
          payments.createPayment({ customerId: customer.id, amount: "5.00", billingEntityId: entity.id })
        )
        assert.strictEqual(booked.payment.billingEntityId, entity.id)
        const unknown = yield* Effect.flip(
          asAdmin(
            payments.createPayment({
              customerId: customer.id,
              amount: "6.00",
              billingEntityId: BillingEntityId.make(9999)
            })
          )
        )
        assert.instanceOf(unknown, NotFound)
        assert.deepStrictEqual([unknown.entity, unknown.id], ["billing-entity", "9999"])
        const listed = yield* asAdmin(payments.listPayments({ customerId: customer.id }))
        assert.deepStrictEqual(
          listed.items.map((payment) => payment.amount),
          [500n]
        )
      })
    )
  )

  it.effect("retries a command once after a concurrent modification, without doubling its effects", () =>
    Effect.gen(function* () {
      const payments = yield* Payments
      const customer = yield* newCustomer()
      const detail = yield* asAdmin(payments.createPayment({ customerId: customer.id, amount: "10.00" }))
      assert.strictEqual(detail.payment.referenceNumber, "1")
      assert.strictEqual(detail.payment.balanceAfterPosting, 1000n)
      assert.strictEqual((yield* balanceChain(customer.id)).length, 1)
      assert.strictEqual((yield* asAdmin(payments.listPayments({}))).items.length, 1)
    }).pipe(Effect.provide(ledgerOn(1)))
  )

  it.effect("reports the conflict when the retry meets one too", () =>
    Effect.gen(function* () {
      const payments = yield* Payments
      const customer = yield* newCustomer()
      const error = yield* Effect.flip(asAdmin(payments.createPayment({ customerId: customer.id, amount: "10.00" })))
      assert.instanceOf(error, Conflict)
      assert.strictEqual(error.reason, "concurrent-modification")
      assert.strictEqual((yield* asAdmin(payments.listPayments({}))).items.length, 0)
      assert.strictEqual((yield* balanceChain(customer.id)).length, 0)
    }).pipe(Effect.provide(ledgerOn(2)))
  )
})
