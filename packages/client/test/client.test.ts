/**
 * What the client puts on the wire, seen by a small recording HTTP server: the API key as a
 * Bearer token on every request, plain calls batched into one request, a call with an
 * idempotency key sent alone with its `Idempotency-Key` header, and the base URL or the `/trpc`
 * endpoint both accepted. (The server's side of the contract is tested in `apps/api`.)
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest"
import { createPaybridgeClient, isPaybridgeClientError, withIdempotencyKey } from "../src/index.ts"

interface Recorded {
  readonly path: string
  readonly batch: boolean
  readonly headers: IncomingHttpHeaders
}

let server: Server
let baseUrl: string
const recorded: Array<Recorded> = []

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://recorder")
    const batch = url.searchParams.get("batch") === "1"
    recorded.push({ path: url.pathname, batch, headers: request.headers })
    const procedures = url.pathname.replace(/^\/trpc\//, "").split(",")
    response.setHeader("Content-Type", "application/json")
    if (procedures.includes("payments.post")) {
      response.statusCode = 412
      const error = {
        error: {
          message: "cannot post a posted payment",
          code: -32012,
          data: { code: "PRECONDITION_FAILED", httpStatus: 412, tag: "InvalidTransition", issues: [] }
        }
      }
      response.end(JSON.stringify(batch ? [error] : error))
      return
    }
    const results = procedures.map((procedure) => ({ result: { data: { procedure } } }))
    response.end(JSON.stringify(batch ? results : results[0]))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  recorded.length = 0
})

describe("createPaybridgeClient", () => {
  test("sends the API key as a Bearer token and batches plain calls into one request", async () => {
    const client = createPaybridgeClient(baseUrl, { apiKey: "pbk_abc_secret" })
    await Promise.all([client.session.whoami.query(), client.payments.list.query({ limit: 5 })])
    expect(recorded).toHaveLength(1)
    expect(recorded[0]?.batch).toBe(true)
    expect(recorded[0]?.path).toBe("/trpc/session.whoami,payments.list")
    expect(recorded[0]?.headers.authorization).toBe("Bearer pbk_abc_secret")
    expect(recorded[0]?.headers["idempotency-key"]).toBeUndefined()
  })

  test("sends a call with an idempotency key alone, with the Idempotency-Key header", async () => {
    const client = createPaybridgeClient(`${baseUrl}/trpc`, { apiKey: "pbk_abc_secret" })
    await Promise.all([
      client.payments.create.mutate({ customerId: 1, amount: "12.50" }, withIdempotencyKey("order-1")),
      client.customers.get.query({ id: 1 })
    ])
    const keyed = recorded.find((request) => request.path === "/trpc/payments.create")
    expect(keyed?.batch).toBe(false)
    expect(keyed?.headers["idempotency-key"]).toBe("order-1")
    expect(keyed?.headers.authorization).toBe("Bearer pbk_abc_secret")
    const plain = recorded.find((request) => request.path === "/trpc/customers.get")
    expect(plain?.headers["idempotency-key"]).toBeUndefined()
  })

  test("a failed call is a client error carrying the server's code and ledger tag", async () => {
    const client = createPaybridgeClient(baseUrl, { apiKey: "pbk_abc_secret" })
    const failure = await client.payments.post.mutate({ paymentId: 7 }).catch((error: unknown) => error)
    expect(isPaybridgeClientError(failure)).toBe(true)
    if (isPaybridgeClientError(failure)) {
      expect(failure.message).toBe("cannot post a posted payment")
      expect(failure.data).toMatchObject({ code: "PRECONDITION_FAILED", httpStatus: 412, tag: "InvalidTransition" })
    }
  })
})
