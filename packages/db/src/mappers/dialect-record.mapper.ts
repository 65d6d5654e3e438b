/** DialectRecord: persistence row ↔ domain record (the list columns are one nullable group). */
import { type BusinessDate, type DialectRecord, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { DialectRecordRow } from "../entities/dialect-record.entity.ts"

export const dialectRecordFromRow = (row: DialectRecordRow): DialectRecord => {
  const listed = row.listDate != null || row.listFlag != null || row.listProformaId != null || row.listInvoiceId != null
  return {
    id: trustedId(row.id),
    dialect: row.dialect,
    kind: row.kind,
    key: row.key,
    customerId: trustedIdOrNull(row.customerId),
    paymentId: trustedIdOrNull(row.paymentId),
    data: row.data,
    ...(listed
      ? {
          listColumns: {
            date: (row.listDate ?? null) as BusinessDate | null,
            flag: row.listFlag ?? null,
            proformaId: trustedIdOrNull(row.listProformaId ?? null),
            invoiceId: trustedIdOrNull(row.listInvoiceId ?? null)
          }
        }
      : {}),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt
  }
}

export const dialectRecordToRow = (record: Omit<DialectRecord, "id">) => ({
  dialect: record.dialect,
  kind: record.kind,
  key: record.key,
  customerId: record.customerId,
  paymentId: record.paymentId,
  data: record.data,
  // Written only when the record states them (`null`: cleared), so a record without them is written
  // as before the list columns existed.
  ...(record.listColumns === undefined
    ? {}
    : {
        listDate: record.listColumns?.date ?? null,
        listFlag: record.listColumns?.flag ?? null,
        listProformaId: record.listColumns?.proformaId ?? null,
        listInvoiceId: record.listColumns?.invoiceId ?? null
      }),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt
})
