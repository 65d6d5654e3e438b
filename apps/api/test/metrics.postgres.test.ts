/**
 * The database pool on `/metrics`, on PostgreSQL (a throwaway database from `TEST_DATABASE_URL`):
 * after a few requests the pool's total, idle and waiting connections are reported.
 */
import { createPostgresTestDatabase } from "@paybridge/db/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "./support/test-server.ts"

let server: TestServer
let drop: () => Promise<void> = async () => undefined
beforeAll(async () => {
  const database = await createPostgresTestDatabase()
  drop = database.drop
  server = await startTestServer(database.url)
})
afterAll(async () => {
  await server?.close()
  await drop()
})

describe("metrics on PostgreSQL", () => {
  it("reports the connection pool: total, idle and waiting", async () => {
    const finance = server.clientAs("finance")
    await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        finance.customers.create.mutate({ name: `Pooled ${index}`, currency: "EUR" })
      )
    )
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.apiKeys.admin}` }
    })
    expect(response.status).toBe(200)
    const text = await response.text()
    const value = (state: string) =>
      Number(new RegExp(`^paybridge_db_pool_connections\\{state="${state}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? "NaN")
    expect(value("total")).toBeGreaterThanOrEqual(1)
    expect(value("total")).toBeLessThanOrEqual(10)
    expect(value("idle")).toBeGreaterThanOrEqual(0)
    expect(value("idle")).toBeLessThanOrEqual(value("total"))
    expect(value("waiting")).toBe(0)
  })
})
