/** Refund: persistence row ↔ domain record. */
import { type CurrencyCode, type Refund, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { RefundRow } from "../entities/refund.entity.ts"
import { orNull } from "./external-ref.ts"

export const refundFromRow = (row: RefundRow): Refund => ({
  id: trustedId(row.id),
  publicId: row.publicId,
  paymentId: trustedIdOrNull(row.paymentId),
  customerId: trustedId(row.customerId),
  documentId: trustedIdOrNull(row.documentId),
  currency: row.currency as CurrencyCode,
  amount: row.amount,
  state: row.state,
  reason: orNull(row.reason),
  gatewayReference: orNull(row.gatewayReference),
  createdAt: row.createdAt,
  submittedAt: orNull(row.submittedAt),
  settledAt: orNull(row.settledAt),
  cancelledAt: orNull(row.cancelledAt),
  failedAt: orNull(row.failedAt)
})

export const refundToRow = (record: Omit<Refund, "id">) => ({
  publicId: record.publicId,
  paymentId: record.paymentId,
  customerId: record.customerId,
  documentId: record.documentId,
  currency: record.currency,
  amount: record.amount,
  state: record.state,
  reason: record.reason,
  gatewayReference: record.gatewayReference,
  createdAt: record.createdAt,
  submittedAt: record.submittedAt,
  settledAt: record.settledAt,
  cancelledAt: record.cancelledAt,
  failedAt: record.failedAt
})
