/**
 * The ledger sink and the checkpoint on PostgreSQL (`TEST_DATABASE_URL`; the suite creates and
 * drops its own database and fails loudly when the server is unreachable): a tenant migrated from
 * Billing Platform (UK) (reversals, refunds of customer credit) and from Elevate (balances brought
 * forward) reconciles with no difference, and a second run books nothing.
 */
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { reconcile } from "../src/booking/reconciliation.ts"
import type { RunSummary } from "../src/checkpoint/checkpoint.ts"
import { readLedgerTruth } from "./support/ledger-truth.ts"
import { migrateInto } from "./support/migrate-into.ts"
import { currenciesOf, selectionOf } from "./support/read-source.ts"
import { type SourceServer, startSourceServer } from "./support/source-server.ts"
import { scenarios, seedTenant } from "./support/tenant-generator.ts"

let server: SourceServer
let database: PostgresTestDatabase
let ledger: Ledger
let customers: ReadonlyArray<{ id: number; number: string; currency: string }>

beforeAll(async () => {
  database = await createPostgresTestDatabase(undefined, "pb_migrate")
  ledger = await openLedger(database.url)
  server = await startSourceServer()
  await seedTenant(server.client, {
    seed: 21,
    currencies: ["EUR", "JPY", "KWD"],
    paymentsPerCustomer: scenarios.length + 1
  })
  customers = (await readLedgerTruth(server.client)).customers
}, 180_000)

afterAll(async () => {
  await ledger?.close()
  await database?.drop()
  await server?.stop()
})

const booked = (summary: RunSummary) =>
  Object.values(summary.counts).reduce((sum, counts) => sum + (counts?.new ?? 0) + (counts?.changed ?? 0), 0)

const cases = [
  {
    vendor: "billing-platform-uk" as const,
    credentials: () => ({ "api-key": server.apiKey }),
    reader: () => ({
      customers: selectionOf(customers.map((customer) => String(customer.id))),
      customerCurrencies: currenciesOf(customers)
    })
  },
  {
    vendor: "elevate" as const,
    credentials: () => ({ brand: "source", username: server.email, password: server.password }),
    reader: () => ({ pageSize: 9 })
  }
]

describe.each(cases)("$vendor → PostgreSQL", (vendorCase) => {
  test("books the tenant, reconciles with no difference, and a second run books nothing", async () => {
    const first = await migrateInto(
      ledger,
      vendorCase.vendor,
      server.dialectUrl(vendorCase.vendor),
      vendorCase.credentials(),
      {
        reader: vendorCase.reader()
      }
    )
    expect(first.summary.status).toBe("completed")
    expect([...first.sink.refusals()]).toEqual([])
    expect(first.summary.counts.payment?.new).toBeGreaterThan(0)
    const report = await ledger.run(reconcile(vendorCase.vendor, first.summary.id))
    expect(report.differences).toEqual([])
    expect(report.customers.length).toBe(customers.length)

    const second = await migrateInto(
      ledger,
      vendorCase.vendor,
      server.dialectUrl(vendorCase.vendor),
      vendorCase.credentials(),
      {
        reader: vendorCase.reader()
      }
    )
    expect(second.summary.status).toBe("completed")
    expect(booked(second.summary)).toBe(0)
  }, 300_000)
})
