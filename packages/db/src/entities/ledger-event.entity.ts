/**
 * Persistence row of the append-only event log. `type` is a plain string column (the set of event
 * types grows without a migration); indexes serve "events of these types since", a payment's
 * history and a customer's history.
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const LedgerEventEntity = defineEntity({
  name: "LedgerEvent",
  tableName: "ledger_events",
  properties: {
    id: p.integer().primary().autoincrement(),
    type: p.string().length(64),
    entity: p.string().length(32),
    entityId: p.integer(),
    customerId: p.integer().nullable().index(),
    paymentId: p.integer().nullable().index(),
    occurredAt: p.datetime(),
    actorId: p.integer(),
    actorName: p.text(),
    origin: p.string().length(64),
    requestId: p.string().length(128).nullable(),
    idempotencyKey: p.string().length(255).nullable(),
    data: p.json<Record<string, unknown>>(),
    /** A dialect record written with the event (a trigger writes it and clears this: always null once stored). */
    attachedRecord: p.json<Record<string, unknown>>().nullable()
  },
  indexes: [{ properties: ["type", "occurredAt"] }]
})
export type LedgerEventRow = InferEntity<typeof LedgerEventEntity>
