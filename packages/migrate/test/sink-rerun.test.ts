/**
 * The ledger sink's reruns keep every migrated record on its own customer's ledger objects (issue
 * 16, on real SQLite and PostgreSQL): a unit whose later record the ledger refuses rolls back and is
 * booked again without it, and a bulk unit whose kept payment finds a posting number taken only when
 * written is undone to its savepoint and booked again command by command — each followed by another
 * customer's unit. After both, every payment's allocations point to its own customer's documents
 * and every `migrated` record names a ledger payment or document of the record's customer.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CurrencyCode, Documents, Payments } from "@paybridge/core"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { Effect } from "effect"
import { afterAll, describe, expect, test } from "vitest"
import { ledgerSink } from "../src/booking/ledger.sink.ts"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { listMigrated } from "../src/booking/migrated-records.ts"
import { fingerprintOf } from "../src/checkpoint/checkpoint.ts"
import type { ExactJson } from "../src/http/exact-json.ts"
import type { SinkRecord } from "../src/import/record-sink.ts"
import { crmCustomerRecord, crmDocumentRecord, crmPaymentRecord } from "../src/sources/crm-com/crm-com.records.ts"
import { recordKey, type SourceRecord } from "../src/sources/source-model.ts"

type Row = { readonly [key: string]: ExactJson }
const eur: CurrencyCode = "EUR"
const account = (id: string) => ({ id, number: `AR-${id}`, name: `Account ${id}` })
const invoice = (id: string, total: string): Row => ({
  id,
  number: `INV-${id}`,
  total_amount: total,
  outstanding_amount: total,
  issued_on: "2014-07-01",
  due_on: "2014-07-31",
  life_cycle_state: "POSTED"
})
const payment = (id: string, accountId: string, amount: string, invoiceId: string): Row => ({
  id,
  number: `P-${id}`,
  life_cycle_state: "POSTED",
  payment_amount: amount,
  received_on: "2014-07-14T10:40:29",
  posted_on: "2014-07-14T10:40:29",
  accounts_receivable: account(accountId),
  invoices_to_pay_set: [{ id: invoiceId }]
})

const sinkRecord = (record: SourceRecord): SinkRecord => ({
  key: recordKey(record),
  fingerprint: fingerprintOf(record),
  record,
  changed: false
})

/** A customer with two invoices and three payments allocated to them (the third refused when `bad`). */
const customerRecords = (id: string, bad = false): ReadonlyArray<SourceRecord> => [
  crmCustomerRecord(account(id), eur),
  crmDocumentRecord("invoice", invoice(`${id}-I1`, "10.00"), id, eur),
  crmDocumentRecord("invoice", invoice(`${id}-I2`, "20.00"), id, eur),
  crmPaymentRecord(payment(`${id}-1`, id, "4.00", `${id}-I1`), eur),
  crmPaymentRecord(payment(`${id}-2`, id, "15.00", `${id}-I2`), eur),
  // A third decimal EUR cannot hold: the ledger refuses it after the others were booked in the unit.
  crmPaymentRecord(payment(`${id}-3`, id, bad ? "3.001" : "3.00", `${id}-I1`), eur)
]

const targets = [
  {
    name: "SQLite",
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), "paybridge-sink-rerun-"))
      return { url: `sqlite:${join(dir, "ledger.sqlite")}`, drop: () => rm(dir, { recursive: true, force: true }) }
    }
  },
  {
    name: "PostgreSQL",
    open: async () => {
      const database: PostgresTestDatabase = await createPostgresTestDatabase(undefined, "pb_sink_rerun")
      return { url: database.url, drop: () => database.drop() }
    }
  }
]

describe.each(targets)("the sink's reruns on $name", (target) => {
  let ledger: Ledger | undefined
  let drop: (() => Promise<void>) | undefined
  afterAll(async () => {
    await ledger?.close()
    await drop?.()
  })

  test("every migrated payment and document stays its own customer's, its allocations on its customer's documents", async () => {
    const opened = await target.open()
    drop = opened.drop
    const db = await openLedger(opened.url)
    ledger = db
    const sink = await ledgerSink({ ledger: db, vendor: "crm-com", vendorTitle: "CRM.COM", batchSize: 50 })
    const write = (records: ReadonlyArray<SourceRecord>, stream: string) =>
      sink.write(records.map(sinkRecord), { runId: "run-rerun", stream })

    // A's unit: its documents and payments booked in it, then its last payment refused (rolled back, rerun without it).
    await write(customerRecords("A", true), "account:A")
    await write(customerRecords("B"), "account:B")
    expect([...sink.refusals().keys()]).toEqual(["payment/A-3"])

    // The posting numbers drawn next are held by A's and B's payments: C's kept payments find their
    // numbers taken only when written, so C's bulk unit is undone to its savepoint and booked again.
    await db.database.orm.em.fork().execute(`update sequences set value = 1 where name = 'payment-number'`)
    await write(customerRecords("C"), "account:C")
    await write(customerRecords("D"), "account:D")
    expect([...sink.refusals().keys()]).toEqual(["payment/A-3"])

    const migrated = await db.run(listMigrated("crm-com"))
    const ledgerIdOf = (key: string) => migrated.find((record) => record.key === key)?.data.ledgerId ?? null
    const checked = await db.run(
      Effect.gen(function* () {
        const payments = yield* Payments
        const documents = yield* Documents
        const seen: Array<string> = []
        for (const record of migrated) {
          const source = record.data.source as unknown as SourceRecord
          if (source.kind === "customer" || record.data.ledgerId === null) continue
          const customerId = ledgerIdOf(`customer/${source.customerSourceId}`)
          if (record.data.ledgerKind === "payment") {
            const detail = yield* payments.getPayment({ id: record.data.ledgerId as never })
            expect([record.key, detail.payment.customerId]).toEqual([record.key, customerId])
            expect(`${detail.payment.amount}`).toBe(source.kind === "payment" ? source.amount.replace(".", "") : "")
            for (const allocation of detail.allocations) {
              const document = yield* documents.getDocument(allocation.documentId)
              expect([record.key, document.customerId]).toEqual([record.key, customerId])
            }
            seen.push(`${record.key}:${detail.allocations.length}`)
          } else if (record.data.ledgerKind === "document") {
            const document = yield* documents.getDocument(record.data.ledgerId as never)
            expect([record.key, document.customerId]).toEqual([record.key, customerId])
            seen.push(record.key)
          }
        }
        return seen.sort()
      })
    )
    expect(checked).toEqual(
      ["A", "B", "C", "D"]
        .flatMap((id) => [
          `document/${id}-I1`,
          `document/${id}-I2`,
          `payment/${id}-1:1`,
          `payment/${id}-2:1`,
          ...(id === "A" ? [] : [`payment/${id}-3:1`])
        ])
        .sort()
    )
  }, 120_000)
})
