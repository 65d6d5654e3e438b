/**
 * The server's one throttle on logins and failed authentications, over real HTTP, for every
 * protocol: each login (CRM.COM `authentication/token`, LogiSense `Access/Login`, Elevate
 * `/authenticate`, tRPC `session.signIn`) counts against its client address, and once over the
 * limit is answered 429 in that protocol's own shape with `Retry-After`; failed credentials count
 * per client address (API keys, tokens) and per account name (passwords, from any address), and
 * once over the limit even the right credentials wait. Client addresses come from
 * `X-Forwarded-For` here (`TRUST_PROXY=true`), so each scenario is its own client.
 */
import { Authenticator } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startSqliteTestServer } from "./support/cross-protocol.ts"
import type { TestServer } from "./support/test-server.ts"

const password = "correct horse 9"
let server: TestServer
beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-throttle-", {
    env: { TRUST_PROXY: "true", LOGIN_RATE_LIMIT: "2", AUTH_FAILURE_LIMIT: "3", ACCOUNT_FAILURE_LIMIT: "3" }
  })
  await server.runtime.runPromise(
    Authenticator.use((auth) =>
      Effect.all(
        ["clerk@example.com", "victim@example.com", "other@example.com"].map((email) =>
          auth.createUser({ email, name: email, role: "finance", password })
        )
      )
    )
  )
})
afterAll(async () => {
  await server?.close()
})

interface Answer {
  readonly status: number
  readonly retryAfter: string | null
  readonly json: unknown
}

const send = async (path: string, init: RequestInit & { readonly from: string }): Promise<Answer> => {
  const response = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), "x-forwarded-for": `10.9.9.9, ${init.from}` }
  })
  const text = await response.text()
  return { status: response.status, retryAfter: response.headers.get("retry-after"), json: JSON.parse(text) }
}

/**
 * `Retry-After` is the whole seconds until the window that refused the request ends: at most the window,
 * less the time the test has spent since the window's first attempt (seconds on a busy machine).
 */
const expectRetryAfterWithin = (retryAfter: string | null, windowSeconds: number) => {
  expect(retryAfter).toMatch(/^[1-9][0-9]*$/)
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds)
  expect(Number(retryAfter)).toBeGreaterThan(windowSeconds - 20)
}

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

/** The seconds in the message count down like Retry-After (a busy machine spends seconds between attempts). */
const retryMessage = expect.stringMatching(/^Too many attempts; try again in [1-9][0-9]* seconds$/u)

const logins: ReadonlyArray<{
  readonly protocol: string
  readonly login: (from: string) => Promise<Answer>
  readonly throttled: unknown
}> = [
  {
    protocol: "CRM.COM authentication/token",
    login: (from) =>
      send("/crmapi/rest/v4/authentication/token", {
        ...json({ username: "clerk@example.com", password, organisation: "Paybridge" }),
        from
      }),
    throttled: {
      status: { code: "TOO_MANY_REQUESTS", message: retryMessage, description: null },
      data: null
    }
  },
  {
    protocol: "LogiSense Access/Login",
    login: (from) =>
      send("/logisense/AuthorizationServer/api/v6/Access/Login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          username: "clerk@example.com",
          password,
          grant_type: "password",
          client_id: "billing"
        }).toString(),
        from
      }),
    throttled: {
      trackingId: expect.any(String),
      type: "login",
      errors: [{ code: 12900000, message: retryMessage }]
    }
  },
  {
    protocol: "Elevate /authenticate",
    login: (from) =>
      send("/elevate/v1/authenticate", {
        ...json({ brand: "paybridge", username: "clerk@example.com", password }),
        from
      }),
    throttled: {
      status: 429,
      error: "Too Many Requests",
      message: retryMessage,
      path: "/elevate/v1/authenticate",
      requestId: expect.any(String)
    }
  },
  {
    protocol: "tRPC session.signIn",
    login: (from) => send("/trpc/session.signIn", { ...json({ email: "clerk@example.com", password }), from }),
    throttled: {
      error: {
        message: retryMessage,
        data: { code: "TOO_MANY_REQUESTS", httpStatus: 429, path: "session.signIn" }
      }
    }
  }
]

describe("login rate per client address", () => {
  for (const [index, { protocol, login, throttled }] of logins.entries()) {
    it(`${protocol}: the third login in a minute from one address gets 429 with Retry-After in its shape`, async () => {
      const from = `198.51.100.${index + 1}`
      expect((await login(from)).status).toBe(200)
      expect((await login(from)).status).toBe(200)
      const refused = await login(from)
      expect(refused.status).toBe(429)
      expectRetryAfterWithin(refused.retryAfter, 30)
      expect(refused.json).toMatchObject(throttled as Record<string, unknown>)
      // Another client is not affected.
      expect((await login(`198.51.100.${index + 101}`)).status).toBe(200)
    })
  }
})

describe("failed authentications", () => {
  it("after three wrong passwords for an account, refuses it from any address, even with the right password", async () => {
    const silver = (from: string, secret: string) =>
      send("/silver/customers/", {
        headers: { authorization: `Basic ${Buffer.from(`victim@example.com:${secret}`).toString("base64")}` },
        from
      })
    for (const from of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) {
      const wrong = await silver(from, "guess")
      expect([wrong.status, wrong.json]).toEqual([403, { detail: "Invalid username/password." }])
    }
    const right = await silver("203.0.113.4", password)
    expect(right.status).toBe(429)
    expectRetryAfterWithin(right.retryAfter, 300)
    expect(right.json).toEqual({
      detail: expect.stringMatching(/^Request was throttled\. Expected available in [1-9][0-9]* seconds\.$/u)
    })
    const elevate = await send("/elevate/v1/authenticate", {
      ...json({ brand: "paybridge", username: "VICTIM@example.com", password }),
      from: "203.0.113.5"
    })
    expect(elevate.status).toBe(429)
    // Another account from the same addresses is fine.
    const other = await send("/silver/customers/", {
      headers: { authorization: `Basic ${Buffer.from(`other@example.com:${password}`).toString("base64")}` },
      from: "203.0.113.1"
    })
    expect(other.status).toBe(200)
  })

  it("after three refused API keys from an address, refuses that address's checks in each protocol's shape", async () => {
    const guess = `pbk_abcdefghijkl_${"A".repeat(43)}`
    const bpuk = (from: string, key: string) =>
      send("/backend/api/v1/payments", { headers: { authorization: `Bearer ${key}` }, from })
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await bpuk("192.0.2.10", guess)).status).toBe(401)
    const refused = await bpuk("192.0.2.10", server.apiKeys.finance)
    expect(refused.status).toBe(429)
    expectRetryAfterWithin(refused.retryAfter, 300)
    expect(refused.json).toMatchObject({ error: { code: "too_many_requests" } })
    // The same address on tRPC is refused too: one throttle for every protocol.
    const trpc = await send("/trpc/session.whoami", {
      headers: { authorization: `Bearer ${server.apiKeys.finance}` },
      from: "192.0.2.10"
    })
    expect(trpc.status).toBe(429)
    expectRetryAfterWithin(trpc.retryAfter, 300)
    expect(trpc.json).toMatchObject({ error: { data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } } })
    // Requests without credentials are not failures, and other addresses are untouched.
    expect((await bpuk("192.0.2.11", server.apiKeys.finance)).status).toBe(200)
  })
})
