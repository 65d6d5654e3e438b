/**
 * The dialect app beyond the shared contract: login-style vendors (a public login endpoint that
 * issues session tokens, tokens as bearer, query or body parameter, HTTP Basic), token expiry,
 * defects answered as a 500 in the vendor's shape without internals, storage outages, request
 * ids, trailing slashes, custom mount points and definition-time checks of the registry.
 */
import {
  anyOf,
  bearerSessionToken,
  type DefectReport,
  type Dialect,
  defineDialect,
  type ErrorTable,
  endpoint,
  httpBasic,
  makeSessionStore,
  ok,
  publicEndpoint,
  tokenParameter
} from "@paybridge/adapter-kit"
import { type DialectTestbed, makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import { Authenticator, authenticatorLayerWith, CustomerId, Parties, testKdfCost } from "@paybridge/core"
import { testLedgerLayerWith } from "@paybridge/db/testing"
import { Effect, Layer, Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"

/** Errors as `{ "status": { "code", "message" } }` with HTTP 400 for everything but defects (an RPC-style vendor). */
const envelope = (code: string) => (e: { readonly message: string }) => ({ status: { code, message: e.message } })
const rpcErrors: ErrorTable = {
  NotFound: { status: 404, body: envelope("NOT_FOUND") },
  ValidationFailed: { status: 400, body: envelope("INVALID") },
  InvalidTransition: { status: 400, body: envelope("INVALID_STATE") },
  Conflict: { status: 409, body: envelope("CONFLICT") },
  Unauthorized: { status: 401, body: envelope("UNAUTHORIZED") },
  Forbidden: { status: 403, body: envelope("FORBIDDEN") },
  NotImplemented: { status: 501, body: envelope("NOT_IMPLEMENTED") },
  StorageUnavailable: { status: 503, body: envelope("UNAVAILABLE") },
  Overloaded: { status: 503, body: envelope("BUSY") },
  PayloadTooLarge: { status: 413, body: envelope("TOO_LARGE") },
  TooManyRequests: { status: 429, body: envelope("THROTTLED") },
  Internal: { status: 500, body: envelope("INTERNAL") }
}
const RpcError = Schema.Struct({ status: Schema.Struct({ code: Schema.String, message: Schema.String }) })

const Login = Schema.Struct({ email: Schema.String, password: Schema.String })
const Echo = Schema.Struct({ text: Schema.String, token: Schema.optionalKey(Schema.String) })

const loginCorp = defineDialect({
  id: "login-corp",
  title: "Login Corp",
  vendorDocs: [{ title: "Login Corp API", url: "https://login-corp.example/docs" }],
  defaultBasePath: "/rpc/v4",
  authenticate: anyOf(bearerSessionToken(), tokenParameter({ check: "session" }), httpBasic()),
  renderError: rpcErrors,
  errorSchema: RpcError,
  sessions: { ttlSeconds: 900 },
  endpoints: [
    publicEndpoint({
      method: "POST",
      path: "/authentication/token",
      operationId: "login",
      summary: "Exchange e-mail and password for a session token",
      request: { body: Login },
      responses: { 200: { description: "A token" } },
      tests: [
        "dialect.test.ts › login-style vendors › issues a session token that works as bearer, query and body token"
      ],
      implemented: true,
      handler: ({ body, sessions }) =>
        Authenticator.use((auth) => auth.sessionForPassword(body.email, body.password)).pipe(
          Effect.flatMap((grant) => sessions.issue(grant)),
          Effect.map((session) =>
            ok({ status: { code: "OK" }, data: { token: session.token, expires_in: session.expiresInSeconds } })
          )
        )
    }),
    endpoint({
      method: "GET",
      path: "/whoami",
      operationId: "whoami",
      summary: "Who the credentials belong to",
      responses: { 200: { description: "The principal" } },
      tests: [
        "dialect.test.ts › login-style vendors › issues a session token that works as bearer, query and body token"
      ],
      implemented: true,
      handler: ({ principal }) => Effect.succeed(ok({ name: principal.name, role: principal.role }))
    }),
    endpoint({
      method: "POST",
      path: "/echo",
      operationId: "echo",
      summary: "Echoes a text",
      request: { body: Echo },
      responses: { 200: { description: "The text" } },
      tests: [
        "dialect.test.ts › login-style vendors › issues a session token that works as bearer, query and body token"
      ],
      implemented: true,
      handler: ({ body }) => Effect.succeed(ok({ text: body.text }))
    }),
    endpoint({
      method: "GET",
      path: "/explode",
      operationId: "explode",
      summary: "A handler with a bug",
      responses: { 200: { description: "never" } },
      tests: ["dialect.test.ts › failures › answers a defect with a 500 in the vendor's shape and no internals"],
      implemented: true,
      handler: () => Effect.die(new Error("connection string postgres://admin:hunter2@db/prod leaked"))
    }),
    endpoint({
      method: "GET",
      path: "/customers/:id",
      operationId: "getCustomer",
      summary: "A customer",
      responses: { 200: { description: "The customer" } },
      tests: ["dialect.test.ts › failures › answers a storage outage with the vendor's 503"],
      implemented: true,
      handler: ({ params }) =>
        Parties.use((parties) => parties.getCustomer(CustomerId.make(Number(params.id)))).pipe(
          Effect.map((customer) => ok({ name: customer.name }))
        )
    })
  ]
})

const alice = { email: "alice@login-corp.example", password: "correct horse battery", name: "Alice" }
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`

let testbed: DialectTestbed
afterEach(() => testbed.dispose())

const withAlice = async (
  options: { dialect?: Dialect; deps?: Parameters<typeof makeDialectTestbed>[0]["deps"] } = {}
) => {
  testbed = await makeDialectTestbed({ dialect: options.dialect ?? loginCorp, deps: options.deps })
  await testbed.createUser({ email: alice.email, password: alice.password, name: alice.name, role: "finance" })
}

const login = async () => {
  const response = await testbed.request({ method: "POST", path: "/authentication/token", body: alice })
  expect(response.status).toBe(200)
  return (response.json as { data: { token: string } }).data.token
}

describe("login-style vendors", () => {
  it("issues a session token that works as bearer, query and body token", async () => {
    await withAlice()
    const token = await login()
    const asBearer = await testbed.request({
      method: "GET",
      path: "/whoami",
      headers: { authorization: `Bearer ${token}` }
    })
    expect(asBearer.json).toEqual({ name: "Alice", role: "finance" })
    const asQuery = await testbed.request({ method: "GET", path: "/whoami", query: { token } })
    expect(asQuery.json).toEqual({ name: "Alice", role: "finance" })
    const asBody = await testbed.request({ method: "POST", path: "/echo", body: { text: "hi", token } })
    expect(asBody.json).toEqual({ text: "hi" })
  })

  it("accepts HTTP Basic with the user's e-mail and password", async () => {
    await withAlice()
    const response = await testbed.request({
      method: "GET",
      path: "/whoami",
      headers: { authorization: basic(alice.email, alice.password) }
    })
    expect(response.json).toEqual({ name: "Alice", role: "finance" })
  })

  it("refuses a wrong password, an unknown token and a malformed Basic header in the vendor's shape", async () => {
    await withAlice()
    const wrongLogin = await testbed.request({
      method: "POST",
      path: "/authentication/token",
      body: { ...alice, password: "wrong password!" }
    })
    const unknownToken = await testbed.request({ method: "GET", path: "/whoami", query: { token: "nope" } })
    const badBasic = await testbed.request({ method: "GET", path: "/whoami", headers: { authorization: "Basic %%%" } })
    for (const response of [wrongLogin, unknownToken, badBasic]) {
      expect(response.status).toBe(401)
      expect(response.json).toMatchObject({ status: { code: "UNAUTHORIZED" } })
    }
  })

  it("stops accepting a token once its lifetime is over", async () => {
    let now = Date.UTC(2024, 0, 1)
    await withAlice({ deps: { sessions: makeSessionStore({ ttlSeconds: 900, now: () => now }) } })
    const token = await login()
    now += 899_000
    expect((await testbed.request({ method: "GET", path: "/whoami", query: { token } })).status).toBe(200)
    now += 1_000
    const expired = await testbed.request({ method: "GET", path: "/whoami", query: { token } })
    expect(expired.status).toBe(401)
    expect(expired.json).toMatchObject({ status: { message: "The session token is invalid or has expired" } })
  })
})

describe("failures", () => {
  it("answers a defect with a 500 in the vendor's shape and no internals", async () => {
    const reports: Array<DefectReport> = []
    await withAlice({ deps: { reportDefect: (report) => reports.push(report) } })
    const response = await testbed.request({
      method: "GET",
      path: "/explode",
      headers: { authorization: basic(alice.email, alice.password), "x-request-id": "boom-1" }
    })
    expect(response.status).toBe(500)
    expect(response.json).toMatchObject({ status: { code: "INTERNAL" } })
    expect(response.text).not.toMatch(/hunter2|postgres|Error|stack/u)
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatchObject({ dialect: "login-corp", requestId: "boom-1", operationId: "explode" })
    expect(String(reports[0]?.cause)).toContain("hunter2")
  })

  it("answers a storage outage with the vendor's 503", async () => {
    let storageDown = false
    testbed = await makeDialectTestbed({
      dialect: loginCorp,
      layer: Layer.provideMerge(
        authenticatorLayerWith({ kdfCost: testKdfCost }),
        testLedgerLayerWith({ faults: (operation) => storageDown && operation.startsWith("customers.") })
      )
    })
    await testbed.createUser({ email: alice.email, password: alice.password, name: alice.name, role: "finance" })
    const customer = await testbed.runAsSystem(
      Parties.use((parties) => parties.createCustomer({ name: "Bob", currency: "EUR" }))
    )
    const headers = { authorization: basic(alice.email, alice.password) }
    expect((await testbed.request({ method: "GET", path: `/customers/${customer.id}`, headers })).json).toEqual({
      name: "Bob"
    })
    storageDown = true
    const down = await testbed.request({ method: "GET", path: `/customers/${customer.id}`, headers })
    expect(down.status).toBe(503)
    expect(down.json).toMatchObject({ status: { code: "UNAVAILABLE" } })
  })

  it("requires the body an endpoint declares and reports every field issue", async () => {
    await withAlice()
    const headers = { authorization: basic(alice.email, alice.password) }
    const empty = await testbed.request({ method: "POST", path: "/echo", headers })
    expect(empty.status).toBe(400)
    expect(empty.json).toMatchObject({ status: { message: "The request body is required" } })
    const wrong = await testbed.request({ method: "POST", path: "/echo", headers, body: { text: 5 } })
    expect(wrong.status).toBe(400)
    expect((wrong.json as { status: { message: string } }).status.message).toMatch(/^Invalid request body: text: /u)
  })

  it("answers the wrong method on a known path as an unknown route", async () => {
    await withAlice()
    const response = await testbed.request({ method: "DELETE", path: "/whoami" })
    expect(response.status).toBe(404)
    expect(response.json).toMatchObject({ status: { code: "NOT_FOUND" } })
  })
})

describe("request ids, paths and mounting", () => {
  it("generates a request id when none (or an unusable one) is sent", async () => {
    await withAlice()
    const none = await testbed.request({ method: "GET", path: "/whoami" })
    expect(none.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/u)
    const unusable = await testbed.request({
      method: "GET",
      path: "/whoami",
      headers: { "x-request-id": "bad id\u0007" }
    })
    expect(unusable.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/u)
  })

  it("reaches an endpoint with or without a trailing slash", async () => {
    await withAlice()
    const headers = { authorization: basic(alice.email, alice.password) }
    expect((await testbed.request({ method: "GET", path: "/whoami/", headers })).status).toBe(200)
  })

  it("refuses to be mounted at the root, where it would shadow the host's routes", () => {
    expect(() =>
      loginCorp.createApp({
        runLedger: () => Promise.reject(),
        runAuthentication: () => Promise.reject(),
        basePath: "/"
      })
    ).toThrow(/non-root base path/u)
  })

  it("serves under a base path of the host's choosing", async () => {
    testbed = await makeDialectTestbed({ dialect: loginCorp, basePath: "/compat/login" })
    await testbed.createUser({ email: alice.email, password: alice.password, name: alice.name, role: "finance" })
    const headers = { authorization: basic(alice.email, alice.password) }
    expect((await testbed.app.request("/compat/login/whoami", { headers })).status).toBe(200)
    expect((await testbed.app.request("/rpc/v4/whoami", { headers })).status).toBe(404)
  })
})

describe("definition-time checks", () => {
  const base = {
    id: "broken",
    title: "Broken",
    vendorDocs: "https://broken.example",
    defaultBasePath: "/broken",
    authenticate: bearerSessionToken(),
    renderError: rpcErrors,
    errorSchema: RpcError
  }
  const route = (operationId: string, path: string, tests: ReadonlyArray<string> = ["x"]) =>
    endpoint({
      method: "GET",
      path,
      operationId,
      summary: operationId,
      responses: { 200: { description: "ok" } },
      tests,
      implemented: true,
      handler: () => Effect.succeed(ok({}))
    })

  it("refuses duplicate operation ids and routes, and implemented endpoints without a proving test", () => {
    expect(() => defineDialect({ ...base, endpoints: [route("a", "/x/:id"), route("a", "/y")] })).toThrow(
      /duplicate operation id a/u
    )
    expect(() => defineDialect({ ...base, endpoints: [route("a", "/x/:id"), route("b", "/x/:other/")] })).toThrow(
      /duplicate route GET \/x\/:other\//u
    )
    expect(() => defineDialect({ ...base, endpoints: [route("a", "/x", [])] })).toThrow(/names no proving test/u)
    expect(() => defineDialect({ ...base, id: "Not Kebab", endpoints: [] })).toThrow(/kebab/u)
    expect(() => defineDialect({ ...base, defaultBasePath: "/", endpoints: [] })).toThrow(/non-root/u)
  })

  it("exposes the origin its commands carry", () => {
    expect(loginCorp.origin).toBe("dialect:login-corp")
  })
})
