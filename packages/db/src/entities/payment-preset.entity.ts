/** Persistence row of a payment preset (a payment method or a payment type), unique by (kind, code). */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const PaymentPresetEntity = defineEntity({
  name: "PaymentPreset",
  tableName: "payment_presets",
  properties: {
    id: p.integer().primary().autoincrement(),
    publicId: p.string().length(32).unique(),
    kind: p.enum(["method", "type"] as const),
    code: p.string().length(64),
    name: p.text(),
    available: p.boolean(),
    gatewayId: p.integer().nullable(),
    createdAt: p.datetime()
  },
  uniques: [{ properties: ["kind", "code"] }]
})
export type PaymentPresetRow = InferEntity<typeof PaymentPresetEntity>
