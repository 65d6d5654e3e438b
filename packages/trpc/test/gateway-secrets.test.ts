/**
 * Gateway driver settings through tRPC, over the fetch handler into the real ledger on the SQLite
 * test ledger with a secrets key: an admin creates a gateway with Stripe settings, rotates its
 * secret, disables and enables it — one event per change — and no answer (create, rotate,
 * settings, list, get, the event feed, errors) ever contains a secret, only the last four
 * characters; finance and read-only users may not rotate (and nothing changes); a server without a
 * secrets key refuses to store one with a clear message.
 */
import { randomBytes } from "node:crypto"
import { type Principal, UserId } from "@paybridge/core"
import { testLedgerLayerWith } from "@paybridge/db/testing"
import { fetchRequestHandler } from "@trpc/server/adapters/fetch"
import { ManagedRuntime } from "effect"
import { afterAll, describe, expect, test } from "vitest"
import { appRouter, createTrpcContext } from "../src/index.ts"

const principal = (role: Principal["role"]): Principal => ({
  id: UserId.make(100),
  kind: "user",
  name: `test ${role}`,
  role,
  customerScope: null
})

const makeRuntime = (secretsKey: Buffer | undefined) =>
  ManagedRuntime.make(testLedgerLayerWith(secretsKey === undefined ? {} : { secretsKey }))
const runtimes: Array<ReturnType<typeof makeRuntime>> = []
afterAll(async () => {
  for (const each of runtimes) await each.dispose()
})

/** Every answer's raw text, to search for secrets. */
const answers: Array<string> = []

const caller =
  (runtime: ReturnType<typeof makeRuntime>) =>
  async (who: Principal["role"], path: string, input: unknown, method: "GET" | "POST" = "POST") => {
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
          principal: principal(who),
          requestId: "req-gw",
          idempotencyKey: null,
          console: null
        })
    })
    const text = await response.text()
    answers.push(text)
    const body = JSON.parse(text) as {
      result?: { data: unknown }
      error?: { message: string; data: { code: string; tag: string | null } }
    }
    return { status: response.status, body }
  }

const dataOf = <T>(response: { body: { result?: { data: unknown }; error?: unknown } }): T => {
  if (response.body.result === undefined) throw new Error(`call failed: ${JSON.stringify(response.body.error)}`)
  return response.body.result.data as T
}

const secret = (prefix: string) => `${prefix}_${randomBytes(18).toString("hex")}`

interface Summary {
  readonly gatewayId: number
  readonly driver: string
  readonly secretSet: boolean
  readonly secretKeyLast4: string
  readonly webhookSecretLast4: string
  readonly setAt: string
  readonly setBy: string
  readonly version: number
}

describe("gateways: driver settings and rotation", () => {
  test("admins create with settings, rotate, disable and enable; answers and events never hold a secret", async () => {
    const runtime = makeRuntime(randomBytes(32))
    runtimes.push(runtime)
    const call = caller(runtime)
    const secretKey = secret("sk_test")
    const webhookSecret = secret("whsec")
    const gateway = dataOf<{ id: number; code: string; enabled: boolean }>(
      await call("admin", "gateways.create", {
        code: "stripe-uk",
        name: "Stripe UK",
        settings: { driver: "stripe", secretKey, webhookSecret }
      })
    )
    const [created] = dataOf<ReadonlyArray<Summary>>(await call("admin", "gateways.settings", undefined, "GET"))
    expect(created).toMatchObject({
      gatewayId: gateway.id,
      driver: "stripe",
      secretSet: true,
      secretKeyLast4: secretKey.slice(-4),
      webhookSecretLast4: webhookSecret.slice(-4),
      setBy: "test admin",
      version: 1
    })

    const rotatedKey = secret("sk_test")
    const rotated = dataOf<Summary>(
      await call("admin", "gateways.rotateSecret", { id: gateway.id, secretKey: rotatedKey })
    )
    expect(rotated).toMatchObject({
      secretKeyLast4: rotatedKey.slice(-4),
      webhookSecretLast4: webhookSecret.slice(-4),
      version: 2
    })

    // Finance and read-only may not rotate; nothing changes.
    for (const role of ["finance", "read-only"] as const) {
      const refused = await call(role, "gateways.rotateSecret", { id: gateway.id, secretKey: secret("sk_test") })
      expect(refused.body.error?.data.code).toBe("FORBIDDEN")
    }
    const refusedCreate = await call("finance", "gateways.create", {
      code: "sneaky",
      name: "Sneaky",
      settings: { driver: "stripe", secretKey: secret("sk_test"), webhookSecret: secret("whsec") }
    })
    expect(refusedCreate.body.error?.data.code).toBe("FORBIDDEN")
    const [after] = dataOf<ReadonlyArray<Summary>>(await call("finance", "gateways.settings", undefined, "GET"))
    expect(after?.version).toBe(2)

    const liveOf = async () =>
      dataOf<ReadonlyArray<{ gatewayId: number; live: boolean }>>(
        await call("read-only", "gateways.status", undefined, "GET")
      )
    // The test ledger's deterministic gateway serves it: live while enabled, not while disabled.
    expect(await liveOf()).toEqual([{ gatewayId: gateway.id, live: true }])
    expect(
      dataOf<{ enabled: boolean }>(await call("admin", "gateways.update", { id: gateway.id, enabled: false })).enabled
    ).toBe(false)
    expect(await liveOf()).toEqual([{ gatewayId: gateway.id, live: false }])
    expect(
      dataOf<{ enabled: boolean }>(await call("admin", "gateways.update", { id: gateway.id, enabled: true })).enabled
    ).toBe(true)
    dataOf(await call("admin", "gateways.get", { id: gateway.id }, "GET"))
    dataOf(await call("admin", "gateways.list", {}, "GET"))

    const events = dataOf<{ items: ReadonlyArray<{ type: string; data: Record<string, unknown> }> }>(
      await call(
        "admin",
        "events.feed",
        { types: ["gateway.created", "gateway.updated", "gateway.secret-rotated"] },
        "GET"
      )
    ).items
    expect(events.map((event) => event.type)).toEqual([
      "gateway.created",
      "gateway.secret-rotated",
      "gateway.updated",
      "gateway.updated"
    ])
    expect(events[1]?.data).toMatchObject({
      code: "stripe-uk",
      driver: "stripe",
      replaced: ["secretKey"],
      settingsVersion: 2
    })

    // A bad rotation (nothing to replace) is refused in tRPC's shape.
    const empty = await call("admin", "gateways.rotateSecret", { id: gateway.id })
    expect(empty.body.error?.data.code).toBe("BAD_REQUEST")

    const everything = answers.join("\n")
    for (const each of [secretKey, webhookSecret, rotatedKey]) {
      expect(everything).not.toContain(each)
      expect(everything).not.toContain(each.slice(0, -4))
    }
  })

  test("a server without a secrets key refuses to store one, saying which setting is missing", async () => {
    const runtime = makeRuntime(undefined)
    runtimes.push(runtime)
    const call = caller(runtime)
    const refused = await call("admin", "gateways.create", {
      code: "stripe-keyless",
      name: "Keyless",
      settings: { driver: "stripe", secretKey: secret("sk_test"), webhookSecret: secret("whsec") }
    })
    expect(refused.body.error?.data.code).toBe("BAD_REQUEST")
    expect(refused.body.error?.message).toContain("PAYBRIDGE_SECRETS_KEY")
    expect(dataOf<{ items: ReadonlyArray<unknown> }>(await call("admin", "gateways.list", {}, "GET")).items).toEqual([])
  })
})
