/** Persistence row of an allocation (part of a payment applied to a document, or reserved for it by a draft). */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const AllocationEntity = defineEntity({
  name: "Allocation",
  tableName: "allocations",
  properties: {
    id: p.integer().primary().autoincrement(),
    paymentId: p.integer().index(),
    documentId: p.integer().index(),
    amount: p.bigint("bigint"),
    /** false: a reservation of a payment not posted yet (the document does not count it). */
    booked: p.boolean().default(true),
    createdAt: p.datetime()
  }
})
export type AllocationRow = InferEntity<typeof AllocationEntity>
