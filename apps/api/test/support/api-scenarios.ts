/**
 * The API behaviours every database must give the same way, as one suite the SQLite and the
 * PostgreSQL test files both register: auth and roles, payment create/get/list with cursor
 * paging, post/reverse/reinstate, error codes with field issues, idempotent retries, exact money
 * in zero- and three-decimal currencies, health and the access log. All over real HTTP.
 */
import { withIdempotencyKey } from "@paybridge/client"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { failureOf } from "./call-errors.ts"
import { startTestServer, type TestServer } from "./test-server.ts"

export interface ScenarioDatabase {
  readonly url: string
  readonly dispose: () => Promise<void>
}

export const registerApiScenarios = (name: string, openDatabase: () => Promise<ScenarioDatabase>) => {
  describe(name, () => {
    let database: ScenarioDatabase
    let server: TestServer

    beforeAll(async () => {
      database = await openDatabase()
      server = await startTestServer(database.url)
    })
    afterAll(async () => {
      await server?.close()
      await database?.dispose()
    })

    const newCustomer = async (currency: "EUR" | "JPY" | "BHD" = "EUR") =>
      server.clientAs("admin").customers.create.mutate({ name: `Customer ${currency} ${Math.random()}`, currency })

    test("/health answers 200 with the database up, echoes X-Request-Id and writes one access-log line", async () => {
      const response = await fetch(`${server.url}/health`, { headers: { "X-Request-Id": "probe-1234" } })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({
        status: "ok",
        database: "up",
        gateways: { stripe: [], testGateway: true }
      })
      expect(response.headers.get("x-request-id")).toBe("probe-1234")
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200)

      const line = server.logs.find((entry) => entry.requestId === "probe-1234")
      expect(line).toMatchObject({ level: "info", msg: "request", method: "GET", path: "/health", status: 200 })
      expect(typeof line?.durationMs).toBe("number")
      expect(typeof line?.time).toBe("string")
      expect(line?.principalId).toBeNull()
    })

    test("calls without a valid API key are rejected as UNAUTHORIZED", async () => {
      const anonymous = await fetch(`${server.url}/trpc/payments.list?input=${encodeURIComponent("{}")}`)
      expect(anonymous.status).toBe(401)
      expect(anonymous.headers.get("x-request-id")).toMatch(/.+/)

      const { createPaybridgeClient } = await import("@paybridge/client")
      const forged = createPaybridgeClient(server.url, { apiKey: "pbk_AAAAAAAA_notarealsecretatall" })
      const error = await failureOf(forged.payments.list.query({}))
      expect(error.data?.code).toBe("UNAUTHORIZED")
      expect(error.data?.httpStatus).toBe(401)
    })

    test("the access log names the principal of an authenticated call", async () => {
      const me = await server.clientAs("finance").session.whoami.query()
      expect(me.role).toBe("finance")
      expect(server.logs.some((entry) => entry.path === "/trpc/session.whoami" && entry.principalId === me.id)).toBe(
        true
      )
    })

    test("a read-only key can read but cannot create", async () => {
      const customer = await newCustomer()
      const readOnly = server.clientAs("read-only")
      expect((await readOnly.customers.get.query({ id: customer.id })).id).toBe(customer.id)
      const error = await failureOf(readOnly.payments.create.mutate({ customerId: customer.id, amount: "10.00" }))
      expect(error.data?.code).toBe("FORBIDDEN")
      expect(error.data?.httpStatus).toBe(403)
      expect(error.data?.tag).toBe("Forbidden")
      const payments = await readOnly.payments.list.query({ customerId: customer.id })
      expect(payments.items).toEqual([])
    })

    test("payments: create, get by id and public id, list with filters and cursor paging", async () => {
      const admin = server.clientAs("admin")
      const customer = await newCustomer()
      const created = []
      for (const amount of ["1.00", "2.00", "3.00", "4.00", "5.00", "6.00", "7.00"]) {
        created.push((await admin.payments.create.mutate({ customerId: customer.id, amount })).payment)
      }
      expect(created.map((payment) => payment.amount)).toEqual(["100", "200", "300", "400", "500", "600", "700"])
      expect(created.every((payment) => payment.state === "posted" && payment.currency === "EUR")).toBe(true)

      const first = created[0]
      if (first === undefined) throw new Error("no payment created")
      expect((await admin.payments.get.query({ id: first.id })).payment).toEqual(first)
      expect((await admin.payments.get.query({ publicId: first.publicId })).payment.id).toBe(first.id)

      const pages = []
      let cursor: string | null = null
      do {
        const page = await admin.payments.list.query({ customerId: customer.id, limit: 3, order: "id", cursor })
        pages.push(page.items.map((payment) => payment.id))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1])
      expect(pages.flat()).toEqual(created.map((payment) => payment.id))

      const drafts = await admin.payments.list.query({ customerId: customer.id, states: ["draft"] })
      expect(drafts.items).toEqual([])
    })

    test("post, partial reverse and reinstate a payment through the API", async () => {
      const finance = server.clientAs("finance")
      const customer = await newCustomer()
      const draft = await finance.payments.create.mutate({
        customerId: customer.id,
        amount: "100.00",
        initialState: "draft"
      })
      expect(draft.payment.state).toBe("draft")
      expect(draft.payment.number).toBeNull()

      const posted = await finance.payments.post.mutate({ paymentId: draft.payment.id })
      expect(posted.state).toBe("posted")
      expect(posted.number).not.toBeNull()
      expect(posted.balanceAfterPosting).toBe("10000")

      const reversed = await finance.payments.reverse.mutate({
        paymentId: posted.id,
        amount: "30.00",
        effectiveDate: "2026-11-20",
        reason: "partial chargeback"
      })
      expect(reversed.payment.reversedAmount).toBe("3000")
      expect(reversed.payment.reversalDate).toBe("2026-11-20")
      expect(reversed.reversals).toHaveLength(1)
      expect((await finance.customers.get.query({ id: customer.id })).balance).toBe("7000")

      const reinstated = await finance.payments.reinstate.mutate({ paymentId: posted.id })
      expect(reinstated.payment.reversedAmount).toBe("0")
      expect(reinstated.reversals[0]?.reinstatedAt).toEqual(expect.any(String))
      expect((await finance.customers.get.query({ id: customer.id })).balance).toBe("10000")

      const entries = await finance.balances.entries.query({ customerId: customer.id })
      expect(entries.items.map((entry) => entry.kind)).toEqual(
        expect.arrayContaining(["payment-posted", "payment-reversed", "payment-reinstated"])
      )
    })

    test("errors arrive with the error table's tRPC codes, tags and per-field issues", async () => {
      const admin = server.clientAs("admin")
      const customer = await newCustomer()

      const missing = await failureOf(admin.payments.get.query({ id: 987654321 }))
      expect(missing.data).toMatchObject({ code: "NOT_FOUND", httpStatus: 404, tag: "NotFound" })

      const malformed = await failureOf(
        admin.payments.create.mutate({ customerId: 0, amount: "10.00", paymentDate: "2026-13-01" })
      )
      expect(malformed.data?.code).toBe("BAD_REQUEST")
      expect(malformed.data?.issues.map((issue) => issue.path)).toEqual(
        expect.arrayContaining([["customerId"], ["paymentDate"]])
      )

      const tooPrecise = await failureOf(admin.payments.create.mutate({ customerId: customer.id, amount: "10.001" }))
      expect(tooPrecise.data).toMatchObject({ code: "BAD_REQUEST", tag: "ValidationFailed" })
      expect(tooPrecise.data?.issues.map((issue) => issue.path)).toContainEqual(["amount"])

      const { payment } = await admin.payments.create.mutate({ customerId: customer.id, amount: "10.00" })
      const again = await failureOf(admin.payments.post.mutate({ paymentId: payment.id }))
      expect(again.data).toMatchObject({ code: "PRECONDITION_FAILED", httpStatus: 412, tag: "InvalidTransition" })

      const invoice = await admin.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "50.00" })
      const overAllocated = await failureOf(
        admin.payments.allocate.mutate({
          paymentId: payment.id,
          allocations: [{ documentId: invoice.id, amount: "20.00" }]
        })
      )
      expect(overAllocated.data).toMatchObject({ code: "CONFLICT", httpStatus: 409, tag: "Conflict" })
      expect(overAllocated.data?.ledgerError).toMatchObject({ reason: "over-allocation" })
    })

    test("an Idempotency-Key retry returns the same payment and creates only one", async () => {
      const admin = server.clientAs("admin")
      const customer = await newCustomer()
      const key = `retry-${customer.id}`
      const input = { customerId: customer.id, amount: "42.00", reference: "order-77" }
      const first = await admin.payments.create.mutate(input, withIdempotencyKey(key))
      const retry = await admin.payments.create.mutate(input, withIdempotencyKey(key))
      expect(retry.payment.id).toBe(first.payment.id)
      expect(retry).toEqual(first)
      const listed = await admin.payments.list.query({ customerId: customer.id })
      expect(listed.items.map((payment) => payment.id)).toEqual([first.payment.id])

      const reused = await failureOf(
        admin.payments.create.mutate({ ...input, amount: "43.00" }, withIdempotencyKey(key))
      )
      expect(reused.data).toMatchObject({ code: "CONFLICT", tag: "Conflict" })
      expect(reused.data?.ledgerError).toMatchObject({ reason: "idempotency-key-reused" })
    })

    test("money in JPY and BHD travels as exact minor-unit strings", async () => {
      const admin = server.clientAs("admin")
      const yen = await newCustomer("JPY")
      const dinar = await newCustomer("BHD")
      const yenPayment = await admin.payments.create.mutate({ customerId: yen.id, amount: "15000" })
      const dinarPayment = await admin.payments.create.mutate({ customerId: dinar.id, amount: "12.345" })
      expect(yenPayment.payment.amount).toBe("15000")
      expect(dinarPayment.payment.amount).toBe("12345")
      expect((await admin.customers.get.query({ id: dinar.id })).balance).toBe("12345")
      const yenDecimals = await failureOf(admin.payments.create.mutate({ customerId: yen.id, amount: "1.5" }))
      expect(yenDecimals.data?.issues.map((issue) => issue.path)).toContainEqual(["amount"])
    })

    test("a JSON number a float cannot hold exactly is refused with 400, never rounded into an amount", async () => {
      const customer = await newCustomer()
      const before = (await server.clientAs("admin").payments.list.query({ customerId: customer.id })).items.length
      const raw = (path: string, body: string) =>
        fetch(`${server.url}/trpc/${path}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${server.apiKeys.admin}`, "Content-Type": "application/json" },
          body
        })
      // 999999999999999.99 reads as the float 1e15 and 0.30000000000000001 as 0.3: both would be booked rounded.
      for (const amount of ["999999999999999.99", "0.30000000000000001", "12.345000000000000001"]) {
        const refused = await raw("payments.create", `{"customerId":${customer.id},"amount":${amount}}`)
        expect(refused.status).toBe(400)
        const body = (await refused.json()) as { error: { message: string; data: { code: string } } }
        expect(body.error.data.code).toBe("BAD_REQUEST")
        expect(body.error.message).toContain(amount)
      }
      const query = await fetch(
        `${server.url}/trpc/payments.list?input=${encodeURIComponent(`{"customerId":${customer.id},"amountMin":0.30000000000000001}`)}`,
        { headers: { Authorization: `Bearer ${server.apiKeys.admin}` } }
      )
      expect(query.status).toBe(400)
      expect((await server.clientAs("admin").payments.list.query({ customerId: customer.id })).items).toHaveLength(
        before
      )
      // Numbers a float holds exactly still work, as do decimal strings.
      const exact = await raw("payments.create", `{"customerId":${customer.id},"amount":12.5}`)
      expect(exact.status).toBe(200)
      expect(
        ((await exact.json()) as { result: { data: { payment: { amount: string } } } }).result.data.payment.amount
      ).toBe("1250")
    })

    test("a JSON amount in exponent notation books exactly, like the dialects (issue 12)", async () => {
      const customer = await newCustomer()
      const create = (amount: string) =>
        fetch(`${server.url}/trpc/payments.create`, {
          method: "POST",
          headers: { Authorization: `Bearer ${server.apiKeys.admin}`, "Content-Type": "application/json" },
          body: `{"customerId":${customer.id},"amount":${amount}}`
        })
      type Created = { result: { data: { payment: { amount: string } } } }
      for (const [amount, minor] of [
        ["1.05e1", "1050"],
        ["1.0E7", "1000000000"],
        ["1234e-2", "1234"]
      ] as const) {
        const created = await create(amount)
        expect(created.status, amount).toBe(200)
        expect(((await created.json()) as Created).result.data.payment.amount).toBe(minor)
      }
      type Refused = { error: { message: string; data: { code: string } } }
      const tooFine = await create("1e-3")
      expect(tooFine.status).toBe(400)
      const tooFineBody = (await tooFine.json()) as Refused
      expect(tooFineBody.error.message).toContain("EUR amounts have at most 2 decimal places")
      expect(tooFineBody.error.message).toBe(((await (await create("0.001")).json()) as Refused).error.message)
      for (const absurd of ["1e400", "1e-400"]) {
        const refused = await create(absurd)
        expect(refused.status, absurd).toBe(400)
        expect(((await refused.json()) as Refused).error.data.code).toBe("BAD_REQUEST")
      }
    })
  })
}
