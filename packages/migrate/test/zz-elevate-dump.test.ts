import { writeFile } from "node:fs/promises"
import { test } from "vitest"
import { SourceHttp } from "../src/http/source-http.ts"
import { sessionFor } from "./support/read-source.ts"
import { startSourceServer } from "./support/source-server.ts"
import { scenarios, seedTenant } from "./support/tenant-generator.ts"

test("dump", async () => {
  const source = await startSourceServer()
  try {
    await seedTenant(source.client, { seed: 23, currencies: ["EUR", "JPY", "BHD"], paymentsPerCustomer: scenarios.length })
    const http = new SourceHttp({ baseUrl: source.dialectUrl("elevate"), session: sessionFor("elevate", { brand: "source", username: source.email, password: source.password }), maxAttempts: 2 })
    const out: Record<string, unknown> = {}
    const get = async (path: string, query: Record<string, string> = {}) => (await http.request({ method: "GET", path, query })).json()
    out.credit = await get("customer-credit-status", { page: "1", pageSize: "50" })
    for (const c of [1, 2, 3]) {
      out[`bal${c}`] = await get("customer-balances", { customer_id: String(c) })
      out[`pay${c}`] = await get("customer-payments", { customer_id: String(c), page: "1", pageSize: "1000" })
      out[`ref${c}`] = await get("refunds", { customerId: String(c), page: "1", pageSize: "1000" })
      out[`ip${c}`] = await get("invoice-payments", { page: "1", pageSize: "1000" })
      out[`entries${c}`] = await (source.client as any).balances.history?.query?.({ customerId: c }).catch((e: unknown) => String(e))
    }
    await writeFile("/tmp/migrate-a/elevate-dump.json", JSON.stringify(out, null, 1))
  } finally {
    await source.stop()
  }
}, 300_000)
