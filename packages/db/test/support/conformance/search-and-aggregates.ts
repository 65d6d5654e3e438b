/**
 * Store conformance, part of `../ledger-store-conformance.ts`. Payment filters by amount and origin, text
 * search that folds case the same way on every database (beyond ASCII), the overview aggregates and a
 * customer's payment totals.
 */
import { type CustomerId, LedgerStore, type New, newPublicId, type Payment, type PaymentQuery } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Database } from "../../../src/index.ts"
import { paymentSearchText } from "../../../src/store/search-text.ts"
import type { DatabaseHarness } from "../database-harness.ts"
import { at, newCustomer, newDocument, newPayment, newPreset, unique } from "../store-fixtures.ts"

const store = LedgerStore

const noReferences: Payment["references"] = {
  description: null,
  notes: null,
  reference: null,
  customerReference: null,
  checkNumber: null,
  thirdPartyReference: null
}

export const describeSearchAndAggregates = (db: DatabaseHarness): void => {
  const run = db.run

  describe("search and aggregates", () => {
    it("lists payments by amount range and origin, and finds text in any reference, case-insensitively (% literal)", async () => {
      await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const tag = unique("line").toUpperCase()
          const refs = (overrides: Partial<Payment["references"]>): Payment["references"] => ({
            description: null,
            notes: null,
            reference: null,
            customerReference: null,
            checkNumber: null,
            thirdPartyReference: null,
            ...overrides
          })
          const small = yield* s.payments.insert(
            newPayment(customer.id, { amount: 500n, references: refs({ reference: `Bank ${tag} 7` }) })
          )
          const middle = yield* s.payments.insert(
            newPayment(customer.id, {
              amount: 1500n,
              origin: "dialect:silver",
              references: refs({ checkNumber: `CHK-${tag}-100%` })
            })
          )
          const large = yield* s.payments.insert(newPayment(customer.id, { amount: 2500n, origin: "trpc" }))
          const found = (filters: Omit<PaymentQuery, "cursor" | "limit" | "order" | "customerId">) =>
            Effect.map(
              s.payments.list({ cursor: null, limit: 10, order: "id", customerId: customer.id, ...filters }),
              (page) => page.items.map((payment) => payment.id)
            )
          expect(yield* found({ amountMin: 1000n })).toEqual([middle.id, large.id])
          expect(yield* found({ amountMin: 500n, amountMax: 1500n })).toEqual([small.id, middle.id])
          expect(yield* found({ origin: "dialect:silver" })).toEqual([middle.id])
          expect(yield* found({ search: `bank ${tag.toLowerCase()}` })).toEqual([small.id])
          expect(yield* found({ search: `${tag.toLowerCase()}-100%` })).toEqual([middle.id])
          expect(yield* found({ search: large.referenceNumber.toLowerCase() })).toEqual([large.id])
          expect(yield* found({ search: "%" })).toEqual([middle.id])
          expect(yield* found({ search: "_" })).toEqual([])
          // An update rewrites what the search looks in.
          const updated = yield* s.payments.update({ ...large, references: refs({ description: `Moved ${tag}` }) }, 1)
          expect(yield* found({ search: `moved ${tag.toLowerCase()}` })).toEqual([updated.id])
        })
      )
    })

    it("folds case beyond ASCII the same way on every database: É, Ü, ß, final Σ, Turkish İ and ı", async () => {
      await run(
        Effect.gen(function* () {
          const s = yield* store
          const tag = unique("q").toLowerCase()
          const named = (name: string, email: string | null = null) =>
            s.customers.insert(newCustomer({ name: `${name} ${tag}`, email }))
          const ecole = yield* named("ÉCOLE Müller")
          const strasse = yield* named("Hauptstraße 5")
          const odos = yield* named("ΟΔΟΣ Αθηνάς")
          const istanbul = yield* named("İSTANBUL Ticaret")
          const diyarbakir = yield* named("diyarbakır", `ŞİRKET@${tag}.example`)
          const ids = [ecole.id, strasse.id, odos.id, istanbul.id, diyarbakir.id]
          const customers = (search: string) =>
            Effect.map(s.customers.list({ cursor: null, limit: 10, search, ids }), (page) =>
              page.items.map((customer) => customer.id)
            )
          expect(yield* customers("école müller")).toEqual([ecole.id])
          expect(yield* customers("ÉCOLE MÜLLER")).toEqual([ecole.id])
          // Decomposed accents (e + U+0301) find the composed form.
          expect(yield* customers("e\u0301cole")).toEqual([ecole.id])
          expect(yield* customers("HAUPTSTRASSE")).toEqual([strasse.id])
          expect(yield* customers("straße")).toEqual([strasse.id])
          expect(yield* customers("οδος")).toEqual([odos.id])
          expect(yield* customers("ΑΘΗΝΆΣ")).toEqual([odos.id])
          expect(yield* customers("istanbul")).toEqual([istanbul.id])
          expect(yield* customers("İstanbul")).toEqual([istanbul.id])
          expect(yield* customers("DIYARBAKIR")).toEqual([diyarbakir.id])
          expect(yield* customers("şirket@")).toEqual([diyarbakir.id])
          expect(yield* customers("ecole")).toEqual([])

          const payment = yield* s.payments.insert(
            newPayment(ecole.id, {
              gatewayReference: `Überweisung ${tag}`,
              references: {
                description: `Frais de scolarité ÉCOLE Müller ${tag}`,
                notes: null,
                reference: null,
                customerReference: `STRAẞE-${tag}`,
                checkNumber: null,
                thirdPartyReference: null
              }
            })
          )
          const payments = (search: string) =>
            Effect.map(
              s.payments.list({ cursor: null, limit: 10, order: "id", customerId: ecole.id, search }),
              (page) => page.items.map((row) => row.id)
            )
          expect(yield* payments("école müller")).toEqual([payment.id])
          expect(yield* payments(`ÜBERWEISUNG ${tag.toUpperCase()}`)).toEqual([payment.id])
          expect(yield* payments(`strasse-${tag}`)).toEqual([payment.id])
          expect(yield* payments("scolarite")).toEqual([])
        })
      )
    })

    it("inserts a payment under numbers drawn with it, its search text as an insert writes it (numbered or not, any references)", async () => {
      await run(
        Effect.gen(function* () {
          const s = yield* store
          const database = yield* Database
          const customer = yield* s.customers.insert(newCustomer())
          const tag = unique("n")
          const {
            referenceNumber: _r,
            number: _n,
            ...row
          } = newPayment(customer.id, {
            gatewayReference: `Überweisung ${tag}`,
            references: {
              description: `STRAẞE ${tag}`,
              notes: "not searched",
              reference: "",
              customerReference: null,
              checkNumber: `CHK-${tag}`,
              thirdPartyReference: null
            }
          })
          const bare = { ...row, publicId: newPublicId(), gatewayReference: null, references: noReferences }
          const empty = { ...bare, publicId: newPublicId(), references: { ...noReferences, checkNumber: "" } }
          const inserted = yield* s.transaction(
            Effect.gen(function* () {
              const before = yield* s.nextSequences(["payment-reference", "payment-number"])
              const numbered = yield* s.payments.insertNumbered(row, true)
              const unnumbered = yield* s.payments.insertNumbered(bare, false)
              const emptyField = yield* s.payments.insertNumbered(empty, true)
              return { before, numbered, unnumbered, emptyField }
            })
          )
          const [reference, number] = inserted.before.map((value) => Number(value))
          expect([inserted.numbered.referenceNumber, inserted.numbered.number]).toEqual([
            String((reference ?? 0) + 1),
            String((number ?? 0) + 1)
          ])
          expect([inserted.unnumbered.referenceNumber, inserted.unnumbered.number]).toEqual([
            String((reference ?? 0) + 2),
            null
          ])
          expect([inserted.emptyField.referenceNumber, inserted.emptyField.number]).toEqual([
            String((reference ?? 0) + 3),
            String((number ?? 0) + 2)
          ])
          for (const answer of [inserted.numbered, inserted.unnumbered, inserted.emptyField]) {
            const payment = answer.payment
            if (payment === null) throw new Error("insertNumbered wrote nothing")
            expect(payment.referenceNumber).toBe(answer.referenceNumber)
            expect(payment.number).toBe(answer.number)
            expect(yield* s.payments.get(payment.id)).toEqual(payment)
            const stored = (yield* Effect.promise(() =>
              database.orm.em.fork().execute("select search_text from payments where id = ?", [payment.id])
            )) as unknown as ReadonlyArray<{ search_text: string }>
            expect(stored[0]?.search_text).toBe(paymentSearchText(payment))
          }
          // A key taken (the public id): nothing written, the numbers drawn still answered.
          const taken = yield* s.transaction(s.payments.insertNumbered({ ...bare, publicId: row.publicId }, true))
          expect(taken.payment).toBeNull()
          expect(taken.referenceNumber).toBe(String((reference ?? 0) + 4))
          expect(taken.number).toBe(String((number ?? 0) + 3))
        })
      )
    })

    it("sums the overview: posted volume per day, currency and method, pending payments, active reversals, top debtors", async () => {
      await run(
        Effect.gen(function* () {
          const s = yield* store
          const owing = yield* s.customers.insert(newCustomer({ balance: -5000n }))
          const owingMore = yield* s.customers.insert(newCustomer({ balance: -9000n, currency: "USD" }))
          const inCredit = yield* s.customers.insert(newCustomer({ balance: 100n }))
          const method = (yield* s.presets.insert(newPreset("method"))).id
          // A window of dates no other case uses, so the unscoped sums see only these payments.
          const day1 = { paymentDate: "2031-03-01" }
          const pay = (customerId: CustomerId, overrides: Partial<New<Payment>>) =>
            s.payments.insert(newPayment(customerId, { state: "posted", ...overrides }))
          yield* pay(owing.id, { ...day1, amount: 1000n, methodId: method })
          yield* pay(owing.id, { ...day1, amount: 2000n, methodId: method })
          yield* pay(owing.id, { ...day1, amount: 50n, methodId: null })
          yield* pay(owingMore.id, { paymentDate: "2031-03-02", amount: 900719925474099300n, currency: "USD" })
          yield* pay(owing.id, { paymentDate: "2031-02-01", amount: 1n })
          yield* pay(owing.id, { ...day1, amount: 300n, state: "pending" })
          yield* pay(owing.id, { ...day1, amount: 400n, state: "draft" })
          const reversed = yield* pay(owing.id, { paymentDate: "2031-02-01" })
          const reversal = {
            paymentId: reversed.id,
            amount: 250n,
            effectiveDate: "2031-03-02",
            reversedAt: at("2031-03-02T10:00:00.000Z"),
            reason: null,
            reinstatedAt: null
          }
          yield* s.reversals.insert(reversal)
          yield* s.reversals.insert({ ...reversal, amount: 10n, reinstatedAt: at("2031-03-03T00:00:00.000Z") })
          const window = { from: "2031-03-01", to: "2031-03-31" }
          const overview = yield* s.payments.overview({ ...window, topDebtors: 10 })
          expect(overview.volumeByDay).toEqual([
            { date: "2031-03-01", currency: "EUR", methodId: null, count: 1, amount: 50n },
            { date: "2031-03-01", currency: "EUR", methodId: method, count: 2, amount: 3000n },
            { date: "2031-03-02", currency: "USD", methodId: null, count: 1, amount: 900719925474099300n }
          ])
          expect(overview.reversalsByDay).toEqual([{ date: "2031-03-02", currency: "EUR", count: 1, amount: 250n }])
          const mine = [owing.id, owingMore.id, inCredit.id]
          const scoped = yield* s.payments.overview({ ...window, topDebtors: 10, customerIds: mine })
          expect(scoped.volumeByDay).toEqual(overview.volumeByDay)
          expect(scoped.pendingCollection).toEqual([{ currency: "EUR", count: 1, amount: 300n }])
          expect(scoped.topDebtors.map((debtor) => [debtor.customerId, debtor.balance])).toEqual([
            [owingMore.id, -9000n],
            [owing.id, -5000n]
          ])
          const one = yield* s.payments.overview({ ...window, topDebtors: 1, customerIds: [owing.id] })
          expect(one.volumeByDay.map((row) => row.amount)).toEqual([50n, 3000n])
          expect(one.topDebtors.map((debtor) => debtor.customerId)).toEqual([owing.id])
          const nobody = yield* s.payments.overview({ ...window, topDebtors: 10, customerIds: [] })
          expect(nobody).toMatchObject({ volumeByDay: [], pendingCollection: [], reversalsByDay: [], topDebtors: [] })
        })
      )
    })

    it("sums a customer's payment totals in SQL: net of reversals, since the newest live invoice, the newest one's record", async () => {
      await run(
        Effect.gen(function* () {
          const s = yield* store
          const customer = yield* s.customers.insert(newCustomer())
          const other = yield* s.customers.insert(newCustomer())
          const kind = unique("totals")
          const query = {
            customerId: customer.id,
            states: ["posted" as const],
            sinceLatestDocument: { kinds: ["invoice" as const, "bill" as const] },
            latestRecord: { dialect: "totals-vendor", kind }
          }
          const none = yield* s.payments.totals(query)
          expect(none).toEqual({
            customer: yield* s.customers.get(customer.id),
            count: 0,
            net: 0n,
            netSinceLatestDocument: 0n,
            latestPaymentId: null,
            latestRecord: null
          })
          const unknown = yield* s.payments.totals({ ...query, customerId: (other.id + 1000) as CustomerId })
          expect(unknown).toMatchObject({ customer: null, count: 0, net: 0n })
          const pay = (amount: bigint, postedAt: string, overrides: Partial<New<Payment>> = {}) =>
            s.payments.insert(
              newPayment(customer.id, { state: "posted", amount, postedAt: at(postedAt), ...overrides })
            )
          yield* pay(1000n, "2026-03-01T08:00:00.000Z")
          yield* pay(4000n, "2026-03-05T08:00:00.000Z", { reversedAmount: 1500n })
          yield* pay(900719925474099300n, "2026-03-06T08:00:00.000Z", { reversedAmount: 900719925474099300n })
          yield* pay(700n, "2026-03-07T08:00:00.000Z", { state: "pending", postedAt: null })
          yield* s.payments.insert(newPayment(other.id, { state: "posted", amount: 99n }))
          // No document yet: every payment counts as "since".
          const noDocument = yield* s.payments.totals(query)
          expect(noDocument).toMatchObject({ count: 3, net: 3500n, netSinceLatestDocument: 3500n })
          // The newest live invoice (not the later cancelled one, nor a proforma) bounds "since" (at or after).
          yield* s.documents.insert(newDocument(customer.id, { createdAt: at("2026-03-01T08:00:00.000Z") }))
          yield* s.documents.insert(
            newDocument(customer.id, { kind: "bill", createdAt: at("2026-03-05T08:00:00.000Z") })
          )
          yield* s.documents.insert(
            newDocument(customer.id, { state: "cancelled", createdAt: at("2026-03-06T00:00:00.000Z") })
          )
          yield* s.documents.insert(
            newDocument(customer.id, { kind: "proforma", createdAt: at("2026-03-06T00:00:00.000Z") })
          )
          const latest = yield* pay(250n, "2026-03-08T08:00:00.000Z")
          yield* s.dialectRecords.insert({
            dialect: "totals-vendor",
            kind,
            key: String(latest.id),
            customerId: customer.id,
            paymentId: latest.id,
            data: { type: "BACS" },
            createdAt: at("2026-03-08T08:00:00.000Z"),
            updatedAt: at("2026-03-08T08:00:00.000Z")
          })
          expect(yield* s.payments.totals(query)).toEqual({
            customer: yield* s.customers.get(customer.id),
            count: 4,
            net: 3750n,
            netSinceLatestDocument: 2750n,
            latestPaymentId: latest.id,
            latestRecord: { type: "BACS" }
          })
          const { latestRecord: _, ...withoutRecord } = query
          expect((yield* s.payments.totals(withoutRecord)).latestRecord).toBeNull()
        })
      )
    })
  })
}
