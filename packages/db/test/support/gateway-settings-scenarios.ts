/**
 * The stored gateway settings, one scenario set run on a real database (SQLite file, PostgreSQL):
 * secrets sealed with the server's key open again with it (round trip), a rotation keeps the
 * previous webhook secret, the event log and answers hold no secret, the raw database holds no
 * secret anywhere (`dumpDatabase`: every byte of the SQLite file, every row of PostgreSQL's
 * tables), and a server without the key, or with another key, cannot open them and says so. A key
 * rotation: with the old key as a previous key the secrets open, and a save re-seals them all
 * under the new key, after which the old key is no longer needed.
 */
import { randomBytes } from "node:crypto"
import {
  Balances,
  LedgerStore,
  ledgerLayer,
  Parties,
  PaymentGateways,
  SecretsUnreadable,
  ValidationFailed
} from "@paybridge/core"
import { Effect, Exit, Layer, ManagedRuntime, Redacted } from "effect"
import { beforeEach, expect, it } from "vitest"
import { Database, openDatabase, secretsKeyId } from "../../src/index.ts"
import { asAdmin, asFinance } from "../ledger/ledger-fixtures.ts"

export interface SettingsLocation {
  readonly url: string
  /** Every byte the database keeps, as text (file + WAL on SQLite; every table's rows on PostgreSQL). */
  readonly dumpDatabase: () => Promise<string>
}

const open = (url: string, secretsKey: Buffer | null, previousSecretsKeys: ReadonlyArray<Buffer> = []) =>
  ManagedRuntime.make(
    ledgerLayer.pipe(
      Layer.provideMerge(openDatabase({ url, secretsKey, previousSecretsKeys })),
      Layer.provideMerge(PaymentGateways.layerTest),
      Layer.orDie
    )
  )

const secretOf = (prefix: string) => `${prefix}_${randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`

export const describeGatewaySettings = (location: () => SettingsLocation) => {
  // Each scenario seals with keys of its own: it starts without stored settings from the others.
  beforeEach(async () => {
    const runtime = open(location().url, null)
    try {
      await runtime.runPromise(
        Effect.flatMap(Effect.service(Database), (database) =>
          Effect.promise(() => database.orm.em.getConnection().execute("delete from gateway_settings"))
        )
      )
    } finally {
      await runtime.dispose()
    }
  })

  it("seals on create and rotation, opens with the key, keeps the previous webhook secret, and stores no secret in clear", async () => {
    const key = randomBytes(32)
    const secretKey = secretOf("sk_test")
    const webhookSecret = secretOf("whsec")
    const rotatedKey = secretOf("sk_test")
    const rotatedWebhook = secretOf("whsec")
    const runtime = open(location().url, key)
    try {
      const result = await runtime.runPromise(
        Effect.gen(function* () {
          const parties = yield* Parties
          const gateway = yield* asAdmin(
            parties.createGateway({
              code: `stripe-${randomBytes(3).toString("hex")}`,
              name: "Stripe UK",
              settings: { driver: "stripe", secretKey, webhookSecret, apiBase: "http://127.0.0.1:9" }
            })
          )
          const created = yield* asAdmin(parties.listGatewaySecrets())
          const rotated = yield* asAdmin(
            parties.rotateGatewaySecret({ id: gateway.id, secretKey: rotatedKey, webhookSecret: rotatedWebhook })
          )
          const financeRefused = yield* Effect.exit(
            asFinance(parties.rotateGatewaySecret({ id: gateway.id, secretKey: secretOf("sk_test") }))
          )
          const store = yield* LedgerStore
          const loaded = yield* store.gatewaySettings.loadDriverSettings()
          const events = yield* asAdmin(
            Effect.flatMap(Balances, (balances) =>
              balances.listEvents({ types: ["gateway.created", "gateway.secret-rotated"] })
            )
          )
          return { gateway, created, rotated, financeRefused, loaded, events }
        })
      )
      const created = result.created.find((summary) => summary.gatewayId === result.gateway.id)
      expect(created).toMatchObject({
        driver: "stripe",
        secretSet: true,
        secretKeyLast4: secretKey.slice(-4),
        webhookSecretLast4: webhookSecret.slice(-4),
        apiBase: "http://127.0.0.1:9",
        webhookRotatedAt: null,
        version: 1
      })
      expect(result.rotated).toMatchObject({ secretKeyLast4: rotatedKey.slice(-4), version: 2 })
      expect(result.rotated.webhookRotatedAt).toBeInstanceOf(Date)
      expect(Exit.isFailure(result.financeRefused)).toBe(true)
      const loaded = result.loaded.find((settings) => settings.gatewayId === result.gateway.id)
      expect(loaded?.gatewayCode).toBe(result.gateway.code)
      expect(loaded === undefined ? null : Redacted.value(loaded.secretKey)).toBe(rotatedKey)
      expect(loaded === undefined ? null : Redacted.value(loaded.webhookSecret)).toBe(rotatedWebhook)
      expect(loaded?.previousWebhookSecret == null ? null : Redacted.value(loaded.previousWebhookSecret)).toBe(
        webhookSecret
      )
      const types = result.events.items
        .filter((event) => event.entityId === result.gateway.id)
        .map((event) => event.type)
      expect(types).toEqual(expect.arrayContaining(["gateway.created", "gateway.secret-rotated"]))
      const answers = JSON.stringify([result.created, result.rotated, result.events.items])
      const dump = await location().dumpDatabase()
      for (const secret of [secretKey, webhookSecret, rotatedKey, rotatedWebhook]) {
        expect(answers).not.toContain(secret)
        expect(dump).not.toContain(secret)
        expect(dump).not.toContain(secret.slice(8))
      }
      expect(dump).toContain(result.gateway.code)
    } finally {
      await runtime.dispose()
    }

    // The same database opened without the key, and with another key: nothing opens, saving is refused.
    for (const other of [null, randomBytes(32)]) {
      const without = open(location().url, other)
      try {
        const outcome = await without.runPromise(
          Effect.gen(function* () {
            const store = yield* LedgerStore
            const load = yield* Effect.flip(store.gatewaySettings.loadDriverSettings())
            const summaries = yield* asAdmin(Effect.flatMap(Parties, (parties) => parties.listGatewaySecrets()))
            const gatewayId = summaries[0]?.gatewayId
            if (gatewayId === undefined) throw new Error("no stored settings")
            const save = yield* Effect.flip(
              asAdmin(
                Effect.flatMap(Parties, (parties) =>
                  parties.rotateGatewaySecret({ id: gatewayId, secretKey: secretOf("sk_test") })
                )
              )
            )
            return { load, save, summaries }
          })
        )
        expect(outcome.load).toBeInstanceOf(SecretsUnreadable)
        expect(outcome.load.message).toMatch(
          other === null
            ? /PAYBRIDGE_SECRETS_KEY is not set/
            : /sealed with key [0-9a-f]{16}, but PAYBRIDGE_SECRETS_KEY is key [0-9a-f]{16}/
        )
        expect(outcome.save).toBeInstanceOf(ValidationFailed)
        expect(outcome.summaries[0]?.secretKeyLast4).toBe(rotatedKey.slice(-4))
        for (const secret of [secretKey, webhookSecret, rotatedKey, rotatedWebhook]) {
          expect(outcome.load.message).not.toContain(secret)
        }
      } finally {
        await without.dispose()
      }
    }
  })

  it("refuses a first save without both secrets, and storing at all without a key", async () => {
    const withKey = open(location().url, randomBytes(32))
    try {
      const refused = await withKey.runPromise(
        Effect.gen(function* () {
          const parties = yield* Parties
          const gateway = yield* asAdmin(
            parties.createGateway({ code: `bare-${randomBytes(3).toString("hex")}`, name: "Bare" })
          )
          return yield* Effect.flip(
            asAdmin(parties.rotateGatewaySecret({ id: gateway.id, driver: "stripe", secretKey: secretOf("sk_test") }))
          )
        })
      )
      expect(refused).toBeInstanceOf(ValidationFailed)
      expect(refused.message).toMatch(/both the secret key and the webhook secret/)
    } finally {
      await withKey.dispose()
    }
    const keyless = open(location().url, null)
    try {
      const refused = await keyless.runPromise(
        Effect.flip(
          asAdmin(
            Effect.flatMap(Parties, (parties) =>
              parties.createGateway({
                code: `keyless-${randomBytes(3).toString("hex")}`,
                name: "Keyless",
                settings: { driver: "stripe", secretKey: secretOf("sk_test"), webhookSecret: secretOf("whsec") }
              })
            )
          )
        )
      )
      expect(refused).toBeInstanceOf(ValidationFailed)
      expect(refused.message).toMatch(/PAYBRIDGE_SECRETS_KEY/)
    } finally {
      await keyless.dispose()
    }
  })

  it("rotates the secrets key: the previous key still opens, a save re-seals everything under the new one", async () => {
    const oldKey = randomBytes(32)
    const newKey = randomBytes(32)
    const secretKey = secretOf("sk_test")
    const webhookSecret = secretOf("whsec")
    const rotatedWebhook = secretOf("whsec")
    const code = `rekey-${randomBytes(3).toString("hex")}`
    const loadedFor = (runtime: ReturnType<typeof open>) =>
      runtime.runPromise(
        Effect.gen(function* () {
          const store = yield* LedgerStore
          const loaded = yield* store.gatewaySettings.loadDriverSettings()
          return loaded.find((settings) => settings.gatewayCode === code)
        })
      )
    const first = open(location().url, oldKey)
    try {
      await first.runPromise(
        Effect.gen(function* () {
          const parties = yield* Parties
          const gateway = yield* asAdmin(
            parties.createGateway({ code, name: "Re-key", settings: { driver: "stripe", secretKey, webhookSecret } })
          )
          yield* asAdmin(parties.rotateGatewaySecret({ id: gateway.id, webhookSecret: rotatedWebhook }))
        })
      )
    } finally {
      await first.dispose()
    }
    const both = open(location().url, newKey, [oldKey])
    try {
      const before = await loadedFor(both)
      expect(before === undefined ? null : Redacted.value(before.secretKey)).toBe(secretKey)
      const summary = await both.runPromise(
        asAdmin(
          Effect.flatMap(Parties, (parties) =>
            Effect.flatMap(parties.listGatewaySecrets(), (all) => {
              const mine = all.find((each) => each.gatewayId === before?.gatewayId)
              if (mine === undefined) return Effect.die(new Error("no settings"))
              return parties.rotateGatewaySecret({ id: mine.gatewayId, apiBase: "http://127.0.0.1:9" })
            })
          )
        )
      )
      expect(summary.keyId).toBe(secretsKeyId(newKey))
    } finally {
      await both.dispose()
    }
    const onlyNew = open(location().url, newKey)
    try {
      const after = await loadedFor(onlyNew)
      expect(after === undefined ? null : Redacted.value(after.secretKey)).toBe(secretKey)
      expect(after === undefined ? null : Redacted.value(after.webhookSecret)).toBe(rotatedWebhook)
      expect(after?.previousWebhookSecret == null ? null : Redacted.value(after.previousWebhookSecret)).toBe(
        webhookSecret
      )
    } finally {
      await onlyNew.dispose()
    }
  })
}
