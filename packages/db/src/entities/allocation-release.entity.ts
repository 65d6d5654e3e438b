/**
 * Persistence row of an allocation release: one part of what a movement (reversal, refund,
 * rejection, cancellation, deallocation) released from a payment, credit (`document_id` null) or
 * part of an allocation, and what reinstating or voiding the movement restored of it.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"
import { releaseMovementKinds } from "@paybridge/core"

export const AllocationReleaseEntity = defineEntity({
  name: "AllocationRelease",
  tableName: "allocation_releases",
  properties: {
    id: p.integer().primary().autoincrement(),
    movementKind: p.enum(releaseMovementKinds),
    movementId: p.integer(),
    paymentId: p.integer().index(),
    allocationId: p.integer().nullable(),
    documentId: p.integer().nullable(),
    amount: p.bigint("bigint"),
    booked: p.boolean(),
    createdAt: p.datetime(),
    restoredAmount: p.bigint("bigint").nullable(),
    restoredAt: p.datetime().nullable()
  },
  indexes: [{ properties: ["movementKind", "movementId"] }]
})
export type AllocationReleaseRow = InferEntity<typeof AllocationReleaseEntity>
