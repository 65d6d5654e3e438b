/** Persistence row of a (possibly partial, possibly reinstated) payment reversal. */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const ReversalEntity = defineEntity({
  name: "Reversal",
  tableName: "reversals",
  properties: {
    id: p.integer().primary().autoincrement(),
    paymentId: p.integer().index(),
    amount: p.bigint("bigint"),
    effectiveDate: p.date(),
    reversedAt: p.datetime(),
    reason: p.text().nullable(),
    reinstatedAt: p.datetime().nullable()
  }
})
export type ReversalRow = InferEntity<typeof ReversalEntity>
