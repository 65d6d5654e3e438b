/** Persistence row of a configured payment gateway. */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const GatewayEntity = defineEntity({
  name: "Gateway",
  tableName: "gateways",
  properties: {
    id: p.integer().primary().autoincrement(),
    publicId: p.string().length(32).unique(),
    code: p.string().length(64).unique(),
    name: p.text(),
    driver: p.enum(["test"] as const),
    enabled: p.boolean(),
    createdAt: p.datetime()
  }
})
export type GatewayRow = InferEntity<typeof GatewayEntity>
