/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Keyset pagination of the other lists:
 * documents (oldest first, by id, unpaid), customers (ids, search, billing entity), refunds, events (and
 * customer-less events outside a customer scope), billing entities (also by id), gateways and presets, default
 * page size; dialect records of several kinds by key.
 */
import { type CustomerId, LedgerStore, newPublicId } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DatabaseHarness } from "../database-harness.ts"
import {
  at,
  newBillingEntity,
  newCustomer,
  newDocument,
  newEvent,
  newPayment,
  newRefund,
  unique
} from "../store-fixtures.ts"
import { allPages } from "./all-pages.ts"

const store = LedgerStore

export const describeOtherLists = (db: DatabaseHarness): void => {
  const run = db.run

  describe("keyset pagination of the other lists", () => {
    it("pages documents oldest first and by id, with kind, state and unpaid filters", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const documents = []
          for (let i = 0; i < 25; i++) {
            documents.push(
              yield* s.documents.insert(
                newDocument(i === 24 ? other.id : customer.id, {
                  kind: i % 3 === 0 ? "proforma" : "invoice",
                  state: i % 4 === 0 ? "paid" : i % 5 === 0 ? "cancelled" : "issued",
                  outstanding: i % 4 === 0 || i % 6 === 0 ? 0n : 100n,
                  issueDate: `2026-0${1 + ((i * 7) % 9)}-0${1 + (i % 3)}`
                })
              )
            )
          }
          const oldest = yield* Effect.promise(() =>
            allPages(
              (cursor) => run(s.documents.list({ cursor, limit: 3, order: "oldest", customerId: customer.id })),
              3
            )
          )
          const unpaid = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.documents.list({
                    cursor,
                    limit: 2,
                    order: "oldest",
                    customerIds: [customer.id],
                    unpaidOnly: true,
                    kinds: ["invoice"]
                  })
                ),
              2
            )
          )
          const byId = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.documents.list({
                    cursor,
                    limit: 5,
                    order: "id",
                    customerIds: [customer.id, other.id],
                    states: ["paid", "cancelled"]
                  })
                ),
              5
            )
          )
          // The documents a page of payment rows names, read at once (ids given in any order).
          const named = yield* s.documents.list({
            cursor: null,
            limit: 10,
            order: "id",
            ids: [documents[5], documents[1], documents[8]].flatMap((d) => (d === undefined ? [] : [d.id]))
          })
          return { customer, documents, oldest, unpaid, byId, named }
        })
      )
      const mine = result.documents.filter((d) => d.customerId === result.customer.id)
      const oldestFirst = (a: (typeof mine)[number], b: (typeof mine)[number]) =>
        a.issueDate === b.issueDate ? a.id - b.id : a.issueDate < b.issueDate ? -1 : 1
      expect(result.oldest.items.map((d) => d.id)).toEqual([...mine].sort(oldestFirst).map((d) => d.id))
      expect(result.unpaid.items.map((d) => d.id)).toEqual(
        mine
          .filter((d) => d.state === "issued" && d.outstanding > 0n && d.kind === "invoice")
          .sort(oldestFirst)
          .map((d) => d.id)
      )
      expect(result.byId.items.map((d) => d.id)).toEqual(
        result.documents.filter((d) => d.state === "paid" || d.state === "cancelled").map((d) => d.id)
      )
      expect(result.named.items).toEqual([result.documents[1], result.documents[5], result.documents[8]])
    })

    it("pages customers (ids, search, billing entity), refunds and events with their filters", async () => {
      const tag = unique("zq").toLowerCase()
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const entity = yield* s.billingEntities.insert(newBillingEntity())
          const customers = []
          for (let i = 0; i < 9; i++) {
            customers.push(
              yield* s.customers.insert(
                newCustomer({
                  name: i % 2 === 0 ? `Shop ${tag.toUpperCase()} ${i}` : `Other ${i}`,
                  email: i === 3 ? `${tag}_100%@example.com` : null,
                  billingEntityId: i % 3 === 0 ? entity.id : null
                })
              )
            )
          }
          const ids = customers.map((c) => c.id)
          const searched = yield* Effect.promise(() =>
            allPages((cursor) => run(s.customers.list({ cursor, limit: 2, search: tag, ids })), 2)
          )
          const percent = yield* s.customers.list({ cursor: null, limit: 10, search: `${tag}_100%`, ids })
          const wildcard = yield* s.customers.list({ cursor: null, limit: 10, search: "%", ids })
          const byEntity = yield* s.customers.list({ cursor: null, limit: 10, billingEntityId: entity.id })
          const byPublicId = yield* s.customers.list({ cursor: null, limit: 10, publicId: customers[4]?.publicId })
          const byNumber = yield* s.customers.list({ cursor: null, limit: 10, number: customers[5]?.number, ids })
          const payment = yield* s.payments.insert(newPayment(ids[0] ?? (0 as CustomerId)))
          const refunds = []
          for (let i = 0; i < 6; i++) {
            refunds.push(
              yield* s.refunds.insert(
                newRefund(payment.id, ids[i % 2] ?? (0 as CustomerId), {
                  state: i % 2 === 0 ? "settled" : "requested",
                  createdAt: at(`2026-05-0${1 + i}T00:00:00.000Z`),
                  ...(i === 1 ? { cancelledAt: at("2026-06-01T00:00:00.000Z") } : {})
                })
              )
            )
          }
          const refundPages = yield* Effect.promise(() =>
            allPages(
              (cursor) => run(s.refunds.list({ cursor, limit: 2, paymentId: payment.id, states: ["settled"] })),
              2
            )
          )
          const refundsSince = yield* s.refunds.list({
            cursor: null,
            limit: 50,
            paymentId: payment.id,
            createdSince: at("2026-05-04T00:00:00.000Z")
          })
          const refundsChanged = yield* s.refunds.list({
            cursor: null,
            limit: 50,
            paymentId: payment.id,
            changedSince: at("2026-05-05T00:00:00.000Z")
          })
          const refundsOfCustomer = yield* s.refunds.list({
            cursor: null,
            limit: 50,
            customerIds: [ids[1] ?? (0 as CustomerId)]
          })
          const events = []
          for (let i = 0; i < 8; i++) {
            events.push(
              yield* s.events.append(
                newEvent({
                  type: i % 2 === 0 ? "customer.updated" : "payment.posted",
                  customerId: ids[i % 3] ?? null,
                  paymentId: i % 2 === 0 ? null : payment.id,
                  occurredAt: at(`2026-08-0${1 + i}T00:00:00.000Z`),
                  data: { amount: String(10n ** 18n + BigInt(i)), nested: { ok: true } }
                })
              )
            )
          }
          const eventPages = yield* Effect.promise(() =>
            allPages(
              (cursor) =>
                run(
                  s.events.list({
                    cursor,
                    limit: 3,
                    customerIds: ids,
                    types: ["payment.posted", "customer.updated"],
                    since: at("2026-08-03T00:00:00.000Z")
                  })
                ),
              3
            )
          )
          const eventsOfPayment = yield* s.events.list({ cursor: null, limit: 50, paymentId: payment.id })
          const firstAndLast = yield* s.events.list({
            cursor: null,
            limit: 50,
            paymentIds: [payment.id],
            firstAndLastPerPayment: true
          })
          const eventsOfCustomer = yield* s.events.list({
            cursor: null,
            limit: 50,
            customerId: ids[0] ?? (0 as CustomerId)
          })
          return {
            customers,
            searched,
            percent,
            wildcard,
            byEntity,
            byPublicId,
            byNumber,
            refunds,
            refundPages,
            refundsSince,
            refundsChanged,
            refundsOfCustomer,
            events,
            eventPages,
            eventsOfPayment,
            firstAndLast,
            eventsOfCustomer,
            ids
          }
        })
      )
      expect(result.searched.items.map((c) => c.id)).toEqual(
        result.customers.filter((_, i) => i % 2 === 0 || i === 3).map((c) => c.id)
      )
      expect(result.percent.items.map((c) => c.id)).toEqual([result.customers[3]?.id])
      expect(result.wildcard.items.map((c) => c.id)).toEqual([result.customers[3]?.id])
      expect(result.byEntity.items.map((c) => c.id)).toEqual(
        result.customers.filter((_, i) => i % 3 === 0).map((c) => c.id)
      )
      // Exactly by a unique key.
      expect(result.byPublicId.items).toEqual([result.customers[4]])
      expect(result.byNumber.items).toEqual([result.customers[5]])
      expect(result.refundPages.items).toEqual(result.refunds.filter((r) => r.state === "settled"))
      // Made since an instant; made or moved since one (refund 1 was cancelled later).
      expect(result.refundsSince.items).toEqual(result.refunds.slice(3))
      expect(result.refundsChanged.items).toEqual([result.refunds[1], ...result.refunds.slice(4)])
      expect(result.refundsOfCustomer.items).toEqual(result.refunds.filter((r) => r.customerId === result.ids[1]))
      expect(result.eventPages.items).toEqual(
        result.events.filter((e) => e.occurredAt.getTime() >= Date.parse("2026-08-03T00:00:00.000Z"))
      )
      expect(result.eventPages.items[0]?.data).toEqual({ amount: "1000000000000000002", nested: { ok: true } })
      expect(result.eventsOfPayment.items).toEqual(result.events.filter((e) => e.paymentId !== null))
      // Of the payment's four events, only its first and last (a list shows who made and who last changed it).
      const ofPayment = result.events.filter((e) => e.paymentId !== null)
      expect(result.firstAndLast.items).toEqual([ofPayment[0], ofPayment.at(-1)])
      expect(result.eventsOfCustomer.items).toEqual(result.events.filter((e) => e.customerId === result.ids[0]))
    })

    it("leaves customer-less events out of a customer-scoped event list", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const a = yield* s.customers.insert(newCustomer())
          const b = yield* s.customers.insert(newCustomer())
          // A time no other case uses, so the unscoped list sees only these events.
          const since = at("2032-01-01T00:00:00.000Z")
          const ofA = yield* s.events.append(newEvent({ customerId: a.id, occurredAt: since }))
          const ofB = yield* s.events.append(
            newEvent({ type: "customer.created", entity: "customer", customerId: b.id, occurredAt: since })
          )
          const customerless = yield* s.events.append(
            newEvent({ type: "gateway.created", entity: "gateway", customerId: null, occurredAt: since })
          )
          const scoped = yield* s.events.list({ cursor: null, limit: 10, since, customerIds: [a.id, b.id] })
          const unscoped = yield* s.events.list({ cursor: null, limit: 10, since })
          const nobody = yield* s.events.list({ cursor: null, limit: 10, since, customerIds: [] })
          return { ofA, ofB, customerless, scoped, unscoped, nobody }
        })
      )
      expect(result.scoped.items).toEqual([result.ofA, result.ofB])
      expect(result.unscoped.items).toEqual([result.ofA, result.ofB, result.customerless])
      expect(result.nobody.items).toEqual([])
    })

    it("pages billing entities, gateways and presets of one kind, and defaults the page size to 50", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const before = (yield* s.billingEntities.list({ cursor: null, limit: 1000 })).items.length
          for (let i = 0; i < 55 - Math.min(before, 55); i++)
            yield* s.billingEntities.insert(newBillingEntity({ name: `BE ${i}` }))
          const defaultPage = yield* s.billingEntities.list({ cursor: null, limit: 0 })
          const all = yield* Effect.promise(() =>
            allPages((cursor) => run(s.billingEntities.list({ cursor, limit: 10 })), 10)
          )
          for (let i = 0; i < 3; i++) {
            yield* s.presets.insert({
              publicId: newPublicId(),
              kind: "type",
              code: unique("t"),
              name: `Type ${i}`,
              available: true,
              gatewayId: null,
              createdAt: at("2026-01-01T00:00:00.000Z")
            })
          }
          const types = yield* Effect.promise(() =>
            allPages((cursor) => run(s.presets.list("type", { cursor, limit: 2 })), 2)
          )
          const gateways = yield* s.gateways.list({ cursor: null, limit: 100 })
          return { defaultPage, all, types, gateways }
        })
      )
      expect(result.defaultPage.items.length).toBe(50)
      expect(result.defaultPage.nextCursor).not.toBeNull()
      expect(result.all.items.length).toBeGreaterThanOrEqual(55)
      expect(result.all.items.map((b) => b.id)).toEqual([...result.all.items.map((b) => b.id)].sort((a, b) => a - b))
      expect(result.types.items.every((preset) => preset.kind === "type")).toBe(true)
      expect(result.types.items.length).toBeGreaterThanOrEqual(3)
      expect(result.gateways.items.every((g) => g.driver === "test")).toBe(true)
    })

    it("inserts a payment's record in one statement only when the payment is the record's customer's and the key is free", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const owner = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const payment = yield* s.payments.insert(newPayment(owner.id))
          const row = (customerId: typeof owner.id, key: string) => ({
            dialect: "silver",
            kind: "payment-attributes",
            key,
            customerId,
            paymentId: payment.id,
            data: { visible: false, nested: { a: [1, "x"] } },
            listColumns: { date: "2026-02-03" as never, flag: false, proformaId: null, invoiceId: null },
            createdAt: at("2026-04-15T10:00:00.000Z"),
            updatedAt: at("2026-04-15T10:00:00.000Z")
          })
          const key = unique("own")
          const inserted = yield* s.dialectRecords.insertOfOwnPayment(row(owner.id, key))
          const again = yield* s.dialectRecords.insertOfOwnPayment(row(owner.id, key))
          const foreign = yield* s.dialectRecords.insertOfOwnPayment(row(other.id, unique("own")))
          const stored = inserted === null ? null : yield* s.dialectRecords.get(inserted.id)
          return { inserted, again, foreign, stored }
        })
      )
      expect(result.inserted).not.toBeNull()
      expect(result.stored).toEqual(result.inserted)
      expect(result.again).toBeNull()
      expect(result.foreign).toBeNull()
    })

    it("inserts many records in one statement, all or none: a taken key or another customer's payment writes nothing", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const owner = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const payment = yield* s.payments.insert(newPayment(owner.id))
          const row = (key: string, customerId: CustomerId | null, paymentId: typeof payment.id | null) => ({
            dialect: "silver",
            kind: "migrated",
            key,
            customerId,
            paymentId,
            data: { fingerprint: key, amount: "10.50", nested: { a: [1, "x"] } },
            createdAt: at("2026-04-15T10:00:00.000Z"),
            updatedAt: at("2026-04-15T10:00:00.000Z")
          })
          const keys = [unique("many"), unique("many"), unique("many")]
          const rows = [
            row(keys[0] as string, null, null),
            {
              ...row(keys[1] as string, owner.id, payment.id),
              listColumns: { date: "2026-02-03" as never, flag: true, proformaId: null, invoiceId: null }
            },
            row(keys[2] as string, owner.id, null)
          ]
          yield* s.transaction(s.dialectRecords.insertAll(rows))
          const stored = yield* s.dialectRecords.list({
            dialect: "silver",
            kind: "migrated",
            keys,
            cursor: null,
            limit: 10
          })
          const attempt = (more: ReadonlyArray<ReturnType<typeof row>>) =>
            Effect.flip(s.transaction(s.dialectRecords.insertAll(more)))
          const fresh = [unique("many"), unique("many")]
          const taken = yield* attempt([row(fresh[0] as string, null, null), row(keys[2] as string, owner.id, null)])
          const foreign = yield* attempt([
            row(fresh[0] as string, null, null),
            row(fresh[1] as string, other.id, payment.id)
          ])
          const afterFailures = yield* s.dialectRecords.list({
            dialect: "silver",
            kind: "migrated",
            keys: fresh,
            cursor: null,
            limit: 10
          })
          return { rows, stored, taken, foreign, afterFailures }
        })
      )
      // Each record as given (the one without list columns read back without them).
      expect(result.stored.items.map(({ id: _id, ...record }) => record)).toEqual(result.rows)
      expect(result.taken).toMatchObject({ _tag: "Conflict", reason: "duplicate" })
      expect(result.foreign).toMatchObject({ _tag: "Conflict", reason: "duplicate" })
      expect(result.afterFailures.items).toEqual([])
    })

    it("pages customers and billing entities by number: offset skipped in SQL, every match counted, empty past the end", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const tag = unique("offset")
          const made = []
          for (let i = 0; i < 5; i++) made.push(yield* s.customers.insert(newCustomer({ name: `${tag} ${i}` })))
          const ids = made.map((customer) => customer.id)
          const second = yield* s.customers.list({ cursor: null, ids, offset: 2, limit: 2, withTotal: true })
          const next = yield* s.customers.list({ cursor: second.nextCursor, ids, limit: 2, withTotal: true })
          const beyond = yield* s.customers.list({ cursor: null, ids, offset: 9, limit: 2, withTotal: true })
          const none = yield* s.customers.list({ cursor: null, ids: [], offset: 0, limit: 2, withTotal: true })
          const uncounted = yield* s.customers.list({ cursor: null, ids, offset: 3, limit: 1 })
          const entities = yield* s.billingEntities.list({ cursor: null, offset: 0, limit: 1, withTotal: true })
          const allEntities = (yield* s.billingEntities.list({ cursor: null, limit: 1000 })).items
          return { ids, second, next, beyond, none, uncounted, entities, allEntities }
        })
      )
      const { ids } = result
      expect(result.second.items.map((c) => c.id)).toEqual(ids.slice(2, 4))
      expect(result.second.total).toBe(5)
      expect(result.second.nextCursor).not.toBeNull()
      expect(result.next.items.map((c) => c.id)).toEqual(ids.slice(4))
      expect(result.next.nextCursor).toBeNull()
      expect(result.beyond).toEqual({ items: [], nextCursor: null, total: 5 })
      expect(result.none).toEqual({ items: [], nextCursor: null, total: 0 })
      expect(result.uncounted.items.map((c) => c.id)).toEqual([ids[3]])
      expect(result.uncounted.total).toBeUndefined()
      expect(result.uncounted.nextCursor).not.toBeNull()
      expect(result.entities.items).toEqual(result.allEntities.slice(0, 1))
      expect(result.entities.total).toBe(result.allEntities.length)
    })

    it("lists billing entities by id, and dialect records of several kinds by key, in one read each", async () => {
      const result = await run(
        Effect.gen(function* () {
          const s = yield* store
          const entities = [
            yield* s.billingEntities.insert(newBillingEntity({ name: "Owner A" })),
            yield* s.billingEntities.insert(newBillingEntity({ name: "Owner B" })),
            yield* s.billingEntities.insert(newBillingEntity({ name: "Owner C" }))
          ]
          const [a, , c] = entities
          const owners = yield* s.billingEntities.list({
            ids: [c, a].flatMap((entity) => (entity === undefined ? [] : [entity.id])),
            cursor: null,
            limit: 10
          })
          const key = unique("ref")
          const record = (kind: string, name: string) =>
            s.dialectRecords.insert({
              dialect: "logisense",
              kind,
              key,
              customerId: null,
              paymentId: null,
              data: { name },
              createdAt: at("2026-01-01T00:00:00.000Z"),
              updatedAt: at("2026-01-01T00:00:00.000Z")
            })
          const card = yield* record("card-type", "Visa")
          yield* record("portal-user", "not asked for")
          const run2 = yield* record("bill-run-history", "Run")
          const named = yield* s.dialectRecords.list({
            dialect: "logisense",
            kind: "card-type",
            kinds: ["card-type", "bill-run-history"],
            keys: [key],
            cursor: null,
            limit: 10
          })
          return { a, c, owners, card, run2, named }
        })
      )
      expect(result.owners.items).toEqual([result.a, result.c])
      expect(result.named.items).toEqual([result.card, result.run2])
    })
  })
}
