/**
 * What the booking brings over beyond amounts and states (issue 16.5: the shadow reads 100 % on
 * migrated data), on a real SQLite ledger through the ledger sink: Billing Platform (UK)'s collection
 * statuses replayed through the ledger's collection commands (collected, failed, cancelled, pending,
 * and a pending one collected on a later run) and payments reinstated at the vendor after they were
 * booked reversed (whole and partly), reinstated in the ledger; CRM.COM's type preset by its alternative code, a
 * rejection with the vendor's reason and a gateway payment's attempt fields in the dialect's payment
 * record; Silver's providers as billing entities (their details in the dialect's record) with the
 * payments and documents under them.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  DialectRecords,
  Documents,
  type Page,
  Parties,
  type PaymentDetail,
  type PaymentPreset,
  Payments
} from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { ledgerSink } from "../src/booking/ledger.sink.ts"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { listMigrated } from "../src/booking/migrated-records.ts"
import { reconcile } from "../src/booking/reconciliation.ts"
import { fingerprintOf } from "../src/checkpoint/checkpoint.ts"
import type { ExactJson } from "../src/http/exact-json.ts"
import type { SinkRecord } from "../src/import/record-sink.ts"
import {
  billingPlatformUkCustomerRecord,
  billingPlatformUkPartialReversalRecord,
  billingPlatformUkPaymentRecord,
  billingPlatformUkReversalRecord
} from "../src/sources/billing-platform-uk/billing-platform-uk.records.ts"
import { crmCustomerRecord, crmPaymentRecord } from "../src/sources/crm-com/crm-com.records.ts"
import {
  silverCustomerRecord,
  silverDocumentRecord,
  silverPaymentRecord,
  silverProviderRecord
} from "../src/sources/silver/silver.records.ts"
import { recordKey, type SourceRecord, type VendorId } from "../src/sources/source-model.ts"

type Row = { readonly [key: string]: ExactJson }
const row = (value: Record<string, unknown>) => value as unknown as Row

let dir: string
let ledger: Ledger

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "paybridge-migrate-fidelity-"))
  ledger = await openLedger(`sqlite:${join(dir, "ledger.sqlite")}`)
}, 60_000)

afterAll(async () => {
  await ledger?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

const sinkRecord = (record: SourceRecord, changed = false): SinkRecord => ({
  key: recordKey(record),
  fingerprint: fingerprintOf(record),
  record,
  changed
})

const book = async (vendor: VendorId, vendorTitle: string, records: ReadonlyArray<SinkRecord>) => {
  const sink = await ledgerSink({ ledger, vendor, vendorTitle })
  await sink.write(records, { runId: `run-${vendor}-${Date.now()}`, stream: "test" })
  expect([...sink.refusals().entries()]).toEqual([])
  await sink.close()
}

/** The ledger payment a vendor payment was booked as, with its collections. */
const bookedPayment = async (vendor: VendorId, sourceId: string): Promise<PaymentDetail> => {
  const migrated = (await ledger.run(listMigrated(vendor))).find((record) => record.key === `payment/${sourceId}`)
  const id = migrated?.data.ledgerId
  if (typeof id !== "number") throw new Error(`payment/${sourceId} not booked`)
  return ledger.run(Effect.flatMap(Payments, (payments) => payments.getPayment({ id: id as never })))
}

const latestCollection = (detail: PaymentDetail) =>
  [...detail.collections].sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime() || b.id - a.id)[0]

describe("Billing Platform (UK): collections replayed", () => {
  const bpRow = (id: string, status: ReadonlyArray<string>) =>
    row({ id, paymentAmount: "10.00", paymentDate: "2026-03-01", paymentMethod: "Direct Debit", status })

  test("each collection status the vendor shows is the ledger's latest collection, the payment in the matching state and day", async () => {
    const records = [
      billingPlatformUkCustomerRecord("41", "GBP"),
      billingPlatformUkPaymentRecord(bpRow("4101", ["Collected"]), "41", "GBP"),
      billingPlatformUkPaymentRecord(bpRow("4102", ["Draft", "Collection Failed"]), "41", "GBP"),
      billingPlatformUkPaymentRecord(bpRow("4103", ["Draft", "Collection Cancelled"]), "41", "GBP"),
      billingPlatformUkPaymentRecord(bpRow("4104", ["Collection Pending"]), "41", "GBP"),
      billingPlatformUkPaymentRecord(bpRow("4105", []), "41", "GBP")
    ]
    await book(
      "billing-platform-uk",
      "Billing Platform (UK)",
      records.map((record) => sinkRecord(record))
    )
    const expected: ReadonlyArray<readonly [string, string, string | undefined]> = [
      ["4101", "posted", "collected"],
      ["4102", "draft", "failed"],
      ["4103", "draft", "cancelled"],
      ["4104", "pending", "requested"],
      ["4105", "posted", undefined]
    ]
    for (const [id, state, collection] of expected) {
      const detail = await bookedPayment("billing-platform-uk", id)
      expect([id, detail.payment.state, latestCollection(detail)?.state]).toEqual([id, state, collection])
    }
    // Posted by its replayed collection on the vendor's day, not on migration day.
    expect((await bookedPayment("billing-platform-uk", "4101")).payment.postedOn).toBe("2026-03-01")

    // Collected at the vendor since the last run: the pending collection is marked collected, not requested again.
    await book("billing-platform-uk", "Billing Platform (UK)", [
      sinkRecord(billingPlatformUkPaymentRecord(bpRow("4104", ["Collected"]), "41", "GBP"), true)
    ])
    const collected = await bookedPayment("billing-platform-uk", "4104")
    expect(collected.payment.state).toBe("posted")
    expect(collected.collections.map((entry) => entry.state)).toEqual(["collected"])
    expect(collected.payment.postedOn).toBe("2026-03-01")
  })
})

describe("Billing Platform (UK): reinstated payments", () => {
  const bpRow = (id: string, amount: string, fields: Record<string, unknown> = {}) =>
    row({ id, paymentAmount: amount, paymentDate: "2026-03-01", paymentMethod: "BACS", status: [], ...fields })
  const reversed = { paymentReversedDate: "2026-03-05", status: ["Reversed"] }
  const customerOf = async (sourceId: string) => {
    const id = (await ledger.run(listMigrated("billing-platform-uk"))).find(
      (record) => record.key === `customer/${sourceId}`
    )?.data.ledgerId
    return ledger.run(Effect.flatMap(Parties, (parties) => parties.getCustomer(id as never)))
  }
  const standing = async (sourceId: string) => {
    const { payment } = await bookedPayment("billing-platform-uk", sourceId)
    return [payment.state, payment.amount - payment.reversedAmount]
  }
  /** What the reconciliation finds different or not booked for customer 43. */
  const differences = async () => {
    const report = await ledger.run(reconcile("billing-platform-uk", "reinstatements"))
    return [
      ...report.differences.filter((difference) => difference.customerSourceId === "43"),
      ...report.unbooked.filter((entry) => /^(payment|reversal)\/430/u.test(entry.key))
    ]
  }

  test("a payment reversed when booked and reinstated at the vendor since stands again, whole or partly reversed; reversed again, it is reversed again", async () => {
    const whole = bpRow("4301", "10.00", reversed)
    await book("billing-platform-uk", "Billing Platform (UK)", [
      sinkRecord(billingPlatformUkCustomerRecord("43", "GBP")),
      sinkRecord(billingPlatformUkPaymentRecord(whole, "43", "GBP")),
      sinkRecord(billingPlatformUkReversalRecord(whole, "43") as SourceRecord),
      sinkRecord(billingPlatformUkPaymentRecord(bpRow("4302", "6.00"), "43", "GBP", bpRow("4302-R", "4.00", reversed))),
      sinkRecord(billingPlatformUkPartialReversalRecord(bpRow("4302-R", "4.00", reversed), "43")),
      sinkRecord(billingPlatformUkPaymentRecord(bpRow("4303", "2.00"), "43", "GBP"))
    ])
    expect([await standing("4301"), await standing("4302"), await standing("4303")]).toEqual([
      ["posted", 0n],
      ["posted", 600n],
      ["posted", 200n]
    ])
    const balanceReversed = (await customerOf("43")).balance
    expect(await differences()).toEqual([])

    // Reinstated at the vendor: both rows show valid again, for their whole amount (a changed record each).
    await book("billing-platform-uk", "Billing Platform (UK)", [
      sinkRecord(billingPlatformUkPaymentRecord(bpRow("4301", "10.00"), "43", "GBP"), true),
      sinkRecord(billingPlatformUkPaymentRecord(bpRow("4302", "10.00"), "43", "GBP"), true)
    ])
    expect([await standing("4301"), await standing("4302"), await standing("4303")]).toEqual([
      ["posted", 1000n],
      ["posted", 1000n],
      ["posted", 200n]
    ])
    expect((await customerOf("43")).balance).toBe(balanceReversed + 1400n)
    expect(await differences()).toEqual([])

    // Reversed again at the vendor, on another day: a new reversal (the reinstated one stays undone).
    const again = bpRow("4301", "10.00", { ...reversed, paymentReversedDate: "2026-03-20" })
    await book("billing-platform-uk", "Billing Platform (UK)", [
      sinkRecord(billingPlatformUkPaymentRecord(again, "43", "GBP"), true),
      sinkRecord(billingPlatformUkReversalRecord(again, "43") as SourceRecord, true)
    ])
    const reversedAgain = await bookedPayment("billing-platform-uk", "4301")
    expect(await standing("4301")).toEqual(["posted", 0n])
    expect(reversedAgain.reversals.map((reversal) => [reversal.effectiveDate, reversal.reinstatedAt === null])).toEqual(
      [
        ["2026-03-05", false],
        ["2026-03-20", true]
      ]
    )
    expect((await customerOf("43")).balance).toBe(balanceReversed + 400n)
    expect(await differences()).toEqual([])
  })
})

describe("CRM.COM: presets by code, rejection reasons, gateway attempts", () => {
  const account = { id: "C0FFEE00C0FFEE00C0FFEE00C0FFEE00", number: "AR-51", name: "Account 51" }
  const crmPayment = (id: string, fields: Record<string, unknown>) =>
    row({
      id,
      number: `P-${id}`,
      payment_amount: "25.00",
      received_on: "2026-03-02T09:15:00",
      accounts_receivable: account,
      type: { name: "Standard", alternative_code: "standard", classification: "PAYMENT" },
      payment_method: { name: "Card", alternative_code: "CARD" },
      ...fields
    })

  test("the type preset is the vendor's code, a rejection keeps its reason, a gateway payment its attempt fields", async () => {
    await book("crm-com", "CRM.COM", [
      sinkRecord(crmCustomerRecord(account, "EUR")),
      sinkRecord(
        crmPaymentRecord(
          crmPayment("5101", {
            life_cycle_state: "REJECTED",
            posted_on: null,
            rejection_reason: { name: "cheque bounced", id: null, alternative_code: null }
          }),
          "EUR"
        )
      ),
      sinkRecord(
        crmPaymentRecord(
          crmPayment("5102", {
            life_cycle_state: "POSTED",
            posted_on: "2026-03-02T09:20:00",
            processed_by_payment_gateway: "test",
            payment_gateway_reference_number: "TGW_0001"
          }),
          "EUR"
        )
      )
    ])
    const rejected = await bookedPayment("crm-com", "5101")
    expect(rejected.payment.state).toBe("rejected")
    expect(rejected.payment.rejectionReason).toBe("cheque bounced")

    const types = await ledger.run(
      Effect.flatMap(Parties, (parties) => parties.listPresets("type", { cursor: null, limit: 1000 }))
    )
    const type = (types as Page<PaymentPreset>).items.find((preset) => preset.id === rejected.payment.typeId)
    expect([type?.code, type?.name]).toEqual(["standard", "Standard"])

    const gateway = await bookedPayment("crm-com", "5102")
    expect(gateway.payment.state).toBe("posted")
    // Posted at the instant CRM.COM shows (read as UTC, like the dialect).
    expect(gateway.payment.postedAt?.toISOString()).toBe("2026-03-02T09:20:00.000Z")
    const attributes = await ledger.run(
      Effect.flatMap(DialectRecords, (records) =>
        records.getDialectRecord({ dialect: "crm-com", kind: "payment", key: gateway.payment.publicId })
      )
    )
    expect(attributes.data).toMatchObject({
      processed_by_payment_gateway: "test",
      payment_gateway_reference_number: "TGW_0001"
    })
  })
})

describe("Silver: providers as billing entities", () => {
  const base = "https://billing.example.com"
  const provider = row({
    id: 3,
    url: `${base}/providers/3/`,
    name: "Presslabs",
    company: "Presslabs SRL",
    invoice_series: "INV",
    flow: "proforma",
    display_email: "billing@presslabs.example",
    notification_email: null,
    address_1: "Str. 1",
    address_2: null,
    city: "Timisoara",
    state: null,
    zip_code: null,
    country: "RO",
    extra: null,
    invoice_starting_number: 1,
    proforma_series: "PRO",
    proforma_starting_number: 1,
    meta: {},
    payment_processors: `${base}/providers/3/payment_processors/`
  })

  test("a provider becomes a billing entity with its details; its payments and documents are under it", async () => {
    const customer = row({ id: 61, url: `${base}/customers/61/`, name: "Customer 61", emails: [] })
    const invoice = row({
      id: 7,
      number: 7,
      customer: `${base}/customers/61/`,
      provider: `${base}/providers/3/`,
      currency: "EUR",
      total: 30,
      issue_date: "2026-03-01",
      due_date: "2026-03-31",
      state: "issued"
    })
    const payment = row({
      id: 6101,
      url: `${base}/customers/61/payments/6101/`,
      customer: `${base}/customers/61/`,
      provider: `${base}/providers/3/`,
      invoice: `${base}/invoices/7/`,
      proforma: null,
      amount: "30.00",
      currency: "EUR",
      status: "paid"
    })
    await book("silver", "Silver", [
      sinkRecord(silverProviderRecord(provider)),
      sinkRecord(silverCustomerRecord(customer, "EUR")),
      sinkRecord(silverDocumentRecord(invoice, "invoice")),
      sinkRecord(silverPaymentRecord(payment))
    ])
    const migrated = await ledger.run(listMigrated("silver"))
    const entityId = migrated.find((record) => record.key === "billing-entity/3")?.data.ledgerId
    expect(typeof entityId).toBe("number")
    const entity = await ledger.run(Effect.flatMap(Parties, (parties) => parties.getBillingEntity(entityId as never)))
    expect([entity.name, entity.email, entity.flow]).toEqual(["Presslabs", "billing@presslabs.example", "proforma"])
    const details = await ledger.run(
      Effect.flatMap(DialectRecords, (records) =>
        records.getDialectRecord({ dialect: "silver", kind: "provider-details", key: String(entityId) })
      )
    )
    expect(details.data).toMatchObject({ company: "Presslabs SRL", invoice_series: "INV", proforma_series: "PRO" })
    expect(details.data).not.toHaveProperty("url")

    const booked = await bookedPayment("silver", "6101")
    expect(booked.payment.billingEntityId).toBe(entityId)
    const documentId = migrated.find((record) => record.key === "document/invoice:7")?.data.ledgerId
    const document = await ledger.run(
      Effect.flatMap(Documents, (documents) => documents.getDocument(documentId as never))
    )
    expect(document.billingEntityId).toBe(entityId)
  })
})
