/**
 * Secrets stay secret: the secret key and webhook secret are `Redacted` in the configuration, and
 * no error the driver returns — a rejected key, a decline, a bad webhook, an invalid configuration —
 * carries them (or Stripe's masked echo of the key), however it is printed; nothing is logged.
 */
import { inspect } from "node:util"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { stripeConfigFromEnv, validateStripeConfig } from "../src/stripe-config.ts"
import { StripeDriver } from "../src/stripe-driver.ts"
import { cardCharge, configFor, driverFor, run, runFailure, useStandIn } from "./support/driver-fixture.ts"

const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value) ?? "",
  inspect(value, { depth: 10 }),
  value instanceof Error ? `${value.message}\n${value.stack ?? ""}` : ""
]

const expectNoSecret = (value: unknown, secrets: ReadonlyArray<string>) => {
  for (const text of renderings(value)) {
    for (const secret of secrets) {
      expect(text).not.toContain(secret)
      expect(text).not.toContain(secret.slice(-4))
    }
  }
}

describe("secrets in errors", () => {
  const t = useStandIn()
  const consoleCalls: Array<unknown> = []
  beforeEach(() => {
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: Array<unknown>) => void consoleCalls.push(args))
    }
  })
  afterEach(() => {
    vi.restoreAllMocks()
    consoleCalls.length = 0
  })

  it("a rejected secret key: GatewayUnreachable without the key, though Stripe echoed part of it", async () => {
    const wrongKey = "sk_test_wrongKeyZq81aB7xYz9QwErTy"
    const driver = await driverFor(t.standIn, { secretKey: Redacted.make(wrongKey) })
    const error = await runFailure(driver.charge(cardCharge()))
    expect(error).toMatchObject({ _tag: "GatewayUnreachable", reason: "authentication" })
    expect(error.message).toMatch(/rejected the gateway's API key/)
    expectNoSecret(error, [wrongKey, t.standIn.webhookSecret])
    expect(consoleCalls).toEqual([])
  })

  it("a lookup with a rejected key fails the same way", async () => {
    const wrongKey = "sk_test_anotherWrongKey55Lm"
    const driver = await driverFor(t.standIn, { secretKey: Redacted.make(wrongKey) })
    const error = await runFailure(driver.lookup({ attemptKey: "a", kind: "charge" }))
    expect(error.reason).toBe("authentication")
    expectNoSecret(error, [wrongKey])
  })

  it("a decline message that quotes a key is scrubbed", async () => {
    t.standIn.script("POST /v1/payment_intents", {
      kind: "decline",
      message: `Declined for ${t.standIn.secretKey} and whsec_abc123`
    })
    const outcome = await run(t.driver.charge(cardCharge()))
    expect(outcome).toMatchObject({ status: "declined", message: "Declined for [redacted] and [redacted]" })
  })

  it("an unknown outcome and a webhook failure carry no secret", async () => {
    t.standIn.script("POST /v1/payment_intents", { kind: "server-error" })
    expectNoSecret(await run(t.driver.charge(cardCharge())), [t.standIn.secretKey, t.standIn.webhookSecret])
    const payload = '{"id":"evt_1"}'
    const error = await runFailure(
      t.driver.verifyWebhook(payload, t.standIn.sign(payload, 1, "whsec_other"), new Date())
    )
    expectNoSecret(error, [t.standIn.secretKey, t.standIn.webhookSecret])
  })

  it("the configuration and the driver print their secrets redacted", async () => {
    const config = configFor(t.standIn)
    expectNoSecret(config, [t.standIn.secretKey, t.standIn.webhookSecret])
    expect(String(config.secretKey)).toBe("<redacted>")
    expectNoSecret(t.driver, [t.standIn.secretKey, t.standIn.webhookSecret])
  })
})

describe("configuration", () => {
  const t = useStandIn()
  const env = (values: Record<string, string>) => ConfigProvider.fromEnv({ env: values })

  it("builds the StripeDriver service from the environment", async () => {
    const layer = StripeDriver.layerFromEnv("stripe-uk", "PAYBRIDGE_STRIPE_UK").pipe(
      Layer.provide(
        ConfigProvider.layer(
          env({
            PAYBRIDGE_STRIPE_UK_SECRET_KEY: t.standIn.secretKey,
            PAYBRIDGE_STRIPE_UK_WEBHOOK_SECRET: t.standIn.webhookSecret,
            PAYBRIDGE_STRIPE_UK_API_BASE: t.standIn.url.origin
          })
        )
      )
    )
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const driver = yield* StripeDriver
        return yield* driver.charge(cardCharge())
      }).pipe(Effect.provide(layer))
    )
    expect(outcome.status).toBe("approved")
  })

  it("reads a gateway from the environment with its secrets redacted and retries off", async () => {
    const config = await Effect.runPromise(
      stripeConfigFromEnv("stripe-uk", "PAYBRIDGE_STRIPE_UK").parse(
        env({
          PAYBRIDGE_STRIPE_UK_SECRET_KEY: "sk_live_abcdefghijklmnop",
          PAYBRIDGE_STRIPE_UK_WEBHOOK_SECRET: "whsec_abcdefghijklmnop",
          PAYBRIDGE_STRIPE_UK_API_BASE: "http://127.0.0.1:12111"
        })
      )
    )
    expect(config).toMatchObject({ gateway: "stripe-uk", timeoutMs: 20_000, maxNetworkRetries: 0 })
    expect(config.apiBase?.href).toBe("http://127.0.0.1:12111/")
    expect(Redacted.value(config.secretKey)).toBe("sk_live_abcdefghijklmnop")
    expectNoSecret(config, ["sk_live_abcdefghijklmnop", "whsec_abcdefghijklmnop"])
  })

  it("rejects a malformed key, secret or API base without quoting the value", async () => {
    const base = {
      gateway: "stripe-uk",
      secretKey: Redacted.make("sk_test_abcdefgh"),
      webhookSecret: Redacted.make("whsec_abcdefgh"),
      timeoutMs: 1000,
      maxNetworkRetries: 0
    } as const
    const problems = await Promise.all(
      [
        { ...base, secretKey: Redacted.make("pk_test_publishable99") },
        { ...base, webhookSecret: Redacted.make("not-a-signing-secret99") },
        { ...base, apiBase: new URL("http://127.0.0.1:1/v1") },
        { ...base, timeoutMs: 0 }
      ].map((config) => Effect.runPromise(Effect.flip(validateStripeConfig(config))))
    )
    expect(problems.map((problem) => problem.message)).toEqual([
      "stripe-uk: the secret key must be a Stripe secret or restricted key (sk_… or rk_…)",
      "stripe-uk: the webhook secret must be a Stripe endpoint signing secret (whsec_…)",
      "stripe-uk: the API base must be scheme, host and port only (Stripe's paths start at /v1)",
      "stripe-uk: the timeout must be a positive number of milliseconds"
    ])
  })
})
