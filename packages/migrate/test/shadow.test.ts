/**
 * The shadow proxy between a client, the "vendor" (a Paybridge server serving the vendor's
 * dialect) and "Paybridge" (a second server seeded identically, so ids are the same on both sides
 * and the identity id mapping holds). The client gets the vendor's answers untouched; every read is
 * also sent to Paybridge and compared, so identical data reads 100 % matching; a difference planted
 * in Paybridge's data is reported with its field and both values; writes reach the vendor only; the
 * readiness report is written as Markdown and JSON. Run for Billing Platform (UK) (bearer key,
 * bare arrays) and Silver (hyperlinks with each server's own host, Link headers, pagination), and
 * once through the `shadow` subcommand of the CLI.
 */
import { spawn } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { SourceHttp } from "../src/http/source-http.ts"
import { readinessMarkdown, writeReadinessReport } from "../src/shadow/readiness-report.ts"
import { type ShadowProxy, startShadowProxy } from "../src/shadow/shadow-proxy.ts"
import type { VendorId } from "../src/sources/source-model.ts"
import { vendors } from "../src/sources/vendors.ts"
import { sessionFor } from "./support/read-source.ts"
import { type SourceServer, startSourceServer } from "./support/source-server.ts"
import { type SeededTenant, seedTenant } from "./support/tenant-generator.ts"

const cli = fileURLToPath(new URL("../src/cli/migrate.cli.ts", import.meta.url))

let vendor: SourceServer
let paybridge: SourceServer
let tenant: SeededTenant
let dir: string

const shape = { seed: 11, currencies: ["EUR", "JPY", "USD"], paymentsPerCustomer: 8 }

beforeAll(async () => {
  ;[vendor, paybridge] = await Promise.all([startSourceServer(), startSourceServer()])
  // Sequentially seeded fresh servers get the same ids: the identity mapping holds.
  tenant = await seedTenant(vendor.client, shape)
  await seedTenant(paybridge.client, shape)
  dir = await mkdtemp(join(tmpdir(), "paybridge-migrate-shadow-"))
}, 180_000)

afterAll(async () => {
  await Promise.all([vendor?.stop(), paybridge?.stop()])
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

const startProxy = (id: VendorId) =>
  startShadowProxy({
    vendor: vendors[id],
    sourceUrl: vendor.dialectUrl(id),
    paybridgeUrl: paybridge.dialectUrl(id),
    paybridge: new SourceHttp({
      baseUrl: paybridge.dialectUrl(id),
      session: sessionFor(id, { "api-key": paybridge.apiKey }),
      maxAttempts: 2
    })
  })

/** A client of the vendor's API pointed at the proxy, with the vendor's credentials. */
const clientOf =
  (proxy: ShadowProxy, authorization: string) =>
  (path: string, init: RequestInit = {}) =>
    fetch(`${proxy.url}/${path}`, { ...init, headers: { authorization, ...(init.headers ?? {}) } })

// First: the tests after it change one side or the other (a write, planted differences).
describe("LogiSense through the shadow proxy", () => {
  test("the client's own login goes to the vendor only; the mirror signs in to Paybridge itself; tracking ids are volatile", async () => {
    const proxy = await startShadowProxy({
      vendor: vendors.logisense,
      sourceUrl: vendor.dialectUrl("logisense"),
      paybridgeUrl: paybridge.dialectUrl("logisense"),
      paybridge: new SourceHttp({
        baseUrl: paybridge.dialectUrl("logisense"),
        session: sessionFor("logisense", { "client-id": "shadow", "client-secret": paybridge.apiKey }),
        maxAttempts: 2
      }),
      // Each server stamps rows with the time it created and posted them (both seeded "now", a few seconds
      // apart): data, not response, so the operator opts out.
      ignoreFields: ["**.created", "**.posting"]
    })
    try {
      const login = await fetch(`${proxy.url}/AuthorizationServer/api/v6/Access/Login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "password",
          client_id: "client",
          client_secret: vendor.apiKey
        }).toString()
      })
      const { access_token: token } = (await login.json()) as { access_token: string }
      const get = clientOf(proxy, `Bearer ${token}`)
      const posted = tenant.payments.filter((payment) => payment.scenario === "posted")
      for (const payment of posted) expect((await get(`api/v6/Payment/${payment.id}`)).status).toBe(200)
      await get("api/v6/Payment/Paged", { headers: { pagination: JSON.stringify({ pageNumber: 1, pageSize: 5 }) } })
      const search = await get("api/v6/Payment/Search", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: { search: [{ name: "identity", operator: "gt", value: 0 }], top: 3 } })
      })
      expect(search.status).toBe(200)
      await proxy.settled()
      const report = proxy.report()
      expect(report.writesForwarded).toBe(1) // the login
      expect(report.reads).toBe(posted.length + 2)
      expect(report.endpoints.flatMap((endpoint) => endpoint.differences)).toEqual([])
      expect(report.endpoints.map((endpoint) => endpoint.endpoint)).toContain("POST api/v6/Payment/Search")
    } finally {
      await proxy.close()
    }
  })
})

describe("Billing Platform (UK) through the shadow proxy", () => {
  let proxy: ShadowProxy
  beforeAll(async () => {
    proxy = await startProxy("billing-platform-uk")
  })
  afterAll(() => proxy?.close())

  test("the client gets the vendor's answers, and identical data reads 100 % matching", async () => {
    const get = clientOf(proxy, `Bearer ${vendor.apiKey}`)
    const direct = await fetch(`${vendor.dialectUrl("billing-platform-uk")}/payments/?includeReversed`, {
      headers: { authorization: `Bearer ${vendor.apiKey}` }
    })
    const proxied = await get("payments/?includeReversed")
    expect(proxied.status).toBe(200)
    expect(await proxied.text()).toBe(await direct.text())
    for (const customer of tenant.customers) await get(`customers/${customer.id}/payments/?includeReversed`)
    for (const payment of tenant.payments.slice(0, 10)) await get(`payments/${payment.id}`)
    expect((await get("payments/999999")).status).toBe(404)
    await proxy.settled()

    const report = proxy.report()
    expect(report.reads).toBe(1 + tenant.customers.length + 10 + 1)
    expect(report.matched).toBe(report.reads)
    expect(report.readiness).toBe(100)
    expect(report.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.ready])).toEqual([
      ["GET customers/{id}/payments/", true],
      ["GET payments/", true],
      ["GET payments/{id}", true]
    ])
  })

  test("a difference planted in Paybridge's data is reported with its field and both values", async () => {
    const planted = tenant.payments.find((payment) => payment.scenario === "posted")
    if (planted === undefined) throw new Error("no posted payment")
    await paybridge.client.payments.update.mutate({ paymentId: planted.id, reference: "PLANTED" })
    const get = clientOf(proxy, `Bearer ${vendor.apiKey}`)
    await get(`payments/${planted.id}`)
    await proxy.settled()
    const endpoint = proxy.report().endpoints.find((entry) => entry.endpoint === "GET payments/{id}")
    expect(endpoint).toMatchObject({ mismatched: 1, ready: false })
    expect(endpoint?.differences).toEqual([
      {
        request: `GET payments/${planted.id}`,
        path: "ourReference",
        vendor: JSON.stringify(
          (await vendor.client.payments.get.query({ id: planted.id })).payment.references.reference
        ),
        paybridge: '"PLANTED"'
      }
    ])
    await writeReadinessReport(join(dir, "bpuk"), proxy.report())
    const markdown = await readFile(join(dir, "bpuk.md"), "utf8")
    expect(markdown).toContain("| `GET payments/{id}` |")
    expect(markdown).toContain('"PLANTED"')
    expect(JSON.parse(await readFile(join(dir, "bpuk.json"), "utf8")).endpoints.length).toBe(3)
  })

  test("writes reach the vendor only", async () => {
    const customer = tenant.customers[0]
    if (customer === undefined) throw new Error("no customer")
    const post = clientOf(proxy, `Bearer ${vendor.apiKey}`)
    const created = await post(`customers/${customer.id}/payments/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ paymentAmount: "12.00", paymentDate: "2026-05-05", paymentMethod: "Bank transfer" })
    })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    expect((await vendor.client.payments.get.query({ id: Number(id) })).payment.amount).toBe("1200")
    await expect(paybridge.client.payments.get.query({ id: Number(id) })).rejects.toThrow()
    expect(proxy.report().writesForwarded).toBe(1)
  })
})

describe("Silver through the shadow proxy", () => {
  let proxy: ShadowProxy
  beforeAll(async () => {
    proxy = await startProxy("silver")
  })
  afterAll(() => proxy?.close())

  test("hyperlinks naming each server's own host still match; a planted difference does not", async () => {
    const get = clientOf(proxy, `Token ${vendor.apiKey}`)
    const list = await get(`customers/${tenant.customers[0]?.id}/payments/?page_size=3`)
    expect(list.headers.get("link")).toContain(vendor.dialectUrl("silver"))
    await get("customers/")
    await get("providers/")
    await get(`customers/${tenant.customers[1]?.id}/payments/?page=2&page_size=3`)
    await proxy.settled()
    expect(proxy.report().readiness).toBe(100)

    const planted = tenant.payments.find((payment) => payment.scenario === "pending")
    if (planted === undefined) throw new Error("no pending payment")
    await paybridge.client.payments.markCollected.mutate({ paymentId: planted.id })
    await get(`customers/${planted.customerId}/payments/${planted.id}/`)
    await proxy.settled()
    const detail = proxy.report().endpoints.find((entry) => entry.endpoint === "GET customers/{id}/payments/{id}/")
    expect(detail?.differences).toEqual([
      {
        request: `GET customers/${planted.customerId}/payments/${planted.id}/`,
        path: "status",
        vendor: '"pending"',
        paybridge: '"paid"'
      }
    ])
    expect(readinessMarkdown(proxy.report())).toMatch(
      /\| `GET customers\/\{id\}\/payments\/\{id\}\/` \| 1 \| 0 \| 1 \| 0 \| 0 % \| no \|/u
    )
  })
})

test("the shadow subcommand listens, forwards, mirrors and writes its report when stopped", async () => {
  const report = join(dir, "cli-report")
  const child = spawn(
    process.execPath,
    [
      cli,
      "--",
      "shadow",
      "--from",
      "billing-platform-uk",
      "--source-url",
      vendor.dialectUrl("billing-platform-uk"),
      "--api-key",
      vendor.apiKey,
      "--paybridge-url",
      paybridge.dialectUrl("billing-platform-uk"),
      "--paybridge-api-key",
      paybridge.apiKey,
      "--listen",
      "0",
      "--report",
      report
    ],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL:\n${output}`)), 20_000)
    child.stdout.on("data", () => {
      const match = /listening on (http:\/\/\S+)/u.exec(output)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  const answer = await fetch(`${url}/payments/${tenant.payments[0]?.id}`, {
    headers: { authorization: `Bearer ${vendor.apiKey}` }
  })
  expect(answer.status).toBe(200)
  await new Promise((resolve) => setTimeout(resolve, 300))
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve))
  child.kill("SIGINT")
  expect(await exited).toBe(0)
  const written = JSON.parse(await readFile(`${report}.json`, "utf8"))
  expect(written).toMatchObject({ vendor: "billing-platform-uk", reads: 1, matched: 1 })
  expect(output).toMatch(/1 of 1 reads matched/u)
}, 60_000)
