/** Ledger event: persistence row ↔ domain record (the type column is trusted: only this store writes it). */
import type { LedgerEvent, LedgerEventType } from "@paybridge/core"
import type { LedgerEventRow } from "../entities/ledger-event.entity.ts"
import { orNull } from "./external-ref.ts"

export const ledgerEventFromRow = (row: LedgerEventRow): LedgerEvent => ({
  id: row.id,
  type: row.type as LedgerEventType,
  entity: row.entity as LedgerEvent["entity"],
  entityId: row.entityId,
  customerId: orNull(row.customerId),
  paymentId: orNull(row.paymentId),
  occurredAt: row.occurredAt,
  actorId: row.actorId,
  actorName: row.actorName,
  origin: row.origin,
  requestId: orNull(row.requestId),
  idempotencyKey: orNull(row.idempotencyKey),
  data: { ...row.data }
})

export const ledgerEventToRow = (record: Omit<LedgerEvent, "id">) => ({
  type: record.type,
  entity: record.entity,
  entityId: record.entityId,
  customerId: record.customerId,
  paymentId: record.paymentId,
  occurredAt: record.occurredAt,
  actorId: record.actorId,
  actorName: record.actorName,
  origin: record.origin,
  requestId: record.requestId,
  idempotencyKey: record.idempotencyKey,
  data: { ...record.data }
})
