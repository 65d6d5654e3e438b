/**
 * Persistence row of one gateway's real-driver settings (at most one per gateway). The secrets are
 * sealed (AES-256-GCM, `secrets/secret-sealing.ts`): the `*_sealed` columns hold only
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` envelopes, bound to their gateway and column, so no secret
 * is ever stored in clear; `key_id` names the key that sealed them (for a later key rotation), the
 * `*_last4` columns are what the API may show. `version` grows by one per change.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const GatewaySettingEntity = defineEntity({
  name: "GatewaySetting",
  tableName: "gateway_settings",
  properties: {
    id: p.integer().primary().autoincrement(),
    gatewayId: p.integer().unique(),
    driver: p.string().length(32),
    keyId: p.string().length(32),
    secretKeySealed: p.text(),
    webhookSecretSealed: p.text(),
    previousWebhookSecretSealed: p.text().nullable(),
    webhookRotatedAt: p.datetime().nullable(),
    secretKeyLast4: p.string().length(4),
    webhookSecretLast4: p.string().length(4),
    apiBase: p.text().nullable(),
    setAt: p.datetime(),
    setBy: p.text(),
    version: p.integer()
  }
})
export type GatewaySettingRow = InferEntity<typeof GatewaySettingEntity>
