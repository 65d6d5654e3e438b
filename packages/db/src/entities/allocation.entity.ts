/** Persistence row of an allocation (part of a payment applied to a document, or reserved for it by a draft). */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

/** What `allocations.document_change` carries (amounts as decimal strings: JSON has no bigint). */
export interface DocumentChange {
  readonly version: number
  readonly allocated: string
  readonly outstanding: string
  readonly state: string
}

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
    createdAt: p.datetime(),
    /**
     * Set on insert by `allocations.insertAll` with documents: the document's new allocated, outstanding
     * and state and the version they were computed from (a trigger writes them and clears this: always
     * null once stored).
     */
    documentChange: p.json<DocumentChange>().nullable()
  }
})
export type AllocationRow = InferEntity<typeof AllocationEntity>
