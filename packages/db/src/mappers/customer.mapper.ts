/**
 * Customer: persistence row ↔ domain record (external reference split into two columns; the
 * search text is derived from the record on every write and never read back).
 */
import { type CurrencyCode, type Customer, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { CustomerRow } from "../entities/customer.entity.ts"
import { customerSearchText } from "../store/search-text.ts"
import { externalRefFromColumns, externalRefToColumns, orNull } from "./external-ref.ts"

export const customerFromRow = (row: CustomerRow): Customer => ({
  id: trustedId(row.id),
  publicId: row.publicId,
  number: row.number,
  name: row.name,
  email: orNull(row.email),
  currency: row.currency as CurrencyCode,
  balance: row.balance,
  creditLimit: orNull(row.creditLimit),
  billingEntityId: trustedIdOrNull(row.billingEntityId),
  externalRef: externalRefFromColumns(row),
  customFields: { ...row.customFields },
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  version: row.version
})

export const customerToRow = (record: Omit<Customer, "id">) => ({
  publicId: record.publicId,
  number: record.number,
  name: record.name,
  email: record.email,
  currency: record.currency,
  balance: record.balance,
  creditLimit: record.creditLimit,
  billingEntityId: record.billingEntityId,
  ...externalRefToColumns(record.externalRef),
  customFields: { ...record.customFields },
  searchText: customerSearchText(record),
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
  version: record.version
})
