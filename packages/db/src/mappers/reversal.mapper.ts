/** Reversal: persistence row ↔ domain record. */
import { type Reversal, trustedId } from "@paybridge/core"
import type { ReversalRow } from "../entities/reversal.entity.ts"
import { orNull } from "./external-ref.ts"

export const reversalFromRow = (row: ReversalRow): Reversal => ({
  id: trustedId(row.id),
  paymentId: trustedId(row.paymentId),
  amount: row.amount,
  effectiveDate: row.effectiveDate,
  reversedAt: row.reversedAt,
  reason: orNull(row.reason),
  reinstatedAt: orNull(row.reinstatedAt)
})

export const reversalToRow = (record: Omit<Reversal, "id">) => ({
  paymentId: record.paymentId,
  amount: record.amount,
  effectiveDate: record.effectiveDate,
  reversedAt: record.reversedAt,
  reason: record.reason,
  reinstatedAt: record.reinstatedAt
})
