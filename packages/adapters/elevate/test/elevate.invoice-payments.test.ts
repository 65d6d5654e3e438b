/**
 * Elevate's invoice payments and refunds on ledger money: paying one invoice or adhoc invoice
 * (bill) through `/invoice-payments` and `/adhoc-invoice-payments`, payments made through other
 * protocols and Elevate's customer payments shown as events of the invoice, and refunds walked
 * through Elevate's statuses on the ledger's refund lifecycle, with the refusals it does not allow.
 */
import type { DialectTestbed } from "@paybridge/adapter-kit/testing"
import { Documents, Parties, Payments, type RefundId, Refunds } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  type ElevateSeed,
  elevateClient,
  expectError,
  issue,
  money,
  newTestbed,
  plain,
  rows,
  seed
} from "./elevate-fixtures.ts"

let testbed: DialectTestbed
let elevate: ElevateSeed
const { send, get, post, pay, balanceOf } = elevateClient(() => ({ testbed, elevate }))

beforeEach(async () => {
  testbed = await newTestbed()
  elevate = await seed(testbed)
})
afterEach(() => testbed.dispose())

describe("invoice payments", () => {
  const payOneDocument = async (
    path: "/invoice-payments" | "/adhoc-invoice-payments",
    kind: "invoice" | "bill",
    billRunType: "NORMAL" | "ADHOC"
  ) => {
    const document = await issue(testbed, elevate.customerId, "45.00", { kind })
    const other = await issue(testbed, elevate.customerId, "45.00", { kind: kind === "bill" ? "invoice" : "bill" })
    const made = await post(path, {
      invoiceId: document.id,
      amountInMajorCurrency: money("45.00"),
      type: "BACS",
      reference: "R-1"
    })
    expect(made.status, made.text).toBe(201)
    const payment = plain(made) as Record<string, unknown>
    expect(payment).toMatchObject({
      invoiceId: document.id,
      customerId: elevate.customerId,
      customerPaymentType: "INVOICE",
      amountInMajorCurrency: 45,
      type: "BACS",
      status: "NA",
      billRunType,
      paymentProviderId: null
    })
    expect(plain(await get(`${path}/${payment.id}`))).toEqual(payment)
    expect(rows(await get(path, { page: "1", pageSize: "10" }))).toEqual([payment])
    expect(rows(await get(path, { page: "1", pageSize: "10", generatedInvoiceId: String(other.id) }))).toEqual([])
    expect(rows(await get(path, { page: "1", pageSize: "10", billRunId: "1" }))).toEqual([])
    // The same payment is a customer payment of type INVOICE, and it paid the document.
    const asCustomerPayment = plain(await get(`/customer-payments/${payment.id}`))
    expect(asCustomerPayment).toMatchObject({ customerPaymentType: "INVOICE", invoiceId: document.id, billRunType })
    const paid = await testbed.runAsSystem(Documents.use((documents) => documents.getDocument(document.id)))
    expect(paid.state).toBe("paid")
    expectError(await post(path, { invoiceId: other.id }), 400, "invoice")
    // A provider payment goes through the gateway and shows its outcome.
    const provider = await testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: `gw-${kind}`, name: "Gateway" }))
    )
    const open = await issue(testbed, elevate.customerId, "10.51", { kind })
    const declined = await post(path, {
      invoiceId: open.id,
      paymentProviderId: provider.id,
      mandateReference: "MD-1"
    })
    expect(plain(declined)).toMatchObject({
      status: "UNPAID",
      paymentProviderId: provider.id,
      errorInfo: "card declined"
    })
  }

  it("pays one invoice through the /invoice-payments endpoint and lists it", () =>
    payOneDocument("/invoice-payments", "invoice", "NORMAL"))
  it("pays one bill through the /adhoc-invoice-payments endpoint and lists it", () =>
    payOneDocument("/adhoc-invoice-payments", "bill", "ADHOC"))

  it("shows payments made through other protocols and Elevate's customer payments as events of the invoice", async () => {
    const invoice = await issue(testbed, elevate.customerId, "100.00", { issueDate: "2026-01-01" })
    const bill = await issue(testbed, elevate.customerId, "30.00", { kind: "bill", issueDate: "2026-01-02" })
    const page = { page: "1", pageSize: "10" }
    const ofInvoice = async () =>
      rows(await get("/invoice-payments", { ...page, generatedInvoiceId: String(invoice.id) }))
    // Made through the invoice-payment endpoint: shown exactly as created.
    const made = plain(
      await post("/invoice-payments", { invoiceId: invoice.id, amountInMajorCurrency: money("20.00"), type: "BACS" })
    ) as Record<string, unknown>
    // Made elsewhere (the ledger command tRPC and the other dialects call): 60.00, 40.00 of it on the invoice.
    const elsewhere = await testbed.runAsSystem(
      Payments.use((payments) =>
        payments.createPayment({
          customerId: elevate.customerId,
          amount: "60.00",
          allocations: [{ documentId: invoice.id, amount: "40.00" }],
          thirdPartyReference: "TRPC-7"
        })
      )
    )
    const allocation = elsewhere.allocations[0]
    if (allocation === undefined) throw new Error("the payment was not allocated")
    const derived = {
      id: 2_000_000_000_000 + allocation.id,
      invoiceId: invoice.id,
      invoiceNumber: invoice.number,
      customerId: elevate.customerId,
      customerPaymentId: elsewhere.payment.id,
      customerPaymentType: "CUSTOMER",
      amountInMajorCurrency: 40,
      currencyId: 826,
      paymentDate: elsewhere.payment.paymentDate,
      type: "OTHER",
      status: "NA",
      paymentProviderId: null,
      reference: "TRPC-7",
      description: null,
      billRunType: "NORMAL",
      errorInfo: null
    }
    expect(await ofInvoice()).toEqual([made, derived])
    expect(plain(await get(`/invoice-payments/${derived.id}`))).toEqual(derived)
    expect(rows(await get("/invoice-payments", page))).toEqual([made, derived])
    expect(rows(await get("/invoice-payments", { ...page, customerPaymentId: String(elsewhere.payment.id) }))).toEqual([
      derived
    ])
    expect(
      rows(await get("/invoice-payments", { ...page, customerPaymentType: "CUSTOMER", fields: "id,status" }))
    ).toEqual([{ id: derived.id, status: "NA" }])
    // Not an adhoc invoice payment, and an unknown allocation is a 404.
    expectError(await get(`/adhoc-invoice-payments/${derived.id}`), 404)
    expectError(await get(`/invoice-payments/${2_000_000_000_000 + allocation.id + 1000}`), 404)
    expect(rows(await get("/invoice-payments", { ...page, generatedInvoiceId: "999999" }))).toEqual([])
    // A partial reversal elsewhere shows in the event's status; the Elevate event is untouched.
    await testbed.runAsSystem(
      Payments.use((payments) => payments.reversePayment({ paymentId: elsewhere.payment.id, amount: "10.00" }))
    )
    expect(await ofInvoice()).toEqual([made, { ...derived, status: "PARTIALLY_PAID" }])
    // Elevate's own customer payment pays the rest of the invoice and the bill, oldest first.
    const customerPayment = plain(await pay("70.00")) as Record<string, unknown>
    const events = await ofInvoice()
    expect(events).toHaveLength(3)
    expect(events[2]).toMatchObject({
      customerPaymentId: customerPayment.id,
      customerPaymentType: "CUSTOMER",
      amountInMajorCurrency: 40,
      type: "CHEQUE",
      status: "NA"
    })
    const adhoc = rows(await get("/adhoc-invoice-payments", { ...page, generatedInvoiceId: String(bill.id) }))
    expect(adhoc).toEqual([
      expect.objectContaining({
        invoiceId: bill.id,
        customerPaymentId: customerPayment.id,
        amountInMajorCurrency: 30,
        billRunType: "ADHOC",
        type: "CHEQUE"
      })
    ])
    expect(rows(await get("/invoice-payments", { ...page, generatedInvoiceId: String(bill.id) }))).toEqual([])
  })
})

describe("refunds", () => {
  const paidInvoice = async () => {
    const invoice = await issue(testbed, elevate.customerId, "60.00")
    const made = plain(await post("/invoice-payments", { invoiceId: invoice.id, type: "DIRECT_DEBIT" })) as Record<
      string,
      unknown
    >
    return { invoice, paymentId: made.id as number }
  }
  const patch = (id: unknown, status: string) =>
    send({
      method: "PATCH",
      path: `/refunds/${id}`,
      body: [{ op: "replace", path: "/thirdPartyRefundStatus", value: status }]
    })

  it("walks a refund through Elevate's statuses on the ledger's refund lifecycle", async () => {
    const { invoice, paymentId } = await paidInvoice()
    const made = await post("/refunds", {
      invoiceId: invoice.id,
      amountInMajorCurrency: money("25.00"),
      description: "goodwill"
    })
    expect(made.status, made.text).toBe(201)
    const refund = plain(made) as Record<string, unknown>
    expect(refund).toMatchObject({
      invoiceId: invoice.id,
      customerId: elevate.customerId,
      billRunType: "NORMAL",
      thirdPartyRefundStatus: "CREATED",
      description: "goodwill",
      paymentMethod: "DIRECT_DEBIT",
      amountInMajorCurrency: 25
    })
    expect(await balanceOf(elevate.customerId)).toBe(-2500n)
    const ledgerRefund = () => testbed.runAsSystem(Refunds.use((refunds) => refunds.getRefund(refund.id as RefundId)))
    expect((await ledgerRefund()).paymentId).toBe(paymentId)

    const steps: Array<[string, string]> = [
      ["PENDING_SUBMISSION", "requested"],
      ["SUBMITTED", "submitted"],
      ["PAID", "settled"],
      ["REFUND_SETTLED", "settled"],
      ["MANUALLY_REFUNDED", "settled"]
    ]
    for (const [status, state] of steps) {
      const response = await patch(refund.id, status)
      expect(response.status, response.text).toBe(200)
      expect(plain(response)).toMatchObject({ thirdPartyRefundStatus: status })
      expect((await ledgerRefund()).state).toBe(state)
    }
    expect(plain(await get(`/refunds/${refund.id}`))).toMatchObject({ thirdPartyRefundStatus: "MANUALLY_REFUNDED" })
    expect(await balanceOf(elevate.customerId)).toBe(-2500n)

    // A second refund that bounces gives its money back to the balance; one cancelled too.
    const bounced = plain(await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("10.00") })) as {
      id: number
    }
    await patch(bounced.id, "SUBMITTED")
    expect(plain(await patch(bounced.id, "FUNDS_RETURNED"))).toMatchObject({ thirdPartyRefundStatus: "FUNDS_RETURNED" })
    const cancelled = plain(
      await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("5.00") })
    ) as { id: number }
    expect(plain(await patch(cancelled.id, "CANCELLED"))).toMatchObject({ thirdPartyRefundStatus: "CANCELLED" })
    expect(await balanceOf(elevate.customerId)).toBe(-2500n)

    const listed = await get("/refunds", { page: "1", pageSize: "10", invoiceId: String(invoice.id), sort: "id" })
    expect(rows(listed).map((row) => row.thirdPartyRefundStatus)).toEqual([
      "MANUALLY_REFUNDED",
      "FUNDS_RETURNED",
      "CANCELLED"
    ])
    expect(rows(await get("/refunds", { page: "1", pageSize: "10", billRunType: "ADHOC" }))).toEqual([])
    expectError(await get("/refunds/999999"), 404)
  })

  it("refuses a refund larger than what paid the invoice", async () => {
    const { invoice } = await paidInvoice()
    expectError(await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("60.01") }), 409)
    const unpaid = await issue(testbed, elevate.customerId, "10.00")
    expectError(await post("/refunds", { invoiceId: unpaid.id }), 400, "nothing has been paid")
    expectError(await post("/refunds", { invoiceId: invoice.id, billRunType: "ADHOC" }), 400, "NORMAL")
    const whole = await post("/refunds", { invoiceId: invoice.id })
    expect(plain(whole)).toMatchObject({ amountInMajorCurrency: 60 })
  })

  it("refuses a status the ledger's lifecycle does not allow from the current one", async () => {
    const { invoice } = await paidInvoice()
    const refund = plain(await post("/refunds", { invoiceId: invoice.id, amountInMajorCurrency: money("1.00") })) as {
      id: number
    }
    expectError(await patch(refund.id, "BOUNCED"), 409)
    expect((await patch(refund.id, "SUBMITTED")).status).toBe(200)
    expectError(await patch(refund.id, "CREATED"), 409, "cannot go back")
    expect((await patch(refund.id, "REFUND_SETTLED")).status).toBe(200)
    expectError(await patch(refund.id, "CANCELLED"), 409)
    expectError(await patch(refund.id, "DONE"), 400, "thirdPartyRefundStatus")
    expectError(
      await send({
        method: "PATCH",
        path: `/refunds/${refund.id}`,
        body: [{ op: "remove", path: "/amountInMajorCurrency" }]
      }),
      400,
      "replace"
    )
  })
})
