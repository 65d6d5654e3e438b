/** Collection: persistence row ↔ domain record. */
import { type Collection, trustedId } from "@paybridge/core"
import type { CollectionRow } from "../entities/collection.entity.ts"
import { orNull } from "./external-ref.ts"

export const collectionFromRow = (row: CollectionRow): Collection => ({
  id: trustedId(row.id),
  paymentId: trustedId(row.paymentId),
  method: row.method,
  state: row.state,
  gatewayReference: orNull(row.gatewayReference),
  failureReason: orNull(row.failureReason),
  requestedAt: row.requestedAt,
  collectedAt: orNull(row.collectedAt),
  cancelledAt: orNull(row.cancelledAt),
  failedAt: orNull(row.failedAt)
})

export const collectionToRow = (record: Omit<Collection, "id">) => ({
  paymentId: record.paymentId,
  method: record.method,
  state: record.state,
  gatewayReference: record.gatewayReference,
  failureReason: record.failureReason,
  requestedAt: record.requestedAt,
  collectedAt: record.collectedAt,
  cancelledAt: record.cancelledAt,
  failedAt: record.failedAt
})
