/** Allocation: persistence row ↔ domain record. */
import type { Allocation } from "@paybridge/core"
import type { AllocationRow } from "../entities/allocation.entity.ts"

export const allocationFromRow = (row: AllocationRow): Allocation => ({
  id: row.id,
  paymentId: row.paymentId,
  documentId: row.documentId,
  amount: row.amount,
  createdAt: row.createdAt
})

export const allocationToRow = (record: Omit<Allocation, "id">) => ({
  paymentId: record.paymentId,
  documentId: record.documentId,
  amount: record.amount,
  createdAt: record.createdAt
})
