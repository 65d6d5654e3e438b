/**
 * The Billing Platform (UK) dialect over the real Ledger on an in-memory store: every method and
 * path of the vendor doc replayed with its fields compared, refunds as negative payments, PATCH
 * reversal and reinstatement, DELETE, configurable status names, API keys (one per user, scope)
 * and the dialect's error shape.
 */
import { type DialectTestbed, makeDialectTestbed, type TestRequest } from "@paybridge/adapter-kit/testing"
import { Authenticator, Collections, Parties, PaymentId, Payments, Refunds } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { billingPlatformUkDialect, saveStatusPresets } from "../src/index.ts"
import {
  amount,
  authorize,
  type BpukSeed,
  comparable,
  idsOf,
  listOf,
  paymentOf,
  seedBpuk
} from "./billing-platform-uk.seed.ts"

let testbed: DialectTestbed
let seed: BpukSeed
const send = (request: TestRequest) => testbed.request(authorize(request, seed))
const create = (body: Record<string, unknown>, customerId = seed.customerId) =>
  send({ method: "POST", path: `/customers/${customerId}/payments/`, body })
const createId = async (body: Record<string, unknown>) => {
  const response = await create(body)
  expect(response.status, response.text).toBe(201)
  return paymentOf(response).id
}

beforeEach(async () => {
  testbed = await makeDialectTestbed({ dialect: billingPlatformUkDialect })
  seed = await seedBpuk(testbed)
})
afterEach(() => testbed.dispose())

const emptyFields = {
  ourReference: null,
  customerReference: null,
  paymentReversedDate: null,
  status: [],
  paymentMethod: "Customer Default",
  invoiceID: null,
  invoiceIDReversed: null
}

describe("Billing Platform (UK) payments", () => {
  it("replays the vendor doc: POST customers/ID/payments/ returns the new payment", async () => {
    const response = await create({
      paymentAmount: amount("125.50"),
      paymentDate: "2024-03-01",
      ourReference: "BANK-0042",
      customerReference: "REMIT 7781",
      paymentMethod: "BACS",
      invoiceID: "INV-1001"
    })
    expect(response.status).toBe(201)
    expect(response.text).toContain('"paymentAmount":125.50')
    const payment = paymentOf(response)
    expect(payment.id).toMatch(/^\d+$/)
    expect(comparable(payment)).toEqual({
      ...emptyFields,
      ourReference: "BANK-0042",
      customerReference: "REMIT 7781",
      paymentDate: "2024-03-01",
      paymentAmount: "125.50",
      paymentMethod: "BACS",
      invoiceID: "INV-1001"
    })
    const detail = await testbed.runAsSystem(
      Payments.use((payments) => payments.getPayment({ id: PaymentId.make(Number(payment.id)) }))
    )
    expect(detail.payment).toMatchObject({ amount: 12550n, state: "posted", origin: "dialect:billing-platform-uk" })
  })

  it("answers a create with the same bytes a GET and a replay with the same idempotency key answer", async () => {
    const bodies = [
      { paymentAmount: amount("12.34") },
      {
        paymentAmount: amount("125.50"),
        paymentDate: "2024-03-01",
        ourReference: "BANK-0043",
        customerReference: "REMIT 7782",
        paymentMethod: "bacs",
        invoiceID: "INV-1002",
        invoiceIDReversed: "INV-1003",
        status: []
      },
      { paymentAmount: amount("30.00"), paymentReversedDate: "2024-03-02", status: ["Reversed"] }
    ]
    for (const [index, body] of bodies.entries()) {
      const headers = { "idempotency-key": `same-bytes-${index}` }
      const made = await send({ method: "POST", path: `/customers/${seed.customerId}/payments/`, body, headers })
      expect(made.status, made.text).toBe(201)
      const read = await send({ method: "GET", path: `/payments/${paymentOf(made).id}` })
      expect(made.text).toBe(read.text)
      const replay = await send({ method: "POST", path: `/customers/${seed.customerId}/payments/`, body, headers })
      expect(replay.status).toBe(201)
      expect(replay.text).toBe(made.text)
    }
    const all = await send({ method: "GET", path: `/customers/${seed.customerId}/payments/?includeReversed` })
    expect(listOf(all).length).toBe(3)
  })

  it("accepts amounts as decimal strings and the Customer Default method", async () => {
    const response = await create({ paymentAmount: "10", paymentMethod: "Customer Default" })
    expect(response.status).toBe(201)
    expect(comparable(paymentOf(response))).toMatchObject({ paymentAmount: "10.00", paymentMethod: "Customer Default" })
    const unknown = await create({ paymentAmount: "10", paymentMethod: "Carrier Pigeon" })
    expect(unknown.status).toBe(400)
    expect(unknown.json).toMatchObject({ error: { code: "invalid_request", fields: [{ field: "paymentMethod" }] } })
  })

  it("replays the vendor doc: GET payments/ID answers every documented field", async () => {
    const id = await createId({ paymentAmount: amount("40.00"), paymentDate: "2024-03-05", customerReference: "C-9" })
    const response = await send({ method: "GET", path: `/payments/${id}` })
    expect(response.status).toBe(200)
    expect(Object.keys(paymentOf(response)).sort()).toEqual(
      [
        "id",
        "ourReference",
        "customerReference",
        "paymentDate",
        "paymentReversedDate",
        "status",
        "paymentAmount",
        "paymentMethod",
        "invoiceID",
        "invoiceIDReversed"
      ].sort()
    )
    expect(comparable(paymentOf(response))).toEqual({
      ...emptyFields,
      customerReference: "C-9",
      paymentDate: "2024-03-05",
      paymentAmount: "40.00"
    })
    const all = await send({ method: "GET", path: "/payments/" })
    expect(all.status).toBe(200)
    expect(idsOf(all)).toEqual([id])
  })

  it("answers an unknown, deleted or out-of-scope payment with 404 or 403 in the dialect's error shape", async () => {
    const missing = await send({ method: "GET", path: "/payments/99999", headers: { "x-request-id": "bpuk-1" } })
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual({
      error: { code: "not_found", message: expect.stringContaining("99999"), requestId: "bpuk-1" }
    })
    const badId = await send({ method: "GET", path: "/payments/abc" })
    expect(badId.status).toBe(400)
    expect(badId.json).toMatchObject({ error: { code: "invalid_request", fields: [{ field: "id" }] } })
    const anonymous = await testbed.request({ method: "GET", path: "/payments/" })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer")
    expect(anonymous.json).toMatchObject({ error: { code: "unauthorized" } })
    const noCustomer = await send({ method: "GET", path: "/customers/99999/payments/" })
    expect(noCustomer.status).toBe(404)
  })

  it("answers an id beyond the ledger's range as not found (or invalid), naming it as the client wrote it", async () => {
    const id = await createId({ paymentAmount: amount("30.00") })
    // 16 nines is no JS number (it reads as 10000000000000000); 2147483648 is one past the ledger's last id.
    for (const path of ["/payments/9999999999999999", "/payments/R9999999999999999", "/payments/2147483648"]) {
      const missing = await send({ method: "GET", path })
      expect(missing.status, path).toBe(404)
      const message = (missing.json as { error: { message: string } }).error.message
      expect(message).toBe(`payment ${path.slice("/payments/".length)} does not exist`)
    }
    const patched = await send({ method: "PATCH", path: "/payments/9999999999999999", body: { ourReference: "X" } })
    expect(patched.status).toBe(404)
    expect(patched.json).toMatchObject({ error: { message: "payment 9999999999999999 does not exist" } })
    const deleted = await send({ method: "DELETE", path: "/payments/9999999999999999" })
    expect(deleted.status).toBe(404)
    const customer = await send({ method: "GET", path: "/customers/9999999999999999/payments/" })
    expect(customer.status).toBe(404)
    expect(customer.json).toMatchObject({ error: { message: "customer 9999999999999999 does not exist" } })
    const intoNowhere = await send({
      method: "POST",
      path: "/customers/9999999999999999/payments/",
      body: { paymentAmount: amount("1.00") }
    })
    expect(intoNowhere.status).toBe(404)

    const refund = await create({ paymentAmount: amount("-5.00"), refundOfPaymentID: "9999999999999999" })
    expect(refund.status).toBe(400)
    expect(refund.json).toMatchObject({ error: { code: "invalid_request", fields: [{ field: "refundOfPaymentID" }] } })
    expect(refund.text).not.toContain("10000000000000000")
    const past = await create({ paymentAmount: amount("-5.00"), refundOfPaymentID: "2147483648" })
    expect(past.status).toBe(400)
    // The largest id the ledger can hold is still an id: it simply names no payment here.
    const last = await create({ paymentAmount: amount("-5.00"), refundOfPaymentID: "2147483647" })
    expect(last.status).toBe(404)
    expect(last.json).toMatchObject({ error: { message: "payment 2147483647 does not exist" } })
    expect((await send({ method: "GET", path: `/payments/${id}` })).status).toBe(200)
  })

  it("lists one customer's valid payments, refund rows included", async () => {
    const mine = await createId({ paymentAmount: amount("100.00"), paymentDate: "2024-03-01" })
    await createId({ paymentAmount: amount("5.00"), paymentDate: "2024-03-01" })
    const theirs = await create({ paymentAmount: amount("7.00") }, seed.otherCustomerId)
    expect(theirs.status).toBe(201)
    const reversed = await createId({ paymentAmount: amount("3.00") })
    await send({ method: "PATCH", path: `/payments/${reversed}`, body: { paymentReversedDate: "2024-03-03" } })
    const refund = paymentOf(await create({ paymentAmount: amount("-20.00"), paymentDate: "2024-03-04" }))

    const response = await send({ method: "GET", path: `/customers/${seed.customerId}/payments/` })
    expect(response.status).toBe(200)
    const rows = listOf(response)
    expect(rows.map((row) => row.id)).toHaveLength(3)
    expect(rows[0]?.id).toBe(mine)
    expect(rows.at(-1)?.id).toBe(refund.id)
    expect(rows.map((row) => row.id)).not.toContain(reversed)
    expect(rows.map((row) => row.id)).not.toContain(paymentOf(theirs).id)
    const all = await send({ method: "GET", path: "/payments/" })
    expect(idsOf(all)).toContain(paymentOf(theirs).id)
  })

  it("a negative paymentAmount records a refund paid back to the customer", async () => {
    const older = await createId({ paymentAmount: amount("200.00"), paymentDate: "2024-02-01" })
    const newer = await createId({ paymentAmount: amount("30.00"), paymentDate: "2024-02-10" })
    const response = await create({
      paymentAmount: amount("-50.00"),
      paymentDate: "2024-02-15",
      customerReference: "Overpayment refund",
      paymentMethod: "BACS"
    })
    expect(response.status, response.text).toBe(201)
    expect(response.text).toContain('"paymentAmount":-50.00')
    const refundRow = paymentOf(response)
    expect(refundRow.id).toMatch(/^R\d+$/)
    expect(comparable(refundRow)).toEqual({
      ...emptyFields,
      customerReference: "Overpayment refund",
      paymentDate: "2024-02-15",
      paymentAmount: "-50.00",
      paymentMethod: "BACS"
    })
    // Customer credit is drawn oldest payment first (docs/money-model.md): all 50.00 from the older one.
    const refunds = await testbed.runAsSystem(
      Refunds.use((refunds) => refunds.listRefunds({ customerId: seed.customerId }))
    )
    expect(refunds.items).toHaveLength(1)
    expect(refunds.items[0]).toMatchObject({
      paymentId: PaymentId.make(Number(older)),
      amount: 5000n,
      state: "settled"
    })
    const customer = await testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(seed.customerId)))
    expect(customer.balance).toBe(20000n + 3000n - 5000n)
    expect(newer).not.toBe(older)

    const read = await send({ method: "GET", path: `/payments/${refundRow.id}` })
    expect(read.status).toBe(200)
    expect(read.json).toEqual(response.json)
    const renamed = await send({
      method: "PATCH",
      path: `/payments/${refundRow.id}`,
      body: { ourReference: "REF-OUT-1", paymentAmount: amount("-50.00") }
    })
    expect(renamed.status).toBe(200)
    expect(paymentOf(renamed).ourReference).toBe("REF-OUT-1")
    const changed = await send({ method: "PATCH", path: `/payments/${refundRow.id}`, body: { paymentAmount: -10 } })
    expect(changed.status).toBe(409)
    const deleted = await send({ method: "DELETE", path: `/payments/${refundRow.id}` })
    expect(deleted.status).toBe(409)
    expect(deleted.json).toMatchObject({
      error: { code: "not_allowed", message: expect.stringContaining("paid back") }
    })

    const tooMuch = await create({ paymentAmount: amount("-1000.00") })
    expect(tooMuch.status).toBe(409)
    expect(tooMuch.json).toMatchObject({
      error: { message: expect.stringMatching(/has \d+\.\d{2} GBP of credit, less than the 1000\.00 GBP asked/u) }
    })
    const named = await create({ paymentAmount: amount("-5.00"), refundOfPaymentID: newer })
    expect(named.status).toBe(201)
    const fromNewer = await testbed.runAsSystem(
      Refunds.use((refunds) => refunds.listRefunds({ paymentId: PaymentId.make(Number(newer)) }))
    )
    expect(fromNewer.items.map((refund) => refund.amount)).toEqual([500n])
    // Issue 12.4: no single payment has 160.00 left, but the customer's credit (150.00 + 25.00) covers it.
    const spread = await create({ paymentAmount: amount("-160.00") })
    expect(spread.status, spread.text).toBe(201)
    const all = await testbed.runAsSystem(
      Refunds.use((refunds) => refunds.listRefunds({ customerId: seed.customerId }))
    )
    expect(
      all.items
        .filter((refund) => refund.id > (refunds.items[0]?.id ?? 0) + 1)
        .map((refund) => [refund.paymentId, refund.amount])
    ).toEqual([
      [PaymentId.make(Number(older)), 15000n],
      [PaymentId.make(Number(newer)), 1000n]
    ])
    const zero = await create({ paymentAmount: 0 })
    expect(zero.status).toBe(400)
  })

  it("a keyed negative payment retried refunds once from the same payment", async () => {
    await createId({ paymentAmount: amount("60.00") })
    await createId({ paymentAmount: amount("40.00") })
    const request = authorize(
      {
        method: "POST",
        path: `/customers/${seed.customerId}/payments/`,
        headers: { "idempotency-key": "refund-once" },
        body: { paymentAmount: amount("-40.00") }
      },
      seed
    )
    const first = await testbed.request(request)
    const second = await testbed.request(request)
    expect(first.status).toBe(201)
    expect(second.text).toBe(first.text)
    const refunds = await testbed.runAsSystem(
      Refunds.use((refunds) => refunds.listRefunds({ customerId: seed.customerId }))
    )
    expect(refunds.items).toHaveLength(1)
  })

  it("replays the vendor doc: PATCH payments/ID returns the modified payment", async () => {
    const id = await createId({ paymentAmount: amount("80.00"), paymentDate: "2024-04-01", ourReference: "A" })
    const read = paymentOf(await send({ method: "GET", path: `/payments/${id}` }))
    // A client sends back what it read with its changes: unchanged fields are harmless.
    const response = await send({
      method: "PATCH",
      path: `/payments/${id}`,
      body: { ...read, paymentAmount: amount("80.00"), ourReference: "B", customerReference: "CR", invoiceID: "INV-7" }
    })
    expect(response.status, response.text).toBe(200)
    expect(comparable(paymentOf(response))).toEqual({
      ...emptyFields,
      ourReference: "B",
      customerReference: "CR",
      paymentDate: "2024-04-01",
      paymentAmount: "80.00",
      invoiceID: "INV-7"
    })
    const posted = await send({ method: "PATCH", path: `/payments/${id}`, body: { paymentAmount: amount("81.00") } })
    expect(posted.status).toBe(400)
    expect(posted.json).toMatchObject({ error: { fields: [{ field: "paymentAmount" }] } })
  })

  it("PATCH reverses with paymentReversedDate and invoiceIDReversed, and clearing it reinstates", async () => {
    const id = await createId({ paymentAmount: amount("150.00"), paymentDate: "2024-05-01" })
    const reversed = await send({
      method: "PATCH",
      path: `/payments/${id}`,
      body: { paymentReversedDate: "2024-05-10", invoiceIDReversed: "INV-2002" }
    })
    expect(reversed.status, reversed.text).toBe(200)
    expect(paymentOf(reversed)).toMatchObject({
      paymentReversedDate: "2024-05-10",
      invoiceIDReversed: "INV-2002",
      status: ["Reversed"]
    })
    const ledgerView = await testbed.runAsSystem(
      Payments.use((payments) => payments.getPayment({ id: PaymentId.make(Number(id)) }))
    )
    expect(ledgerView.payment).toMatchObject({ reversedAmount: 15000n, reversalDate: "2024-05-10" })
    expect(ledgerView.reversals[0]?.effectiveDate).toBe("2024-05-10")

    const again = await send({ method: "PATCH", path: `/payments/${id}`, body: { paymentReversedDate: "2024-05-10" } })
    expect(again.status).toBe(200)
    const moved = await send({ method: "PATCH", path: `/payments/${id}`, body: { paymentReversedDate: "2024-05-12" } })
    expect(paymentOf(moved).paymentReversedDate).toBe("2024-05-12")
    const reversals = await testbed.runAsSystem(
      Payments.use((payments) => payments.getPayment({ id: PaymentId.make(Number(id)) }))
    )
    expect(reversals.reversals.map((reversal) => reversal.reinstatedAt === null)).toEqual(
      expect.arrayContaining([true, false])
    )

    const reinstated = await send({
      method: "PATCH",
      path: `/payments/${id}`,
      body: { paymentReversedDate: null, invoiceIDReversed: null }
    })
    expect(reinstated.status).toBe(200)
    expect(paymentOf(reinstated)).toMatchObject({ paymentReversedDate: null, invoiceIDReversed: null, status: [] })
    const customer = await testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(seed.customerId)))
    expect(customer.balance).toBe(15000n)

    const byStatus = await send({ method: "PATCH", path: `/payments/${id}`, body: { status: ["Reversed"] } })
    expect(paymentOf(byStatus).status).toEqual(["Reversed"])
    expect(paymentOf(byStatus).paymentReversedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    const cleared = await send({ method: "PATCH", path: `/payments/${id}`, body: { paymentReversedDate: "" } })
    expect(paymentOf(cleared).status).toEqual([])
  })

  it("PATCH refuses a status change the payment's lifecycle does not allow", async () => {
    const id = await createId({ paymentAmount: amount("10.00") })
    const collected = await send({ method: "PATCH", path: `/payments/${id}`, body: { status: ["Collected"] } })
    expect(collected.status).toBe(400)
    expect(collected.json).toMatchObject({ error: { code: "invalid_request", fields: [{ field: "status" }] } })
    const draft = await testbed.runAsSystem(
      Payments.use((payments) =>
        payments.createPayment({ customerId: seed.customerId, amount: "12.00", initialState: "draft" })
      )
    )
    const reverseDraft = await send({
      method: "PATCH",
      path: `/payments/${draft.payment.id}`,
      body: { paymentReversedDate: "2024-01-01" }
    })
    expect(reverseDraft.status).toBe(409)
    expect(reverseDraft.json).toMatchObject({ error: { code: "not_allowed" } })
    // One request is one unit: the reference change before the refused reversal is undone too.
    const partly = await send({
      method: "PATCH",
      path: `/payments/${draft.payment.id}`,
      body: { ourReference: "NEW-REF", invoiceID: "INV-9", paymentReversedDate: "2024-01-01" }
    })
    expect(partly.status).toBe(409)
    const unchanged = paymentOf(await send({ method: "GET", path: `/payments/${draft.payment.id}` }))
    expect(unchanged).toMatchObject({ ourReference: null, invoiceID: null, paymentReversedDate: null })
    const wrongId = await send({ method: "PATCH", path: `/payments/${id}`, body: { id: "77777" } })
    expect(wrongId.status).toBe(400)
  })

  it("DELETE removes a payment not yet posted and refuses posted money with 409", async () => {
    const id = await createId({ paymentAmount: amount("10.00") })
    const refused = await send({ method: "DELETE", path: `/payments/${id}` })
    expect(refused.status).toBe(409)
    expect(refused.json).toMatchObject({
      error: { code: "not_allowed", message: expect.stringContaining("posted money is reversed, not deleted") }
    })
    const draft = await testbed.runAsSystem(
      Payments.use((payments) =>
        payments.createPayment({ customerId: seed.customerId, amount: "12.00", initialState: "draft" })
      )
    )
    const deleted = await send({ method: "DELETE", path: `/payments/${draft.payment.id}` })
    expect(deleted.status).toBe(204)
    const gone = await send({ method: "GET", path: `/payments/${draft.payment.id}` })
    expect(gone.status).toBe(404)
    expect(gone.json).toMatchObject({ error: { message: expect.stringContaining("deleted") } })
    expect(idsOf(await send({ method: "GET", path: "/payments/" }))).toEqual([id])
  })

  it("shows collection states and takes status names from the configurable preset list", async () => {
    const pending = await testbed.runAsSystem(
      Payments.use((payments) =>
        payments.createPayment({ customerId: seed.customerId, amount: "20.00", initialState: "draft" })
      )
    )
    await testbed.runAsSystem(
      Collections.use((collections) =>
        collections.requestCollection({ paymentId: pending.payment.id, method: "direct-debit" })
      )
    )
    const read = () => send({ method: "GET", path: `/payments/${pending.payment.id}` })
    expect(paymentOf(await read()).status).toEqual(["Collection Pending"])
    await testbed.runAsSystem(saveStatusPresets({ collectionPending: "Awaiting DD", collected: "DD Collected" }))
    expect(paymentOf(await read()).status).toEqual(["Awaiting DD"])
    await testbed.runAsSystem(
      Collections.use((collections) => collections.markCollected({ paymentId: pending.payment.id }))
    )
    expect(paymentOf(await read()).status).toEqual(["DD Collected"])
    await send({
      method: "PATCH",
      path: `/payments/${pending.payment.id}`,
      body: { paymentReversedDate: "2024-06-01" }
    })
    expect(paymentOf(await read()).status).toEqual(["Reversed", "DD Collected"])
  })

  it("books a JSON amount in exponent notation exactly: 1.05e1 is 10.50, 1e-3 is refused like 0.001 (issue 12)", async () => {
    for (const [json, minor, shown] of [
      ["1.05e1", 1050n, "10.50"],
      ["1.0E7", 1_000_000_000n, "10000000.00"],
      ["1234e-2", 1234n, "12.34"]
    ] as const) {
      const response = await create({ paymentAmount: amount(json) })
      expect(response.status, response.text).toBe(201)
      expect(response.text).toContain(`"paymentAmount":${shown}`)
      const id = PaymentId.make(Number(paymentOf(response).id))
      const detail = await testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id })))
      expect(detail.payment.amount).toBe(minor)
    }
    const tooFine = await create({ paymentAmount: amount("1e-3") })
    const plainTooFine = await create({ paymentAmount: amount("0.001") })
    expect(tooFine.status).toBe(400)
    expect(tooFine.text).toContain("GBP amounts have at most 2 decimal places")
    const { requestId: _, ...plainError } = (plainTooFine.json as { error: Record<string, unknown> }).error
    expect(tooFine.json).toEqual({ error: { ...plainError, requestId: expect.any(String) } })
    expect((await create({ paymentAmount: amount("1e400") })).status).toBe(400)
  })
})

describe("Billing Platform (UK) API keys", () => {
  it("a new API key invalidates the old one at once", async () => {
    const { apiKey, user } = await testbed.createApiKey({ role: "finance" })
    const get = (key: string) =>
      testbed.request({ method: "GET", path: "/payments/", headers: { authorization: `Bearer ${key}` } })
    expect((await get(apiKey)).status).toBe(200)
    const renewed = await testbed.runAsSystem(
      Authenticator.use((auth) => auth.issueApiKey({ userId: user.id, label: "regenerated" }))
    )
    expect((await get(apiKey)).status).toBe(401)
    expect((await get(renewed.apiKey)).status).toBe(200)
  })

  it("a key scoped to some customers reads and writes only those (403 elsewhere)", async () => {
    const mine = await createId({ paymentAmount: amount("10.00") })
    const theirs = paymentOf(await create({ paymentAmount: amount("20.00") }, seed.otherCustomerId)).id
    const scoped = await testbed.createApiKey({ role: "finance", customerScope: [seed.customerId] })
    const as = (request: TestRequest) => testbed.request(authorize(request, scoped))
    expect(idsOf(await as({ method: "GET", path: "/payments/" }))).toEqual([mine])
    expect((await as({ method: "GET", path: `/payments/${mine}` })).status).toBe(200)
    const forbidden = await as({ method: "GET", path: `/payments/${theirs}` })
    expect(forbidden.status).toBe(403)
    expect(forbidden.json).toMatchObject({ error: { code: "forbidden" } })
    expect((await as({ method: "GET", path: `/customers/${seed.otherCustomerId}/payments/` })).status).toBe(403)
    const before = await testbed.countPayments()
    const write = await as({
      method: "POST",
      path: `/customers/${seed.otherCustomerId}/payments/`,
      body: { paymentAmount: 5 }
    })
    expect(write.status).toBe(403)
    expect(
      (await as({ method: "PATCH", path: `/payments/${theirs}`, body: { paymentReversedDate: "2024-01-01" } })).status
    ).toBe(403)
    expect(await testbed.countPayments()).toBe(before)
    const readOnly = await testbed.createApiKey({ role: "read-only" })
    const denied = await testbed.request(
      authorize(
        { method: "POST", path: `/customers/${seed.customerId}/payments/`, body: { paymentAmount: 5 } },
        readOnly
      )
    )
    expect(denied.status).toBe(403)
  })
})
