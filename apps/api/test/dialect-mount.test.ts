/**
 * How the server mounts vendor dialects (with a small probe dialect): at the base path
 * `DIALECT_BASE_PATHS` gives (not at the default any more), sharing the request id and the
 * access log with the rest of the server (the log names the dialect caller's principal), listed
 * on `/docs` with an OpenAPI document that points at the mounted path, and answering documented
 * but unimplemented endpoints with 501 in the dialect's own error shape.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { probeDialect } from "./support/probe-dialect.ts"
import { startTestServer, type TestServer } from "./support/test-server.ts"

let dir: string
let server: TestServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "paybridge-dialects-"))
  server = await startTestServer(`sqlite:${join(dir, "paybridge.db")}`, {
    dialects: [probeDialect],
    env: { DIALECT_BASE_PATHS: "probe=/moved/v2" }
  })
})
afterAll(async () => {
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

describe("dialect mounts", () => {
  test("a dialect answers at its configured base path, with the server's request id and access log", async () => {
    await server.clientAs("admin").customers.create.mutate({ name: "Probe Customer", currency: "EUR" })
    const response = await fetch(`${server.url}/moved/v2/customers/count`, {
      headers: { Authorization: `Bearer ${server.apiKeys.finance}`, "X-Request-Id": "dialect-call-1" }
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ count: 1 })
    expect(response.headers.get("x-request-id")).toBe("dialect-call-1")

    const me = await server.clientAs("finance").session.whoami.query()
    const line = server.logs.find((entry) => entry.requestId === "dialect-call-1")
    expect(line).toMatchObject({ path: "/moved/v2/customers/count", status: 200, principalId: me.id })

    expect((await fetch(`${server.url}/probe/v1/customers/count`)).status).toBe(404)
  })

  test("the dialect authenticates in its own error shape, and unimplemented endpoints answer 501", async () => {
    const anonymous = await fetch(`${server.url}/moved/v2/customers/count`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ error: { tag: "Unauthorized" } })

    const unimplemented = await fetch(`${server.url}/moved/v2/customers/1`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${server.apiKeys.admin}` }
    })
    expect(unimplemented.status).toBe(501)
    expect(await unimplemented.json()).toMatchObject({ error: { tag: "NotImplemented" } })
  })

  test("/docs lists the dialect and serves its OpenAPI document with the mounted path", async () => {
    const index = await fetch(`${server.url}/docs`)
    expect(index.status).toBe(200)
    expect(await index.text()).toContain("Probe dialect")

    const document = await fetch(`${server.url}/docs/probe/openapi.json`)
    expect(document.status).toBe(200)
    const openApi = (await document.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> }
    expect(openApi.servers[0]?.url).toBe("/moved/v2")
    expect(Object.keys(openApi.paths)).toEqual(expect.arrayContaining(["/customers/count", "/customers/{id}"]))
  })
})
