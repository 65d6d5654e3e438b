/**
 * Logging in to the LogiSense dialect over the real Ledger (in-memory store), as a LogiSense client
 * would notice it: form-encoded login with a user name and password or a client id and secret (an
 * API key), bad credentials refused in LogiSense's shape, 30-minute tokens, and rotating refresh
 * tokens (an expired one, and one whose API key was revoked, refused).
 */
import { makeSessionStore } from "@paybridge/adapter-kit"
import { type DialectTestbed, makeDialectTestbed } from "@paybridge/adapter-kit/testing"
import { Authenticator } from "@paybridge/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { logisenseDialect } from "../src/index.ts"
import {
  authorize,
  type ErrorBody,
  loginAs,
  loginRequest,
  newTestbed,
  seed,
  type Token,
  v6
} from "./logisense.fixtures.ts"

describe("LogiSense over the ledger", () => {
  let testbed: DialectTestbed

  beforeEach(async () => {
    testbed = await newTestbed()
    // The start of every behaviour file (a finance user logged in, an account), though these tests read neither.
    await seed(testbed)
  })
  afterEach(() => testbed.dispose())

  describe("authentication", () => {
    it("logs in with a user name and password, form-encoded, and uses the bearer token", async () => {
      const email = "form-user@paybridge.test"
      await testbed.createUser({
        email,
        name: "Form User",
        role: "read-only",
        customerScope: null,
        password: "pw-123456"
      })
      const response = await loginRequest(testbed, {
        username: email,
        password: "pw-123456",
        grant_type: "password",
        client_id: "crm"
      })
      expect(response.status).toBe(200)
      const token = response.json as Record<string, unknown>
      expect(token).toMatchObject({ token_type: "bearer", expires_in: 1800, audience: "crm", actingOwnerId: 1 })
      expect(Object.keys(token)).toEqual([
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "audience",
        ".issued",
        ".expires",
        "actingOwnerId"
      ])
      const list = await testbed.request({
        method: "GET",
        path: `${v6}/`,
        headers: { authorization: `Bearer ${token.access_token}` }
      })
      expect(list.status).toBe(200)
      expect(list.json).toMatchObject({ totalCount: 0, items: [] })
    })

    it("logs in with a client id and secret (an API key) and refuses bad credentials in LogiSense's shape", async () => {
      const { apiKey } = await testbed.createApiKey({ role: "finance" })
      const ok = await loginRequest(testbed, { client_id: "svc", client_secret: apiKey, grant_type: "password" })
      expect(ok.status).toBe(200)
      const bad = await loginRequest(testbed, {
        username: "nobody@x.test",
        password: "no",
        grant_type: "password",
        client_id: "c"
      })
      expect(bad.status).toBe(401)
      expect((bad.json as ErrorBody).errors[0]?.code).toBe(10100000)
      const grant = await loginRequest(testbed, {
        client_id: "svc",
        client_secret: apiKey,
        grant_type: "client_credentials"
      })
      expect(grant.status).toBe(400)
      expect((grant.json as ErrorBody).errors[0]?.message).toBe("'Grant_type' must be 'password' or 'refresh_token'")
    })

    it("refreshes a token with grant_type=refresh_token and rotates the refresh token", async () => {
      const { apiKey } = await testbed.createApiKey({ role: "finance" })
      const login = await loginRequest(testbed, { client_id: "svc", client_secret: apiKey, grant_type: "password" })
      const first = login.json as Token
      const refresh = (refreshToken: string, clientId = "svc") =>
        loginRequest(testbed, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId })

      const otherClient = await refresh(first.refresh_token, "someone-else")
      expect(otherClient.status).toBe(401)
      const refreshed = await refresh(first.refresh_token)
      expect(refreshed.status).toBe(200)
      const second = refreshed.json as Token
      expect(second).toMatchObject({ token_type: "bearer", expires_in: 1800, audience: "svc", actingOwnerId: 1 })
      expect(second.access_token).not.toBe(first.access_token)
      expect(second.refresh_token).not.toBe(first.refresh_token)
      const list = await testbed.request(authorize({ method: "GET", path: `${v6}/` }, { token: second.access_token }))
      expect(list.status).toBe(200)

      const reused = await refresh(first.refresh_token)
      expect(reused.status).toBe(401)
      expect(reused.json).toMatchObject({
        type: "login",
        errors: [{ code: 10100000, message: "The refresh token is invalid, expired or already used" }]
      })
      expect((await refresh(second.refresh_token)).status).toBe(200)

      const missing = await loginRequest(testbed, { grant_type: "refresh_token", client_id: "svc" })
      expect(missing.status).toBe(400)
      expect((missing.json as ErrorBody).errors[0]?.message).toBe(
        "'Refresh_token' is required with grant_type 'refresh_token'"
      )
    })

    it("refuses an expired refresh token and one whose API key was revoked", async () => {
      let now = Date.parse("2026-03-14T09:00:00Z")
      const timed = await makeDialectTestbed({
        dialect: logisenseDialect,
        deps: { sessions: makeSessionStore({ ttlSeconds: 1800, refreshTtlSeconds: 86_400, now: () => now }) }
      })
      try {
        const user = await timed.createUser({
          email: "refresher@paybridge.test",
          name: "Refresher",
          role: "finance",
          customerScope: null
        })
        const { apiKey, record } = await timed.runAsSystem(
          Authenticator.use((auth) => auth.issueApiKey({ userId: user.id }))
        )
        const login = async () =>
          (await loginRequest(timed, { client_id: "svc", client_secret: apiKey, grant_type: "password" })).json as Token
        const refresh = (token: Token) =>
          loginRequest(timed, { grant_type: "refresh_token", refresh_token: token.refresh_token, client_id: "svc" })

        const early = await login()
        now += 3_600_000
        const late = await login()
        now += 86_400_000 - 3_600_000
        const expired = await refresh(early)
        expect(expired.status).toBe(401)
        expect(expired.json).toMatchObject({ type: "login", errors: [{ code: 10100000 }] })
        const renewed = await refresh(late)
        expect(renewed.status).toBe(200)
        expect((renewed.json as Token)[".expires"]).toBe(new Date(now + 1_800_000).toUTCString())

        await timed.runAsSystem(Authenticator.use((auth) => auth.revokeApiKey(record.id)))
        const revoked = await refresh(renewed.json as Token)
        expect(revoked.status).toBe(401)
        expect(revoked.json).toMatchObject({ type: "login", errors: [{ code: 10100000 }] })
      } finally {
        await timed.dispose()
      }
    })

    it("a token stops working after 30 minutes", async () => {
      let now = Date.parse("2026-03-14T09:00:00Z")
      const timed = await makeDialectTestbed({
        dialect: logisenseDialect,
        deps: { sessions: makeSessionStore({ ttlSeconds: 1800, now: () => now }) }
      })
      try {
        const token = await loginAs(timed, "finance")
        const call = () =>
          timed.request({ method: "GET", path: `${v6}/`, headers: { authorization: `Bearer ${token}` } })
        now += 1799_000
        expect((await call()).status).toBe(200)
        now += 2_000
        const expired = await call()
        expect(expired.status).toBe(401)
        expect(expired.json).toMatchObject({ type: "get", errors: [{ code: 10100000 }] })
      } finally {
        await timed.dispose()
      }
    })
  })
})
