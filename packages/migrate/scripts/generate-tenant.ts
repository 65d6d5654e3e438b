/**
 * Seeds a running Paybridge server (the source "vendor" of a migration rehearsal or benchmark)
 * with a generated tenant through its public tRPC API: by default the tenant of 20
 * customers in EUR, GBP, USD, JPY, BHD and KWD with 10,400 payments in every lifecycle scenario
 * (`largeTenantShape`). Prints what it made and how long it took.
 *
 *   node packages/migrate/scripts/generate-tenant.ts --url http://127.0.0.1:3000 --api-key pbk_… \
 *     [--customers 20] [--payments-per-customer 520] [--seed 16] [--concurrency 4]
 */
import { parseArgs } from "node:util"
import { createPaybridgeClient } from "@paybridge/client"
import { largeTenantShape, seedTenant } from "../test/support/tenant-generator.ts"

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    url: { type: "string" },
    "api-key": { type: "string" },
    customers: { type: "string" },
    "payments-per-customer": { type: "string" },
    seed: { type: "string" },
    concurrency: { type: "string" }
  },
  strict: true
})
if (values.url === undefined || values["api-key"] === undefined) {
  process.stderr.write("usage: generate-tenant.ts --url <paybridge url> --api-key <admin or finance key> [options]\n")
  process.exit(1)
}
const customers = values.customers === undefined ? largeTenantShape.currencies.length : Number(values.customers)
const shape = {
  seed: values.seed === undefined ? largeTenantShape.seed : Number(values.seed),
  currencies: Array.from(
    { length: customers },
    (_, index) => ["EUR", "GBP", "USD", "JPY", "BHD", "KWD"][index % 6] ?? "EUR"
  ),
  paymentsPerCustomer:
    values["payments-per-customer"] === undefined
      ? largeTenantShape.paymentsPerCustomer
      : Number(values["payments-per-customer"]),
  concurrency: values.concurrency === undefined ? (largeTenantShape.concurrency ?? 4) : Number(values.concurrency)
}
const started = Date.now()
const tenant = await seedTenant(createPaybridgeClient(values.url, { apiKey: values["api-key"] }), shape)
const seconds = (Date.now() - started) / 1000
process.stdout.write(
  `${tenant.customers.length} customers, ${tenant.payments.length} payments seeded in ${seconds.toFixed(1)} s ` +
    `(${(tenant.payments.length / seconds).toFixed(0)} payments/s); customer ids ${tenant.customers[0]?.id}–${tenant.customers.at(-1)?.id}\n`
)
