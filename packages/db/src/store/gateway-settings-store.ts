/**
 * `LedgerStore.gatewaySettings` on MikroORM: gateways' real-driver settings with their secrets
 * sealed by `secrets/secret-sealing.ts` under the server's secrets key. Saving without a key is
 * refused (`ValidationFailed`: the server cannot keep a secret safely); opening sealed secrets
 * without the key, or with another key, is `SecretsUnreadable` naming the key ids, never a
 * secret. Summaries (last four characters) are all the reads answer; only `loadDriverSettings`
 * opens secrets, for the server's gateway wiring.
 */
import {
  Conflict,
  type GatewayDriverSettings,
  type GatewaySecretSummary,
  type GatewaySettingsChange,
  type LedgerStoreShape,
  SecretsUnreadable,
  trustedId,
  validationFailed
} from "@paybridge/core"
import { Effect } from "effect"
import { GatewayEntity, type GatewayRow } from "../entities/gateway.entity.ts"
import { GatewaySettingEntity, type GatewaySettingRow } from "../entities/gateway-setting.entity.ts"
import { lastFour, SecretOpenError, type SecretSealer, sealedKeyId } from "../secrets/secret-sealing.ts"
import type { OrmSession } from "./orm-session.ts"

const summaryOf = (row: GatewaySettingRow): GatewaySecretSummary => ({
  gatewayId: trustedId(row.gatewayId),
  driver: row.driver as GatewaySecretSummary["driver"],
  secretSet: true,
  secretKeyLast4: row.secretKeyLast4,
  webhookSecretLast4: row.webhookSecretLast4,
  apiBase: row.apiBase ?? null,
  setAt: row.setAt,
  setBy: row.setBy,
  webhookRotatedAt: row.webhookRotatedAt ?? null,
  keyId: row.keyId,
  version: row.version
})

/** Where a sealed column's value belongs (the authenticated data of its seal). */
const boundTo = (gatewayId: number, column: "secret-key" | "webhook-secret" | "previous-webhook-secret") =>
  `gateway:${gatewayId}:${column}`

export const makeGatewaySettingsStore = (
  session: OrmSession,
  sealer: SecretSealer | null
): LedgerStoreShape["gatewaySettings"] => {
  const { findOne, findAll, use, write } = session

  const open = (row: GatewaySettingRow, gateway: GatewayRow | undefined): GatewayDriverSettings => {
    if (sealer === null) {
      throw new SecretsUnreadable({
        message: `gateway settings are stored sealed with key ${row.keyId}, but PAYBRIDGE_SECRETS_KEY is not set`
      })
    }
    try {
      return {
        gatewayId: trustedId(row.gatewayId),
        gatewayCode: gateway?.code ?? String(row.gatewayId),
        driver: row.driver as GatewayDriverSettings["driver"],
        secretKey: sealer.open(row.secretKeySealed, boundTo(row.gatewayId, "secret-key")),
        webhookSecret: sealer.open(row.webhookSecretSealed, boundTo(row.gatewayId, "webhook-secret")),
        previousWebhookSecret:
          row.previousWebhookSecretSealed == null
            ? null
            : sealer.open(row.previousWebhookSecretSealed, boundTo(row.gatewayId, "previous-webhook-secret")),
        webhookRotatedAt: row.webhookRotatedAt ?? null,
        apiBase: row.apiBase ?? null,
        version: row.version
      }
    } catch (error) {
      if (error instanceof SecretOpenError) {
        throw new SecretsUnreadable({
          message: `gateway ${gateway?.code ?? row.gatewayId}: its stored secrets cannot be opened: ${error.message}`
        })
      }
      throw error
    }
  }

  return {
    get: (gatewayId) => findOne("gatewaySettings.get", GatewaySettingEntity, { gatewayId }, summaryOf),

    list: () => findAll("gatewaySettings.list", GatewaySettingEntity, {}, summaryOf),

    save: (change: GatewaySettingsChange) =>
      Effect.gen(function* () {
        if (sealer === null) {
          return yield* validationFailed(
            ["secretKey"],
            "this server has no PAYBRIDGE_SECRETS_KEY, so it cannot store gateway secrets (configure the key, or the gateway through the environment)"
          )
        }
        const id = change.gatewayId
        const current: GatewaySettingRow | null = yield* use("gatewaySettings.save:read", (em) =>
          em.findOne(GatewaySettingEntity, { gatewayId: id })
        )
        if (current === null && (change.secretKey === null || change.webhookSecret === null)) {
          return yield* validationFailed(
            [change.secretKey === null ? "secretKey" : "webhookSecret"],
            "a gateway's first driver settings need both the secret key and the webhook secret"
          )
        }
        // Secrets kept from before are re-sealed under the current key (so a key rotation completes on the next save).
        const keep = (sealed: string, column: "secret-key" | "webhook-secret" | "previous-webhook-secret") =>
          sealedKeyId(sealed) === sealer.keyId
            ? sealed
            : sealer.seal(sealer.open(sealed, boundTo(id, column)), boundTo(id, column))
        const secretKeySealed =
          change.secretKey !== null
            ? sealer.seal(change.secretKey, boundTo(id, "secret-key"))
            : keep((current as GatewaySettingRow).secretKeySealed, "secret-key")
        const webhookReplaced = change.webhookSecret !== null && current !== null
        const webhookSecretSealed =
          change.webhookSecret !== null
            ? sealer.seal(change.webhookSecret, boundTo(id, "webhook-secret"))
            : keep((current as GatewaySettingRow).webhookSecretSealed, "webhook-secret")
        const previousWebhookSecretSealed =
          webhookReplaced && current !== null
            ? sealer.seal(
                sealer.open(current.webhookSecretSealed, boundTo(id, "webhook-secret")),
                boundTo(id, "previous-webhook-secret")
              )
            : current?.previousWebhookSecretSealed == null
              ? null
              : keep(current.previousWebhookSecretSealed, "previous-webhook-secret")
        const row = {
          gatewayId: id,
          driver: change.driver,
          keyId: sealer.keyId,
          secretKeySealed,
          webhookSecretSealed,
          previousWebhookSecretSealed,
          webhookRotatedAt: webhookReplaced ? change.setAt : (current?.webhookRotatedAt ?? null),
          secretKeyLast4: change.secretKey !== null ? lastFour(change.secretKey) : (current?.secretKeyLast4 ?? ""),
          webhookSecretLast4:
            change.webhookSecret !== null ? lastFour(change.webhookSecret) : (current?.webhookSecretLast4 ?? ""),
          apiBase: change.apiBase === undefined ? (current?.apiBase ?? null) : change.apiBase,
          setAt: change.setAt,
          setBy: change.setBy,
          version: (current?.version ?? 0) + 1
        }
        if (current === null) {
          const newId = yield* write("gatewaySettings.insert", (em) => em.insert(GatewaySettingEntity, row))
          return summaryOf({ ...row, id: Number(newId) } as GatewaySettingRow)
        }
        // Guarded by the version read: a concurrent save makes this one retry (the command retries once).
        const updated = yield* write("gatewaySettings.update", (em) =>
          em.nativeUpdate(GatewaySettingEntity, { id: current.id, version: current.version }, row)
        )
        if (updated !== 1) {
          return yield* new Conflict({
            reason: "concurrent-modification",
            message: "the gateway's settings changed meanwhile"
          })
        }
        return summaryOf({ ...row, id: current.id } as GatewaySettingRow)
      }).pipe(
        Effect.catchDefect((defect) =>
          defect instanceof SecretOpenError
            ? Effect.fail(
                validationFailed(
                  ["id"],
                  `the gateway's stored secrets cannot be opened with this server's key: ${defect.message}`
                )
              )
            : Effect.die(defect)
        )
      ),

    changeToken: () =>
      use("gatewaySettings.changeToken", async (em) => {
        const rows = (await em.execute(
          "select count(*) as settings, coalesce(sum(version), 0) as versions from gateway_settings"
        )) as ReadonlyArray<{ settings: number | string; versions: number | string }>
        return `${rows[0]?.settings ?? 0}:${rows[0]?.versions ?? 0}`
      }),

    loadDriverSettings: () =>
      Effect.flatMap(
        use("gatewaySettings.load", async (em) => {
          const rows: ReadonlyArray<GatewaySettingRow> = await em.find(
            GatewaySettingEntity,
            {},
            { orderBy: { id: "asc" } }
          )
          const gateways: ReadonlyArray<GatewayRow> =
            rows.length === 0 ? [] : await em.find(GatewayEntity, { id: { $in: rows.map((row) => row.gatewayId) } })
          return { rows, gateways }
        }),
        ({ rows, gateways }) =>
          Effect.try({
            try: () =>
              rows.map((row) =>
                open(
                  row,
                  gateways.find((gateway) => gateway.id === row.gatewayId)
                )
              ),
            catch: (error) =>
              error instanceof SecretsUnreadable
                ? error
                : new SecretsUnreadable({ message: "stored gateway secrets cannot be opened" })
          })
      )
  }
}
