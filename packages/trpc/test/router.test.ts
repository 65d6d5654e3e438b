/**
 * The router as an HTTP client meets it, without a network: requests go through tRPC's fetch
 * handler into the real Ledger service on the real store (SQLite in memory). Covers the error formatter (codes,
 * HTTP statuses, tags, field issues, request id), the role check, JSON encoding of results, and
 * that the error table agrees with the HTTP statuses tRPC derives from its codes.
 */
import { type Principal, UserId } from "@paybridge/core"
import { testLedgerLayer, testLedgerLayerWith } from "@paybridge/db/testing"
import { TRPCError } from "@trpc/server"
import { fetchRequestHandler } from "@trpc/server/adapters/fetch"
import { getHTTPStatusCodeFromError } from "@trpc/server/http"
import { ManagedRuntime } from "effect"
import { afterAll, describe, expect, test } from "vitest"
import { appRouter, createTrpcContext, ledgerErrorTable } from "../src/index.ts"

const principal = (role: Principal["role"]): Principal => ({
  id: UserId.make(100),
  kind: "user",
  name: `test ${role}`,
  role,
  customerScope: null
})

/** The `result.data` of a successful call (fails the test with the error otherwise). */
const resultOf = <T>(response: { body: { result?: { data: unknown }; error?: unknown } }): T => {
  if (response.body.result === undefined) throw new Error(`call failed: ${JSON.stringify(response.body.error)}`)
  return response.body.result.data as T
}

interface ErrorData {
  readonly code: string
  readonly httpStatus: number
  readonly requestId: string | null
  readonly tag: string | null
  readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>
  readonly ledgerError: Record<string, unknown> | null
  readonly stack?: unknown
}

/** The formatted `error.data` of a failed call (fails the test if the call succeeded). */
const errorOf = (response: { body: { error?: { data: unknown } } }): ErrorData => {
  if (response.body.error === undefined) throw new Error("expected the call to fail")
  return response.body.error.data as ErrorData
}

const runtimes: Array<{ dispose: () => Promise<void> }> = []
afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose()
})

const makeRuntime = (layer: typeof testLedgerLayer) => {
  const runtime = ManagedRuntime.make(layer)
  runtimes.push(runtime)
  return runtime
}

const callWith =
  (runtime: ReturnType<typeof makeRuntime>, who: Principal | null) =>
  async (path: string, input: unknown, method: "GET" | "POST" = "POST") => {
    const encoded = encodeURIComponent(JSON.stringify(input))
    const request =
      method === "GET"
        ? new Request(`http://test/trpc/${path}?input=${encoded}`)
        : new Request(`http://test/trpc/${path}`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(input)
          })
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req: request,
      router: appRouter,
      createContext: () => createTrpcContext({ runtime, principal: who, requestId: "req-test-1", idempotencyKey: null })
    })
    return {
      status: response.status,
      body: (await response.json()) as {
        result?: { data: unknown }
        error?: { message: string; data: Record<string, unknown> }
      }
    }
  }

describe("appRouter over the fetch handler", () => {
  const runtime = makeRuntime(testLedgerLayer)
  const admin = callWith(runtime, principal("admin"))

  test("a created payment comes back as JSON: minor units as strings, dates as ISO strings", async () => {
    const customer = await admin("customers.create", { name: "Gulf Trading WLL", currency: "BHD" })
    expect(customer.status).toBe(200)
    const customerId = resultOf<{ id: number }>(customer).id
    const created = await admin("payments.create", { customerId, amount: "12.345", paymentDate: "2026-11-20" })
    expect(created.status).toBe(200)
    const detail = resultOf<{ payment: Record<string, unknown> }>(created)
    expect(detail.payment).toMatchObject({
      amount: "12345",
      currency: "BHD",
      state: "posted",
      paymentDate: "2026-11-20"
    })
    expect(new Date(detail.payment.createdAt as string).toISOString()).toBe(detail.payment.createdAt)
  })

  test("refunds the ledger places: customer credit across payments (null payment for adjustment credit), a document's", async () => {
    const customerId = resultOf<{ id: number }>(
      await admin("customers.create", { name: "Kredit GmbH", currency: "EUR" })
    ).id
    await admin("payments.create", { customerId, amount: "10.00" })
    await admin("payments.create", { customerId, amount: "5.00" })
    await admin("balances.adjust", { customerId, amount: "2.00", description: "goodwill" })
    const credit = await admin("refunds.fromCustomerCredit", { customerId, amount: "16.50", settle: true })
    expect(credit.status).toBe(200)
    const { refunds } = resultOf<{ refunds: ReadonlyArray<{ amount: string; paymentId: number | null }> }>(credit)
    expect(refunds.map((refund) => [refund.amount, refund.paymentId === null])).toEqual([
      ["1000", false],
      ["500", false],
      ["150", true]
    ])
    const invoice = resultOf<{ id: number }>(
      await admin("documents.issue", { kind: "invoice", customerId, total: "8.00" })
    )
    await admin("payments.payDocument", { documentId: invoice.id })
    const forDocument = await admin("refunds.forDocument", { documentId: invoice.id, amount: "1.23" })
    expect(resultOf<{ amount: string; documentId: number }>(forDocument)).toMatchObject({
      amount: "123",
      documentId: invoice.id
    })
    const reopened = resultOf<{ outstanding: string }>(await admin("documents.get", { id: invoice.id }, "GET"))
    expect(reopened.outstanding).toBe("123")
  })

  test("anonymous calls get UNAUTHORIZED (401) with the request id", async () => {
    const anonymous = callWith(runtime, null)
    const response = await anonymous("payments.list", {}, "GET")
    expect(response.status).toBe(401)
    expect(errorOf(response)).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401, requestId: "req-test-1" })
  })

  test("a read-only principal gets FORBIDDEN for a command", async () => {
    const readOnly = callWith(runtime, principal("read-only"))
    const response = await readOnly("customers.create", { name: "Nope Ltd", currency: "EUR" })
    expect(response.status).toBe(403)
    expect(errorOf(response)).toMatchObject({ code: "FORBIDDEN", tag: "Forbidden" })
  })

  test("rejected input is BAD_REQUEST with one issue per bad field, no stack trace", async () => {
    const response = await admin("customers.create", { name: "", currency: "XXX1" })
    expect(response.status).toBe(400)
    const data = errorOf(response)
    expect(data.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining([["name"], ["currency"]]))
    expect(data.tag).toBeNull()
    expect(data.stack).toBeUndefined()
  })

  test("a ledger ValidationFailed is BAD_REQUEST with its field issues and the encoded error", async () => {
    const customer = await admin("customers.create", { name: "Tanaka Shoji KK", currency: "JPY" })
    const customerId = resultOf<{ id: number }>(customer).id
    const response = await admin("payments.create", { customerId, amount: "10.5" })
    expect(response.status).toBe(400)
    const data = errorOf(response)
    expect(data).toMatchObject({ code: "BAD_REQUEST", tag: "ValidationFailed" })
    expect(data.issues.map((issue) => issue.path)).toContainEqual(["amount"])
    expect(data.ledgerError).toMatchObject({ _tag: "ValidationFailed" })
  })

  test("an unknown record is NOT_FOUND with entity and id", async () => {
    const response = await admin("payments.get", { id: 424242 }, "GET")
    expect(response.status).toBe(404)
    expect(errorOf(response)).toMatchObject({ code: "NOT_FOUND", tag: "NotFound", ledgerError: { id: "424242" } })
  })

  test("a storage outage is SERVICE_UNAVAILABLE (503), worth a retry", async () => {
    const broken = makeRuntime(testLedgerLayerWith({ faults: (operation) => operation.startsWith("customers.") }))
    const response = await callWith(broken, principal("admin"))("customers.list", {}, "GET")
    expect(response.status).toBe(503)
    expect(errorOf(response)).toMatchObject({ code: "SERVICE_UNAVAILABLE", tag: "StorageUnavailable" })
  })
})

describe("ledgerErrorTable", () => {
  test.each(Object.entries(ledgerErrorTable))("%s has the HTTP status tRPC derives from its code", (_tag, row) => {
    expect(getHTTPStatusCodeFromError(new TRPCError({ code: row.code }))).toBe(row.httpStatus)
  })
})
