/**
 * The floor server of `pnpm bench:http`: the least HTTP code that does the work the benchmarked
 * Paybridge operations do, in the same runtime (Node, Hono, `@hono/node-server`) on the same
 * database, so that Paybridge's throughput can be read as a fraction of what this stack allows.
 * No authentication, validation, domain model, ORM or logging: one prepared statement per read,
 * one transaction per create (see `floor-store.ts`). Not a product: it exists only for the ratio.
 *
 *   DATABASE_URL=sqlite:<file>|postgresql://… PORT=… node tooling/bench/src/floor/floor-server.ts
 *
 *   GET  /health
 *   GET  /payments/:id                                   one payment (~1 KB)
 *   GET  /customers/:id/payments?limit=50[&afterDate=&afterId=]   a keyset page, newest first
 *   GET  /customers/:id/balance
 *   POST /payments {customerId, amount (minor units)} with Idempotency-Key
 */
import { serve } from "@hono/node-server"
import { Hono } from "hono"
import { openFloorStore } from "./open-floor-store.ts"

const databaseUrl = process.env.DATABASE_URL
if (databaseUrl === undefined || databaseUrl === "") throw new Error("floor: DATABASE_URL is required")
const port = Number(process.env.PORT ?? "0")
const store = await openFloorStore(databaseUrl)

const positiveInt = (raw: string | undefined): number | null => {
  const value = Number(raw)
  return Number.isSafeInteger(value) && value > 0 ? value : null
}

const app = new Hono()

app.get("/health", (c) => c.json({ ok: true }))

app.get("/payments/:id", async (c) => {
  const id = positiveInt(c.req.param("id"))
  const row = id === null ? undefined : await store.getPayment(id)
  return row === undefined ? c.json({ error: "not found" }, 404) : c.json(row)
})

app.get("/customers/:id/payments", async (c) => {
  const customerId = positiveInt(c.req.param("id"))
  const limit = positiveInt(c.req.query("limit") ?? "50")
  if (customerId === null || limit === null || limit > 1000) return c.json({ error: "bad request" }, 400)
  const afterDate = c.req.query("afterDate")
  const afterId = positiveInt(c.req.query("afterId"))
  const after = afterDate === undefined || afterId === null ? null : { paymentDate: afterDate, id: afterId }
  // One row more than the page tells whether a next page exists, as Paybridge's store does.
  const rows = await store.listPayments(customerId, limit + 1, after)
  return c.json({ items: rows.slice(0, limit), more: rows.length > limit })
})

app.get("/customers/:id/balance", async (c) => {
  const customerId = positiveInt(c.req.param("id"))
  const row = customerId === null ? undefined : await store.balance(customerId)
  return row === undefined ? c.json({ error: "not found" }, 404) : c.json(row)
})

app.post("/payments", async (c) => {
  const key = c.req.header("idempotency-key")
  const body = (await c.req.json().catch(() => null)) as { customerId?: unknown; amount?: unknown } | null
  const customerId = positiveInt(String(body?.customerId))
  const amount = positiveInt(String(body?.amount))
  if (key === undefined || customerId === null || amount === null) return c.json({ error: "bad request" }, 400)
  const result = await store.createPayment({ customerId, amount, idempotencyKey: key })
  return result.kind === "created" ? c.json(result.payment, 201) : c.json({ replayed: true }, 200)
})

app.onError((error, c) => {
  process.stderr.write(`floor: ${error.stack ?? error.message}\n`)
  return c.json({ error: "internal" }, 500)
})

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" })
const stop = () => {
  server.close(() => {
    void store.close().then(() => process.exit(0))
  })
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
