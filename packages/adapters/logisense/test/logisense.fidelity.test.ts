/**
 * LogiSense rules a migrating client notices (issue 17.1–17.4), over HTTP through the testbed:
 * `date` and `posting` keep the instant the client sent; every ISO 8601 form is read, an invalid
 * one is one clear error; a migrated reversal row names its payment as LogiSense did; every
 * validation error of a request comes at once with its code; a PATCH `update` of an invoice
 * disbursement keeps the disbursement's identity.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import type { DialectTestbed, TestResponse } from "@paybridge/adapter-kit/testing"
import { Balances, DialectRecords, Documents, Parties, PaymentId, Payments } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { authorize, type LogisenseSeed, newTestbed, seed, v6 } from "./logisense.fixtures.ts"

type Row = Record<string, unknown> & { identity: number }
type Change = { results: { items: Array<Row> } }
type ErrorBody = { trackingId: string; type: string; errors: Array<{ code: number; message: string }> }

describe("LogiSense fidelity", () => {
  let testbed: DialectTestbed
  let world: LogisenseSeed
  const send = (method: string, path: string, body?: unknown) =>
    testbed.request(authorize({ method, path, ...(body === undefined ? {} : { body }) }, world))
  const created = (response: TestResponse): Row => {
    expect(response.status, response.text).toBe(200)
    return (response.json as Change).results.items[0] as Row
  }
  const record = async (extra: Record<string, unknown>) =>
    created(await send("POST", `${v6}/`, { accountId: world.accountId, amount: new JsonDecimal("10.00"), ...extra }))
  const ledgerPayment = async (identity: number) =>
    (await testbed.runAsSystem(Payments.use((payments) => payments.getPayment({ id: PaymentId.make(identity) }))))
      .payment
  const errorsOf = (response: TestResponse) => (response.json as ErrorBody).errors

  beforeEach(async () => {
    testbed = await newTestbed()
    world = await seed(testbed)
  })
  afterEach(() => testbed.dispose())

  describe("times of date and posting (17.1)", () => {
    it("keeps the instant the client sent for date and posting, and renders it back exactly", async () => {
      const row = await record({ date: "2021-04-26T15:25:27.587Z", posting: "2021-04-27T08:00:00.001Z" })
      expect(row).toMatchObject({ date: "2021-04-26T15:25:27.587Z", posting: "2021-04-27T08:00:00.001Z" })
      const read = await send("GET", `${v6}/${row.identity}`)
      expect((read.json as { instance: Row }).instance).toMatchObject({
        date: "2021-04-26T15:25:27.587Z",
        posting: "2021-04-27T08:00:00.001Z"
      })
      const payment = await ledgerPayment(row.identity)
      expect(payment.paymentDate).toBe("2021-04-26")
      expect(payment.receivedAt?.toISOString()).toBe("2021-04-26T15:25:27.587Z")
      expect(payment.postedOn).toBe("2021-04-27")
      expect(payment.postedAt?.toISOString()).toBe("2021-04-27T08:00:00.001Z")
    })

    it("keeps the instant of a time with an offset (the same instant, written in UTC) and the business day in UTC", async () => {
      const row = await record({ date: "2021-04-26T23:30:00-05:00" })
      expect(row.date).toBe("2021-04-27T04:30:00.000Z")
      expect((await ledgerPayment(row.identity)).paymentDate).toBe("2021-04-27")
    })

    it("accepts a GET → PUT round trip of a posted payment with times, and refuses a changed time once posted", async () => {
      const row = await record({ date: "2021-04-26T15:25:27.587Z", posting: "2021-04-27T08:00:00.001Z" })
      const same = await send("PUT", `${v6}/${row.identity}`, { ...row, amount: new JsonDecimal("10.00") })
      expect(created(same)).toMatchObject({ date: "2021-04-26T15:25:27.587Z", posting: "2021-04-27T08:00:00.001Z" })
      const moved = await send("PUT", `${v6}/${row.identity}`, { date: "2021-04-26T15:25:28.587Z" })
      expect(moved.status).toBe(400)
      expect(errorsOf(moved)[0]?.message).toMatch(/^'Date' can only change while the payment is a draft/)
    })

    it("changes the time of a draft's date and posts it at the instant sent", async () => {
      const payments = await testbed.runAsSystem(
        Payments.use((service) =>
          service.createPayment({ customerId: world.accountId, amount: "4.00", initialState: "draft" })
        )
      )
      const id = payments.payment.id
      const updated = await send("PUT", `${v6}/${id}`, { date: "2021-04-26T06:07:08.009Z" })
      expect(created(updated)).toMatchObject({ date: "2021-04-26T06:07:08.009Z", posting: null })
      const posted = await send("PUT", `${v6}/${id}`, { posting: "2021-04-28T10:11:12.013+01:00" })
      expect(created(posted)).toMatchObject({ posting: "2021-04-28T09:11:12.013Z" })
    })

    it("keeps the instant of a reversal row's date", async () => {
      const invoice = await testbed.runAsSystem(
        Documents.use((documents) =>
          documents.issueDocument({ kind: "invoice", customerId: world.accountId, total: "10.00" })
        )
      )
      const row = await record({ invoiceId: invoice.id })
      const reversed = await send("POST", `${v6}/Reverse`, {
        paymentId: row.identity,
        amount: new JsonDecimal("2.50"),
        date: "2021-05-01T12:34:56.789Z"
      })
      expect(created(reversed)).toMatchObject({ date: "2021-05-01T12:34:56.789Z", posting: "2021-05-01T12:34:56.789Z" })
    })

    it("names a migrated reversal's payment as LogiSense did (reversePaymentName), in reads and in Search", async () => {
      const invoice = await testbed.runAsSystem(
        Documents.use((documents) =>
          documents.issueDocument({ kind: "invoice", customerId: world.accountId, total: "20.00" })
        )
      )
      const reverse = async (paymentId: number) =>
        created(await send("POST", `${v6}/Reverse`, { paymentId, amount: new JsonDecimal("1.00") }))
      const migratedPayment = await record({ invoiceId: invoice.id })
      const migrated = await reverse(migratedPayment.identity)
      const own = await reverse((await record({ invoiceId: invoice.id })).identity)
      const ledgerName = (await ledgerPayment(migratedPayment.identity)).number
      expect(migrated.reversePaymentName).toBe(ledgerName)
      // What the migration keeps of a LogiSense reversal row: the name LogiSense showed (its payment numbering, not the ledger's).
      await testbed.runAsSystem(
        DialectRecords.use((records) =>
          records.saveDialectRecord({
            dialect: "logisense",
            kind: "reversal",
            key: String(-migrated.identity),
            customerId: world.accountId,
            paymentId: PaymentId.make(migratedPayment.identity),
            data: { paymentName: "PMT-7731" },
            merge: true
          })
        )
      )
      const read = await send("GET", `${v6}/${migrated.identity}`)
      expect((read.json as { instance: Row }).instance).toMatchObject({
        identity: migrated.identity,
        reversePaymentId: migratedPayment.identity,
        reversePaymentName: "PMT-7731"
      })
      const detail = await send("GET", `${v6}/${migratedPayment.identity}/Detail`)
      const rows = (detail.json as { instance: { details: { paymentReversals: Array<Row> } } }).instance.details
        .paymentReversals
      expect(rows.map((row) => row.reversePaymentName)).toEqual(["PMT-7731"])
      // The reversal made in Paybridge keeps the ledger's name.
      expect((await send("GET", `${v6}/${own.identity}`)).json).toMatchObject({
        instance: { reversePaymentName: own.reversePaymentName }
      })
      const search = async (value: string) => {
        const found = await send("POST", `${v6}/Search`, {
          query: { search: [{ name: "reversePaymentName", operator: "eq", value }] }
        })
        expect(found.status, found.text).toBe(200)
        return (found.json as { items: Array<Row> }).items.map((row) => row.identity)
      }
      expect(await search("PMT-7731")).toEqual([migrated.identity])
      expect(await search(String(ledgerName))).toEqual([])
    })
  })

  describe("every ISO 8601 form (17.2)", () => {
    it("accepts a date only, a time without offset, with an offset, with or without fractions", async () => {
      const forms: ReadonlyArray<readonly [string, string]> = [
        ["2021-04-26", "2021-04-26T00:00:00.000Z"],
        ["2021-04-26T15:25:27", "2021-04-26T15:25:27.000Z"],
        ["2021-04-26T15:25:27.5", "2021-04-26T15:25:27.500Z"],
        ["2021-04-26T15:25:27.5870000", "2021-04-26T15:25:27.587Z"],
        ["2021-04-26T15:25:27Z", "2021-04-26T15:25:27.000Z"],
        ["2021-04-26T17:25:27.587+02:00", "2021-04-26T15:25:27.587Z"],
        ["2021-04-26T15:25", "2021-04-26T15:25:00.000Z"]
      ]
      for (const [sent, shown] of forms) {
        const row = await record({ date: sent, posting: sent })
        expect(row.date, sent).toBe(shown)
        expect(row.posting, sent).toBe(shown)
      }
    })

    it("answers one clear error with the field and the accepted forms for an invalid date", async () => {
      for (const bad of ["2021-02-30", "26/04/2021", "2021-04-26T25:00:00Z", "soon"]) {
        const response = await send("POST", `${v6}/`, {
          accountId: world.accountId,
          amount: new JsonDecimal("1.00"),
          date: bad
        })
        expect(response.status, bad).toBe(400)
        const errors = errorsOf(response)
        expect(errors, bad).toHaveLength(2)
        expect(errors[0]?.code).toBe(11900000)
        expect(errors[0]?.message).toBe(
          `'Date' must be an ISO 8601 date or date and time, e.g. 2021-04-26, 2021-04-26T15:25:27, 2021-04-26T15:25:27.587Z or 2021-04-26T17:25:27+02:00; got "${bad}"`
        )
        expect(errors[1]).toEqual({ code: 2000, message: "Errors found. Transaction has been rolled back." })
      }
    })
  })

  describe("every validation error at once (17.3)", () => {
    const closing = { code: 2000, message: "Errors found. Transaction has been rolled back." }

    it("reports a zero amount together with the unknown account and payment type", async () => {
      const response = await send("POST", `${v6}/`, { amount: 0, accountId: 999999, paymentTypeId: 4242 })
      expect(response.status).toBe(400)
      expect(errorsOf(response)).toEqual([
        { code: 13100000, message: "'AccountId' (999999) does not exist in 'Account'" },
        { code: 13100000, message: "'PaymentTypeId' (4242) does not exist in 'PaymentType'" },
        { code: 11900000, message: "'Amount' MUST be greater than '0'" },
        closing
      ])
      expect(await testbed.countPayments()).toBe(0)
    })

    it("reports an invalid amount and date together with every unknown reference", async () => {
      const response = await send("POST", `${v6}/`, {
        amount: "lots",
        date: "2021-13-01",
        accountId: 999999,
        paymentTypeId: 4242,
        paymentMethodId: 4343,
        invoiceId: 777
      })
      expect(response.status).toBe(400)
      const errors = errorsOf(response)
      expect(errors.map((error) => [error.code, error.message.split(" ")[0]])).toEqual([
        [11900000, "'Date'"],
        [11900000, "'Amount'"],
        [13100000, "'AccountId'"],
        [13100000, "'PaymentTypeId'"],
        [13100000, "'PaymentMethodId'"],
        [13100000, "'InvoiceId'"],
        [2000, "Errors"]
      ])
    })

    it("reports a missing amount with a refused account id and unknown references, once each", async () => {
      const response = await send("POST", `${v6}/`, { accountId: "seven", paymentMethodId: 4343 })
      expect(errorsOf(response).map((error) => error.message.split(" ")[0])).toEqual([
        "'AccountId'",
        "'Amount'",
        "'PaymentMethodId'",
        "Errors"
      ])
      expect(errorsOf(response)[1]?.message).toBe("'Amount' is required")
    })

    it("reports every problem of a PUT, a Reverse and a Payment/Vendor at once", async () => {
      const row = await record({})
      const put = await send("PUT", `${v6}/${row.identity}`, { date: "never", paymentTypeId: 4242, amount: "x" })
      expect(errorsOf(put).map((error) => [error.code, error.message.split(" ")[0]])).toEqual([
        [11900000, "'Date'"],
        [11900000, "'Amount'"],
        [13100000, "'PaymentTypeId'"],
        [2000, "Errors"]
      ])
      const reverse = await send("POST", `${v6}/Reverse`, { paymentId: 999999, amount: "x", date: "bad" })
      expect(errorsOf(reverse).map((error) => [error.code, error.message.split(" ")[0]])).toEqual([
        [11900000, "'Amount'"],
        [11900000, "'Date'"],
        [13100000, "'PaymentId'"],
        [2000, "Errors"]
      ])
      const vendor = await send("POST", `${v6}/Vendor`, { accountId: 999999, amount: 0, paymentGatewayId: 555 })
      expect(errorsOf(vendor).map((error) => [error.code, error.message])).toEqual([
        [13100000, "'AccountId' (999999) does not exist in 'Account'"],
        [11900000, "'Amount' MUST be greater than '0'"],
        [13100000, "'PaymentGatewayId' (555) does not exist in 'PaymentGateway'"],
        [2000, closing.message]
      ])
    })

    it("reports the problems of every PATCH item together, and keeps none of the valid items", async () => {
      const row = await record({ detail: "Before" })
      const paymentsBefore = await testbed.countPayments()
      const response = await send("PATCH", `${v6}/${row.identity}`, {
        payments: {
          items: [
            { patchType: "create", accountId: world.accountId, amount: new JsonDecimal("5") },
            { patchType: "create", accountId: world.accountId, amount: 0, paymentTypeId: 4242 },
            { patchType: "update", detail: "After", paymentMethodId: 4343 },
            { patchType: "update", identity: "x" }
          ]
        },
        details: { paymentInvoiceDisbursements: { items: [{ patchType: "delete", identity: 999999 }] } }
      })
      expect(response.status).toBe(400)
      expect(errorsOf(response).map((error) => [error.code, error.message.split(" ")[0]])).toEqual([
        [13100000, "'Payments.Items[1].PaymentTypeId'"],
        [11900000, "'Payments.Items[1].Amount'"],
        [13100000, "'Payments.Items[2].PaymentMethodId'"],
        [11900000, "'Payments.Items[3].Identity'"],
        [13100000, "'Details.PaymentInvoiceDisbursements.Items[0].Identity'"],
        [2000, "Errors"]
      ])
      expect(await testbed.countPayments()).toBe(paymentsBefore)
      const read = await send("GET", `${v6}/${row.identity}`)
      expect((read.json as { instance: Row }).instance.detail).toBe("Before")
    })

    it("reports a disbursement's invalid amount together with its unknown identity", async () => {
      const row = await record({})
      const response = await send("PATCH", `${v6}/${row.identity}`, {
        details: {
          paymentInvoiceDisbursements: { items: [{ patchType: "update", identity: 424242, amount: "x" }] }
        }
      })
      expect(response.status).toBe(400)
      expect(errorsOf(response).map((error) => [error.code, error.message.split(" ")[0]])).toEqual([
        [11900000, "'Details.PaymentInvoiceDisbursements.Items[0].Amount'"],
        [13100000, "'Details.PaymentInvoiceDisbursements.Items[0].Identity'"],
        [2000, "Errors"]
      ])
    })
  })

  describe("a PATCH update of an invoice disbursement keeps its identity (17.4)", () => {
    it("adjusts the allocation in place: same identity in the answer, in Detail and for the next update", async () => {
      const invoice = await testbed.runAsSystem(
        Documents.use((documents) =>
          documents.issueDocument({ kind: "invoice", customerId: world.accountId, total: "100.00" })
        )
      )
      const row = created(
        await send("POST", `${v6}/`, {
          accountId: world.accountId,
          amount: new JsonDecimal("60.00"),
          invoiceId: invoice.id,
          invoiceAmount: new JsonDecimal("10.00")
        })
      )
      const detailOf = async () =>
        (
          (await send("GET", `${v6}/${row.identity}/Detail`)).json as {
            instance: { details: { invoiceDisbursements: Array<Row> } }
          }
        ).instance.details.invoiceDisbursements
      const [disbursement] = await detailOf()
      const identity = disbursement?.identity as number
      const update = (amount: string) =>
        send("PATCH", `${v6}/${row.identity}`, {
          details: {
            paymentInvoiceDisbursements: {
              items: [{ patchType: "update", identity, amount: new JsonDecimal(amount) }]
            }
          }
        })

      const first = created(await update("30.00"))
      expect(first).toMatchObject({
        identity,
        action: "updated",
        instance: { identity, amount: 30, invoiceId: invoice.id }
      })
      expect((await detailOf()).map((item) => [item.identity, item.amount])).toEqual([[identity, 30]])
      const second = created(await update("55.5"))
      expect(second).toMatchObject({ identity, action: "updated", instance: { identity } })
      expect(JSON.stringify(second)).toContain('"amount":55.5,')

      const events = await testbed.runAsSystem(
        Balances.use((balances) =>
          balances.listEvents({ paymentId: PaymentId.make(row.identity), types: ["payment.allocation-adjusted"] })
        )
      )
      expect(events.items.map((event) => [event.data.previousAmount, event.data.amount])).toEqual([
        ["1000", "3000"],
        ["3000", "5550"]
      ])
      const owed = await testbed.runAsSystem(Documents.use((documents) => documents.getDocument(invoice.id)))
      expect(owed.outstanding).toBe(4450n)
    })

    it("refuses to move a disbursement to another invoice or past the payment, changing nothing", async () => {
      const issue = (total: string) =>
        testbed.runAsSystem(
          Documents.use((documents) => documents.issueDocument({ kind: "invoice", customerId: world.accountId, total }))
        )
      const invoice = await issue("100.00")
      const other = await issue("100.00")
      const row = created(
        await send("POST", `${v6}/`, {
          accountId: world.accountId,
          amount: new JsonDecimal("20.00"),
          invoiceId: invoice.id
        })
      )
      const detail = await send("GET", `${v6}/${row.identity}/Detail`)
      const identity = (detail.json as { instance: { details: { invoiceDisbursements: Array<Row> } } }).instance.details
        .invoiceDisbursements[0]?.identity
      const moved = await send("PATCH", `${v6}/${row.identity}`, {
        details: {
          paymentInvoiceDisbursements: {
            items: [{ patchType: "update", identity, invoiceId: other.id, amount: new JsonDecimal("5") }]
          }
        }
      })
      expect(moved.status).toBe(400)
      expect(errorsOf(moved)[0]?.message).toMatch(
        /'Details\.PaymentInvoiceDisbursements\.Items\[0\]\.InvoiceId' cannot change/
      )
      const tooMuch = await send("PATCH", `${v6}/${row.identity}`, {
        details: {
          paymentInvoiceDisbursements: {
            items: [{ patchType: "update", identity, amount: new JsonDecimal("20.01") }]
          }
        }
      })
      expect(tooMuch.status).toBe(400)
      expect(errorsOf(tooMuch)[0]?.message).toContain("20.01 USD")
      const after = await send("GET", `${v6}/${row.identity}/Detail`)
      expect(
        (after.json as { instance: { details: { invoiceDisbursements: Array<Row> } } }).instance.details
          .invoiceDisbursements[0]
      ).toMatchObject({ identity, amount: 20 })
    })
  })

  describe("refusals name the client's field, money in major units (17.9)", () => {
    it("names a refusal the ledger raises with LogiSense's field name", async () => {
      const gateway = await testbed.runAsSystem(
        Parties.use((parties) => parties.createGateway({ code: "off", name: "Switched off", enabled: false }))
      )
      const refused = await send("POST", `${v6}/Vendor`, {
        accountId: world.accountId,
        amount: new JsonDecimal("5.00"),
        paymentGatewayId: gateway.id,
        cardToken: "4242424242424242"
      })
      expect(refused.status).toBe(400)
      expect(errorsOf(refused)[0]).toEqual({ code: 11900000, message: "'PaymentGatewayId' gateway off is disabled" })
    })

    it("writes amounts in a refusal in major units with the currency", async () => {
      const invoice = await testbed.runAsSystem(
        Documents.use((documents) =>
          documents.issueDocument({ kind: "invoice", customerId: world.accountId, total: "10.00" })
        )
      )
      const row = await record({ invoiceId: invoice.id })
      const tooMuch = await send("POST", `${v6}/Reverse`, { paymentId: row.identity, amount: new JsonDecimal("10.01") })
      expect(errorsOf(tooMuch)[0]).toEqual({
        code: 11900000,
        message: `'Amount' only 10.00 USD of payment ${row.identity} can still be reversed`
      })
    })
  })
})
