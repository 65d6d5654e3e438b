/** Allocation: persistence row ↔ domain record. */
import { type Allocation, trustedId } from "@paybridge/core"
import type { AllocationRow } from "../entities/allocation.entity.ts"

export const allocationFromRow = (row: AllocationRow): Allocation => ({
  id: trustedId(row.id),
  paymentId: trustedId(row.paymentId),
  documentId: trustedId(row.documentId),
  amount: row.amount,
  booked: row.booked,
  createdAt: row.createdAt
})

export const allocationToRow = (record: Omit<Allocation, "id">) => ({
  paymentId: record.paymentId,
  documentId: record.documentId,
  amount: record.amount,
  booked: record.booked,
  createdAt: record.createdAt
})
