/**
 * No credential ever reaches the log stream. The real process starts with `--demo` at `LOG_LEVEL=
 * debug`; its banner (with the demo admin's password and API key) must be on stderr, the terminal.
 * Then every protocol is used with every kind of credential — API keys, passwords, logins and the
 * tokens they answer (tRPC sign-in cookie and CSRF token, CRM.COM token, LogiSense access and
 * refresh tokens, Elevate JWT, HTTP Basic), good and bad — and after a clean stop, stdout (every
 * line of it JSON) is searched for each secret and each `Authorization` value sent — gateway
 * secrets stored through tRPC (created, rotated, a refused rotation) and `PAYBRIDGE_SECRETS_KEY` too.
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { startServerProcess } from "./support/server-process.ts"

let dataDir = ""
afterAll(async () => {
  if (dataDir !== "") await rm(dataDir, { recursive: true, force: true })
})

describe("secrets and the log stream", () => {
  it("keeps keys, passwords, tokens and Authorization values out of stdout after a full run", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "paybridge-secrets-"))
    const secretsKey = randomBytes(32).toString("hex")
    const server = await startServerProcess({
      dataDir,
      demo: true,
      env: { LOG_LEVEL: "debug", PAYBRIDGE_SECRETS_KEY: secretsKey, GATEWAY_SETTINGS_REFRESH: "200 millis" }
    })
    const demo = server.demo
    if (demo === null) throw new Error(`no demo credentials on stderr:\n${server.stderr()}`)
    expect(server.stdout()).not.toContain("Demo credentials")

    // `pbk_<prefix>_<secret>`: the 43-character secret may itself hold "_", so it is cut by position, not split.
    const apiKeySecret = /^pbk_[a-z0-9]{12}_(.{43})$/.exec(demo.apiKey)?.[1] ?? demo.apiKey
    const secrets = new Set<string>([demo.apiKey, apiKeySecret, demo.password, secretsKey])
    const send = async (path: string, init: RequestInit = {}) => {
      const authorization = new Headers(init.headers).get("authorization")
      if (authorization !== null) secrets.add(authorization).add(authorization.split(" ")[1] ?? authorization)
      const response = await fetch(`${server.url}${path}`, init)
      return { response, text: await response.text() }
    }
    const json = (body: unknown, headers: Record<string, string> = {}) => ({
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body)
    })
    const bearer = { authorization: `Bearer ${demo.apiKey}` }
    const basic = (user: string, secret: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`
    })

    // tRPC: API key, a wrong key, password sign-in (cookie + CSRF token), a wrong password.
    expect((await send("/trpc/payments.list?input=%7B%22limit%22%3A2%7D", { headers: bearer })).response.status).toBe(
      200
    )
    expect(
      (await send("/trpc/session.whoami", { headers: { authorization: `Bearer pbk_wrongwrongwr_${"x".repeat(43)}` } }))
        .response.status
    ).toBe(401)
    const signIn = await send("/trpc/session.signIn", json({ email: demo.email, password: demo.password }))
    expect(signIn.response.status).toBe(200)
    const cookies = signIn.response.headers.getSetCookie().map((cookie) => cookie.split(";")[0] ?? "")
    for (const cookie of cookies) secrets.add(cookie.split("=")[1] ?? cookie)
    const csrf = cookies.find((cookie) => cookie.startsWith("paybridge_csrf="))?.split("=")[1] ?? ""
    const whoami = await send("/trpc/session.whoami", { headers: { cookie: cookies.join("; "), "x-csrf-token": csrf } })
    expect(whoami.response.status).toBe(200)
    expect(
      (await send("/trpc/session.signIn", json({ email: demo.email, password: "not-the-password" }))).response.status
    ).toBe(401)

    // Billing Platform (UK): the API key as bearer.
    expect((await send("/backend/api/v1/payments/1", { headers: bearer })).response.status).toBe(200)

    // CRM.COM: password login, the token in the query, the web API key login.
    const crmLogin = await send(
      "/crmapi/rest/v4/authentication/token",
      json({ username: demo.email, password: demo.password, organisation: "Paybridge" })
    )
    const crmToken = (JSON.parse(crmLogin.text) as { data: { token: string } }).data.token
    secrets.add(crmToken)
    expect((await send(`/crmapi/rest/v4/payments/list?token=${crmToken}`)).response.status).toBe(200)
    const keyLogin = await send("/crmapi/rest/v4/authentication/web_api_key/token", {
      method: "POST",
      headers: basic(demo.apiKey, "")
    })
    secrets.add((JSON.parse(keyLogin.text) as { data: { token: string } }).data.token)

    // LogiSense: form login (access and refresh token), bearer access token.
    const logisense = await send("/logisense/AuthorizationServer/api/v6/Access/Login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        username: demo.email,
        password: demo.password,
        grant_type: "password",
        client_id: "c1"
      }).toString()
    })
    const issued = JSON.parse(logisense.text) as { access_token: string; refresh_token: string }
    secrets.add(issued.access_token).add(issued.refresh_token)
    expect(
      (await send("/logisense/api/v6/Payment/", { headers: { authorization: `Bearer ${issued.access_token}` } }))
        .response.status
    ).toBe(200)

    // Elevate: password login, the JWT as bearer.
    const elevate = await send(
      "/elevate/v1/authenticate",
      json({ brand: "paybridge", username: demo.email, password: demo.password })
    )
    const jwt = (JSON.parse(elevate.text) as { token: string }).token
    secrets.add(jwt)
    expect(
      (
        await send("/elevate/v1/customer-payments?customer_id=1&page=1&pageSize=1", {
          headers: { authorization: `Bearer ${jwt}` }
        })
      ).response.status
    ).toBe(200)

    // Silver: HTTP Basic with the password (right and wrong), and the API key as a DRF token.
    expect((await send("/silver/customers/", { headers: basic(demo.email, demo.password) })).response.status).toBe(200)
    expect((await send("/silver/customers/", { headers: basic(demo.email, "wrong-password") })).response.status).toBe(
      403
    )
    expect(
      (await send("/silver/customers/", { headers: { authorization: `Token ${demo.apiKey}` } })).response.status
    ).toBe(200)

    // Gateway secrets stored through tRPC: created, rotated, a rotation refused, the summaries read.
    const gatewaySecret = (prefix: string) => `${prefix}_${randomBytes(16).toString("hex")}`
    const storedSecrets = [
      gatewaySecret("sk_test"),
      gatewaySecret("whsec"),
      gatewaySecret("sk_test"),
      gatewaySecret("sk_test_refused")
    ] as const
    for (const secret of storedSecrets) secrets.add(secret)
    const createdGateway = await send(
      "/trpc/gateways.create",
      json(
        {
          code: "stripe-logged",
          name: "Stripe (logs)",
          settings: { driver: "stripe", secretKey: storedSecrets[0], webhookSecret: storedSecrets[1] }
        },
        bearer
      )
    )
    expect(createdGateway.response.status).toBe(200)
    const gatewayId = (JSON.parse(createdGateway.text) as { result: { data: { id: number } } }).result.data.id
    const rotation = await send(
      "/trpc/gateways.rotateSecret",
      json({ id: gatewayId, secretKey: storedSecrets[2] }, bearer)
    )
    expect(rotation.response.status).toBe(200)
    const refusedRotation = await send(
      "/trpc/gateways.rotateSecret",
      json({ id: 999_999, secretKey: storedSecrets[3] }, bearer)
    )
    expect(refusedRotation.response.status).toBe(404)
    const settings = await send("/trpc/gateways.settings", { headers: bearer })
    expect(settings.response.status).toBe(200)
    for (const answer of [createdGateway, rotation, refusedRotation, settings]) {
      for (const secret of storedSecrets) expect(answer.text).not.toContain(secret)
    }
    // Long enough for every process to reload the stored settings (a reload must not log them either).
    await new Promise((resolve) => setTimeout(resolve, 500))

    expect((await server.stop()).code).toBe(0)
    const stdout = server.stdout()
    const lines = stdout.split("\n").filter((line) => line !== "")
    // The log is JSON lines through Effect's logger, one access-log entry per request above (at least).
    const entries = lines.map((line) => JSON.parse(line) as { message: unknown; annotations: Record<string, unknown> })
    expect(entries.filter((entry) => entry.message === "request").length).toBeGreaterThanOrEqual(16)
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8)
      expect(stdout.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the log`).toBe(false)
    }
    expect(stdout).not.toMatch(/pbk_[a-z0-9]{12}_/)
    expect(stdout).not.toMatch(/Bearer |Basic |Token /)
    // The terminal did get the credentials.
    expect(server.stderr()).toContain(demo.apiKey)
  }, 120_000)
})
