/** Persistence row of a billing entity (the business that issues documents). */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const BillingEntityEntity = defineEntity({
  name: "BillingEntity",
  tableName: "billing_entities",
  properties: {
    id: p.integer().primary().autoincrement(),
    publicId: p.string().length(32).unique(),
    name: p.text(),
    email: p.text().nullable(),
    flow: p.enum(["proforma", "invoice"] as const),
    defaultCurrency: p.string().length(3),
    createdAt: p.datetime()
  }
})
export type BillingEntityRow = InferEntity<typeof BillingEntityEntity>
