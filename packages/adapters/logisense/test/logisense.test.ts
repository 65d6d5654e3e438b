/**
 * The LogiSense dialect over the real Ledger (in-memory store), as a LogiSense client would
 * notice it: form-encoded login, 30-minute tokens and rotating refresh tokens, every validation error at once with
 * LogiSense codes, exact amounts and the owner-currency `baseAmount`, paging through the
 * `Pagination` header, search operators, PATCH with mixed items (all or nothing), reversal rows
 * with negative identities and their limits, delete rules, and gateway charges and reversals.
 */
import { JsonDecimal, makeSessionStore } from "@paybridge/adapter-kit"
import { type DialectTestbed, makeDialectTestbed, type TestResponse } from "@paybridge/adapter-kit/testing"
import {
  Authenticator,
  DialectRecords,
  Documents,
  type GatewayId,
  Parties,
  PaymentId,
  Payments,
  testGatewayTokens
} from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { logisenseDialect } from "../src/index.ts"
import { authorize, type LogisenseSeed, loginAs, loginRequest, newTestbed, seed, v6 } from "./logisense.fixtures.ts"

type Row = Record<string, unknown> & { identity: number }
type Change = { trackingId: string; type: string; results: { totalCount: number; items: Array<Row> } }
type Token = { access_token: string; refresh_token: string; ".expires": string }
type ErrorBody = { trackingId: string; type: string; errors: Array<{ code: number; message: string }> }

describe("LogiSense over the ledger", () => {
  let testbed: DialectTestbed
  let world: LogisenseSeed
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    testbed.request(authorize({ method, path, headers, ...(body === undefined ? {} : { body }) }, world))
  const created = (response: TestResponse): Row => {
    expect(response.status, response.text).toBe(200)
    return (response.json as Change).results.items[0] as Row
  }
  const record = async (amount: string, extra: Record<string, unknown> = {}) =>
    created(await send("POST", `${v6}/`, { accountId: world.accountId, amount: new JsonDecimal(amount), ...extra }))
  const invoice = async (total: string) =>
    testbed.runAsSystem(
      Documents.use((documents) => documents.issueDocument({ kind: "invoice", customerId: world.accountId, total }))
    )
  const balance = async () =>
    (await testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(world.accountId)))).balance
  const gateway = async () =>
    testbed.runAsSystem(Parties.use((parties) => parties.createGateway({ code: "tgw", name: "Test gateway" })))

  beforeEach(async () => {
    testbed = await newTestbed()
    world = await seed(testbed)
  })
  afterEach(() => testbed.dispose())

  describe("authentication", () => {
    it("logs in with a user name and password, form-encoded, and uses the bearer token", async () => {
      const email = "form-user@paybridge.test"
      await testbed.createUser({
        email,
        name: "Form User",
        role: "read-only",
        customerScope: null,
        password: "pw-123456"
      })
      const response = await loginRequest(testbed, {
        username: email,
        password: "pw-123456",
        grant_type: "password",
        client_id: "crm"
      })
      expect(response.status).toBe(200)
      const token = response.json as Record<string, unknown>
      expect(token).toMatchObject({ token_type: "bearer", expires_in: 1800, audience: "crm", actingOwnerId: 1 })
      expect(Object.keys(token)).toEqual([
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "audience",
        ".issued",
        ".expires",
        "actingOwnerId"
      ])
      const list = await testbed.request({
        method: "GET",
        path: `${v6}/`,
        headers: { authorization: `Bearer ${token.access_token}` }
      })
      expect(list.status).toBe(200)
      expect(list.json).toMatchObject({ totalCount: 0, items: [] })
    })

    it("logs in with a client id and secret (an API key) and refuses bad credentials in LogiSense's shape", async () => {
      const { apiKey } = await testbed.createApiKey({ role: "finance" })
      const ok = await loginRequest(testbed, { client_id: "svc", client_secret: apiKey, grant_type: "password" })
      expect(ok.status).toBe(200)
      const bad = await loginRequest(testbed, {
        username: "nobody@x.test",
        password: "no",
        grant_type: "password",
        client_id: "c"
      })
      expect(bad.status).toBe(401)
      expect((bad.json as ErrorBody).errors[0]?.code).toBe(10100000)
      const grant = await loginRequest(testbed, {
        client_id: "svc",
        client_secret: apiKey,
        grant_type: "client_credentials"
      })
      expect(grant.status).toBe(400)
      expect((grant.json as ErrorBody).errors[0]?.message).toBe("'Grant_type' must be 'password' or 'refresh_token'")
    })

    it("refreshes a token with grant_type=refresh_token and rotates the refresh token", async () => {
      const { apiKey } = await testbed.createApiKey({ role: "finance" })
      const login = await loginRequest(testbed, { client_id: "svc", client_secret: apiKey, grant_type: "password" })
      const first = login.json as Token
      const refresh = (refreshToken: string, clientId = "svc") =>
        loginRequest(testbed, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId })

      const otherClient = await refresh(first.refresh_token, "someone-else")
      expect(otherClient.status).toBe(401)
      const refreshed = await refresh(first.refresh_token)
      expect(refreshed.status).toBe(200)
      const second = refreshed.json as Token
      expect(second).toMatchObject({ token_type: "bearer", expires_in: 1800, audience: "svc", actingOwnerId: 1 })
      expect(second.access_token).not.toBe(first.access_token)
      expect(second.refresh_token).not.toBe(first.refresh_token)
      const list = await testbed.request(authorize({ method: "GET", path: `${v6}/` }, { token: second.access_token }))
      expect(list.status).toBe(200)

      const reused = await refresh(first.refresh_token)
      expect(reused.status).toBe(401)
      expect(reused.json).toMatchObject({
        type: "login",
        errors: [{ code: 10100000, message: "The refresh token is invalid, expired or already used" }]
      })
      expect((await refresh(second.refresh_token)).status).toBe(200)

      const missing = await loginRequest(testbed, { grant_type: "refresh_token", client_id: "svc" })
      expect(missing.status).toBe(400)
      expect((missing.json as ErrorBody).errors[0]?.message).toBe(
        "'Refresh_token' is required with grant_type 'refresh_token'"
      )
    })

    it("refuses an expired refresh token and one whose API key was revoked", async () => {
      let now = Date.parse("2026-03-14T09:00:00Z")
      const timed = await makeDialectTestbed({
        dialect: logisenseDialect,
        deps: { sessions: makeSessionStore({ ttlSeconds: 1800, refreshTtlSeconds: 86_400, now: () => now }) }
      })
      try {
        const user = await timed.createUser({
          email: "refresher@paybridge.test",
          name: "Refresher",
          role: "finance",
          customerScope: null
        })
        const { apiKey, record } = await timed.runAsSystem(
          Authenticator.use((auth) => auth.issueApiKey({ userId: user.id }))
        )
        const login = async () =>
          (await loginRequest(timed, { client_id: "svc", client_secret: apiKey, grant_type: "password" })).json as Token
        const refresh = (token: Token) =>
          loginRequest(timed, { grant_type: "refresh_token", refresh_token: token.refresh_token, client_id: "svc" })

        const early = await login()
        now += 3_600_000
        const late = await login()
        now += 86_400_000 - 3_600_000
        const expired = await refresh(early)
        expect(expired.status).toBe(401)
        expect(expired.json).toMatchObject({ type: "login", errors: [{ code: 10100000 }] })
        const renewed = await refresh(late)
        expect(renewed.status).toBe(200)
        expect((renewed.json as Token)[".expires"]).toBe(new Date(now + 1_800_000).toUTCString())

        await timed.runAsSystem(Authenticator.use((auth) => auth.revokeApiKey(record.id)))
        const revoked = await refresh(renewed.json as Token)
        expect(revoked.status).toBe(401)
        expect(revoked.json).toMatchObject({ type: "login", errors: [{ code: 10100000 }] })
      } finally {
        await timed.dispose()
      }
    })

    it("a token stops working after 30 minutes", async () => {
      let now = Date.parse("2026-03-14T09:00:00Z")
      const timed = await makeDialectTestbed({
        dialect: logisenseDialect,
        deps: { sessions: makeSessionStore({ ttlSeconds: 1800, now: () => now }) }
      })
      try {
        const token = await loginAs(timed, "finance")
        const call = () =>
          timed.request({ method: "GET", path: `${v6}/`, headers: { authorization: `Bearer ${token}` } })
        now += 1799_000
        expect((await call()).status).toBe(200)
        now += 2_000
        const expired = await call()
        expect(expired.status).toBe(401)
        expect(expired.json).toMatchObject({ type: "get", errors: [{ code: 10100000 }] })
      } finally {
        await timed.dispose()
      }
    })
  })

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

  describe("changes", () => {
    it("PUT changes references of a posted payment but refuses a new amount", async () => {
      const row = await record("40.00", { detail: "Old" })
      const updated = await send("PUT", `${v6}/${row.identity}`, {
        amount: 40,
        detail: "New",
        checkNumber: "77",
        cardTypeId: 3
      })
      expect(created(updated)).toMatchObject({ detail: "New", checkNumber: "77", cardTypeId: 3, cardTypeName: null })
      const refused = await send("PUT", `${v6}/${row.identity}`, {
        amount: 41,
        accountId: world.accountId + 1
      })
      expect(refused.status).toBe(400)
      const messages = (refused.json as ErrorBody).errors.map((error) => error.message)
      expect(messages[0]).toContain("'AccountId' cannot change")
      expect(messages[1]).toContain("'Amount' can only change while the payment is a draft")
      expect(refused.json).toMatchObject({ type: "update" })
    })

    it("PATCH mixes create, update and delete items and disbursements", async () => {
      const doc = await invoice("100.00")
      const keep = await record("60.00")
      const drop = await record("15.00")
      const patched = await send("PATCH", `${v6}/${keep.identity}`, {
        details: {
          paymentInvoiceDisbursements: {
            items: [{ patchType: "create", patchClientId: 9, invoiceId: doc.id, amount: new JsonDecimal("25.00") }]
          }
        },
        payments: {
          items: [
            { patchType: "create", patchClientId: 1, accountId: world.accountId, amount: new JsonDecimal("7.00") },
            { patchType: "update", patchClientId: 2, detail: "Updated by PATCH" },
            { patchType: "delete", patchClientId: 3, identity: drop.identity }
          ]
        }
      })
      expect(patched.status, patched.text).toBe(200)
      const items = (patched.json as Change).results.items as Array<Record<string, unknown>>
      expect(items.map((item) => [item.action, item.dtoTypeKey])).toEqual([
        ["created", "payment"],
        ["updated", "payment"],
        ["deleted", "payment"],
        ["created", "paymentInvoiceDisbursement"]
      ])
      expect(items[1]?.instance).toMatchObject({ identity: keep.identity, detail: "Updated by PATCH", disbursed: true })
      expect(items[3]?.instance).toMatchObject({
        invoiceId: doc.id,
        amount: 25,
        paymentId: keep.identity
      })
      expect((await send("GET", `${v6}/${drop.identity}`)).status).toBe(404)

      const disbursementId = items[3]?.identity as number
      const changed = await send("PATCH", `${v6}/${keep.identity}`, {
        details: {
          paymentInvoiceDisbursements: {
            items: [{ patchType: "update", identity: disbursementId, amount: new JsonDecimal("30.00") }]
          }
        }
      })
      const update = (changed.json as Change).results.items[0] as Record<string, unknown>
      expect(update).toMatchObject({
        identity: disbursementId,
        action: "updated",
        instance: { identity: disbursementId, amount: 30 }
      })
      const removed = await send("PATCH", `${v6}/${keep.identity}`, {
        details: { paymentInvoiceDisbursements: { items: [{ patchType: "delete", identity: update.identity }] } }
      })
      expect((removed.json as Change).results.items[0]).toMatchObject({ action: "deleted" })
      const detail = await send("GET", `${v6}/${keep.identity}/Detail`)
      expect(detail.json).toMatchObject({ instance: { disbursed: false, details: { invoiceDisbursements: [] } } })
    })

    it("PATCH with one bad item rolls back every item", async () => {
      const keep = await record("60.00", { detail: "Before" })
      const paymentsBefore = await testbed.countPayments()
      const balanceBefore = await balance()
      const response = await send("PATCH", `${v6}/${keep.identity}`, {
        payments: {
          items: [
            { patchType: "create", accountId: world.accountId, amount: new JsonDecimal("7.00") },
            { patchType: "update", detail: "After" },
            { patchType: "create", accountId: world.accountId, amount: new JsonDecimal("-1") }
          ]
        }
      })
      expect(response.status).toBe(400)
      expect((response.json as ErrorBody).errors[0]?.message).toContain("'Payments.Items[2].Amount'")
      expect(await testbed.countPayments()).toBe(paymentsBefore)
      expect(await balance()).toBe(balanceBefore)
      expect((await send("GET", `${v6}/${keep.identity}`)).json).toMatchObject({ instance: { detail: "Before" } })
    })
  })

  describe("reversals and deletes", () => {
    it("reverses partially and repeatedly within the unreversed amount", async () => {
      const doc = await invoice("100.00")
      const payment = await record("100.00", { invoiceId: doc.id })
      const reverse = (amount: string) =>
        send("POST", `${v6}/Reverse`, { paymentId: payment.identity, amount: new JsonDecimal(amount), detail: "NSF" })
      const first = created(await reverse("30.00"))
      expect(first).toMatchObject({ amount: 30, detail: "NSF", reversePaymentId: payment.identity })
      created(await reverse("50.00"))
      const over = await reverse("20.01")
      expect(over.status).toBe(400)
      expect((over.json as ErrorBody).errors[0]?.message).toContain("'Amount' only 20.00 USD of payment")
      created(await reverse("20.00"))
      expect(await balance()).toBe(-10000n)
      const detail = await send("GET", `${v6}/${payment.identity}/Detail`)
      const reversals = (detail.json as { instance: { details: { paymentReversals: Array<Row> } } }).instance.details
        .paymentReversals
      expect(reversals.map((row) => String(row.amount))).toEqual(["30", "50", "20"])
    })

    it("refuses reversing an offline payment not yet issued to an invoice", async () => {
      const payment = await record("10.00")
      const refused = await send("POST", `${v6}/Reverse`, { paymentId: payment.identity })
      expect(refused.status).toBe(400)
      expect((refused.json as ErrorBody).errors[0]?.message).toContain("delete it instead")
      const missing = await send("POST", `${v6}/Reverse`, { paymentId: 424242 })
      expect((missing.json as ErrorBody).errors[0]).toEqual({
        code: 13100000,
        message: "'PaymentId' (424242) does not exist in 'Payment'"
      })
      expect(await balance()).toBe(1000n)
    })

    it("DELETE refuses gateway payments and payments issued to an invoice", async () => {
      const doc = await invoice("50.00")
      const issued = await record("10.00", { invoiceId: doc.id })
      const refusedIssued = await send("DELETE", `${v6}/${issued.identity}`)
      expect(refusedIssued.status).toBe(400)
      expect((refusedIssued.json as ErrorBody).errors[0]?.message).toContain("has been issued to an invoice")
      const tgw = await gateway()
      const charged = created(
        await send("POST", `${v6}/Vendor`, {
          accountId: world.accountId,
          amount: new JsonDecimal("12.00"),
          paymentGatewayId: tgw.id,
          cardToken: testGatewayTokens.approve
        })
      )
      const refusedGateway = await send("DELETE", `${v6}/${charged.identity}`)
      expect(refusedGateway.status).toBe(400)
      expect(refusedGateway.json).toMatchObject({ type: "delete" })
      expect((refusedGateway.json as ErrorBody).errors[0]?.message).toContain("gateway payment")

      const plain = await record("8.00")
      const before = await balance()
      const deleted = await send("DELETE", `${v6}/${plain.identity}`)
      expect(deleted.json).toMatchObject({
        type: "delete",
        results: { totalCount: 1, items: [{ identity: plain.identity, action: "deleted", dtoTypeKey: "payment" }] }
      })
      expect(await balance()).toBe(before - 800n)
      expect((await send("GET", `${v6}/${plain.identity}`)).status).toBe(404)
      expect((await send("DELETE", `${v6}/${plain.identity}`)).status).toBe(404)
      const ledgerView = await testbed.runAsSystem(
        Payments.use((payments) => payments.getPayment({ id: PaymentId.make(plain.identity) }))
      )
      expect([ledgerView.payment.state, ledgerView.payment.reversedAmount]).toEqual(["posted", 800n])
    })

    it("DELETE cancels a draft and detaches its invoices", async () => {
      const doc = await invoice("50.00")
      const draft = await testbed.runAsSystem(
        Payments.use((payments) =>
          payments.createPayment({
            customerId: world.accountId,
            amount: "20.00",
            initialState: "draft",
            allocations: [{ documentId: doc.id, amount: "20.00" }]
          })
        )
      )
      expect((await send("GET", `${v6}/${draft.payment.id}`)).status).toBe(200)
      const deleted = await send("DELETE", `${v6}/${draft.payment.id}`)
      expect((deleted.json as Change).results.items).toEqual([
        { identity: draft.payment.id, action: "deleted", dtoTypeKey: "payment" },
        { lhsId: draft.payment.id, rhsId: doc.id, action: "detached", dtoTypeKey: "invoice" },
        {
          foreignKeyIdentity: draft.allocations[0]?.id,
          action: "deleted",
          dtoTypeKey: "paymentInvoiceDisbursement"
        }
      ])
      const after = await testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id: draft.payment.id })))
      expect(after.payment.state).toBe("cancelled")
      const document = await testbed.runAsSystem(Documents.use((documents) => documents.getDocument(doc.id)))
      expect(document.outstanding).toBe(5000n)
    })
  })

  describe("gateways", () => {
    const charge = (gatewayId: GatewayId, amount: string, cardToken?: string) =>
      send("POST", `${v6}/Vendor`, {
        accountId: world.accountId,
        amount: new JsonDecimal(amount),
        paymentGatewayId: gatewayId,
        detail: "Card",
        ...(cardToken === undefined ? {} : { cardToken })
      })

    it("charges through the gateway: approved, pending and declined", async () => {
      const tgw = await gateway()
      const approved = created(await charge(tgw.id, "25.00"))
      expect(approved).toMatchObject({
        isManual: false,
        amount: 25,
        paymentTransactionId: approved.identity
      })
      expect(String(approved.paymentTransactionName)).toMatch(/^TGW_/u)
      const pending = created(await charge(tgw.id, "25.53"))
      expect((await send("GET", `${v6}/${pending.identity}`)).status).toBe(200)
      const listed = (await send("GET", `${v6}/`)).json as { items: Array<Row> }
      expect(listed.items.map((row) => row.identity)).toEqual([approved.identity])
      const declined = await charge(tgw.id, "9.00", testGatewayTokens.decline)
      expect(declined.status).toBe(400)
      expect((declined.json as ErrorBody).errors[0]).toMatchObject({
        code: 15000000,
        message: expect.stringContaining("card declined")
      })
      expect(await balance()).toBe(2500n)
    })

    it("reverses a gateway payment through the gateway and refuses offline payments", async () => {
      const tgw = await gateway()
      const approved = created(await charge(tgw.id, "25.00"))
      const reversal = created(
        await send("POST", `${v6}/Reverse/Vendor`, { paymentId: approved.identity, amount: new JsonDecimal("5.00") })
      )
      expect(reversal).toMatchObject({
        reversePaymentId: approved.identity,
        isManual: false,
        amount: 5
      })
      expect(String(reversal.paymentTransactionName)).toMatch(/^TGR_/u)
      expect(await balance()).toBe(2000n)
      const plainReverse = await send("POST", `${v6}/Reverse`, { paymentId: approved.identity })
      expect((plainReverse.json as ErrorBody).errors[0]?.message).toContain("Payment/Reverse/Vendor")
      const doc = await invoice("10.00")
      const offline = await record("10.00", { invoiceId: doc.id })
      const refused = await send("POST", `${v6}/Reverse/Vendor`, { paymentId: offline.identity })
      expect(refused.status).toBe(400)
      expect((refused.json as ErrorBody).errors[0]?.message).toContain("offline payment")
    })

    it("a gateway that declines the reversal changes nothing", async () => {
      const tgw = await gateway()
      const approved = created(await charge(tgw.id, "25.00"))
      const declined = await send("POST", `${v6}/Reverse/Vendor`, {
        paymentId: approved.identity,
        amount: new JsonDecimal("5.51")
      })
      expect(declined.status).toBe(400)
      expect((declined.json as ErrorBody).errors[0]?.message).toContain("declined the reversal")
      expect(await balance()).toBe(2500n)
      const detail = await send("GET", `${v6}/${approved.identity}/Detail`)
      expect(detail.json).toMatchObject({ instance: { details: { paymentReversals: [] } } })
    })
  })
})
