/**
 * Gateway secrets stored in the database, on the real server against the local Stripe stand-in:
 * an admin creates a gateway with Stripe settings through tRPC (sealed with
 * `PAYBRIDGE_SECRETS_KEY`), and the running server drives the stand-in with them; a rotation takes
 * effect without a restart (the next charge carries the new key; the replaced webhook secret still
 * verifies webhooks during the grace period, a foreign one never — by the driver and through the
 * webhook route); a server started again on the
 * same database with the key drives the stand-in with the stored secret, while one started without
 * the key or with another key refuses to start with a clear message. No secret appears in any log
 * line, `/health`, or the SQLite file.
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CommandContext, CustomerId, GatewayId, Parties, Payments } from "@paybridge/core"
import { StripeStandIn } from "@paybridge/gateway-stripe/testing"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { loadConfig } from "../src/config.ts"
import { StoredGateways } from "../src/gateways.ts"
import { collectingLogger } from "../src/logger.ts"
import { telemetryLayer } from "../src/observability.ts"
import { openRuntime } from "../src/runtime.ts"
import { startTestServer, type TestServer } from "./support/test-server.ts"

const secretsKey = randomBytes(32).toString("hex")
const oldSecretKey = `sk_test_old${randomBytes(12).toString("hex")}`
const oldWebhookSecret = `whsec_old${randomBytes(12).toString("hex")}`
const newWebhookSecret = `whsec_new${randomBytes(12).toString("hex")}`

let dir = ""
let standIn: StripeStandIn
let server: TestServer | undefined
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "paybridge-gw-secrets-"))
  standIn = await StripeStandIn.start()
}, 60_000)
afterAll(async () => {
  await server?.close()
  await standIn?.close()
  if (dir !== "") await rm(dir, { recursive: true, force: true })
})

const databaseUrl = () => `sqlite:${join(dir, "paybridge.db")}`
const env = (key: string | null) => ({
  PAYBRIDGE_TEST_GATEWAY: "0",
  GATEWAY_SETTINGS_REFRESH: "200 millis",
  ...(key === null ? {} : { PAYBRIDGE_SECRETS_KEY: key })
})

/** Waits until the server's stored driver for `code` is at `version` (the refresh picked the change up). */
const storedVersion = async (target: TestServer, code: string, version: number) => {
  for (let tries = 0; tries < 100; tries++) {
    const current = await target.runtime.runPromise(
      Effect.map(Effect.serviceOption(StoredGateways), (stored) =>
        stored._tag === "Some" ? (stored.value.forCode(code)?.version ?? null) : null
      )
    )
    if (current === version) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the stored driver of ${code} never reached version ${version}`)
}

const authorizations = () => standIn.requests.map((request) => request.authorization)

describe("gateway secrets stored in the database", () => {
  test("drive the stand-in, rotate without a restart, survive a restart only with the right key; never logged", async () => {
    server = await startTestServer(databaseUrl(), { env: env(secretsKey) })
    const admin = server.clientAs("admin")
    const gateway = await admin.gateways.create.mutate({
      code: "stripe-vault",
      name: "Stripe (stored secrets)",
      settings: {
        driver: "stripe",
        secretKey: oldSecretKey,
        webhookSecret: oldWebhookSecret,
        apiBase: standIn.url.origin
      }
    })
    await storedVersion(server, "stripe-vault", 1)
    const health = (await (await fetch(`${server.url}/health`)).json()) as { gateways: unknown }
    expect(health.gateways).toEqual({ stripe: ["stripe-vault"], testGateway: false })
    const customer = await admin.customers.create.mutate({ name: "Vault Ltd", currency: "EUR" })
    const charge = (amount: string) =>
      admin.payments.create.mutate({ customerId: customer.id, amount, gatewayId: gateway.id, cardToken: "tok_visa" })

    // The stored (old) key is not the stand-in's: Stripe refuses it, nothing posts.
    const refused = await charge("3.00")
    expect(refused.payment.state).not.toBe("posted")
    expect(authorizations()).toContain(`Bearer ${oldSecretKey}`)

    // Rotation: the running server uses the new key and webhook secret within the refresh interval.
    const rotated = await admin.gateways.rotateSecret.mutate({
      id: gateway.id,
      secretKey: standIn.secretKey,
      webhookSecret: newWebhookSecret
    })
    expect(rotated).toMatchObject({ secretKeyLast4: standIn.secretKey.slice(-4), version: 2 })
    await storedVersion(server, "stripe-vault", 2)
    const posted = await charge("10.50")
    expect(posted.payment.state).toBe("posted")
    expect(authorizations().at(-1)).toBe(`Bearer ${standIn.secretKey}`)
    const intents = [...standIn.state.paymentIntents.values()] as Array<Record<string, unknown>>
    expect(intents.filter((intent) => intent.status === "succeeded").map((intent) => intent.amount)).toEqual([1050])

    // Webhooks: the new secret and (within the grace period) the replaced one verify; another does not.
    const event = standIn.state.events.find((candidate) => candidate.type === "payment_intent.succeeded")
    if (event === undefined) throw new Error("the stand-in recorded no payment_intent.succeeded")
    const payload = JSON.stringify(event)
    const verify = (secret: string) =>
      (server as TestServer).runtime.runPromise(
        Effect.flatMap(Effect.serviceOption(StoredGateways), (stored) => {
          const driver = stored._tag === "Some" ? stored.value.forCode("stripe-vault")?.driver : undefined
          if (driver === undefined) return Effect.die(new Error("no stored driver"))
          return Effect.result(driver.verifyWebhook(payload, standIn.sign(payload, undefined, secret), new Date()))
        })
      )
    expect((await verify(newWebhookSecret))._tag).toBe("Success")
    expect((await verify(oldWebhookSecret))._tag).toBe("Success")
    const foreign = await verify(`whsec_foreign${randomBytes(8).toString("hex")}`)
    expect(foreign._tag === "Failure" ? foreign.failure.reason : null).toBe("signature-mismatch")

    // The same through the webhook route: the route verifies stored gateways with their current secrets.
    const endpoint = new URL(`${server.url}/gateways/stripe-vault/webhooks/stripe`)
    expect(await standIn.deliver(endpoint, event, { secret: newWebhookSecret })).toBe(200)
    expect(await standIn.deliver(endpoint, event, { secret: oldWebhookSecret })).toBe(200)
    expect(await standIn.deliver(endpoint, event, { secret: `whsec_foreign${randomBytes(8).toString("hex")}` })).toBe(
      400
    )

    const firstLogs = JSON.stringify(server.logs)
    await server.close()
    server = undefined

    // A restart with the key: the stored secret drives the stand-in again.
    const restartLogs: Array<unknown> = []
    const config = await Effect.runPromise(loadConfig({ ...env(secretsKey), DATABASE_URL: databaseUrl(), PORT: "0" }))
    const logger = collectingLogger((entry) => restartLogs.push({ msg: entry.message, ...entry.annotations }))
    const restarted = await openRuntime(config, telemetryLayer(config, { logger }))
    try {
      const again = await restarted.runPromise(
        Payments.use((payments) =>
          payments.createPayment({
            customerId: CustomerId.make(customer.id),
            amount: "7.25",
            gatewayId: GatewayId.make(gateway.id),
            cardToken: "tok_visa"
          })
        ).pipe(Effect.provide(CommandContext.system()))
      )
      expect(again.payment.state).toBe("posted")
      expect(authorizations().at(-1)).toBe(`Bearer ${standIn.secretKey}`)
      const summaries = await restarted.runPromise(
        Parties.use((parties) => parties.listGatewaySecrets()).pipe(Effect.provide(CommandContext.system()))
      )
      expect(summaries.map((summary) => summary.version)).toEqual([2])
    } finally {
      await restarted.dispose()
    }

    // Without the key, or with another key, the server refuses to start and says why.
    for (const key of [null, randomBytes(32).toString("hex")]) {
      const broken = await Effect.runPromise(loadConfig({ ...env(key), DATABASE_URL: databaseUrl(), PORT: "0" }))
      const failure = await openRuntime(broken, telemetryLayer(broken, { logger: collectingLogger(() => {}) })).then(
        async (runtime) => {
          await runtime.dispose()
          return null
        },
        (error: unknown) => (error instanceof Error ? error.message : String(error))
      )
      expect(failure).toMatch(
        key === null
          ? /stored sealed with key [0-9a-f]{16}, but PAYBRIDGE_SECRETS_KEY is not set/
          : /stripe-vault: its stored secrets cannot be opened: sealed with key [0-9a-f]{16}, but PAYBRIDGE_SECRETS_KEY is key/
      )
    }

    const files = await readdir(dir)
    const stored = (await Promise.all(files.map((file) => readFile(join(dir, file))))).map((bytes) =>
      bytes.toString("latin1")
    )
    const everything = [firstLogs, JSON.stringify(restartLogs), JSON.stringify(health), ...stored].join("\n")
    for (const secret of [oldSecretKey, standIn.secretKey, oldWebhookSecret, newWebhookSecret, secretsKey]) {
      expect(everything).not.toContain(secret)
    }
  }, 120_000)
})
