/**
 * The list filters of the Billing Platform (UK) dialect, each alone and combined: the reversal
 * flags, payment-date and shown-reversal-date ranges, the event-time filters from the ledger's
 * event log (reversed, reinstated, collected, collection cancelled — with a shown reversal date
 * that differs from the time of the reversal), and idAfter/createdSince/updatedSince for an
 * incremental sync ordered by id.
 */
import { type DialectTestbed, makeDialectTestbed, type TestRequest } from "@paybridge/adapter-kit/testing"
import { Collections, PaymentId, Payments, Refunds } from "@paybridge/core"
import { Result } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { parseBpukDateTime } from "../src/billing-platform-uk.schemas.ts"
import { billingPlatformUkDialect } from "../src/index.ts"
import { amount, authorize, type BpukSeed, idsOf, paymentOf, seedBpuk } from "./billing-platform-uk.seed.ts"

let testbed: DialectTestbed
let seed: BpukSeed
const send = (request: TestRequest) => testbed.request(authorize(request, seed))
const list = async (query: Record<string, string> = {}) => {
  const response = await send({ method: "GET", path: "/payments/", query })
  expect(response.status, response.text).toBe(200)
  return idsOf(response)
}
const createId = async (body: Record<string, unknown>) => {
  const response = await send({ method: "POST", path: `/customers/${seed.customerId}/payments/`, body })
  expect(response.status, response.text).toBe(201)
  return paymentOf(response).id
}
const patch = async (id: string, body: Record<string, unknown>) => {
  const response = await send({ method: "PATCH", path: `/payments/${id}`, body })
  expect(response.status, response.text).toBe(200)
  return paymentOf(response)
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 15))
/** An instant strictly between what happened before and what happens after. */
const mark = async () => {
  await tick()
  const at = new Date().toISOString()
  await tick()
  return at
}

beforeEach(async () => {
  testbed = await makeDialectTestbed({ dialect: billingPlatformUkDialect })
  seed = await seedBpuk(testbed)
})
afterEach(() => testbed.dispose())

describe("Billing Platform (UK) list filters", () => {
  it("by default lists only valid payments; reversed and includeReversed widen or narrow it", async () => {
    const valid = await createId({ paymentAmount: amount("10.00") })
    const reversed = await createId({ paymentAmount: amount("20.00") })
    await patch(reversed, { paymentReversedDate: "2024-01-20" })
    expect(await list()).toEqual([valid])
    for (const on of ["", "1", "true"]) {
      expect(await list({ reversed: on })).toEqual([reversed])
      expect(await list({ includeReversed: on })).toEqual([valid, reversed])
    }
    expect(await list({ reversed: "0" })).toEqual([valid])
    expect(await list({ includeReversed: "false" })).toEqual([valid])
    const bad = await send({ method: "GET", path: "/payments/", query: { reversed: "yes" } })
    expect(bad.status).toBe(400)
    expect(bad.json).toMatchObject({ error: { code: "invalid_request", fields: [{ field: "reversed" }] } })
    // A flag without a value, as a browser or curl writes it.
    const bare = await send({ method: "GET", path: "/payments/?reversed" })
    expect(idsOf(bare)).toEqual([reversed])
  })

  it("minDate and maxDate filter on the payment date", async () => {
    const march = await createId({ paymentAmount: amount("1.00"), paymentDate: "2024-03-01" })
    const april = await createId({ paymentAmount: amount("2.00"), paymentDate: "2024-04-15" })
    const may = await createId({ paymentAmount: amount("3.00"), paymentDate: "2024-05-31" })
    expect(await list({ minDate: "2024-04-15" })).toEqual([april, may])
    expect(await list({ maxDate: "2024-04-15" })).toEqual([march, april])
    expect(await list({ minDate: "2024-04-01", maxDate: "2024-04-30" })).toEqual([april])
    const bad = await send({ method: "GET", path: "/payments/", query: { minDate: "2024-02-30" } })
    expect(bad.status).toBe(400)
  })

  it("minReversedDate/maxReversedDate use the shown reversal date, reversedSince the time of the reversal", async () => {
    const early = await createId({ paymentAmount: amount("1.00") })
    const late = await createId({ paymentAmount: amount("2.00") })
    await createId({ paymentAmount: amount("3.00") })
    // Reversed first, but shown with a later reversal date; reversed second with an earlier one.
    await patch(late, { paymentReversedDate: "2024-02-20" })
    const between = await mark()
    await patch(early, { paymentReversedDate: "2024-01-05" })

    expect(await list({ minReversedDate: "2024-02-01" })).toEqual([late])
    expect(await list({ maxReversedDate: "2024-02-01" })).toEqual([early])
    expect(await list({ minReversedDate: "2024-01-01", maxReversedDate: "2024-12-31" })).toEqual([early, late])
    // By the time of the reversal it is the other way round.
    expect(await list({ reversedSince: between })).toEqual([early])
    expect(await list({ minReversedDate: "2024-02-01", reversedSince: between })).toEqual([])
    // The shown date and the event time are both kept.
    const detail = await testbed.runAsSystem(
      Payments.use((payments) => payments.getPayment({ id: PaymentId.make(Number(early)) }))
    )
    expect(detail.payment.reversalDate).toBe("2024-01-05")
    expect(detail.reversals[0]?.reversedAt.getTime()).toBeGreaterThan(new Date(between).getTime())
  })

  it("reinstatedSince finds a reinstated payment, which is valid again", async () => {
    const payment = await createId({ paymentAmount: amount("50.00") })
    const other = await createId({ paymentAmount: amount("5.00") })
    await patch(payment, { paymentReversedDate: "2024-03-01" })
    const beforeReinstating = await mark()
    expect(await list({ reinstatedSince: beforeReinstating })).toEqual([])
    await patch(payment, { paymentReversedDate: null })
    expect(await list({ reinstatedSince: beforeReinstating })).toEqual([payment])
    expect(await list()).toEqual([payment, other])
    expect(await list({ reversed: "1" })).toEqual([])
    // It was reversed before the mark: found by reversedSince only from an earlier instant.
    expect(await list({ reversedSince: beforeReinstating, includeReversed: "1" })).toEqual([])
    const after = await mark()
    expect(await list({ reinstatedSince: after })).toEqual([])
  })

  it("collectedSince and cancelledSince follow the collection events", async () => {
    const draft = (amountText: string) =>
      testbed.runAsSystem(
        Payments.use((payments) =>
          payments.createPayment({ customerId: seed.customerId, amount: amountText, initialState: "draft" })
        )
      )
    const collected = await draft("10.00")
    const cancelled = await draft("20.00")
    const start = await mark()
    for (const payment of [collected, cancelled]) {
      await testbed.runAsSystem(
        Collections.use((collections) =>
          collections.requestCollection({ paymentId: payment.payment.id, method: "direct-debit" })
        )
      )
    }
    await testbed.runAsSystem(
      Collections.use((collections) => collections.markCollected({ paymentId: collected.payment.id }))
    )
    await testbed.runAsSystem(
      Collections.use((collections) => collections.cancelCollection({ paymentId: cancelled.payment.id }))
    )
    const end = await mark()

    expect(await list({ collectedSince: start })).toEqual([String(collected.payment.id)])
    expect(await list({ cancelledSince: start })).toEqual([String(cancelled.payment.id)])
    expect(await list({ collectedSince: end })).toEqual([])
    expect(await list({ cancelledSince: end })).toEqual([])
    const rows = (await send({ method: "GET", path: "/payments/", query: { cancelledSince: start } })).json as Array<{
      status: Array<string>
    }>
    // A cancelled collection leaves the payment a draft again: no money until it is posted.
    expect(rows[0]?.status).toEqual(["Draft", "Collection Cancelled"])
    const bad = await send({ method: "GET", path: "/payments/", query: { collectedSince: "yesterday" } })
    expect(bad.status).toBe(400)
  })

  it("reads a datetime without an offset as London time, with Z or an offset as given", () => {
    const at = (text: string) => Result.getOrThrow(parseBpukDateTime(text)).toISOString()
    expect(at("2024-06-01T10:00:00")).toBe("2024-06-01T09:00:00.000Z")
    expect(at("2024-12-01 10:00:00")).toBe("2024-12-01T10:00:00.000Z")
    expect(at("2024-06-01")).toBe("2024-05-31T23:00:00.000Z")
    expect(at("2024-06-01T10:00:00Z")).toBe("2024-06-01T10:00:00.000Z")
    expect(at("2024-06-01T10:00:00.250+02:00")).toBe("2024-06-01T08:00:00.250Z")
    expect(Result.isFailure(parseBpukDateTime("2024-13-01T00:00:00"))).toBe(true)
  })

  it("idAfter, createdSince and updatedSince give an incremental sync in the one row sequence", async () => {
    const first = await createId({ paymentAmount: amount("1.00") })
    const second = await createId({ paymentAmount: amount("2.00") })
    const createdMark = await mark()
    const third = await createId({ paymentAmount: amount("3.00") })
    const refund = paymentOf(
      await send({
        method: "POST",
        path: `/customers/${seed.customerId}/payments/`,
        body: { paymentAmount: amount("-1.00") }
      })
    )
    expect(await list()).toEqual([first, second, third, refund.id])
    expect(await list({ idAfter: first })).toEqual([second, third, refund.id])
    expect(await list({ idAfter: third })).toEqual([refund.id])
    expect(await list({ idAfter: "0" })).toEqual([first, second, third, refund.id])
    expect(await list({ idAfter: "R0" })).toEqual([first, second, third, refund.id])
    expect(await list({ idAfter: refund.id })).toEqual([])
    expect(await list({ createdSince: createdMark })).toEqual([third, refund.id])
    const updatedMark = await mark()
    expect(await list({ updatedSince: updatedMark })).toEqual([])
    await patch(first, { ourReference: "touched" })
    expect(await list({ updatedSince: updatedMark })).toEqual([first])
    // A refund row made before a mark and settled after it changed since the mark (its newest
    // transition); it was made before the mark, so createdSince leaves it out.
    const requested = await testbed.runAsSystem(
      Refunds.use((refunds) => refunds.refundPayment({ paymentId: PaymentId.make(Number(second)), amount: "1.00" }))
    )
    const settledMark = await mark()
    expect(await list({ updatedSince: settledMark })).toEqual([])
    await testbed.runAsSystem(
      Refunds.use((refunds) => refunds.transitionRefund({ refundId: requested.id, action: "settle" }))
    )
    expect(await list({ updatedSince: settledMark })).toEqual([`R${requested.id}`])
    expect(await list({ createdSince: settledMark })).toEqual([])
    expect(await list({ idAfter: third })).toEqual([refund.id, `R${requested.id}`])
  })

  it("idAfter pages payment and refund rows as one sequence, so a sync by the last id seen misses no row (issue 12.5)", async () => {
    const refundOf = async (text: string) =>
      paymentOf(
        await send({
          method: "POST",
          path: `/customers/${seed.customerId}/payments/`,
          body: { paymentAmount: amount(text) }
        })
      ).id
    const a = await createId({ paymentAmount: amount("10.00") })
    const r1 = await refundOf("-1.00")
    const b = await createId({ paymentAmount: amount("20.00") })
    const r2 = await refundOf("-2.00")
    expect(await list()).toEqual([a, r1, b, r2])
    expect(await list({ idAfter: "0" })).toEqual([a, r1, b, r2])
    expect(await list({ idAfter: a })).toEqual([r1, b, r2])
    expect(await list({ idAfter: r1 })).toEqual([b, r2])
    expect(await list({ idAfter: b })).toEqual([r2])
    expect(await list({ idAfter: r2 })).toEqual([])
    // A sync that keeps the last id it saw gets every row exactly once.
    const seen: Array<string> = []
    let last = "0"
    for (;;) {
      const page = (await list({ idAfter: last })).slice(0, 1)
      if (page.length === 0) break
      seen.push(...page)
      last = page.at(-1) as string
    }
    expect(seen).toEqual([a, r1, b, r2])
  })

  it("combines filters (every one restricts the result)", async () => {
    const a = await createId({ paymentAmount: amount("1.00"), paymentDate: "2024-01-10" })
    const b = await createId({ paymentAmount: amount("2.00"), paymentDate: "2024-02-10" })
    const c = await createId({ paymentAmount: amount("3.00"), paymentDate: "2024-03-10" })
    const d = await createId({ paymentAmount: amount("4.00"), paymentDate: "2024-03-20" })
    const start = await mark()
    await patch(b, { paymentReversedDate: "2024-02-15" })
    await patch(c, { paymentReversedDate: "2024-03-15" })
    await patch(d, { paymentReversedDate: "2024-03-25" })
    await patch(d, { paymentReversedDate: null })

    expect(await list({ includeReversed: "1", minDate: "2024-02-01" })).toEqual([b, c, d])
    expect(await list({ reversed: "1", minDate: "2024-03-01" })).toEqual([c])
    expect(await list({ reversed: "1", maxReversedDate: "2024-03-01" })).toEqual([b])
    expect(await list({ reversedSince: start, minDate: "2024-03-01" })).toEqual([c, d])
    expect(await list({ reversedSince: start, reinstatedSince: start })).toEqual([d])
    expect(await list({ reversedSince: start, reinstatedSince: start, maxDate: "2024-03-10" })).toEqual([])
    expect(await list({ includeReversed: "1", idAfter: a, maxDate: "2024-03-10" })).toEqual([b, c])
    expect(await list({ minDate: "2024-01-01", maxDate: "2024-01-31", createdSince: start })).toEqual([])
    const forCustomer = await send({
      method: "GET",
      path: `/customers/${seed.customerId}/payments/`,
      query: { reversed: "1", minReversedDate: "2024-03-01", maxReversedDate: "2024-03-31" }
    })
    expect(idsOf(forCustomer)).toEqual([c])
  })
})
