/**
 * The shadow's id table loaded from a ledger on PostgreSQL (`TEST_DATABASE_URL`; the suite creates and
 * drops its own database): after a Billing Platform (UK) migration, each vendor customer id names the
 * ledger customer booked under its external ref (with that customer's public id), each refund row
 * `R<n>` the ledger refund, and the vendor's id mapping turns the ledger's refund rows back into the
 * vendor's, while a customer path goes as the client wrote it (the dialect finds the customer by it).
 */
import { type CustomerId, Parties, type RefundId, Refunds } from "@paybridge/core"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, expect, test } from "vitest"
import { type Ledger, openLedger } from "../src/booking/ledger-runtime.ts"
import { listMigrated } from "../src/booking/migrated-records.ts"
import { loadShadowIdTable } from "../src/booking/shadow-id-table.load.ts"
import { parseExactJson, stringifyExactJson } from "../src/http/exact-json.ts"
import { migratedIdMapping } from "../src/shadow/migrated-id-mapping.ts"
import { vendors } from "../src/sources/vendors.ts"
import { type LedgerTruth, readLedgerTruth } from "./support/ledger-truth.ts"
import { migrateInto } from "./support/migrate-into.ts"
import { currenciesOf, selectionOf } from "./support/read-source.ts"
import { type SourceServer, startSourceServer } from "./support/source-server.ts"
import { scenarios, seedTenant } from "./support/tenant-generator.ts"

let server: SourceServer
let database: PostgresTestDatabase
let ledger: Ledger
let truth: LedgerTruth

beforeAll(async () => {
  database = await createPostgresTestDatabase(undefined, "pb_shadow_ids")
  ledger = await openLedger(database.url)
  server = await startSourceServer()
  await seedTenant(server.client, { seed: 31, currencies: ["EUR", "KWD"], paymentsPerCustomer: scenarios.length })
  truth = await readLedgerTruth(server.client)
  // Customers in reverse order, so their ledger ids differ from the vendor's.
  const customers = [...truth.customers].reverse()
  const run = await migrateInto(
    ledger,
    "billing-platform-uk",
    server.dialectUrl("billing-platform-uk"),
    {
      "api-key": server.apiKey
    },
    {
      reader: {
        customers: selectionOf(customers.map((customer) => String(customer.id))),
        customerCurrencies: currenciesOf(customers),
        concurrency: 1
      }
    }
  )
  expect(run.summary.status).toBe("completed")
}, 300_000)

afterAll(async () => {
  await ledger?.close()
  await database?.drop()
  await server?.stop()
})

test("the id table names the migrated customers and refunds, and the mapping uses it both ways", async () => {
  const table = await ledger.run(loadShadowIdTable("billing-platform-uk"))
  const records = await ledger.run(listMigrated("billing-platform-uk"))
  expect(table.size).toBeGreaterThan(truth.customers.length + truth.payments.length / 2)

  for (const customer of truth.customers) {
    const entry = table.byVendor("customer", { by: "sourceId" }, String(customer.id))
    const booked = await ledger.run(
      Effect.flatMap(Parties, (parties) => parties.getCustomer(entry?.ledgerIds[0] as CustomerId))
    )
    expect(booked.externalRef).toEqual({ system: "billing-platform-uk", id: String(customer.id) })
    expect(entry?.publicId).toBe(booked.publicId)
    expect(table.byPaybridge("customer", "publicId", booked.publicId)?.sourceId).toBe(String(customer.id))
  }
  const moved = truth.customers.filter(
    (customer) => table.byVendor("customer", { by: "sourceId" }, String(customer.id))?.ledgerIds[0] !== customer.id
  )
  expect(moved.length).toBeGreaterThan(0)

  const mapping = migratedIdMapping(vendors["billing-platform-uk"].shadow, table)
  const vendorCustomer = moved[0]?.id
  const ledgerCustomer = table.byVendor("customer", { by: "sourceId" }, String(vendorCustomer))?.ledgerIds[0]
  const request = {
    method: "GET",
    path: `customers/${vendorCustomer}/payments/?includeReversed`,
    headers: {},
    body: undefined
  }
  // The dialect finds a migrated customer by its vendor id: the path goes to Paybridge as the client wrote it.
  expect(ledgerCustomer).not.toBe(vendorCustomer)
  expect((await mapping.toPaybridge(request)).path).toBe(`customers/${vendorCustomer}/payments/?includeReversed`)

  const refund = records.find((record) => record.key.startsWith("refund/") && record.data.ledgerId !== null)
  if (refund === undefined) throw new Error("no refund migrated")
  const ledgerRefund = await ledger.run(
    Effect.flatMap(Refunds, (refunds) => refunds.getRefund(refund.data.ledgerId as RefundId))
  )
  expect(ledgerRefund.id).toBe(refund.data.ledgerId)
  const answer = await mapping.fromPaybridge?.(parseExactJson(`[{"id":"R${ledgerRefund.id}"}]`), request)
  expect(stringifyExactJson(answer)).toBe(`[{"id":"${refund.key.slice("refund/".length)}"}]`)
})
