/** AllocationRelease: persistence row ↔ domain record. */
import { type AllocationRelease, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { AllocationReleaseRow } from "../entities/allocation-release.entity.ts"
import { orNull } from "./external-ref.ts"

export const allocationReleaseFromRow = (row: AllocationReleaseRow): AllocationRelease => ({
  id: trustedId(row.id),
  movementKind: row.movementKind,
  movementId: row.movementId,
  paymentId: trustedId(row.paymentId),
  allocationId: trustedIdOrNull(row.allocationId),
  documentId: trustedIdOrNull(row.documentId),
  amount: row.amount,
  booked: row.booked,
  createdAt: row.createdAt,
  restoredAmount: orNull(row.restoredAmount),
  restoredAt: orNull(row.restoredAt)
})

export const allocationReleaseToRow = (record: Omit<AllocationRelease, "id">) => ({
  movementKind: record.movementKind,
  movementId: record.movementId,
  paymentId: record.paymentId,
  allocationId: record.allocationId,
  documentId: record.documentId,
  amount: record.amount,
  booked: record.booked,
  createdAt: record.createdAt,
  restoredAmount: record.restoredAmount,
  restoredAt: record.restoredAt
})
