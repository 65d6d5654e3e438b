/**
 * Clients racing for one unique key through the real server on PostgreSQL (issue 15.5): eight tRPC
 * `payments.create` calls for eight customers carrying one external reference, sent at once. The
 * customers' locks do not serialise them, so several find the reference free; the database's
 * unique index refuses all but one insert, and every loser must get tRPC's CONFLICT (HTTP 409) —
 * never a 500. The database is a throwaway `pb_<random>` one made from `TEST_DATABASE_URL`.
 */
import { isPaybridgeClientError } from "@paybridge/client"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startTestServer, type TestServer } from "./support/test-server.ts"

let database: PostgresTestDatabase
let server: TestServer

beforeAll(async () => {
  database = await createPostgresTestDatabase()
  server = await startTestServer(database.url)
}, 60_000)
afterAll(async () => {
  await server?.close()
  await database?.drop()
}, 60_000)

describe("unique keys under concurrent clients on PostgreSQL", () => {
  test("one of eight concurrent payments with one external reference is created; the others get 409 CONFLICT", async () => {
    const admin = server.clientAs("admin")
    const customers = []
    for (let i = 0; i < 8; i++)
      customers.push(await admin.customers.create.mutate({ name: `Racer ${i}`, currency: "EUR" }))
    const externalRef = { system: "import", id: `ext-${Date.now()}` }
    const outcomes = await Promise.all(
      customers.map((customer) =>
        admin.payments.create.mutate({ customerId: customer.id, amount: "10.00", externalRef }).then(
          () => "created",
          (error: unknown) =>
            isPaybridgeClientError(error) ? `${error.data?.httpStatus} ${error.data?.code}` : `thrown ${String(error)}`
        )
      )
    )
    expect(outcomes.filter((outcome) => outcome === "created")).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome !== "created")).toEqual(
      Array.from({ length: customers.length - 1 }, () => "409 CONFLICT")
    )
    expect(server.logs.filter((entry) => entry.level === "error")).toEqual([])
  })
})
