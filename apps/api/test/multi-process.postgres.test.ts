/**
 * Several server processes on one PostgreSQL database (issue 14.4): every credential one process
 * issues works on every other one and after a restart — a CRM.COM session token, a LogiSense
 * access token and its refresh token (refreshed on another process, single use), an Elevate JWT
 * (no `ELEVATE_JWT_SECRET`: the key kept in the database) and an admin console session cookie.
 * Two real `node apps/api/src/main.ts` processes (the first loads the demo data and prints its
 * credentials), then the first one restarted; the database is a throwaway `pb_<random>` one.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createPostgresTestDatabase, type PostgresTestDatabase } from "@paybridge/db/testing"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { csrfTokenOf } from "../src/admin-console.ts"
import { type ServerProcess, startServerProcess } from "./support/server-process.ts"

let database: PostgresTestDatabase
const dataDir = mkdtempSync(join(tmpdir(), "paybridge-multi-"))
const running: Array<ServerProcess> = []

const start = async (demo: boolean) => {
  const server = await startServerProcess({ dataDir, demo, env: { DATABASE_URL: database.url } })
  running.push(server)
  return server
}

beforeAll(async () => {
  database = await createPostgresTestDatabase()
}, 60_000)
afterAll(async () => {
  // Every process is stopped (or killed) even when one of them fails to stop.
  const stopped = await Promise.allSettled(running.map((server) => server.stop()))
  await database?.drop()
  rmSync(dataDir, { recursive: true, force: true })
  for (const result of stopped) if (result.status === "rejected") throw result.reason
}, 90_000)

interface Credentials {
  readonly crm: string
  readonly logisense: { readonly access: string; readonly refresh: string }
  readonly elevate: string
  readonly console: { readonly session: string; readonly csrf: string }
}

/** `fetch` on a connection of its own (`Connection: close`), so a cluster may hand it to any worker. */
const fetchOnNewConnection = (input: string | URL, init: RequestInit = {}) =>
  globalThis.fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), connection: "close" } })

const json = async (response: Response) => ({
  status: response.status,
  body: (await response.json()) as Record<string, unknown>
})

const logIn = async (url: string, demo: { email: string; password: string; apiKey: string }): Promise<Credentials> => {
  const crm = await json(
    await fetch(`${url}/crmapi/rest/v4/authentication/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: demo.email, password: demo.password, organisation: "Paybridge" })
    })
  )
  const logisense = await json(
    await fetch(`${url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "password", client_id: "billing", client_secret: demo.apiKey }).toString()
    })
  )
  const elevate = await json(
    await fetch(`${url}/elevate/v1/authenticate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ brand: "paybridge", username: demo.email, password: demo.password })
    })
  )
  const signIn = await fetch(`${url}/trpc/session.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: demo.email, password: demo.password })
  })
  expect(signIn.status).toBe(200)
  const cookie = (name: string) =>
    signIn.headers
      .getSetCookie()
      .find((value) => value.startsWith(`${name}=`))
      ?.split(";")[0]
      ?.slice(name.length + 1) ?? ""
  return {
    crm: String((crm.body.data as { token: string }).token),
    logisense: { access: String(logisense.body.access_token), refresh: String(logisense.body.refresh_token) },
    elevate: String(elevate.body.token),
    console: { session: cookie("paybridge_session"), csrf: cookie("paybridge_csrf") }
  }
}

/** What each protocol answers on `url` to a read made with `credentials`. */
const readsWith = async (url: string, credentials: Credentials, options: { readonly fresh?: boolean } = {}) => {
  const fetch = options.fresh === true ? fetchOnNewConnection : globalThis.fetch
  const crmUrl = new URL(`${url}/crmapi/rest/v4/payments/list`)
  crmUrl.searchParams.set("token", credentials.crm)
  crmUrl.searchParams.set("accounts_receivable_identifier", "number=71")
  const crm = (await json(await fetch(crmUrl))).body.status as { code: string }
  const logisense = await fetch(`${url}/logisense/api/v6/Payment/`, {
    headers: { authorization: `Bearer ${credentials.logisense.access}` }
  })
  const elevate = await fetch(`${url}/elevate/v1/payment-providers?page=1&pageSize=10`, {
    headers: { authorization: `Bearer ${credentials.elevate}` }
  })
  const console = await fetch(`${url}/trpc/session.whoami`, {
    headers: {
      cookie: `paybridge_session=${credentials.console.session}; paybridge_csrf=${credentials.console.csrf}`,
      "x-csrf-token": credentials.console.csrf
    }
  })
  // CRM.COM answers in its body: any code but INVALID_TOKEN means the token was accepted.
  return {
    crm: crm.code === "INVALID_TOKEN" ? "refused" : "accepted",
    logisense: logisense.status,
    elevate: elevate.status,
    console: console.status
  }
}

const accepted = { crm: "accepted", logisense: 200, elevate: 200, console: 200 }

const refreshLogisense = async (url: string, refreshToken: string) =>
  json(
    await fetch(`${url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        client_id: "billing",
        refresh_token: refreshToken
      }).toString()
    })
  )

describe("several server processes on one PostgreSQL database", () => {
  test("a credential issued by one process works on another and after a restart", async () => {
    const first = await start(true)
    const demo = first.demo
    if (demo === null) throw new Error(`no demo credentials in the banner:\n${first.stderr()}`)
    const second = await start(false)

    const issued = await logIn(first.url, demo)
    const forged: Credentials = {
      crm: "x".repeat(43),
      logisense: { access: "x".repeat(43), refresh: "" },
      elevate: "e30.e30.x",
      console: { session: "x".repeat(43), csrf: csrfTokenOf("x".repeat(43)) }
    }
    expect(await readsWith(second.url, forged)).toEqual({ crm: "refused", logisense: 401, elevate: 401, console: 401 })
    expect(await readsWith(first.url, issued)).toEqual(accepted)
    expect(await readsWith(second.url, issued)).toEqual(accepted)

    // A refresh token issued by the first process rotates on the second, once.
    const refreshed = await refreshLogisense(second.url, issued.logisense.refresh)
    expect(refreshed.status).toBe(200)
    expect((await refreshLogisense(first.url, issued.logisense.refresh)).status).not.toBe(200)
    const renewed = { ...issued, logisense: { access: String(refreshed.body.access_token), refresh: "" } }
    expect(await readsWith(first.url, renewed)).toEqual(accepted)

    // The first process restarts: everything issued before still works there.
    await first.stop()
    const restarted = await start(false)
    expect(await readsWith(restarted.url, renewed)).toEqual(accepted)
    expect(await readsWith(second.url, renewed)).toEqual(accepted)
  }, 240_000)

  test("PAYBRIDGE_WORKERS=2 runs two workers on one port; credentials work on both; SIGTERM stops them all", async () => {
    const cluster = await startServerProcess({
      dataDir,
      env: { DATABASE_URL: database.url, PAYBRIDGE_WORKERS: "2" }
    })
    running.push(cluster)
    expect(cluster.stderr()).toContain("Paybridge is running (2 worker processes)")
    const first = running[0]
    if (first?.demo == null) throw new Error("the first test's demo credentials are missing")
    const credentials = await logIn(cluster.url, first.demo)
    // Each read on a new connection: the cluster deals connections out to both workers.
    const reads = []
    for (let index = 0; index < 8; index += 1) reads.push(await readsWith(cluster.url, credentials, { fresh: true }))
    expect(reads).toEqual(reads.map(() => accepted))
    const listening = cluster
      .stdout()
      .split("\n")
      .filter((line) => line.includes('"message":"listening"'))
    expect(listening.length).toBeGreaterThanOrEqual(2)
    const stopped = await cluster.stop()
    expect(stopped.code).toBe(0)
    expect(cluster.stdout()).toContain('"message":"all workers stopped"')
  }, 240_000)
})
