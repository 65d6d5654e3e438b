/** Balance entry: persistence row ↔ domain record. */
import type { BalanceEntry } from "@paybridge/core"
import type { BalanceEntryRow } from "../entities/balance-entry.entity.ts"
import { orNull } from "./external-ref.ts"

export const balanceEntryFromRow = (row: BalanceEntryRow): BalanceEntry => ({
  id: row.id,
  customerId: row.customerId,
  sequence: row.sequence,
  kind: row.kind,
  delta: row.delta,
  balanceAfter: row.balanceAfter,
  paymentId: orNull(row.paymentId),
  documentId: orNull(row.documentId),
  refundId: orNull(row.refundId),
  reversalId: orNull(row.reversalId),
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
