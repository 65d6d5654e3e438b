/**
 * Persistence row of a gateway attempt: a charge or refund booked before its gateway is called.
 * `attempt_key` is unique (it is the gateway's idempotency key); pending attempts are found by
 * `(state, id)` for the reconciler (which skips those whose `next_try_at` is still ahead), a
 * payment's attempts by `payment_id`.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const GatewayAttemptEntity = defineEntity({
  name: "GatewayAttempt",
  tableName: "gateway_attempts",
  properties: {
    id: p.integer().primary().autoincrement(),
    attemptKey: p.string().length(128).unique(),
    kind: p.string().length(16),
    gatewayId: p.integer(),
    customerId: p.integer(),
    paymentId: p.integer().index(),
    currency: p.string().length(3),
    amount: p.bigint("bigint"),
    state: p.string().length(16),
    token: p.text().nullable(),
    chargeReference: p.text().nullable(),
    reason: p.text().nullable(),
    effectiveDate: p.date().nullable(),
    documentId: p.integer().nullable(),
    gatewayReference: p.text().nullable(),
    message: p.text().nullable(),
    reversalId: p.integer().nullable(),
    tries: p.integer(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    settledAt: p.datetime().nullable(),
    nextTryAt: p.datetime().nullable(),
    updatedAt: p.datetime()
  },
  indexes: [{ properties: ["state", "id"] }]
})
export type GatewayAttemptRow = InferEntity<typeof GatewayAttemptEntity>
