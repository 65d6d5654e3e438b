/**
 * Silver's unpaid payments of open documents (issue 12.8): an issued invoice (or a proforma not yet
 * invoiced) shows in the customer's payment list as an `unpaid` payment for what it still asks,
 * derived from the ledger — it shrinks as the document is paid through any protocol, comes back
 * when that payment is reversed, disappears when the document is paid in full or cancelled — and
 * reads by id; a PATCH of it is refused (it follows its document). A document migrated from Silver
 * (issue 16.2) shows its row under its Silver id, in Silver's order, and is read by it.
 */
import { DialectRecords, Documents, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { unpaidPaymentIdOffset } from "../src/unpaid-payments.transformers.ts"
import { root, type SilverBench, silverBench } from "./silver.fixtures.ts"

interface Shown {
  id: number
  amount: string
  status: string
  invoice: string | null
  proforma: string | null
  due_date: string | null
}

describe("Silver's unpaid payments of open documents", () => {
  let bench: SilverBench
  beforeEach(async () => {
    bench = await silverBench()
  })
  afterEach(() => bench.dispose())

  const list = async () => {
    const response = await bench.send({ method: "GET", path: bench.paymentsPath() })
    expect(response.status, response.text).toBe(200)
    return response.json as Array<Shown>
  }
  const unpaidId = () => unpaidPaymentIdOffset + bench.seed.invoice.id

  it("shows the issued invoice as an unpaid payment for what it asks, following it as it is paid and reversed", async () => {
    const { testbed, seed } = bench
    expect(await list()).toEqual([
      expect.objectContaining({
        id: unpaidId(),
        amount: "200.00",
        status: "unpaid",
        due_date: "2016-12-01",
        invoice: `${root}/invoices/${seed.invoice.id}/`,
        proforma: `${root}/proformas/${seed.proforma.id}/`
      })
    ])
    const detail = await bench.send({ method: "GET", path: `${bench.paymentsPath()}${unpaidId()}/` })
    expect(detail.status, detail.text).toBe(200)
    expect(detail.json).toMatchObject({ id: unpaidId(), amount: "200.00", status: "unpaid" })

    // Paid in part elsewhere (tRPC's payDocument): the unpaid payment asks for the rest.
    const part = await testbed.runAsSystem(
      Documents.use((documents) => documents.payDocument({ documentId: seed.invoice.id, amount: "80.00" }))
    )
    const afterPart = await list()
    expect(afterPart.find((row) => row.id === unpaidId())).toMatchObject({ amount: "120.00", status: "unpaid" })
    expect(afterPart.find((row) => row.id === part.payment.id)).toMatchObject({ amount: "80.00", status: "paid" })

    // Reversed: the money is due again.
    await testbed.runAsSystem(Payments.use((payments) => payments.reversePayment({ paymentId: part.payment.id })))
    expect((await list()).find((row) => row.id === unpaidId())).toMatchObject({ amount: "200.00" })

    // Paid in full: nothing is due, the unpaid payment is gone.
    await testbed.runAsSystem(Documents.use((documents) => documents.payDocument({ documentId: seed.invoice.id })))
    expect((await list()).some((row) => row.id === unpaidId())).toBe(false)
    const gone = await bench.send({ method: "GET", path: `${bench.paymentsPath()}${unpaidId()}/` })
    expect(gone.status).toBe(404)
  })

  it("drops the unpaid payment of a cancelled document, and shows a proforma's once its invoice is gone", async () => {
    const { testbed, seed } = bench
    await testbed.runAsSystem(Documents.use((documents) => documents.cancelDocument(seed.invoice.id)))
    const rows = await list()
    expect(rows.map((row) => row.id)).toEqual([unpaidPaymentIdOffset + seed.proforma.id])
    expect(rows[0]).toMatchObject({ amount: "200.00", status: "unpaid", invoice: null })
    await testbed.runAsSystem(Documents.use((documents) => documents.cancelDocument(seed.proforma.id)))
    expect(await list()).toEqual([])
  })

  it("refuses Silver's transitions on an unpaid payment of a document (it follows the document)", async () => {
    const response = await bench.patch(unpaidId(), { status: "paid" })
    expect(response.status).toBe(400)
    expect(response.json).toEqual({ non_field_errors: [expect.stringContaining("pay the invoice")] })
    expect((await list()).find((row) => row.id === unpaidId())).toMatchObject({ amount: "200.00" })
  })

  it("shows a document migrated from Silver under its Silver id, in Silver's order, and reads it by that id", async () => {
    const { testbed, seed } = bench
    // As `pnpm migrate` books it: the external ref `invoice:<Silver id>` and its `migrated` record.
    const silverId = 1
    const migrated = await testbed.runAsSystem(
      Documents.use((documents) =>
        documents.issueDocument({
          kind: "invoice",
          customerId: seed.customer.id,
          total: "50.00",
          dueDate: "2016-12-02",
          externalRef: { system: "silver", id: `invoice:${silverId}` }
        })
      )
    )
    await testbed.runAsSystem(
      DialectRecords.use((records) =>
        records.saveDialectRecord({
          dialect: "silver",
          kind: "migrated",
          key: `document/invoice:${silverId}`,
          data: { ledgerId: migrated.id }
        })
      )
    )
    // Issued after the seed invoice in the ledger, but before it at Silver.
    expect(migrated.id).toBeGreaterThan(seed.invoice.id)
    expect(seed.invoice.id).toBeGreaterThan(silverId)
    const response = await bench.send({ method: "GET", path: bench.paymentsPath(), query: { ordering: "id" } })
    expect(response.status, response.text).toBe(200)
    const rows = response.json as Array<Shown & { url: string }>
    // Silver's id, so Silver's place: before the seed invoice's row.
    expect(rows.map((row) => row.id)).toEqual([unpaidPaymentIdOffset + silverId, unpaidId()])
    expect(rows[0]).toMatchObject({ amount: "50.00", status: "unpaid", invoice: `${root}/invoices/${migrated.id}/` })
    expect(rows[0]?.url).toBe(`${root}${bench.paymentsPath()}${unpaidPaymentIdOffset + silverId}/`)
    const byVendorId = await bench.send({
      method: "GET",
      path: `${bench.paymentsPath()}${unpaidPaymentIdOffset + silverId}/`
    })
    expect(byVendorId.status, byVendorId.text).toBe(200)
    expect(byVendorId.json).toMatchObject({ id: unpaidPaymentIdOffset + silverId, amount: "50.00" })
    // Known under its Silver id only: its ledger id names no unpaid row.
    const byLedgerId = await bench.send({
      method: "GET",
      path: `${bench.paymentsPath()}${unpaidPaymentIdOffset + migrated.id}/`
    })
    expect(byLedgerId.status).toBe(404)
  })

  it("shows a migrated customer's unpaid row under the customer's Silver id, and reads it there", async () => {
    const { testbed, seed } = bench
    const silverCustomerId = 9001
    const migratedCustomer = await testbed.runAsSystem(
      Parties.use((parties) =>
        parties.createCustomer({
          name: "Migrated",
          currency: seed.customer.currency,
          externalRef: { system: "silver", id: String(silverCustomerId) }
        })
      )
    )
    const document = await testbed.runAsSystem(
      Documents.use((documents) =>
        documents.issueDocument({
          kind: "invoice",
          customerId: migratedCustomer.id,
          total: "70.00",
          externalRef: { system: "silver", id: "invoice:5" }
        })
      )
    )
    await testbed.runAsSystem(
      Effect.forEach(
        [
          { key: `customer/${silverCustomerId}`, ledgerId: migratedCustomer.id },
          { key: "document/invoice:5", ledgerId: document.id }
        ],
        ({ key, ledgerId }) =>
          DialectRecords.use((records) =>
            records.saveDialectRecord({ dialect: "silver", kind: "migrated", key, data: { ledgerId } })
          )
      )
    )
    const path = `/customers/${silverCustomerId}/payments/`
    const listed = await bench.send({ method: "GET", path })
    expect(listed.status, listed.text).toBe(200)
    const rowId = unpaidPaymentIdOffset + 5
    expect(listed.json).toEqual([
      expect.objectContaining({
        id: rowId,
        amount: "70.00",
        customer: `${root}/customers/${silverCustomerId}/`,
        url: `${root}${path}${rowId}/`
      })
    ])
    const detail = await bench.send({ method: "GET", path: `${path}${rowId}/` })
    expect(detail.status, detail.text).toBe(200)
    expect(detail.json).toMatchObject({ id: rowId, customer: `${root}/customers/${silverCustomerId}/` })
  })

  it("leaves out a document that carries a Silver payment still unpaid", async () => {
    const created = await bench.create({
      provider: bench.links.provider,
      amount: "200.00",
      invoice: bench.links.invoice
    })
    expect(created.status, created.text).toBe(201)
    expect((await list()).map((row) => [row.id, row.status])).toEqual([[(created.json as Shown).id, "unpaid"]])
  })
})
