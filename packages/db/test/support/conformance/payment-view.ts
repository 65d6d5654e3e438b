/**
 * Store conformance, part of `../ledger-store-conformance.ts`. The read model of a get by id
 * (`payments.view`, issue 14): the payment found by ledger id, public id or a vendor dialect's id
 * (the payment migrated under it first; a ledger id of a payment migrated from that vendor names
 * nothing — issue 16.2), with its children and, from the same read, the dialect records named by
 * key, by a key derived from the payment or its customer, or attached to the payment, the
 * customer and the payment's events (or only its first and last event's actors) — each equal to
 * what the per-table reads give.
 */
import { type DialectRecord, LedgerStore, PaymentId } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import { at, newCustomer, newEvent, newPayment, unique } from "../store-fixtures.ts"

export const describePaymentView = (db: DatabaseHarness): void => {
  const run = db.run

  describe("payment view (one read per get by id)", () => {
    it("finds a payment by ledger id, public id or vendor id and brings the records, customer and events asked for", async () => {
      const dialect = unique("dialect").slice(0, 40)
      const result = await run(
        Effect.gen(function* () {
          const s = yield* LedgerStore
          const customer = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const native = yield* s.payments.insert(newPayment(customer.id))
          const migrated = yield* s.payments.insert(
            newPayment(customer.id, { externalRef: { system: dialect, id: String(native.id) } })
          )
          const migratedElsewhere = yield* s.payments.insert(
            newPayment(other.id, { externalRef: { system: dialect, id: "V-77" } })
          )
          const record = (kind: string, key: string, owner: Partial<Pick<DialectRecord, "paymentId" | "customerId">>) =>
            s.dialectRecords.insert({
              dialect,
              kind,
              key,
              customerId: owner.customerId ?? null,
              paymentId: owner.paymentId ?? null,
              data: { kind, key, amount: "12.34" },
              createdAt: at("2026-05-01T00:00:00.000Z"),
              updatedAt: at("2026-05-01T00:00:00.000Z")
            })
          const settings = yield* record("settings", "status-presets", {})
          const display = yield* record("display", String(migrated.id), { paymentId: migrated.id })
          const attributes = yield* record("attributes", migrated.publicId, {})
          const owner = yield* record("owner", customer.publicId, { customerId: customer.id })
          const attached = yield* record("deleted", "anything", { paymentId: migrated.id })
          yield* record("deleted", "of-another", { paymentId: native.id })
          const created = yield* s.events.append(
            newEvent({ type: "payment.created", customerId: customer.id, paymentId: migrated.id })
          )
          const reversed = yield* s.events.append(
            newEvent({ type: "payment.reversed", customerId: customer.id, paymentId: migrated.id })
          )
          const include = {
            records: [
              { dialect, kind: "settings", key: "status-presets" },
              { dialect, kind: "settings", key: "absent" }
            ],
            keyedRecords: [
              { dialect, kind: "display", key: "payment-id" },
              { dialect, kind: "attributes", key: "payment-public-id" },
              { dialect, kind: "owner", key: "customer-public-id" }
            ],
            paymentRecordKinds: [{ dialect, kind: "deleted" }],
            customer: true,
            events: ["payment.created"]
          } as const
          const vendor = (id: string, nativeId: PaymentId | null) =>
            s.payments.view({ vendorId: { system: dialect, id, nativeId } }, include)
          return {
            native,
            migrated,
            migratedElsewhere,
            customer,
            records: [settings, display, attributes, owner, attached],
            created,
            reversed,
            plainById: yield* s.payments.view({ id: native.id }, {}),
            children: yield* s.payments.children(native.id),
            byPublicId: yield* s.payments.view({ publicId: migrated.publicId }, include),
            // The vendor id equal to the native payment's ledger id names the payment migrated under it.
            byVendorId: yield* vendor(String(native.id), native.id),
            byVendorIdAllEvents: yield* s.payments.view(
              { vendorId: { system: dialect, id: String(native.id), nativeId: native.id } },
              { events: true }
            ),
            // Only the first and last event's actors, as columns of the payment's row.
            withActors: yield* s.payments.view(
              { publicId: migrated.publicId },
              { ...include, firstAndLastActors: true }
            ),
            actorsOfNone: yield* s.payments.view({ id: native.id }, { firstAndLastActors: true }),
            migratedOnly: yield* vendor("V-77", null),
            // A ledger id no vendor id matches: the ledger's own payment, unless it came from this vendor.
            nativeFallback: yield* vendor("not-a-vendor-id", native.id),
            migratedByLedgerId: yield* vendor(String(migrated.id + 1_000_000), migrated.id),
            unknown: yield* vendor("nothing", PaymentId.make(987_654)),
            unknownById: yield* s.payments.view({ id: PaymentId.make(987_654) }, include)
          }
        })
      )
      expect(result.plainById).toEqual({
        payment: result.native,
        children: result.children,
        records: [],
        customer: null,
        events: []
      })
      const [settings, display, attributes, owner, attached] = result.records
      const expected = {
        payment: result.migrated,
        children: { allocations: [], reversals: [], collections: [], refunds: [] },
        records: [settings, display, attributes, owner, attached],
        customer: result.customer,
        events: [result.created]
      }
      expect(result.byPublicId).toEqual(expected)
      expect(result.byVendorId).toEqual(expected)
      expect(result.byVendorIdAllEvents?.events).toEqual([result.created, result.reversed])
      expect(result.byVendorIdAllEvents?.records).toEqual([])
      const actor = (event: typeof result.created) => ({ actorId: event.actorId, actorName: event.actorName })
      expect(result.withActors).toEqual({
        ...expected,
        actors: { first: actor(result.created), last: actor(result.reversed) }
      })
      expect(result.actorsOfNone?.actors).toEqual({ first: null, last: null })
      expect(result.actorsOfNone?.events).toEqual([])
      expect(result.migratedOnly?.payment).toEqual(result.migratedElsewhere)
      expect(result.migratedOnly?.records.map((record) => record.kind)).toEqual(["settings"])
      expect(result.nativeFallback?.payment).toEqual(result.native)
      expect(result.nativeFallback?.records.map((record) => record.key)).toEqual([
        "status-presets",
        result.customer.publicId,
        "of-another"
      ])
      expect(result.migratedByLedgerId).toBeNull()
      expect(result.unknown).toBeNull()
      expect(result.unknownById).toBeNull()
    })
  })
}
