/**
 * The ledger sink's bulk path on a real SQLite ledger (issue 16.1): a batch is booked in units of
 * `batchSize` records, one ledger transaction each, with the batch's checkpoint commit in its last
 * unit — so the stream position is in the ledger as soon as the booking is, before the driver
 * commits anything itself; a record the ledger refuses costs its unit one retry without it, the
 * others are booked, and the refusal is reported and kept for the next run. Also the CRM.COM
 * reader's `received_on`: its time of day reaches the ledger (issue 16.4).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CurrencyCode, Payments } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { ledgerCheckpoint } from "../src/booking/ledger.checkpoint.ts"
import { ledgerSink } from "../src/booking/ledger.sink.ts"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { listMigrated } from "../src/booking/migrated-records.ts"
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
