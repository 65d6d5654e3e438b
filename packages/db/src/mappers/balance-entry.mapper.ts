/** Balance entry: persistence row ↔ domain record. */
import { type BalanceEntry, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { BalanceEntryRow } from "../entities/balance-entry.entity.ts"
import { orNull } from "./external-ref.ts"

export const balanceEntryFromRow = (row: BalanceEntryRow): BalanceEntry => ({
  id: trustedId(row.id),
  customerId: trustedId(row.customerId),
  sequence: row.sequence,
  kind: row.kind,
  delta: row.delta,
  balanceAfter: row.balanceAfter,
  paymentId: trustedIdOrNull(row.paymentId),
  documentId: trustedIdOrNull(row.documentId),
  refundId: trustedIdOrNull(row.refundId),
  reversalId: trustedIdOrNull(row.reversalId),
  description: orNull(row.description),
  occurredAt: row.occurredAt
})

export const balanceEntryToRow = (record: Omit<BalanceEntry, "id">) => ({
  customerId: record.customerId,
  sequence: record.sequence,
  kind: record.kind,
  delta: record.delta,
  balanceAfter: record.balanceAfter,
  paymentId: record.paymentId,
  documentId: record.documentId,
  refundId: record.refundId,
  reversalId: record.reversalId,
  description: record.description,
  occurredAt: record.occurredAt
})
