/**
 * The ledger sink's bulk path on a real SQLite ledger (issue 16.1): a batch is booked in units of
 * `batchSize` records, one ledger transaction each, with the batch's checkpoint commit in its last
 * unit — so the stream position is in the ledger as soon as the booking is, before the driver
 * commits anything itself; a record the ledger refuses costs its unit one retry without it, the
 * others are booked, and the refusal is reported and kept for the next run; a unit whose one insert
 * of new `migrated` records finds a key taken is booked record by record instead. Also the CRM.COM
 * reader's `received_on`: its time of day reaches the ledger (issue 16.4); and after booking, the
 * ledger's ids and numbers stay above every numeric vendor id booked (issue 16.2).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CurrencyCode, DialectRecords, Parties, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { ledgerCheckpoint } from "../src/booking/ledger.checkpoint.ts"
import { ledgerSink } from "../src/booking/ledger.sink.ts"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { listMigrated, migratedAliasKind } from "../src/booking/migrated-records.ts"
import { type BatchCommit, fingerprintOf } from "../src/checkpoint/checkpoint.ts"
import type { ExactJson } from "../src/http/exact-json.ts"
import type { SinkRecord } from "../src/import/record-sink.ts"
import { crmCustomerRecord, crmPaymentRecord } from "../src/sources/crm-com/crm-com.records.ts"
import { recordKey, type SourceRecord } from "../src/sources/source-model.ts"

let dir: string
let ledger: Ledger

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "paybridge-migrate-sink-"))
  ledger = await openLedger(`sqlite:${join(dir, "ledger.sqlite")}`)
}, 60_000)

afterAll(async () => {
  await ledger?.close()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

const account = (id: string) => ({ id, number: `AR-${id}`, name: `Account ${id}` })

/** A CRM.COM payment as its API lists it (the fields the reader reads). */
const crmPayment = (id: string, accountId: string, amount: string, receivedOn = "2014-07-14T10:40:29") =>
  ({
    id,
    number: `P-${id}`,
    life_cycle_state: "POSTED",
    payment_amount: amount,
    received_on: receivedOn,
    posted_on: receivedOn,
    accounts_receivable: account(accountId)
  }) as unknown as { readonly [key: string]: ExactJson }

const sinkRecord = (record: SourceRecord): SinkRecord => ({
  key: recordKey(record),
  fingerprint: fingerprintOf(record),
  record,
  changed: false
})

const bookedPayments = async () =>
  new Map(
    (await ledger.run(listMigrated("crm-com")))
      .filter((migrated) => migrated.data.ledgerKind === "payment" && migrated.data.ledgerId !== null)
      .map((migrated) => [migrated.key, migrated.data.ledgerId as number])
  )

describe("the bulk path", () => {
  test("a refused record does not lose its batch, and the batch's checkpoint commits with its last unit", async () => {
    const checkpoint = ledgerCheckpoint(ledger)
    await checkpoint.open("crm-com", "https://crm.example/crmapi/rest/v4")
    const runId = "run-bulk-1"
    await checkpoint.saveRun({
      id: runId,
      startedAt: new Date().toISOString(),
      mode: "full",
      resumes: 0,
      positions: {},
      counts: {}
    })
    const sink = await ledgerSink({ ledger, vendor: "crm-com", vendorTitle: "CRM.COM", batchSize: 4, checkpoint })
    const eur: CurrencyCode = "EUR"
    const records: Array<SourceRecord> = [
      crmCustomerRecord(account("A1"), eur),
      ...["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((n) =>
        // Payment 6 has a third decimal EUR cannot hold: the ledger refuses it (in the second unit of four).
        crmPaymentRecord(crmPayment(`A1-${n}`, "A1", n === "6" ? "6.001" : `${n}.00`), eur)
      )
    ]
    const commit: BatchCommit = {
      runId,
      stream: "account:A1/payments",
      position: { done: true, watermark: null },
      records: [],
      counts: {}
    }
    await sink.write(records.map(sinkRecord), { runId, stream: commit.stream, commit })

    // Every payment but the refused one is booked, with its amount; the refusal is reported with its reason.
    const booked = await bookedPayments()
    expect([...booked.keys()].sort()).toEqual(
      ["1", "2", "3", "4", "5", "7", "8", "9"].map((n) => `payment/A1-${n}`).sort()
    )
    const amounts = await ledger.run(
      Effect.flatMap(Payments, (payments) =>
        Effect.forEach([...booked.values()], (id) =>
          Effect.map(payments.getPayment({ id: id as never }), (detail) => detail.payment.amount)
        )
      )
    )
    expect(amounts.reduce((sum, amount) => sum + amount, 0n)).toBe(3900n)
    expect([...sink.refusals().keys()]).toEqual(["payment/A1-6"])
    // The refused record is kept with a fingerprint that never matches, so the next run tries it again.
    const refused = (await ledger.run(listMigrated("crm-com"))).find((migrated) => migrated.key === "payment/A1-6")
    expect(refused?.data.refused).toBe(true)

    // The stream position is in the ledger already: a checkpoint opened afresh (as a resumed run
    // does) sees it, though the driver's own `commit` was never called.
    const reopened = await ledgerCheckpoint(ledger).open("crm-com", "https://crm.example/crmapi/rest/v4")
    expect(reopened.run?.positions[commit.stream]).toEqual({ done: true, watermark: null })

    // Written again (a batch replayed), nothing is booked twice.
    await sink.write(records.map(sinkRecord), { runId, stream: commit.stream })
    expect(await bookedPayments()).toEqual(booked)
  }, 60_000)
})

describe("the unit's one insert of migrated records", () => {
  test("an alias key kept already does not refuse the unit: its records are booked one by one, the alias follows", async () => {
    const sink = await ledgerSink({ ledger, vendor: "crm-com", vendorTitle: "CRM.COM" })
    const eur: CurrencyCode = "EUR"
    const payments = ["1", "2", "3"].map((n) => crmPaymentRecord(crmPayment(`C1-${n}`, "C1", `${n}.50`), eur))
    const taken = payments[1] as SourceRecord
    const [alias, value] = Object.entries(taken.aliases)[0] ?? []
    expect(alias).toBeDefined()
    const aliasKey = `payment/${alias}/${value}`
    // An alias record of another booking under the key the second payment's alias takes.
    await ledger.run(
      Effect.flatMap(DialectRecords, (records) =>
        records.saveDialectRecord({
          dialect: "crm-com",
          kind: migratedAliasKind,
          key: aliasKey,
          data: { ledgerId: 999_999, sourceId: "elsewhere" }
        })
      )
    )
    await sink.write([sinkRecord(crmCustomerRecord(account("C1"), eur)), ...payments.map(sinkRecord)], {
      runId: "run-alias",
      stream: "account:C1/payments"
    })
    expect([...sink.refusals().keys()]).toEqual([])
    const booked = await bookedPayments()
    expect(["1", "2", "3"].map((n) => booked.has(`payment/C1-${n}`))).toEqual([true, true, true])
    const aliasRecord = await ledger.run(
      Effect.flatMap(DialectRecords, (records) =>
        records.getDialectRecord({ dialect: "crm-com", kind: migratedAliasKind, key: aliasKey })
      )
    )
    expect(aliasRecord.data).toEqual({ ledgerId: booked.get("payment/C1-2"), sourceId: "C1-2" })
  }, 60_000)
})

describe("ids that cannot collide", () => {
  test("after a migration, new customers and payments get ids above every numeric vendor id booked", async () => {
    const sink = await ledgerSink({ ledger, vendor: "billing-platform-uk", vendorTitle: "Billing Platform (UK)" })
    const eur: CurrencyCode = "EUR"
    // Vendor ids far above anything this ledger has assigned (a vendor with years of history).
    const customer: SourceRecord = {
      ...crmCustomerRecord(account("50000"), eur),
      number: "AR-50000"
    }
    const payment: SourceRecord = {
      ...crmPaymentRecord(crmPayment("90000", "50000", "7.00"), eur),
      aliases: { number: "80000" }
    }
    await sink.write([sinkRecord(customer), sinkRecord(payment)], {
      runId: "run-ids",
      stream: "customer:50000/payments"
    })
    await sink.close()
    const after = await ledger.run(
      Effect.gen(function* () {
        const newCustomer = yield* (yield* Parties).createCustomer({ name: "After the migration", currency: "EUR" })
        const payments = yield* Payments
        const created = (yield* payments.createPayment({
          customerId: newCustomer.id,
          amount: "4.00",
          initialState: "draft"
        })).payment
        const posted = yield* payments.postPayment({ paymentId: created.id })
        // Each id finds its own payment: the new one by the ledger's id, the migrated one by its vendor id.
        const mine = (yield* payments.getPayment({ id: created.id })).payment
        const migrated = (yield* payments.getPayment({ externalRef: { system: "billing-platform-uk", id: "90000" } }))
          .payment
        return { newCustomer, created, posted, mine, migrated }
      })
    )
    expect(after.newCustomer.id).toBeGreaterThan(50000)
    expect(after.created.id).toBeGreaterThan(90000)
    expect(Number(after.posted.number)).toBeGreaterThan(80000)
    expect(after.mine.amount).toBe(400n)
    expect(after.migrated.amount).toBe(700n)
    expect(after.migrated.id).not.toBe(after.created.id)
  }, 60_000)
})

describe("CRM.COM received_on", () => {
  test("a payment keeps the time of day CRM.COM shows in received_on", async () => {
    const gbp: CurrencyCode = "GBP"
    const record = crmPaymentRecord(crmPayment("B1-1", "B1", "12.50", "2015-03-02T09:12:54"), gbp)
    expect(record.kind === "payment" && record.receivedAt).toBe("2015-03-02T09:12:54Z")
    const sink = await ledgerSink({ ledger, vendor: "crm-com", vendorTitle: "CRM.COM" })
    await sink.write([sinkRecord(crmCustomerRecord(account("B1"), gbp)), sinkRecord(record)], {
      runId: "run-received",
      stream: "account:B1/payments"
    })
    const id = (await bookedPayments()).get("payment/B1-1")
    expect(id).toBeDefined()
    const payment = await ledger
      .run(Effect.flatMap(Payments, (payments) => payments.getPayment({ id: id as never })))
      .then((detail) => detail.payment)
    expect(payment.receivedAt?.toISOString()).toBe("2015-03-02T09:12:54.000Z")
    expect(payment.paymentDate).toBe("2015-03-02")
  }, 60_000)
})
