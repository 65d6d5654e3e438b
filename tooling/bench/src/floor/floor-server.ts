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
import { floorApp } from "./floor-app.ts"
import { openFloorStore } from "./open-floor-store.ts"

const databaseUrl = process.env.DATABASE_URL
if (databaseUrl === undefined || databaseUrl === "") throw new Error("floor: DATABASE_URL is required")
const port = Number(process.env.PORT ?? "0")
const store = await openFloorStore(databaseUrl)

const app = floorApp(store)

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" })
const stop = () => {
  server.close(() => {
    void store.close().then(() => process.exit(0))
  })
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
