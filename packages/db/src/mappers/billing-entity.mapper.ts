/** Billing entity: persistence row ↔ domain record. */
import { type BillingEntity, type CurrencyCode, trustedId } from "@paybridge/core"
import type { BillingEntityRow } from "../entities/billing-entity.entity.ts"
import { orNull } from "./external-ref.ts"

export const billingEntityFromRow = (row: BillingEntityRow): BillingEntity => ({
  id: trustedId(row.id),
  publicId: row.publicId,
  name: row.name,
  email: orNull(row.email),
  flow: row.flow,
  defaultCurrency: row.defaultCurrency as CurrencyCode,
  createdAt: row.createdAt
})

export const billingEntityToRow = (record: Omit<BillingEntity, "id">) => ({
  publicId: record.publicId,
  name: record.name,
  email: record.email,
  flow: record.flow,
  defaultCurrency: record.defaultCurrency,
  createdAt: record.createdAt
})
