/**
 * The reconciliation's refund counts on real SQLite and PostgreSQL ledgers (issue 16.4; PostgreSQL at
 * `TEST_DATABASE_URL`, its own database created and dropped, failing loudly when unreachable): a refund the vendor shows
 * without its payment (a Billing Platform (UK) `R<n>` row) is booked from the customer's credit, and
 * the ledger may draw it from several payments — several ledger refunds for one at the source. The
 * report counts the ledger's refunds per source refund, so such a migration reconciles with no
 * difference; a refund booked in B that the source does not have is still listed.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type CurrencyCode, Payments, Refunds } from "@paybridge/core"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { ledgerSink } from "../src/booking/ledger.sink.ts"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { listMigrated } from "../src/booking/migrated-records.ts"
import { reconcile, reconciliationMarkdown } from "../src/booking/reconciliation.ts"
import { fingerprintOf } from "../src/checkpoint/checkpoint.ts"
import type { SinkRecord } from "../src/import/record-sink.ts"
import {
  billingPlatformUkCustomerRecord,
  billingPlatformUkPaymentRecord,
  billingPlatformUkRefundRecord
} from "../src/sources/billing-platform-uk/billing-platform-uk.records.ts"
import { recordKey, type SourceRecord } from "../src/sources/source-model.ts"

let dir: string
let database: PostgresTestDatabase

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "paybridge-migrate-reconciliation-"))
  database = await createPostgresTestDatabase(undefined, "pb_reconcile")
}, 60_000)

afterAll(async () => {
  await database?.drop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

const targets = [
  { target: "SQLite", url: () => `sqlite:${join(dir, "ledger.sqlite")}` },
  { target: "PostgreSQL", url: () => database.url }
]

const sinkRecord = (record: SourceRecord): SinkRecord => ({
  key: recordKey(record),
  fingerprint: fingerprintOf(record),
  record,
  changed: false
})

const row = (id: string, amount: string, status: ReadonlyArray<string> = []) => ({
  id,
  paymentAmount: amount,
  paymentDate: "2026-03-02",
  status: [...status]
})

describe.each(targets)("$target", ({ url }) => {
  let ledger: Ledger

  beforeAll(async () => {
    ledger = await openLedger(url())
  }, 60_000)

  afterAll(async () => {
    await ledger?.close()
  })

  test("one refund drawn from several payments is one refund; a refund the source does not have is listed", async () => {
    const eur: CurrencyCode = "EUR"
    const runId = "run-refunds"
    const sink = await ledgerSink({ ledger, vendor: "billing-platform-uk", vendorTitle: "Billing Platform (UK)" })
    // Two payments of 10.00 and a refund of 15.00 that names neither: the ledger draws it from both.
    await sink.write(
      [
        billingPlatformUkCustomerRecord("7", eur),
        billingPlatformUkPaymentRecord(row("701", "10.00"), "7", eur),
        billingPlatformUkPaymentRecord(row("702", "10.00"), "7", eur),
        billingPlatformUkRefundRecord(row("R9", "-15.00"), "7")
      ].map(sinkRecord),
      { runId, stream: "customer:7/payments" }
    )
    const refund = (await ledger.run(listMigrated("billing-platform-uk"))).find((record) => record.key === "refund/R9")
    expect(refund?.data.ledgerIds?.length).toBe(2)

    const report = await ledger.run(reconcile("billing-platform-uk", runId, sink.refusals()))
    expect(report.differences).toEqual([])
    expect(report.matched).toBe(true)
    expect(report.customers.map((customer) => [customer.source.refunds, customer.paybridge.refunds])).toEqual([[1, 1]])
    expect(reconciliationMarkdown(report)).toContain("everything matches")

    // A refund booked in B that the source does not show: one more refund and 1.00 more refunded.
    await ledger.run(
      Effect.gen(function* () {
        const { payment } = yield* (yield* Payments).getPayment({
          externalRef: { system: "billing-platform-uk", id: "702" }
        })
        yield* (yield* Refunds).refundPayment({ paymentId: payment.id, amount: "1.00", reason: "planted" })
      })
    )
    const planted = await ledger.run(reconcile("billing-platform-uk", runId))
    expect(planted.matched).toBe(false)
    expect(planted.differences).toEqual([
      { customerSourceId: "7", currency: "EUR", field: "refunds", source: "1", paybridge: "2" },
      { customerSourceId: "7", currency: "EUR", field: "refundedSum", source: "15.00", paybridge: "16.00" }
    ])
  }, 60_000)
})
