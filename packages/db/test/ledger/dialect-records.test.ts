/**
 * Dialect records through the Ledger: a dialect saves, reads, lists and deletes its vendor-only
 * objects; they obey roles and customer scope like every other record, a merging save keeps the
 * fields it does not name, an idempotent retry of a save replays instead of writing twice, and a
 * create of a payment writes the dialect's record of it (keyed by its ledger id) in its own transaction
 * (all or nothing) and can name its customer as a vendor knows it.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  Balances,
  BusinessDate,
  type CustomerId,
  DialectRecords,
  Forbidden,
  NotFound,
  Parties,
  Payments,
  type Principal,
  UserId,
  ValidationFailed,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import { as, asAdmin, asFinance, auditor, finance, newCustomer, withLedger } from "./ledger-fixtures.ts"

const mandate = (key: string, customerId: CustomerId) => ({
  dialect: "elevate",
  kind: "site-payment-mandate",
  key,
  customerId,
  data: { reference: `MD-${key}`, status: "ACTIVE" }
})

const scopedTo = (customerIds: ReadonlyArray<CustomerId>): Principal => ({
  id: UserId.make(21),
  kind: "api-key",
  name: "Scoped",
  role: "finance",
  customerScope: customerIds
})

describe("dialect records", () => {
  it.effect("are saved by key, replaced on a second save, listed per customer and deleted", () =>
    withLedger(
      Effect.gen(function* () {
        const dialectRecords = yield* DialectRecords
        const alpha = yield* newCustomer()
        const beta = yield* newCustomer()
        const first = yield* asFinance(dialectRecords.saveDialectRecord(mandate("1", alpha.id)))
        yield* asFinance(dialectRecords.saveDialectRecord(mandate("2", alpha.id)))
        yield* asFinance(dialectRecords.saveDialectRecord(mandate("3", beta.id)))
        const replaced = yield* asFinance(
          dialectRecords.saveDialectRecord({ ...mandate("1", alpha.id), data: { status: "CANCELLED" } })
        )
        assert.strictEqual(replaced.id, first.id)
        assert.deepStrictEqual(
          (yield* asFinance(
            dialectRecords.getDialectRecord({ dialect: "elevate", kind: "site-payment-mandate", key: "1" })
          )).data,
          { status: "CANCELLED" }
        )
        const alphaPage = yield* asFinance(
          dialectRecords.listDialectRecords({ dialect: "elevate", kind: "site-payment-mandate", customerId: alpha.id })
        )
        assert.deepStrictEqual(
          alphaPage.items.map((record) => record.key),
          ["1", "2"]
        )
        yield* asFinance(
          dialectRecords.deleteDialectRecord({ dialect: "elevate", kind: "site-payment-mandate", key: "2" })
        )
        const gone = yield* Effect.flip(
          asAdmin(dialectRecords.getDialectRecord({ dialect: "elevate", kind: "site-payment-mandate", key: "2" }))
        )
        assert.instanceOf(gone, NotFound)
      })
    )
  )

  it.effect("keep list columns a save states, clear them on a replacing save without, keep them on a merge", () =>
    withLedger(
      Effect.gen(function* () {
        const dialectRecords = yield* DialectRecords
        const alpha = yield* newCustomer()
        const key = { dialect: "silver", kind: "payment-attributes", key: "9" }
        const get = asFinance(dialectRecords.getDialectRecord(key))
        const columns = { date: BusinessDate.make("2026-03-01"), flag: false, proformaId: null, invoiceId: null }
        const saved = yield* asFinance(
          dialectRecords.saveDialectRecord({ ...key, customerId: alpha.id, data: { a: 1 }, listColumns: columns })
        )
        assert.deepStrictEqual(saved.listColumns, columns)
        assert.deepStrictEqual((yield* get).listColumns, columns)
        yield* asFinance(
          dialectRecords.saveDialectRecord({ ...key, customerId: alpha.id, data: { b: 2 }, merge: true })
        )
        assert.deepStrictEqual((yield* get).listColumns, columns)
        assert.deepStrictEqual((yield* get).data, { a: 1, b: 2 })
        yield* asFinance(dialectRecords.saveDialectRecord({ ...key, customerId: alpha.id, data: { c: 3 } }))
        assert.strictEqual((yield* get).listColumns, undefined)
        const plain = yield* asFinance(dialectRecords.saveDialectRecord(mandate("9", alpha.id)))
        assert.isFalse("listColumns" in plain)
      })
    )
  )

  it.effect("obey roles and customer scope", () =>
    withLedger(
      Effect.gen(function* () {
        const dialectRecords = yield* DialectRecords
        const alpha = yield* newCustomer()
        const beta = yield* newCustomer()
        yield* asFinance(dialectRecords.saveDialectRecord(mandate("1", alpha.id)))
        yield* asFinance(dialectRecords.saveDialectRecord(mandate("2", beta.id)))
        assert.instanceOf(
          yield* Effect.flip(as(auditor)(dialectRecords.saveDialectRecord(mandate("3", alpha.id)))),
          Forbidden
        )
        const scoped = as(scopedTo([alpha.id]))
        const visible = yield* scoped(
          dialectRecords.listDialectRecords({ dialect: "elevate", kind: "site-payment-mandate" })
        )
        assert.deepStrictEqual(
          visible.items.map((record) => record.key),
          ["1"]
        )
        const hidden = yield* Effect.flip(
          scoped(dialectRecords.getDialectRecord({ dialect: "elevate", kind: "site-payment-mandate", key: "2" }))
        )
        assert.instanceOf(hidden, Forbidden)
        assert.instanceOf(
          yield* Effect.flip(scoped(dialectRecords.saveDialectRecord(mandate("4", beta.id)))),
          Forbidden
        )
      })
    )
  )

  it.effect("a merging save changes only the fields it names, and concurrent merges all land", () =>
    withLedger(
      Effect.gen(function* () {
        const dialectRecords = yield* DialectRecords
        const customer = yield* newCustomer()
        yield* asFinance(dialectRecords.saveDialectRecord(mandate("1", customer.id)))
        const merged = yield* asFinance(
          dialectRecords.saveDialectRecord({ ...mandate("1", customer.id), data: { status: "CANCELLED" }, merge: true })
        )
        assert.deepStrictEqual(merged.data, { reference: "MD-1", status: "CANCELLED" })
        const fields = ["a", "b", "c", "d", "e", "f"]
        yield* Effect.forEach(
          fields,
          (field) =>
            asFinance(
              dialectRecords.saveDialectRecord({ ...mandate("1", customer.id), data: { [field]: 1 }, merge: true })
            ),
          { concurrency: "unbounded" }
        )
        const stored = yield* asFinance(
          dialectRecords.getDialectRecord({ dialect: "elevate", kind: "site-payment-mandate", key: "1" })
        )
        assert.deepStrictEqual(stored.data, {
          reference: "MD-1",
          status: "CANCELLED",
          ...Object.fromEntries(fields.map((field) => [field, 1]))
        })
        const created = yield* asFinance(
          dialectRecords.saveDialectRecord({ ...mandate("9", customer.id), data: { status: "NEW" }, merge: true })
        )
        assert.deepStrictEqual(created.data, { status: "NEW" })
      })
    )
  )

  it.effect("an idempotent retry of a save replays the first result", () =>
    withLedger(
      Effect.gen(function* () {
        const dialectRecords = yield* DialectRecords
        const customer = yield* newCustomer()
        const withKey = as(finance, { idempotencyKey: "save-1" })
        const first = yield* withKey(dialectRecords.saveDialectRecord(mandate("1", customer.id)))
        const retry = yield* withKey(dialectRecords.saveDialectRecord(mandate("1", customer.id)))
        assert.deepStrictEqual(retry, first)
        assert.strictEqual(retry.updatedAt.getTime(), first.updatedAt.getTime())
      })
    )
  )

  it.effect(
    "a save naming an event appends it with the record in one transaction; a replay or a refusal appends none",
    () =>
      withLedger(
        Effect.gen(function* () {
          const dialectRecords = yield* DialectRecords
          const balances = yield* Balances
          const presetEvents = Effect.map(
            asAdmin(
              balances.listEvents({
                types: ["dialect-preset.created", "dialect-preset.renamed", "dialect-preset.retired"],
                limit: 100
              })
            ),
            (page) => page.items
          )
          const category = (name: string, type: "dialect-preset.created" | "dialect-preset.renamed") => ({
            dialect: "crm-com",
            kind: "category",
            key: "0123456789ABCDEF0123456789ABCDEF",
            data: { name },
            merge: true,
            event: { type, data: { name } }
          })
          const withKey = as(finance, { idempotencyKey: "preset-1" })
          const saved = yield* withKey(
            dialectRecords.saveDialectRecord(category("Invoice Payments", "dialect-preset.created"))
          )
          yield* withKey(dialectRecords.saveDialectRecord(category("Invoice Payments", "dialect-preset.created")))
          const refused = yield* Effect.flip(
            as(auditor)(dialectRecords.saveDialectRecord(category("Receipts", "dialect-preset.renamed")))
          )
          assert.instanceOf(refused, Forbidden)
          yield* asFinance(dialectRecords.saveDialectRecord(category("Receipts", "dialect-preset.renamed")))
          const events = yield* presetEvents
          assert.deepStrictEqual(
            events.map((event) => [event.type, event.entity, event.entityId, event.actorName, event.data]),
            [
              [
                "dialect-preset.created",
                "dialect-record",
                saved.id,
                finance.name,
                { name: "Invoice Payments", dialect: "crm-com", kind: "category", key: saved.key }
              ],
              [
                "dialect-preset.renamed",
                "dialect-record",
                saved.id,
                finance.name,
                { name: "Receipts", dialect: "crm-com", kind: "category", key: saved.key }
              ]
            ]
          )
        })
      )
  )

  it.effect("are written by a payment's create keyed by its ledger id (with it or not at all)", () =>
    withLedger(
      Effect.gen(function* () {
        const dialectRecords = yield* DialectRecords
        const payments = yield* Payments
        const customer = yield* newCustomer()
        const display = { dialect: "billing-platform-uk", kind: "payment-display" }
        const made = yield* asFinance(
          payments.createPayment(
            { customerId: customer.id, amount: "12.00" },
            { record: { ...display, data: { invoiceID: "INV-1", invoiceIDReversed: null } } }
          )
        )
        const kept = yield* asFinance(dialectRecords.getDialectRecord({ ...display, key: String(made.payment.id) }))
        assert.deepStrictEqual(
          { customerId: kept.customerId, paymentId: kept.paymentId, data: kept.data },
          { customerId: customer.id, paymentId: made.payment.id, data: { invoiceID: "INV-1", invoiceIDReversed: null } }
        )
        // A refused create keeps no record.
        const before = yield* asFinance(dialectRecords.listDialectRecords({ ...display, customerId: customer.id }))
        const refused = yield* Effect.flip(
          asFinance(
            payments.createPayment(
              { customerId: customer.id, amount: "-1.00" },
              { record: { ...display, data: { invoiceID: "INV-2" } } }
            )
          )
        )
        assert.instanceOf(refused, ValidationFailed)
        const after = yield* asFinance(dialectRecords.listDialectRecords({ ...display, customerId: customer.id }))
        assert.deepStrictEqual(after.items, before.items)
      })
    )
  )

  it.effect(
    "are checked with a create's customer lock before anything is written, and may be keyed by its public id",
    () =>
      withLedger(
        Effect.gen(function* () {
          const dialectRecords = yield* DialectRecords
          const payments = yield* Payments
          const customer = yield* newCustomer()
          const unit = { dialect: "crm-com", kind: "unit", key: "U1" }
          yield* asAdmin(dialectRecords.saveDialectRecord({ ...unit, data: { name: "Head Office" } }))
          const attributes = { dialect: "crm-com", kind: "payment" }
          const seen: Array<unknown> = []
          const create = (refuse: boolean) =>
            asFinance(
              payments.createPayment(
                { customerId: customer.id, amount: "5.00" },
                {
                  lockWith: { records: [unit, { ...unit, key: "U2" }] },
                  beforeWrite: ({ account, records }) => {
                    seen.push({ account: account.id, records: records.map((record) => record.data) })
                    return refuse
                      ? Effect.fail(validationFailed(["unit"], "refused"))
                      : Effect.succeed({ ...attributes, keyedBy: "payment-public-id" as const, data: { unit: "U1" } })
                  }
                }
              )
            )
          const before = yield* asFinance(payments.listPayments({ customerId: customer.id }))
          const refused = yield* Effect.flip(create(true))
          assert.instanceOf(refused, ValidationFailed)
          const after = yield* asFinance(payments.listPayments({ customerId: customer.id }))
          assert.strictEqual(after.items.length, before.items.length)
          const made = yield* create(false)
          assert.deepStrictEqual(seen, [
            { account: customer.id, records: [{ name: "Head Office" }] },
            { account: customer.id, records: [{ name: "Head Office" }] }
          ])
          const kept = yield* asFinance(dialectRecords.getDialectRecord({ ...attributes, key: made.payment.publicId }))
          assert.deepStrictEqual([kept.paymentId, kept.data], [made.payment.id, { unit: "U1" }])
        })
      )
  )

  it.effect(
    "a create naming its customer as a vendor knows it is refused for a customer known there by another id",
    () =>
      withLedger(
        Effect.gen(function* () {
          const parties = yield* Parties
          const payments = yield* Payments
          const native = yield* newCustomer()
          const migrated = yield* asAdmin(
            parties.createCustomer({ name: "Migrated", currency: "EUR", externalRef: { system: "vendor", id: "V-7" } })
          )
          const create = (customerId: CustomerId, id: string) =>
            asFinance(payments.createPayment({ customerId, amount: "1.00", customerKnownAs: { system: "vendor", id } }))
          // A customer not migrated from the vendor, or migrated under that very id, is the one named.
          assert.strictEqual((yield* create(native.id, String(native.id))).payment.customerId, native.id)
          assert.strictEqual((yield* create(migrated.id, "V-7")).payment.customerId, migrated.id)
          const refused = yield* Effect.flip(create(migrated.id, String(migrated.id)))
          assert.instanceOf(refused, NotFound)
          assert.strictEqual(refused.entity, "customer")
          const listed = yield* asFinance(payments.listPayments({ customerId: migrated.id }))
          assert.strictEqual(listed.items.length, 1)
        })
      )
  )
})
