/** Configuration: defaults for a plain start, and a clear message naming the variable for each bad value. */
import { Duration, Effect, Redacted } from "effect"
import { describe, expect, test } from "vitest"
import { loadConfig, repoRoot } from "../src/config.ts"

const load = (env: Record<string, string>) => Effect.runPromise(Effect.result(loadConfig(env)))

describe("loadConfig", () => {
  test("defaults: 127.0.0.1:3000, SQLite in ./data at the repo root, info logs", async () => {
    const result = await load({})
    if (result._tag === "Failure") throw new Error(result.failure.message)
    const config = result.success
    expect(config).toMatchObject({ port: 3000, host: "127.0.0.1", logLevel: "info", publicUrl: null })
    expect(Redacted.value(config.databaseUrl)).toBe(`sqlite:${repoRoot}data/paybridge.db`)
    expect(Duration.toMillis(config.shutdownTimeout)).toBe(10_000)
    expect(String(config.databaseUrl)).not.toContain("paybridge.db")
  })

  test("reads every variable", async () => {
    const result = await load({
      PORT: "8080",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgresql://paybridge:secret@db:5432/paybridge",
      LOG_LEVEL: "debug",
      PUBLIC_URL: "https://pay.example.com/",
      DIALECT_BASE_PATHS: "crm-com=/crm/backoffice/v2, silver=/silver",
      SHUTDOWN_TIMEOUT: "3 seconds"
    })
    if (result._tag === "Failure") throw new Error(result.failure.message)
    expect(result.success).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      logLevel: "debug",
      publicUrl: "https://pay.example.com",
      dialectBasePaths: { "crm-com": "/crm/backoffice/v2", silver: "/silver" }
    })
    expect(Redacted.value(result.success.databaseUrl)).toBe("postgresql://paybridge:secret@db:5432/paybridge")
  })

  test("reads the secrets key as hex or base64url, and the previous keys of a rotation", async () => {
    const hex = "0f".repeat(32)
    const base64url = Buffer.alloc(32, 7).toString("base64url")
    const result = await load({ PAYBRIDGE_SECRETS_KEY: hex, PAYBRIDGE_SECRETS_KEY_PREVIOUS: ` ${base64url} ` })
    if (result._tag === "Failure") throw new Error(result.failure.message)
    const { secretsKey, previousSecretsKeys } = result.success.gateways
    expect(secretsKey === null ? null : Redacted.value(secretsKey)).toEqual(Buffer.from(hex, "hex"))
    expect(previousSecretsKeys.map((key) => Redacted.value(key))).toEqual([Buffer.alloc(32, 7)])
    expect(String(secretsKey)).not.toContain(hex)
    const none = await load({})
    expect(none._tag === "Success" ? none.success.gateways.secretsKey : "failed").toBeNull()
  })

  test.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ PUBLIC_URL: "not a url" }, "PUBLIC_URL"],
    [{ DATABASE_URL: "mysql://db/paybridge" }, "DATABASE_URL"],
    [{ DIALECT_BASE_PATHS: "silver" }, "DIALECT_BASE_PATHS"],
    [{ DIALECT_BASE_PATHS: "silver=/trpc/silver" }, "DIALECT_BASE_PATHS"],
    [{ PAYBRIDGE_SECRETS_KEY: "too-short" }, "PAYBRIDGE_SECRETS_KEY"],
    [{ PAYBRIDGE_SECRETS_KEY: "ab".repeat(31) }, "PAYBRIDGE_SECRETS_KEY"],
    [{ PAYBRIDGE_SECRETS_KEY_PREVIOUS: "cd".repeat(32) }, "PAYBRIDGE_SECRETS_KEY_PREVIOUS"],
    [
      { PAYBRIDGE_SECRETS_KEY: "ab".repeat(32), PAYBRIDGE_SECRETS_KEY_PREVIOUS: "nope" },
      "PAYBRIDGE_SECRETS_KEY_PREVIOUS"
    ],
    [{ GATEWAY_SETTINGS_REFRESH: "1 millis" }, "GATEWAY_SETTINGS_REFRESH"]
  ])("rejects %o with a message naming %s", async (env, variable) => {
    const result = await load(env)
    expect(result._tag).toBe("Failure")
    if (result._tag === "Failure") expect(result.failure.message).toContain(variable)
  })
})
