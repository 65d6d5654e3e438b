/** Document: persistence row ↔ domain record (external reference split into two columns). */
import { type CurrencyCode, type Document, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { DocumentRow } from "../entities/document.entity.ts"
import { externalRefFromColumns, externalRefToColumns, orNull } from "./external-ref.ts"

export const documentFromRow = (row: DocumentRow): Document => ({
  id: trustedId(row.id),
  publicId: row.publicId,
  kind: row.kind,
  number: row.number,
  customerId: trustedId(row.customerId),
  billingEntityId: trustedIdOrNull(row.billingEntityId),
  relatedDocumentId: trustedIdOrNull(row.relatedDocumentId),
  currency: row.currency as CurrencyCode,
  total: row.total,
  allocated: row.allocated,
  outstanding: row.outstanding,
  state: row.state,
  issueDate: row.issueDate,
  dueDate: orNull(row.dueDate),
  externalRef: externalRefFromColumns(row),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  version: row.version
})

export const documentToRow = (record: Omit<Document, "id">) => ({
  publicId: record.publicId,
  kind: record.kind,
  number: record.number,
  customerId: record.customerId,
  billingEntityId: record.billingEntityId,
  relatedDocumentId: record.relatedDocumentId,
  currency: record.currency,
  total: record.total,
  allocated: record.allocated,
  outstanding: record.outstanding,
  state: record.state,
  issueDate: record.issueDate,
  dueDate: record.dueDate,
  ...externalRefToColumns(record.externalRef),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
  version: record.version
})
