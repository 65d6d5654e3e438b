/** Payment preset: persistence row ↔ domain record. */
import { type PaymentPreset, trustedId, trustedIdOrNull } from "@paybridge/core"
import type { PaymentPresetRow } from "../entities/payment-preset.entity.ts"

export const paymentPresetFromRow = (row: PaymentPresetRow): PaymentPreset => ({
  id: trustedId(row.id),
  publicId: row.publicId,
  kind: row.kind,
  code: row.code,
  name: row.name,
  available: row.available,
  gatewayId: trustedIdOrNull(row.gatewayId),
  createdAt: row.createdAt
})

export const paymentPresetToRow = (record: Omit<PaymentPreset, "id">) => ({
  publicId: record.publicId,
  kind: record.kind,
  code: record.code,
  name: record.name,
  available: record.available,
  gatewayId: record.gatewayId,
  createdAt: record.createdAt
})
