/**
 * The server's edge over real HTTP: a body over `MAX_BODY_BYTES` is refused with 413 in each
 * protocol's own error shape (tRPC and all five dialects, declared or streamed), without being read
 * on; query values and request ids the server would repeat are bounded; API answers are never
 * cached and the admin console is served with its security headers.
 */
import { once } from "node:events"
import { connect } from "node:net"
import { fillPath } from "@paybridge/adapter-kit"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dialects } from "../src/dialects.ts"
import { startSqliteTestServer } from "./support/cross-protocol.ts"
import type { TestServer } from "./support/test-server.ts"

const limit = 4096
let server: TestServer
beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-edge-", { env: { MAX_BODY_BYTES: String(limit) } })
})
afterAll(async () => {
  await server?.close()
})

const oversize = JSON.stringify({ name: "x".repeat(limit), currency: "EUR" })

describe("request bodies", () => {
  it("answers a tRPC body over MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE in tRPC's shape, declared or streamed", async () => {
    const headers = { authorization: `Bearer ${server.apiKeys.admin}`, "content-type": "application/json" }
    const declared = await fetch(`${server.url}/trpc/customers.create`, { method: "POST", headers, body: oversize })
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({
      error: { data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413, path: "customers.create" } }
    })

    // A chunked body that never ends: the answer can only come from a server that stops reading at
    // the limit, and it closes the connection rather than reading the rest.
    const { hostname, port } = new URL(server.url)
    const socket = connect(Number(port), hostname)
    await once(socket, "connect")
    let answer = ""
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString()
    })
    socket.on("error", () => undefined)
    // (not events.once: it would reject on the EPIPE our own writes meet once the server has closed)
    const closed = new Promise((resolve) => socket.once("close", resolve))
    socket.write(
      [
        "POST /trpc/customers.create HTTP/1.1",
        `Host: ${hostname}:${port}`,
        `Authorization: Bearer ${server.apiKeys.admin}`,
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
        "",
        ""
      ].join("\r\n")
    )
    let sent = 0
    const pump = setInterval(() => {
      if (socket.destroyed || socket.writableEnded) return
      socket.write(`3e8\r\n${" ".repeat(1000)}\r\n`, () => undefined)
      sent += 1000
    }, 1)
    await closed
    clearInterval(pump)
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(answer.toLowerCase()).toContain("connection: close")
    expect(answer).toContain('"PAYLOAD_TOO_LARGE"')
    expect(sent).toBeLessThan(1_000_000)

    const within = await fetch(`${server.url}/trpc/customers.create`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: `Edge ${"y".repeat(limit - 100)}`.slice(0, 200), currency: "EUR" })
    })
    expect(within.status).toBe(200)
  })

  it("answers a dialect body over MAX_BODY_BYTES with 413 in that vendor's error shape", async () => {
    for (const dialect of dialects) {
      const route = dialect.endpoints.find((endpoint) => endpoint.implemented && endpoint.method === "POST")
      if (route === undefined) throw new Error(`${dialect.id} has no implemented POST endpoint`)
      const response = await fetch(`${server.url}${dialect.defaultBasePath}${fillPath(route.path)}`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.apiKeys.admin}`, "content-type": "application/json" },
        body: oversize
      })
      const text = await response.text()
      expect({ dialect: dialect.id, status: response.status }).toEqual({
        dialect: dialect.id,
        status: dialect.renderError.PayloadTooLarge.status
      })
      expect(response.status, dialect.id).toBe(413)
      const decoded = Schema.decodeUnknownExit(dialect.errorSchema)(JSON.parse(text))
      expect(decoded._tag, `${dialect.id}: ${text}`).toBe("Success")
    }
  })
})

describe("values the server repeats", () => {
  it("refuses a query too long to repeat (Silver's Link header) and echoes no malformed request id", async () => {
    const basic = { authorization: `Token ${server.apiKeys.finance}` }
    const long = await fetch(`${server.url}/silver/customers/1/payments/?status=${"x".repeat(8000)}`, {
      headers: { ...basic, "x-request-id": "r".repeat(300) }
    })
    expect(long.status).toBe(400)
    expect(await long.json()).toEqual({ non_field_errors: ["The query string is longer than 2048 characters"] })
    const headerBytes = [...long.headers].reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0)
    expect(headerBytes).toBeLessThan(1024)
    expect(long.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)

    const listed = await fetch(`${server.url}/silver/customers/1/payments/?status=paid`, {
      headers: { ...basic, "x-request-id": "client-request-7" }
    })
    expect(listed.status).toBe(200)
    expect(listed.headers.get("x-request-id")).toBe("client-request-7")
    expect(listed.headers.get("link")).toContain("status=paid")
  })
})

describe("response headers", () => {
  it("marks every API answer Cache-Control: no-store, and serves the console with its security headers", async () => {
    const answers = [
      await fetch(`${server.url}/trpc/session.whoami`, {
        headers: { authorization: `Bearer ${server.apiKeys.admin}` }
      }),
      await fetch(`${server.url}/trpc/session.whoami`),
      await fetch(`${server.url}/backend/api/v1/payments`, {
        headers: { authorization: `Bearer ${server.apiKeys.admin}` }
      }),
      await fetch(`${server.url}/crmapi/rest/v4/payments/show`),
      await fetch(`${server.url}/health`)
    ]
    for (const answer of answers) expect(answer.headers.get("cache-control"), answer.url).toBe("no-store")

    const page = await fetch(`${server.url}/admin/`)
    const csp = page.headers.get("content-security-policy") ?? ""
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'"
    ]) {
      expect(csp).toContain(directive)
    }
    expect(page.headers.get("x-content-type-options")).toBe("nosniff")
    expect(page.headers.get("referrer-policy")).toBe("no-referrer")
    expect(page.headers.get("x-frame-options")).toBe("DENY")
  })
})
