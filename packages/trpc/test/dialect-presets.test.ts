/**
 * The `dialectPresets` procedures as the admin console calls them, over the fetch handler into the
 * real ledger on the SQLite test ledger: the declared kinds, create / rename / retire with one
 * event per change, names an active preset already has refused, undeclared kinds refused,
 * read-only users refused on writes (and nothing changes), and a retired preset still listed.
 */
import { type Principal, UserId } from "@paybridge/core"
import { testLedgerLayer } from "@paybridge/db/testing"
import { fetchRequestHandler } from "@trpc/server/adapters/fetch"
import { ManagedRuntime } from "effect"
import { afterAll, beforeEach, describe, expect, test } from "vitest"
import { appRouter, type ConsoleHost, createTrpcContext } from "../src/index.ts"

const principal = (role: Principal["role"]): Principal => ({
  id: UserId.make(100),
  kind: "user",
  name: `test ${role}`,
  role,
  customerScope: null
})

const consoleHost: ConsoleHost = {
  runAuthenticator: () => Promise.reject(new Error("not used")),
  signIn: () => Promise.reject(new Error("not used")),
  signOut: () => Promise.resolve(),
  compatibilityDocument: () => Promise.resolve(""),
  dialects: [
    {
      id: "crm-com",
      title: "CRM.COM Web API v4",
      basePath: "/crmapi/rest/v4",
      credentialStyles: [],
      renderPayment: null,
      presets: [
        { id: "unit", label: "Business units", recordKind: "unit" },
        { id: "rejection-reason", label: "Payment rejection reasons", recordKind: "rejection-reason" }
      ]
    },
    { id: "silver", title: "Silver", basePath: "/silver", credentialStyles: [], renderPayment: null, presets: [] }
  ]
}

interface Preset {
  readonly key: string
  readonly name: string
  readonly retired: boolean
}

const makeRuntime = () => ManagedRuntime.make(testLedgerLayer)
// A fresh ledger per test.
let runtime: ReturnType<typeof makeRuntime>
const runtimes: Array<ReturnType<typeof makeRuntime>> = []
beforeEach(() => {
  runtime = makeRuntime()
  runtimes.push(runtime)
})
afterAll(async () => {
  for (const each of runtimes) await each.dispose()
})

const call = async (who: Principal, path: string, input: unknown, method: "GET" | "POST" = "POST") => {
  const request =
    method === "GET"
      ? new Request(`http://test/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`)
      : new Request(`http://test/trpc/${path}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(input)
        })
  const response = await fetchRequestHandler({
    endpoint: "/trpc",
    req: request,
    router: appRouter,
    createContext: () =>
      createTrpcContext({
        runtime,
        principal: who,
        requestId: "req-presets",
        idempotencyKey: null,
        console: consoleHost
      })
  })
  const body = (await response.json()) as {
    result?: { data: unknown }
    error?: { message: string; data: { code: string; tag: string | null } }
  }
  return { status: response.status, body }
}

const admin = (path: string, input: unknown, method?: "GET" | "POST") => call(principal("admin"), path, input, method)
const dataOf = <T>(response: { body: { result?: { data: unknown }; error?: unknown } }): T => {
  if (response.body.result === undefined) throw new Error(`call failed: ${JSON.stringify(response.body.error)}`)
  return response.body.result.data as T
}
const list = async (kind: string) =>
  dataOf<{ items: ReadonlyArray<Preset> }>(await admin("dialectPresets.list", { dialect: "crm-com", kind }, "GET"))
    .items
const presetEvents = async () =>
  dataOf<{ items: ReadonlyArray<{ type: string; entity: string; data: Record<string, unknown> }> }>(
    await admin(
      "events.feed",
      { types: ["dialect-preset.created", "dialect-preset.renamed", "dialect-preset.retired"] },
      "GET"
    )
  ).items

describe("dialectPresets", () => {
  test("kinds lists every kind the mounted dialects declare", async () => {
    expect(dataOf(await admin("dialectPresets.kinds", undefined, "GET"))).toEqual([
      { dialect: "crm-com", dialectTitle: "CRM.COM Web API v4", kind: "unit", label: "Business units" },
      {
        dialect: "crm-com",
        dialectTitle: "CRM.COM Web API v4",
        kind: "rejection-reason",
        label: "Payment rejection reasons"
      }
    ])
  })

  test("create, rename and retire: each change listed and recorded as one event", async () => {
    const created = dataOf<Preset>(
      await admin("dialectPresets.create", { dialect: "crm-com", kind: "unit", name: "Admin Unit" })
    )
    expect(created).toMatchObject({ name: "Admin Unit", retired: false })
    expect(created.key).toMatch(/^[0-9A-F]{32}$/)
    const renamed = dataOf<Preset>(
      await admin("dialectPresets.rename", { dialect: "crm-com", kind: "unit", key: created.key, name: "Head Office" })
    )
    expect(renamed).toMatchObject({ key: created.key, name: "Head Office", retired: false })
    const retired = dataOf<Preset>(
      await admin("dialectPresets.retire", { dialect: "crm-com", kind: "unit", key: created.key })
    )
    expect(retired).toMatchObject({ key: created.key, name: "Head Office", retired: true })
    // Retiring again changes nothing and records nothing.
    dataOf(await admin("dialectPresets.retire", { dialect: "crm-com", kind: "unit", key: created.key }))

    expect(await list("unit")).toEqual([
      expect.objectContaining({ key: created.key, name: "Head Office", retired: true })
    ])
    expect(await list("rejection-reason")).toEqual([])
    const events = await presetEvents()
    expect(events.map((event) => [event.type, event.entity, event.data.name])).toEqual([
      ["dialect-preset.created", "dialect-record", "Admin Unit"],
      ["dialect-preset.renamed", "dialect-record", "Head Office"],
      ["dialect-preset.retired", "dialect-record", "Head Office"]
    ])
    expect(events[1]?.data).toMatchObject({ from: "Admin Unit", dialect: "crm-com", kind: "unit", key: created.key })
  })

  test("a name an active preset of the kind has is refused; a retired one's name is free again", async () => {
    const first = dataOf<Preset>(
      await admin("dialectPresets.create", { dialect: "crm-com", kind: "unit", name: "Admin Unit" })
    )
    const again = await admin("dialectPresets.create", { dialect: "crm-com", kind: "unit", name: "Admin Unit" })
    expect(again.status).toBe(409)
    expect(again.body.error?.data).toMatchObject({ code: "CONFLICT", tag: "Conflict" })
    // Another kind may use the name.
    dataOf(await admin("dialectPresets.create", { dialect: "crm-com", kind: "rejection-reason", name: "Admin Unit" }))
    await admin("dialectPresets.retire", { dialect: "crm-com", kind: "unit", key: first.key })
    dataOf(await admin("dialectPresets.create", { dialect: "crm-com", kind: "unit", name: "Admin Unit" }))
    expect((await list("unit")).map((preset) => [preset.name, preset.retired])).toEqual([
      ["Admin Unit", true],
      ["Admin Unit", false]
    ])
  })

  test("kinds no mounted dialect declares, unknown keys and blank names are refused", async () => {
    const undeclared = await admin("dialectPresets.create", { dialect: "silver", kind: "unit", name: "X" })
    expect(undeclared.body.error?.data).toMatchObject({ code: "NOT_FOUND", tag: "NotFound" })
    const missing = await admin("dialectPresets.rename", {
      dialect: "crm-com",
      kind: "unit",
      key: "0123456789ABCDEF0123456789ABCDEF",
      name: "Y"
    })
    expect(missing.body.error?.data).toMatchObject({ code: "NOT_FOUND", tag: "NotFound" })
    for (const name of ["", " Padded "]) {
      const blank = await admin("dialectPresets.create", { dialect: "crm-com", kind: "unit", name })
      expect(blank.status).toBe(400)
    }
    expect(await list("unit")).toEqual([])
    expect(await presetEvents()).toEqual([])
  })

  test("read-only users may list but not change presets; finance may", async () => {
    const created = dataOf<Preset>(
      await admin("dialectPresets.create", { dialect: "crm-com", kind: "unit", name: "Admin Unit" })
    )
    const readOnly = principal("read-only")
    const listed = await call(readOnly, "dialectPresets.list", { dialect: "crm-com", kind: "unit" }, "GET")
    expect(dataOf<{ items: ReadonlyArray<Preset> }>(listed).items).toHaveLength(1)
    for (const [path, input] of [
      ["dialectPresets.create", { dialect: "crm-com", kind: "unit", name: "Other" }],
      ["dialectPresets.rename", { dialect: "crm-com", kind: "unit", key: created.key, name: "Other" }],
      ["dialectPresets.retire", { dialect: "crm-com", kind: "unit", key: created.key }]
    ] as const) {
      const refused = await call(readOnly, path, input)
      expect(refused.body.error?.data).toMatchObject({ code: "FORBIDDEN", tag: "Forbidden" })
    }
    expect(await list("unit")).toEqual([expect.objectContaining({ name: "Admin Unit", retired: false })])
    expect(await presetEvents()).toHaveLength(1)
    const finance = principal("finance")
    dataOf(
      await call(finance, "dialectPresets.rename", { dialect: "crm-com", kind: "unit", key: created.key, name: "HQ" })
    )
    expect((await list("unit"))[0]?.name).toBe("HQ")
  })
})
