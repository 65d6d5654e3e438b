/**
 * The floor's routes (see `floor-server.ts`): Hono over a `FloorStore`, nothing else. `floor-server.ts`
 * serves them over HTTP; `pnpm bench:cpu` calls them in process (`app.request`) for the CPU per request
 * of the least code that does a get.
 */
import { Hono } from "hono"
import type { FloorStore } from "./floor-store.ts"

export const floorApp = (store: FloorStore): Hono => {
  const app = new Hono()
  const positiveInt = (raw: string | undefined): number | null => {
    const value = Number(raw)
    return Number.isSafeInteger(value) && value > 0 ? value : null
  }

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
  return app
}
