/** Persistence row of a refund of a payment; the amount is bigint minor units. */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"
import { refundStates } from "@paybridge/core"

export const RefundEntity = defineEntity({
  name: "Refund",
  tableName: "refunds",
  properties: {
    id: p.integer().primary().autoincrement(),
    publicId: p.string().length(32).unique(),
    /** Null for a refund of balance credit no payment holds. */
    paymentId: p.integer().nullable().index(),
    customerId: p.integer(),
    documentId: p.integer().nullable(),
    currency: p.string().length(3),
    amount: p.bigint("bigint"),
    state: p.enum(refundStates),
    reason: p.text().nullable(),
    gatewayReference: p.text().nullable(),
    createdAt: p.datetime(),
    submittedAt: p.datetime().nullable(),
    settledAt: p.datetime().nullable(),
    cancelledAt: p.datetime().nullable(),
    failedAt: p.datetime().nullable()
  },
  indexes: [{ properties: ["customerId", "id"] }, { properties: ["state"] }]
})
export type RefundRow = InferEntity<typeof RefundEntity>
