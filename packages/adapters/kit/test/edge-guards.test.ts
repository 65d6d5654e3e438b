/**
 * The dialect app's guards at the edge: bodies over the size limit are refused unread (declared or
 * streamed), queries and idempotency keys over their limits are refused before any handler, a
 * malformed or overlong `X-Request-Id` is never echoed; ill-formed text (NUL, lone surrogates, bytes
 * that are not UTF-8) anywhere in a request, or in Basic credentials, is refused before credentials
 * are checked or a handler runs; and the host's throttle limits logins per
 * client address and failed authentications per client address and per account name, answering
 * `TooManyRequests` with `Retry-After` in the vendor's shape and sparing the password check.
 */
import {
  type AuthThrottle,
  anyOf,
  bearerSessionToken,
  defineDialect,
  type ErrorTable,
  endpoint,
  httpBasic,
  loginAccountField,
  makeAuthThrottle,
  ok,
  publicEndpoint
} from "@paybridge/adapter-kit"
import { type DialectTestbed, makeDialectTestbed, type TestbedOptions } from "@paybridge/adapter-kit/testing"
import { Authenticator } from "@paybridge/core"
import { Effect, Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"

const envelope = (code: string) => (e: { readonly message: string }) => ({ error: { code, message: e.message } })
const errors: ErrorTable = {
  NotFound: { status: 404, body: envelope("not_found") },
  ValidationFailed: { status: 400, body: envelope("invalid") },
  InvalidTransition: { status: 409, body: envelope("invalid_state") },
  Conflict: { status: 409, body: envelope("conflict") },
  Unauthorized: { status: 401, body: envelope("unauthorized") },
  Forbidden: { status: 403, body: envelope("forbidden") },
  NotImplemented: { status: 501, body: envelope("not_implemented") },
  StorageUnavailable: { status: 503, body: envelope("unavailable") },
  Overloaded: { status: 503, body: envelope("busy") },
  PayloadTooLarge: { status: 413, body: envelope("payload_too_large") },
  TooManyRequests: { status: 429, body: envelope("too_many_requests") },
  Internal: { status: 500, body: envelope("internal") }
}
const ErrorBody = Schema.Struct({ error: Schema.Struct({ code: Schema.String, message: Schema.String }) })

let echoes = 0
const Login = Schema.Struct({ username: Schema.String, password: Schema.String })

const guarded = defineDialect({
  id: "guarded",
  title: "Guarded",
  vendorDocs: "https://guarded.example/docs",
  defaultBasePath: "/guarded",
  authenticate: anyOf(bearerSessionToken(), httpBasic()),
  renderError: errors,
  errorSchema: ErrorBody,
  endpoints: [
    publicEndpoint({
      method: "POST",
      path: "/login",
      operationId: "login",
      summary: "A token for a user name and password",
      request: { body: Login },
      responses: { 200: { description: "A token" } },
      tests: ["edge-guards.test.ts › throttle › limits logins per client address and says when to come back"],
      implemented: true,
      loginAccount: loginAccountField("username"),
      handler: ({ body, sessions }) =>
        Authenticator.use((auth) => auth.sessionForPassword(body.username, body.password)).pipe(
          Effect.flatMap((grant) => sessions.issue(grant)),
          Effect.map((session) => ok({ token: session.token }))
        )
    }),
    endpoint({
      method: "POST",
      path: "/echo",
      operationId: "echo",
      summary: "Echoes the body's length",
      responses: { 200: { description: "The length" } },
      tests: ["edge-guards.test.ts › limits › reads a body up to the limit and refuses a longer one unread"],
      implemented: true,
      handler: ({ body, idempotencyKey }) =>
        Effect.sync(() => {
          echoes += 1
          return ok({ length: JSON.stringify(body).length, idempotencyKey })
        })
    })
  ]
})

let testbed: DialectTestbed | null = null
afterEach(async () => {
  await testbed?.dispose()
  testbed = null
})

const open = async (deps: TestbedOptions["deps"] = {}) => {
  testbed = await makeDialectTestbed({ dialect: guarded, deps })
  await testbed.createUser({ email: "ada@example.com", name: "Ada", role: "finance", password: "correct horse 1" })
  await testbed.createUser({ email: "bob@example.com", name: "Bob", role: "finance", password: "correct horse 2" })
  return testbed
}

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`
})

describe("ill-formed text", () => {
  it("refuses NUL and lone surrogates in the body, query and path, and non-UTF-8 bodies, before any handler or login runs", async () => {
    const bed = await open()
    const auth = basic("ada@example.com", "correct horse 1")
    echoes = 0
    const refusals = [
      await bed.request({ method: "POST", path: "/login", rawBody: '{"username":"ada\\u0000","password":"x"}' }),
      await bed.request({ method: "POST", path: "/login", rawBody: '{"username":"\\ud800","password":"x"}' }),
      await bed.request({ method: "POST", path: "/echo", headers: auth, rawBody: '{"deep":[{"\\udc00":1}]}' }),
      await bed.request({ method: "POST", path: "/echo", headers: auth, query: { q: "a\u0000" }, body: {} }),
      // {"a":"<0xff>"}: not UTF-8
      await Promise.resolve(
        bed.app.request("http://paybridge.test/guarded/echo", {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])
        })
      ).then(async (response: Response) => ({ status: response.status, json: await response.json() }))
    ]
    for (const refused of refusals) {
      expect(refused.status).toBe(400)
      expect(Schema.is(ErrorBody)(refused.json)).toBe(true)
    }
    expect(refusals[0]?.json).toEqual({
      error: { code: "invalid", message: "body.username: text must not contain NUL (U+0000) characters" }
    })
    expect(echoes).toBe(0)
  })

  it("refuses Basic credentials holding a NUL as a validation failure, not a failed login", async () => {
    const bed = await open()
    const refused = await bed.request({
      method: "POST",
      path: "/echo",
      headers: basic("ada@example.com\u0000", "x"),
      body: {}
    })
    expect(refused.status).toBe(400)
    expect(refused.json).toEqual({
      error: { code: "invalid", message: "Basic credentials must not contain NUL (U+0000) characters" }
    })
  })
})

describe("limits", () => {
  it("reads a body up to the limit and refuses a longer one unread, declared or streamed, in the vendor's shape", async () => {
    const bed = await open({ limits: { maxBodyBytes: 64 } })
    const auth = basic("ada@example.com", "correct horse 1")
    const at = JSON.stringify({ text: "x".repeat(64 - 11) })
    expect(at.length).toBe(64)
    const accepted = await bed.request({ method: "POST", path: "/echo", headers: auth, rawBody: at })
    expect(accepted.status).toBe(200)

    echoes = 0
    const declared = await bed.request({ method: "POST", path: "/echo", headers: auth, rawBody: `${at} ` })
    expect(declared.status).toBe(413)
    expect(declared.json).toEqual({
      error: { code: "payload_too_large", message: "The request body is larger than 64 bytes" }
    })

    // No Content-Length: the stream is abandoned once it passes the limit.
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1
        if (pulled > 1000) controller.close()
        else controller.enqueue(new TextEncoder().encode("[1,2,3,4,5,6,7,8,9,0]"))
      }
    })
    const streamed = await bed.app.request("http://paybridge.test/guarded/echo", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: stream,
      duplex: "half"
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect(pulled).toBeLessThan(10)
    expect(echoes).toBe(0)
  })

  it("refuses a query string over the limit or with too many parameters before authenticating", async () => {
    const bed = await open()
    const long = await bed.request({ method: "POST", path: "/echo", query: { status: "x".repeat(8000) }, body: {} })
    expect(long.status).toBe(400)
    expect(long.json).toEqual({
      error: { code: "invalid", message: "The query string is longer than 2048 characters" }
    })
    const many = await bed.request({
      method: "POST",
      path: "/echo",
      query: Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`p${index}`, "1"])),
      body: {}
    })
    expect(many.status).toBe(400)
    expect((many.json as { error: { message: string } }).error.message).toBe(
      "The query string has more than 64 parameters"
    )
  })

  it("refuses an idempotency key over 255 characters and never echoes a malformed or overlong request id", async () => {
    const bed = await open()
    const auth = basic("ada@example.com", "correct horse 1")
    const longKey = await bed.request({
      method: "POST",
      path: "/echo",
      headers: { ...auth, "idempotency-key": "k".repeat(256) },
      body: {}
    })
    expect(longKey.status).toBe(400)
    const fine = await bed.request({
      method: "POST",
      path: "/echo",
      headers: { ...auth, "idempotency-key": "k".repeat(255), "x-request-id": "r".repeat(129) },
      body: {}
    })
    expect(fine.status).toBe(200)
    expect(fine.headers.get("x-request-id")?.length).toBeLessThanOrEqual(128)
    expect(fine.headers.get("x-request-id")).not.toContain("rrrr")
    const odd = await bed.request({ method: "GET", path: "/nowhere", headers: { "x-request-id": "a b\tc" } })
    expect(odd.headers.get("x-request-id")).not.toBe("a b\tc")
  })
})

describe("throttle", () => {
  const clock = { now: Date.parse("2026-03-01T09:00:00Z") }
  const throttleWith = (options: Parameters<typeof makeAuthThrottle>[0] = {}) =>
    makeAuthThrottle({ ...options, now: () => clock.now })

  it("limits logins per client address and says when to come back", async () => {
    const throttle = throttleWith({ loginsPerMinute: 2 })
    let address = "203.0.113.7"
    const bed = await open({ throttle, clientAddress: () => address })
    const login = () =>
      bed.request({
        method: "POST",
        path: "/login",
        body: { username: "ada@example.com", password: "correct horse 1" }
      })
    expect((await login()).status).toBe(200)
    expect((await login()).status).toBe(200)
    const refused = await login()
    expect(refused.status).toBe(429)
    expect(refused.headers.get("retry-after")).toBe("30")
    expect(refused.json).toEqual({
      error: { code: "too_many_requests", message: "Too many attempts; try again in 30 seconds" }
    })
    address = "198.51.100.9" // another client is not affected
    expect((await login()).status).toBe(200)
    address = "203.0.113.7"
    clock.now += 30_000 // one login's worth refilled
    expect((await login()).status).toBe(200)
    expect((await login()).status).toBe(429)
  })

  it("after too many failures for one account refuses it from any address, without checking the password", async () => {
    const throttle = throttleWith({ failuresPerAccount: 3, failuresPerClient: 100 })
    let address = "203.0.113.1"
    const bed = await open({ throttle, clientAddress: () => address })
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      address = `203.0.113.${attempt}`
      const wrong = await bed.request({
        method: "POST",
        path: "/echo",
        headers: basic("ADA@example.com", "nope"),
        body: {}
      })
      expect(wrong.status).toBe(401)
    }
    address = "192.0.2.200"
    const right = await bed.request({
      method: "POST",
      path: "/echo",
      headers: basic("ada@example.com", "correct horse 1"),
      body: {}
    })
    expect(right.status).toBe(429)
    expect(Number(right.headers.get("retry-after"))).toBe(300) // 15 minutes / 3 failures
    const login = await bed.request({
      method: "POST",
      path: "/login",
      body: { username: "ada@example.com", password: "correct horse 1" }
    })
    expect(login.status).toBe(429)
    // Another account is not affected.
    const bob = await bed.request({
      method: "POST",
      path: "/echo",
      headers: basic("bob@example.com", "correct horse 2"),
      body: {}
    })
    expect(bob.status).toBe(200)
    clock.now += 300_000
    const later = await bed.request({
      method: "POST",
      path: "/echo",
      headers: basic("ada@example.com", "correct horse 1"),
      body: {}
    })
    expect(later.status).toBe(200)
  })

  it("after too many failed tokens from one address refuses its checks; missing credentials do not count", async () => {
    const throttle = throttleWith({ failuresPerClient: 2 })
    let address = "203.0.113.50"
    const bed = await open({ throttle, clientAddress: () => address })
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await bed.request({ method: "POST", path: "/echo", body: {} })).status).toBe(401)
    }
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
    expect((await bed.request({ method: "POST", path: "/echo", headers: bearer("guess-1"), body: {} })).status).toBe(
      401
    )
    expect((await bed.request({ method: "POST", path: "/echo", headers: bearer("guess-2"), body: {} })).status).toBe(
      401
    )
    const third = await bed.request({ method: "POST", path: "/echo", headers: bearer("guess-3"), body: {} })
    expect(third.status).toBe(429)
    expect(third.headers.get("retry-after")).toBe("450")
    address = "203.0.113.51"
    expect((await bed.request({ method: "POST", path: "/echo", headers: bearer("guess-4"), body: {} })).status).toBe(
      401
    )
  })

  it("a throttle that refuses spares the credential check itself", async () => {
    let checks = 0
    const throttle: AuthThrottle = {
      admitLogin: () => 5,
      admitCheck: () => {
        checks += 1
        return 5
      },
      recordFailure: () => undefined
    }
    const bed = await open({ throttle })
    const login = await bed.request({
      method: "POST",
      path: "/login",
      body: { username: "ada@example.com", password: "wrong" }
    })
    expect([login.status, login.headers.get("retry-after")]).toEqual([429, "5"])
    const call = await bed.request({ method: "POST", path: "/echo", headers: basic("ada@example.com", "x"), body: {} })
    expect([call.status, checks]).toEqual([429, 1])
  })
})
