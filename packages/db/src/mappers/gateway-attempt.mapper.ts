/** Gateway attempt: persistence row ↔ domain record (kind, state and currency are checked on the way in). */
import {
  type GatewayAttempt,
  GatewayAttemptKind,
  GatewayAttemptState,
  trustedId,
  trustedIdOrNull
} from "@paybridge/core"
import type { CurrencyCode } from "@paybridge/core/money"
import { Schema } from "effect"
import type { GatewayAttemptRow } from "../entities/gateway-attempt.entity.ts"
import { orNull } from "./external-ref.ts"

const kindOf = Schema.decodeUnknownSync(GatewayAttemptKind)
const stateOf = Schema.decodeUnknownSync(GatewayAttemptState)

export const gatewayAttemptFromRow = (row: GatewayAttemptRow): GatewayAttempt => ({
  id: trustedId(row.id),
  attemptKey: row.attemptKey,
  kind: kindOf(row.kind),
  gatewayId: trustedId(row.gatewayId),
  customerId: trustedId(row.customerId),
  paymentId: trustedId(row.paymentId),
  currency: row.currency as CurrencyCode,
  amount: row.amount,
  state: stateOf(row.state),
  token: orNull(row.token),
  chargeReference: orNull(row.chargeReference),
  reason: orNull(row.reason),
  effectiveDate: orNull(row.effectiveDate),
  documentId: trustedIdOrNull(row.documentId),
  gatewayReference: orNull(row.gatewayReference),
  message: orNull(row.message),
  reversalId: trustedIdOrNull(row.reversalId),
  tries: row.tries,
  createdAt: row.createdAt,
  sentAt: orNull(row.sentAt),
  settledAt: orNull(row.settledAt),
  nextTryAt: orNull(row.nextTryAt),
  updatedAt: row.updatedAt
})

export const gatewayAttemptToRow = (record: Omit<GatewayAttempt, "id">) => ({
  attemptKey: record.attemptKey,
  kind: record.kind,
  gatewayId: record.gatewayId,
  customerId: record.customerId,
  paymentId: record.paymentId,
  currency: record.currency,
  amount: record.amount,
  state: record.state,
  token: record.token,
  chargeReference: record.chargeReference,
  reason: record.reason,
  effectiveDate: record.effectiveDate,
  documentId: record.documentId,
  gatewayReference: record.gatewayReference,
  message: record.message,
  reversalId: record.reversalId,
  tries: record.tries,
  createdAt: record.createdAt,
  sentAt: record.sentAt,
  settledAt: record.settledAt,
  nextTryAt: record.nextTryAt,
  updatedAt: record.updatedAt
})
