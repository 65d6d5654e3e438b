/** Persistence row of one movement of a customer's running balance; (customer_id, sequence) is unique. */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"
import { BalanceEntryKind } from "@paybridge/core"

export const BalanceEntryEntity = defineEntity({
  name: "BalanceEntry",
  tableName: "balance_entries",
  properties: {
    id: p.integer().primary().autoincrement(),
    customerId: p.integer(),
    sequence: p.integer(),
    kind: p.enum(BalanceEntryKind.literals),
    delta: p.bigint("bigint"),
    balanceAfter: p.bigint("bigint"),
    paymentId: p.integer().nullable(),
    documentId: p.integer().nullable(),
    refundId: p.integer().nullable(),
    reversalId: p.integer().nullable(),
    description: p.text().nullable(),
    occurredAt: p.datetime(),
    /**
     * Set on insert by `balance.move`: the customer's version the entry was computed from (a trigger moves
     * the customer's balance under it and clears this: always null once stored).
     */
    customerVersion: p.integer().nullable()
  },
  uniques: [{ properties: ["customerId", "sequence"] }]
})
export type BalanceEntryRow = InferEntity<typeof BalanceEntryEntity>
