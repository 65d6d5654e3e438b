/** Persistence row of a collection attempt (direct debit or card) of a payment. */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"
import { collectionStates } from "@paybridge/core"

export const CollectionEntity = defineEntity({
  name: "Collection",
  tableName: "collections",
  properties: {
    id: p.integer().primary().autoincrement(),
    paymentId: p.integer().index(),
    method: p.enum(["direct-debit", "card"] as const),
    state: p.enum(collectionStates),
    gatewayReference: p.text().nullable(),
    failureReason: p.text().nullable(),
    requestedAt: p.datetime(),
    collectedAt: p.datetime().nullable(),
    cancelledAt: p.datetime().nullable(),
    failedAt: p.datetime().nullable()
  }
})
export type CollectionRow = InferEntity<typeof CollectionEntity>
