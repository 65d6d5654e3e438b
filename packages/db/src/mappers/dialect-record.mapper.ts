/** DialectRecord: persistence row ↔ domain record. */
import { type DialectRecord, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { DialectRecordRow } from "../entities/dialect-record.entity.ts"

export const dialectRecordFromRow = (row: DialectRecordRow): DialectRecord => ({
  id: trustedId(row.id),
  dialect: row.dialect,
  kind: row.kind,
  key: row.key,
  customerId: trustedIdOrNull(row.customerId),
  paymentId: trustedIdOrNull(row.paymentId),
  data: row.data,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt
})

export const dialectRecordToRow = (record: Omit<DialectRecord, "id">) => ({
  dialect: record.dialect,
  kind: record.kind,
  key: record.key,
  customerId: record.customerId,
  paymentId: record.paymentId,
  data: record.data,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt
})
