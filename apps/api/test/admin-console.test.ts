/**
 * The admin console's server side over real HTTP: password sign-in yields a session in an HttpOnly
 * cookie that acts only with its CSRF token from the same origin, and sign-out ends; only admins manage users and keys, a key's
 * last use is recorded and a revoked key stops working at once; payments list filters and the
 * overview figures; and the built console is served under `/admin` with client-side routes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createPaybridgeClient, isPaybridgeClientError, withIdempotencyKey } from "@paybridge/client"
import { Authenticator } from "@paybridge/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "./support/test-server.ts"

const distDir = mkdtempSync(join(tmpdir(), "paybridge-admin-dist-"))
writeFileSync(join(distDir, "index.html"), "<!doctype html><title>Paybridge admin</title><div id=root></div>")
writeFileSync(join(distDir, "app.js"), "console.log('admin')")

let server: TestServer
beforeAll(async () => {
  server = await startTestServer("sqlite::memory:", { env: { ADMIN_DIST_DIR: distDir } })
  await server.runtime.runPromise(
    Authenticator.use((auth) =>
      auth.createUser({ email: "ops@example.com", name: "Ops", role: "finance", password: "correct horse" })
    )
  )
})
afterAll(async () => {
  await server.close()
  rmSync(distDir, { recursive: true, force: true })
})

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise
    return undefined
  } catch (error) {
    return isPaybridgeClientError(error) ? error.data?.code : "not a tRPC error"
  }
}

/** A raw tRPC call (no client library), so the test sees the cookies and headers a browser would. */
const trpc = async (
  procedure: string,
  options: { readonly input?: unknown; readonly headers?: Readonly<Record<string, string>> } = {}
) => {
  const mutation = procedure === "session.signIn" || procedure === "session.signOut"
  const response = await fetch(`${server.url}/trpc/${procedure}`, {
    method: mutation ? "POST" : "GET",
    headers: { "content-type": "application/json", ...options.headers },
    ...(mutation ? { body: JSON.stringify(options.input ?? null) } : {})
  })
  const text = await response.text()
  const json = JSON.parse(text) as {
    result?: { data: Record<string, unknown> }
    error?: { data: { code: string } }
  }
  return { response, text, data: json.result?.data, code: json.error?.data.code }
}

describe("admin console sessions", () => {
  it("signs in into an HttpOnly cookie page scripts cannot read, guarded by a CSRF token, and signs out", async () => {
    const wrong = await trpc("session.signIn", { input: { email: "ops@example.com", password: "wrong password" } })
    expect(wrong.code).toBe("UNAUTHORIZED")

    const signIn = await trpc("session.signIn", { input: { email: "OPS@example.com", password: "correct horse" } })
    expect(signIn.data?.principal).toMatchObject({ name: "Ops", role: "finance", kind: "user" })
    expect(Date.parse(String(signIn.data?.expiresAt)) - Date.now()).toBeGreaterThan(25 * 60 * 1000)
    expect(Object.keys(signIn.data ?? {}).sort()).toEqual(["expiresAt", "principal"])
    const cookies = signIn.response.headers.getSetCookie()
    const session = cookies.find((cookie) => cookie.startsWith("paybridge_session="))
    const csrf = cookies.find((cookie) => cookie.startsWith("paybridge_csrf="))
    expect(session).toMatch(/^paybridge_session=[\w-]{43}; Path=\/trpc; HttpOnly; SameSite=Strict$/)
    expect(csrf).toMatch(/^paybridge_csrf=[\w-]{43}; Path=\/; SameSite=Strict$/)
    const token = session?.split(";")[0]?.split("=")[1] ?? ""
    const csrfToken = csrf?.split(";")[0]?.split("=")[1] ?? ""
    expect(signIn.text).not.toContain(token) // the token is in the HttpOnly cookie only
    expect(csrfToken).not.toBe(token)

    const withCookie = { cookie: `paybridge_session=${token}; paybridge_csrf=${csrfToken}` }
    const me = await trpc("session.whoami", { headers: { ...withCookie, "x-csrf-token": csrfToken } })
    expect(me.data?.name).toBe("Ops")
    // Without its CSRF token, or from another origin, the cookie does not act.
    expect((await trpc("session.whoami", { headers: withCookie })).code).toBe("FORBIDDEN")
    expect(
      (
        await trpc("session.whoami", {
          headers: { ...withCookie, "x-csrf-token": csrfToken, origin: "https://evil.example" }
        })
      ).code
    ).toBe("FORBIDDEN")
    expect(
      (
        await trpc("session.signIn", {
          input: { email: "ops@example.com", password: "correct horse" },
          headers: { origin: "https://evil.example" }
        })
      ).code
    ).toBe("FORBIDDEN")
    // An API key is not a cookie: it needs no CSRF token.
    expect(
      (await trpc("session.whoami", { headers: { authorization: `Bearer ${server.apiKeys.finance}` } })).data?.name
    ).toBe("Test finance")

    const signOut = await trpc("session.signOut", { headers: { ...withCookie, "x-csrf-token": csrfToken } })
    expect(signOut.data).toEqual({ signedOut: true })
    expect(signOut.response.headers.getSetCookie()).toEqual([
      "paybridge_session=; Path=/trpc; HttpOnly; SameSite=Strict; Max-Age=0",
      "paybridge_csrf=; Path=/; SameSite=Strict; Max-Age=0"
    ])
    expect((await trpc("session.whoami", { headers: { ...withCookie, "x-csrf-token": csrfToken } })).code).toBe(
      "UNAUTHORIZED"
    )
    // A stale cookie (and no CSRF header) never stands in the way of signing in again.
    const again = await trpc("session.signIn", {
      input: { email: "ops@example.com", password: "correct horse" },
      headers: withCookie
    })
    expect(again.data?.principal).toMatchObject({ name: "Ops" })
  })

  it("marks the session cookies Secure when the server is reached over https", async () => {
    const https = await startTestServer("sqlite::memory:", { env: { PUBLIC_URL: "https://pay.example.com" } })
    try {
      await https.runtime.runPromise(
        Authenticator.use((auth) =>
          auth.createUser({ email: "ops@example.com", name: "Ops", role: "finance", password: "correct horse" })
        )
      )
      const response = await fetch(`${https.url}/trpc/session.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "ops@example.com", password: "correct horse" })
      })
      expect(response.status).toBe(200)
      const cookies = response.headers.getSetCookie()
      expect(cookies).toHaveLength(2)
      for (const cookie of cookies) expect(cookie).toContain("; Secure; SameSite=Strict")
    } finally {
      await https.close()
    }
  })
})

describe("access management", () => {
  it("lets admins list users and keys, issue and revoke a key, and records when a key was last used", async () => {
    const admin = server.clientAs("admin")
    expect(await codeOf(server.clientAs("finance").access.users.query())).toBe("FORBIDDEN")
    expect(await codeOf(server.clientAs("read-only").access.issueKey.mutate({ userId: 1 }))).toBe("FORBIDDEN")

    const created = await admin.access.createUser.mutate({ email: "bot@example.com", name: "Bot", role: "read-only" })
    const issued = await admin.access.issueKey.mutate({ userId: created.id, label: "silver client" })
    expect(issued.apiKey).toMatch(/^pbk_/)
    const before = (await admin.access.users.query()).find((user) => user.id === created.id)
    expect(before?.apiKeys).toEqual([
      expect.objectContaining({ label: "silver client", lastUsedAt: null, revokedAt: null })
    ])

    const bot = createPaybridgeClient(server.url, { apiKey: issued.apiKey })
    expect((await bot.session.whoami.query()).role).toBe("read-only")
    const after = (await admin.access.users.query()).find((user) => user.id === created.id)
    expect(after?.apiKeys[0]?.lastUsedAt).not.toBeNull()
    expect(after?.hasPassword).toBe(false)

    const revoked = await admin.access.revokeKey.mutate({ apiKeyId: issued.key.id })
    expect(revoked.revokedAt).not.toBeNull()
    expect(await codeOf(bot.session.whoami.query())).toBe("UNAUTHORIZED")
  })
})

describe("payments list filters and overview", () => {
  it("filters by amount range (in the chosen currency), origin and reference text, and sums the overview", async () => {
    const finance = server.clientAs("finance")
    const customer = await finance.customers.create.mutate({ name: "Filter Ltd", currency: "EUR" })
    await finance.documents.issue.mutate({ kind: "invoice", customerId: customer.id, total: "100.00" })
    const today = new Date().toISOString().slice(0, 10)
    for (const [amount, reference] of [
      ["10.00", "BANK-001"],
      ["25.50", "bank-002"],
      ["99.99", "CHEQUE-9"]
    ] as const) {
      await finance.payments.create.mutate(
        { customerId: customer.id, amount, reference, paymentDate: today },
        withIdempotencyKey(`filters-${reference}`)
      )
    }
    const refs = async (filters: Record<string, unknown>) =>
      (await finance.payments.list.query({ customerId: customer.id, ...filters })).items
        .map((payment) => payment.references.reference)
        .sort()
    expect(await refs({ currency: "EUR", amountMin: "20", amountMax: "99.99" })).toEqual(["CHEQUE-9", "bank-002"])
    expect(await refs({ search: "bank" })).toEqual(["BANK-001", "bank-002"])
    expect(await refs({ origin: "trpc" })).toHaveLength(3)
    expect(await refs({ origin: "dialect:silver" })).toEqual([])
    expect(await codeOf(finance.payments.list.query({ amountMin: "1" }))).toBe("BAD_REQUEST")

    const overview = await finance.overview.figures.query({ from: today, to: today })
    const eurToday = overview.volumeByDay.filter((row) => row.currency === "EUR")
    expect(eurToday.reduce((sum, row) => sum + BigInt(row.amount), 0n)).toBeGreaterThanOrEqual(13549n)
    expect(overview.topDebtors.some((debtor) => debtor.customerId === customer.id)).toBe(false)
  })
})

describe("the console's static files", () => {
  it("serves the built app under /admin and answers client-side routes with index.html", async () => {
    const script = await fetch(`${server.url}/admin/app.js`)
    expect(script.status).toBe(200)
    expect(await script.text()).toContain("admin")
    for (const path of ["/admin", "/admin/", "/admin/payments/12"]) {
      const page = await fetch(`${server.url}${path}`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain("Paybridge admin")
    }
  })

  it("lists the mounted dialects and the compatibility table for signed-in users", async () => {
    const readOnly = server.clientAs("read-only")
    expect(Array.isArray(await readOnly.dialects.list.query())).toBe(true)
    expect((await readOnly.compatibility.document.query()).markdown).toContain("# Vendor API compatibility")
  })
})

describe("dialect views of a payment", () => {
  const viewsOf = async (amount: string, key: string) => {
    const finance = server.clientAs("finance")
    const customer = await finance.customers.create.mutate({ name: `Views ${key}`, currency: "GBP" })
    const created = await finance.payments.create.mutate(
      { customerId: customer.id, amount, reference: key, paymentDate: new Date().toISOString().slice(0, 10) },
      withIdempotencyKey(key)
    )
    const { views } = await server.clientAs("read-only").dialects.paymentViews.query({ paymentId: created.payment.id })
    const jsonOf = (dialect: string): string => {
      const view = views.find((candidate) => candidate.dialect === dialect)
      if (view?.status !== "rendered") throw new Error(`${dialect} did not render: ${JSON.stringify(view)}`)
      return view.json
    }
    return { views, jsonOf }
  }

  it("shows each dialect's JSON text as its client reads it: Silver's 75.00 keeps both decimals, indented", async () => {
    const { jsonOf } = await viewsOf("75.00", "VIEW-75")
    expect(jsonOf("silver")).toContain('\n  "amount": "75.00",\n')
    // Billing Platform (UK) writes JSON numbers with the currency's decimals, as GET payments/ID does.
    expect(jsonOf("billing-platform-uk")).toContain('"paymentAmount": 75.00')
    // Elevate writes a compact JSON number, exactly as its own endpoints do.
    expect(jsonOf("elevate")).toContain('"amountInMajorCurrency": 75,')
  })

  it("keeps every digit of an amount a float cannot carry in JSON-number dialects", async () => {
    // 98765432109876.54 as a float is 98765432109876.55; the view must not pass through one.
    const { views, jsonOf } = await viewsOf("98765432109876.54", "VIEW-BIG")
    expect(jsonOf("elevate")).toContain('"amountInMajorCurrency": 98765432109876.54,')
    expect(jsonOf("logisense")).toContain('"amount": 98765432109876.54,')
    expect(jsonOf("silver")).toContain('"amount": "98765432109876.54"')
    expect(jsonOf("billing-platform-uk")).toContain('"paymentAmount": 98765432109876.54')
    expect(views.every((view) => view.status === "rendered")).toBe(true)
  })
})
