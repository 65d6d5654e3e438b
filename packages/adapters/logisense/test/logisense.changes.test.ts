/**
 * Changing LogiSense payments over the real Ledger (in-memory store): PUT of a posted payment's
 * references, PATCH with mixed create, update and delete items (all or nothing), reversals within
 * the unreversed amount and their limits, delete rules (drafts cancelled, gateway and invoiced
 * payments refused), and gateway charges and reversals, including a gateway that declines one.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import type { DialectTestbed } from "@paybridge/adapter-kit/testing"
import { Documents, type GatewayId, PaymentId, Payments, testGatewayTokens } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  type Change,
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
  const { send, created, record, invoice, balance, gateway } = logisenseClient(() => ({ testbed, world }))

  beforeEach(async () => {
    testbed = await newTestbed()
    world = await seed(testbed)
  })
  afterEach(() => testbed.dispose())

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
