/**
 * Session tokens on the real server end with what they were made from: a CRM.COM token traded for
 * a web API key (and a LogiSense token from a client secret) stops working on the very next call
 * after the key is revoked in the admin console, or replaced by a new key — as the console
 * promises — while tokens of other users' keys and password logins keep working.
 */
import { ApiKeyId, Authenticator, CommandContext } from "@paybridge/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { startSqliteTestServer } from "../support/cross-protocol.ts"
import type { TestServer } from "../support/test-server.ts"

let server: TestServer
const password = "a long session password"

beforeAll(async () => {
  server = await startSqliteTestServer("paybridge-sessions-")
  await server.clientAs("admin").customers.create.mutate({ name: "CRM account", number: "71", currency: "EUR" })
})
afterAll(async () => {
  await server?.close()
})

/** A fresh user with an API key, made through the admin console's tRPC API. */
const newKeyHolder = async (name: string) => {
  const admin = server.clientAs("admin")
  const user = await admin.access.createUser.mutate({
    email: `${name}@test.paybridge.invalid`,
    name,
    role: "finance",
    password
  })
  const issued = await admin.access.issueKey.mutate({ userId: user.id, label: "integration" })
  return { userId: user.id, apiKey: issued.apiKey, apiKeyId: issued.key.id }
}

const crmWebApiKeyToken = async (apiKey: string) => {
  const response = await fetch(`${server.url}/crmapi/rest/v4/authentication/web_api_key/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` }
  })
  const body = (await response.json()) as { status: { code: string }; data: { token: string } }
  expect(body.status.code).toBe("OK")
  return body.data.token
}

const crmPasswordToken = async (email: string) => {
  const response = await fetch(`${server.url}/crmapi/rest/v4/authentication/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: email, password, organisation: "Paybridge" })
  })
  return ((await response.json()) as { data: { token: string } }).data.token
}

/** `payments/list` with a token: CRM.COM's status code of the answer. */
const crmListStatus = async (token: string) => {
  const url = new URL(`${server.url}/crmapi/rest/v4/payments/list`)
  url.searchParams.set("token", token)
  url.searchParams.set("accounts_receivable_identifier", "number=71")
  const body = (await (await fetch(url)).json()) as { status: { code: string; message: string } }
  return body.status
}

describe("session tokens after API-key revocation", () => {
  test("a CRM.COM web API key token stops working right after the key is revoked in the console", async () => {
    const holder = await newKeyHolder("crm-integration")
    const bystander = await newKeyHolder("crm-bystander")
    const token = await crmWebApiKeyToken(holder.apiKey)
    const otherToken = await crmWebApiKeyToken(bystander.apiKey)
    const passwordToken = await crmPasswordToken("crm-integration@test.paybridge.invalid")
    expect((await crmListStatus(token)).code).toBe("OK")

    await server.clientAs("admin").access.revokeKey.mutate({ apiKeyId: holder.apiKeyId })

    expect(await crmListStatus(token)).toEqual({
      code: "INVALID_TOKEN",
      message: "The session token is invalid or has expired",
      description: null
    })
    // The revoked key cannot make a new token either; other credentials are untouched.
    const again = await fetch(`${server.url}/crmapi/rest/v4/authentication/web_api_key/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${holder.apiKey}:`).toString("base64")}` }
    })
    expect(((await again.json()) as { status: { code: string } }).status.code).toBe("AUTHENTICATION_FAILED")
    expect((await crmListStatus(otherToken)).code).toBe("OK")
    expect((await crmListStatus(passwordToken)).code).toBe("OK")
  })

  test("issuing a user a new key ends the CRM.COM tokens made from the old one", async () => {
    const holder = await newKeyHolder("crm-rotating")
    const oldToken = await crmWebApiKeyToken(holder.apiKey)
    const replacement = await server.clientAs("admin").access.issueKey.mutate({ userId: holder.userId })
    expect((await crmListStatus(oldToken)).code).toBe("INVALID_TOKEN")
    expect((await crmListStatus(await crmWebApiKeyToken(replacement.apiKey))).code).toBe("OK")
  })

  test("a LogiSense token from a client secret answers 401 once the key is revoked", async () => {
    const holder = await newKeyHolder("logisense-integration")
    const login = await fetch(`${server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "password",
        client_id: "billing",
        client_secret: holder.apiKey
      }).toString()
    })
    const { access_token: token } = (await login.json()) as { access_token: string }
    const payments = () =>
      fetch(`${server.url}/logisense/api/v6/Payment/`, { headers: { authorization: `Bearer ${token}` } })
    expect((await payments()).status).toBe(200)
    await server.runtime.runPromise(
      Authenticator.use((auth) => auth.revokeApiKey(ApiKeyId.make(holder.apiKeyId))).pipe(
        Effect.provide(CommandContext.system())
      )
    )
    const refused = await payments()
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ errors: [{ code: 10100000 }] })
  })
})
