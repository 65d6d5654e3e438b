/**
 * Persistence row of a named cluster-wide lease (e.g. the gateway reconciler's): who holds it and
 * until when. Taken by a conditional update (free, expired or already the holder's) or an insert
 * that ignores a concurrent one, so at most one process holds a lease at a time.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const LeaseEntity = defineEntity({
  name: "Lease",
  tableName: "leases",
  properties: {
    name: p.string().length(64).primary(),
    holder: p.string().length(128),
    expiresAt: p.datetime()
  }
})
export type LeaseRow = InferEntity<typeof LeaseEntity>
