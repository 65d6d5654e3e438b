/**
 * Ledger event: persistence row ↔ domain record (the type column is trusted: only this store writes
 * it); a new row may carry the dialect record written with it (`attached_record`: its key, data and
 * list columns, which the trigger of migration 20261206200000 writes).
 */
import {
  type AttachedRecord,
  type LedgerEvent,
  type LedgerEventType,
  trustedId,
  trustedIdOrNull
} from "@paybridge/core"
import type { LedgerEventRow } from "../entities/ledger-event.entity.ts"
import { orNull } from "./external-ref.ts"

export const ledgerEventFromRow = (row: LedgerEventRow): LedgerEvent => ({
  id: trustedId(row.id),
  type: row.type as LedgerEventType,
  entity: row.entity as LedgerEvent["entity"],
  entityId: row.entityId,
  customerId: trustedIdOrNull(row.customerId),
  paymentId: trustedIdOrNull(row.paymentId),
  occurredAt: row.occurredAt,
  actorId: trustedId(row.actorId),
  actorName: row.actorName,
  origin: row.origin,
  requestId: orNull(row.requestId),
  idempotencyKey: orNull(row.idempotencyKey),
  data: { ...row.data }
})

export const ledgerEventToRow = (
  record: Omit<LedgerEvent, "id"> & { readonly attachedRecord?: AttachedRecord | undefined }
) => ({
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
  data: { ...record.data },
  // Only when there is one: rows without it name no such column (databases before its migration too).
  ...(record.attachedRecord === undefined ? {} : { attachedRecord: { ...record.attachedRecord } })
})
