/**
 * Recording and reading LogiSense payments over the real Ledger (in-memory store): every validation
 * error at once with LogiSense codes, exact amounts and the owner-currency `baseAmount` (and one in
 * the billing entity's other currency), a create answered as a read shows it and replayed, reversal
 * rows with negative identities, exact JSON amounts in exponent notation, paging through the
 * `Pagination` header, and every search operator with ordering, `top`, paging and projection.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import type { DialectTestbed, TestResponse } from "@paybridge/adapter-kit/testing"
import { DialectRecords, Parties, PaymentId, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  type ErrorBody,
  type LogisenseSeed,
  logisenseClient,
  newTestbed,
  type Row,
  seed,
  v6
} from "./logisense.fixtures.ts"

describe("LogiSense over the ledger", () => {
  let testbed: DialectTestbed
  let world: LogisenseSeed
  const { send, created, record, invoice, balance } = logisenseClient(() => ({ testbed, world }))

  beforeEach(async () => {
    testbed = await newTestbed()
    world = await seed(testbed)
  })
  afterEach(() => testbed.dispose())

  describe("records and reads", () => {
    it("lists every validation error at once with LogiSense codes", async () => {
      const response = await send("POST", `${v6}/`, {
        accountId: 999999,
        amount: new JsonDecimal("10.00"),
        paymentTypeId: 4242,
        invoiceId: 777,
        isManual: false
      })
      expect(response.status).toBe(400)
      const body = response.json as ErrorBody
      expect(body.type).toBe("create")
      expect(body.trackingId).toMatch(/^[0-9a-f-]{36}$/u)
      expect(body.errors).toEqual([
        { code: 13100000, message: "'AccountId' (999999) does not exist in 'Account'" },
        { code: 13100000, message: "'PaymentTypeId' (4242) does not exist in 'PaymentType'" },
        { code: 11900000, message: expect.stringContaining("'IsManual' must be true") },
        { code: 13100000, message: "'InvoiceId' (777) does not exist in 'Invoice'" },
        { code: 2000, message: "Errors found. Transaction has been rolled back." }
      ])
      const schema = await send("POST", `${v6}/`, { accountId: "x", amount: "y" })
      expect(schema.status).toBe(400)
      expect((schema.json as ErrorBody).errors.length).toBe(3)
      expect(await testbed.countPayments()).toBe(0)
    })

    it("records an exact amount and shows baseAmount in the owner currency", async () => {
      const row = await record("999999999999.99", { detail: "Big", checkNumber: "CHK-1" })
      const read = await send("GET", `${v6}/${row.identity}`)
      expect(read.text).toContain('"amount":999999999999.99,')
      expect(read.text).toContain('"baseAmount":999999999999.99,')
      expect((read.json as { instance: Row }).instance).toMatchObject({
        accountName: "Ada Account",
        detail: "Big",
        checkNumber: "CHK-1",
        isManual: true,
        disbursed: false,
        createdByUserName: "Lou Logisense"
      })
      const mismatch = await send("POST", `${v6}/`, {
        accountId: world.accountId,
        amount: new JsonDecimal("5.00"),
        baseAmount: new JsonDecimal("6.00")
      })
      expect(mismatch.status).toBe(400)
      expect((mismatch.json as ErrorBody).errors[0]?.message).toContain("'BaseAmount' must equal 'Amount'")
      const float = await send("POST", `${v6}/`, { accountId: world.accountId, amount: new JsonDecimal("0.001") })
      expect(float.status).toBe(400)
    })

    it("keeps a baseAmount in the billing entity's other currency, answers it as a read shows it, and refuses one that currency cannot hold", async () => {
      const account = await testbed.runAsSystem(
        Effect.gen(function* () {
          const parties = yield* Parties
          const owner = yield* parties.createBillingEntity({
            name: "US Owner",
            flow: "invoice",
            defaultCurrency: "USD"
          })
          yield* (yield* DialectRecords).saveDialectRecord({
            dialect: "logisense",
            kind: "card-type",
            key: "7",
            data: { name: "Visa" }
          })
          return yield* parties.createCustomer({ name: "Euro Account", currency: "EUR", billingEntityId: owner.id })
        })
      )
      const payments = await testbed.countPayments()
      const body = { accountId: account.id, amount: new JsonDecimal("12.34"), cardTypeId: 7, billRunHistoryId: 9 }
      const refused = await send("POST", `${v6}/`, { ...body, baseAmount: new JsonDecimal("13.575") })
      expect(refused.status).toBe(400)
      expect((refused.json as ErrorBody).errors[0]?.message).toContain("(USD)")
      expect(await testbed.countPayments()).toBe(payments)
      const first = await send("POST", `${v6}/`, { ...body, baseAmount: new JsonDecimal("13.57") })
      const row = created(first)
      expect(first.text).toContain('"amount":12.34,')
      expect(first.text).toContain('"baseAmount":13.57,')
      expect(row).toMatchObject({
        accountName: "Euro Account",
        cardTypeId: 7,
        cardTypeName: "Visa",
        billRunHistoryId: 9,
        billRunHistoryName: null
      })
      const read = await send("GET", `${v6}/${row.identity}`)
      expect((read.json as { instance: Row }).instance).toEqual(row)
    })

    it("answers a create with the row a read shows, replays it, and leaves nothing behind when the account refuses one", async () => {
      const body = {
        accountId: world.accountId,
        amount: new JsonDecimal("12.34"),
        detail: "Answer",
        checkNumber: "C-9",
        posting: "2026-11-02T10:00:00.000Z",
        cardTypeId: 7
      }
      const key = { "idempotency-key": "create-answer-1" }
      const first = await send("POST", `${v6}/`, body, key)
      const row = created(first)
      expect(row).toMatchObject({ accountName: "Ada Account", cardTypeId: 7, createdByUserName: "Lou Logisense" })
      const read = await send("GET", `${v6}/${row.identity}`)
      expect((read.json as { instance: Row }).instance).toEqual(row)
      const replay = await send("POST", `${v6}/`, body, key)
      expect(replay.text).toBe(first.text)
      expect(await testbed.countPayments()).toBe(1)
      const before = await balance()
      const refusals = [
        [{ baseAmount: new JsonDecimal("6.00") }, "'BaseAmount' must equal 'Amount'"],
        [{ amount: new JsonDecimal("0.001") }, "USD amounts have at most 2 decimal places"],
        [{ accountId: 999999 }, "'AccountId' (999999) does not exist in 'Account'"]
      ] as const
      for (const [change, message] of refusals) {
        const response = await send("POST", `${v6}/`, { accountId: world.accountId, amount: body.amount, ...change })
        expect(response.status, response.text).toBe(400)
        const errors = (response.json as ErrorBody).errors
        expect(errors[0]?.message).toContain(message)
        expect(errors).toHaveLength(2)
        expect(errors[1]).toEqual({ code: 2000, message: "Errors found. Transaction has been rolled back." })
      }
      expect(await testbed.countPayments()).toBe(1)
      expect(await balance()).toBe(before)
    })

    it("reads a reversal row by its negative identity and answers 404 for unknown ones", async () => {
      const doc = await invoice("100.00")
      const payment = await record("100.00", { invoiceId: doc.id })
      const reversal = created(
        await send("POST", `${v6}/Reverse`, { paymentId: payment.identity, amount: new JsonDecimal("10.00") })
      )
      expect(reversal.identity).toBeLessThan(0)
      const read = await send("GET", `${v6}/${reversal.identity}`)
      expect(read.status).toBe(200)
      expect((read.json as { instance: Row }).instance).toMatchObject({
        identity: reversal.identity,
        amount: 10,
        reversePaymentId: payment.identity
      })
      const missing = await send("GET", `${v6}/987654`)
      expect(missing.status).toBe(404)
      expect(missing.json).toMatchObject({ type: "get", errors: [{ code: 10400000 }] })
      expect((await send("GET", `${v6}/-987654`)).status).toBe(404)
    })

    it("lists reversal rows after their payment", async () => {
      const doc = await invoice("100.00")
      const first = await record("100.00", { invoiceId: doc.id })
      const second = await record("20.00")
      await send("POST", `${v6}/Reverse`, { paymentId: first.identity, amount: new JsonDecimal("30.00") })
      const list = await send("GET", `${v6}/`)
      const items = (list.json as { totalCount: number; items: Array<Row> }).items
      expect(items.map((row) => [row.reversePaymentId ?? null, String(row.amount)])).toEqual([
        [null, "100"],
        [null, "20"],
        [first.identity, "30"]
      ])
      expect(items[1]?.identity).toBe(second.identity)
    })

    it("books a JSON amount in exponent notation exactly: 1.05e1 is 10.50, 1e-3 is refused like 0.001 (issue 12)", async () => {
      const row = await record("1.05e1")
      const read = await send("GET", `${v6}/${row.identity}`)
      expect(read.text).toContain('"amount":10.5,')
      const detail = await testbed.runAsSystem(
        Payments.use((payments) => payments.getPayment({ id: PaymentId.make(row.identity) }))
      )
      expect(detail.payment.amount).toBe(1050n)
      expect(await balance()).toBe(1050n)
      await record("1.0E7", { baseAmount: new JsonDecimal("10000000.00") })
      expect(await balance()).toBe(1050n + 1_000_000_000n)
      const refusal = async (amount: string) => {
        const response = await send("POST", `${v6}/`, { accountId: world.accountId, amount: new JsonDecimal(amount) })
        expect(response.status).toBe(400)
        return (response.json as ErrorBody).errors
      }
      expect(await refusal("1e-3")).toEqual(await refusal("0.001"))
      expect(JSON.stringify(await refusal("1e-3"))).toContain("USD amounts have at most 2 decimal places")
      expect(JSON.stringify(await refusal("1e400"))).toContain("exponent is out of range")
      const found = await send("POST", `${v6}/Search`, {
        query: { search: [{ name: "amount", operator: "eq", value: new JsonDecimal("1050e-2") }] }
      })
      expect(found.status, found.text).toBe(200)
      expect((found.json as { items: Array<Row> }).items.map((item) => item.identity)).toEqual([row.identity])
    })
  })

  describe("paging and search", () => {
    const seedRows = async () => {
      for (const amount of ["1.00", "2.00", "3.00", "4.00", "5.00"]) await record(amount, { detail: `Pay ${amount}` })
    }

    it("pages through the Pagination header and can skip the total count", async () => {
      await seedRows()
      const page2 = await send("GET", `${v6}/Paged`, undefined, { Pagination: '{"pageNumber":2,"pageSize":2}' })
      expect(page2.json).toMatchObject({
        pagination: { pageNumber: 2, pageSize: 2, excludeTotalCount: false },
        pagedResults: { totalCount: 5 }
      })
      const amounts = (page2.json as { pagedResults: { items: Array<Row> } }).pagedResults.items.map((row) =>
        String(row.amount)
      )
      expect(amounts).toEqual(["3", "4"])
      const noCount = await send("GET", `${v6}/Paged`, undefined, {
        Pagination: '{"pageNumber":3,"pageSize":2,"excludeTotalCount":true}'
      })
      expect(noCount.json).toMatchObject({
        pagination: { pageNumber: 3, pageSize: 2, excludeTotalCount: true },
        pagedResults: { totalCount: null, items: [{ amount: 5 }] }
      })
    })

    it("refuses a malformed Pagination header", async () => {
      const bad = await send("GET", `${v6}/Paged`, undefined, { Pagination: "{pageNumber:1" })
      expect(bad.status).toBe(400)
      const zero = await send("GET", `${v6}/Paged`, undefined, { Pagination: '{"pageNumber":0}' })
      expect(zero.status).toBe(400)
      expect((zero.json as ErrorBody).errors[0]?.message).toContain("'Pagination'")
    })

    const search = (query: Record<string, unknown>) => send("POST", `${v6}/Search`, { query })
    const amountsOf = (response: TestResponse) =>
      (response.json as { items: Array<Row> }).items.map((row) => String(row.amount))

    it("search compiles every operator and refuses unknown fields", async () => {
      await seedRows()
      const term = (name: string, operator: string, value: unknown) => search({ search: [{ name, operator, value }] })
      expect(amountsOf(await term("amount", "eq", new JsonDecimal("3.00")))).toEqual(["3"])
      expect(amountsOf(await term("amount", "notEq", 3))).toEqual(["1", "2", "4", "5"])
      expect(amountsOf(await term("amount", "lt", 3))).toEqual(["1", "2"])
      expect(amountsOf(await term("amount", "ltEq", 3))).toEqual(["1", "2", "3"])
      expect(amountsOf(await term("amount", "gt", new JsonDecimal("3.5")))).toEqual(["4", "5"])
      expect(amountsOf(await term("amount", "gtEq", 4))).toEqual(["4", "5"])
      expect(amountsOf(await term("detail", "contains", "ay 2"))).toEqual(["2"])
      expect(amountsOf(await term("detail", "startsWith", "PAY 5"))).toEqual(["5"])
      expect(amountsOf(await term("detail", "endsWith", ".00"))).toHaveLength(5)
      expect(amountsOf(await term("accountId", "eq", world.accountId))).toHaveLength(5)
      expect(amountsOf(await term("accountId", "eq", world.accountId + 1))).toEqual([])
      expect(amountsOf(await term("isManual", "eq", true))).toHaveLength(5)
      expect(amountsOf(await term("date", "ltEq", "2999-01-01T00:00:00.000Z"))).toHaveLength(5)
      const bad = await search({
        search: [
          { name: "amount; DROP TABLE payments", operator: "eq", value: 1 },
          { name: "isManual", operator: "gt", value: true },
          { name: "amount", operator: "eq", value: "lots" }
        ],
        orderBy: [{ name: "nope", direction: "asc" }],
        fields: ["identity", "bogus"]
      })
      expect(bad.status).toBe(400)
      expect((bad.json as ErrorBody).errors.map((error) => error.code)).toEqual([
        11900000, 11900000, 11900000, 11900000, 11900000, 2000
      ])
      expect((bad.json as ErrorBody).errors[0]?.message).toContain("is not a field of 'Payment'")
    })

    it("search orders, limits with top, pages and projects fields", async () => {
      await seedRows()
      const ordered = await search({ orderBy: [{ name: "amount", direction: "desc" }], top: 3 })
      expect(amountsOf(ordered)).toEqual(["5", "4", "3"])
      expect((ordered.json as { totalCount: number }).totalCount).toBe(5)
      const paged = await search({
        orderBy: [{ name: "amount", direction: "desc" }],
        pagination: { pageNumber: 2, pageSize: 2 },
        fields: ["identity", "amount"]
      })
      const items = (paged.json as { items: Array<Record<string, unknown>> }).items
      expect(items.map((row) => Object.keys(row))).toEqual([
        ["identity", "amount"],
        ["identity", "amount"]
      ])
      expect(items.map((row) => String(row.amount))).toEqual(["3", "2"])
    })
  })
})
