/** Gateway: persistence row ↔ domain record. */
import { type Gateway, trustedId } from "@paybridge/core"
import type { GatewayRow } from "../entities/gateway.entity.ts"

export const gatewayFromRow = (row: GatewayRow): Gateway => ({
  id: trustedId(row.id),
  publicId: row.publicId,
  code: row.code,
  name: row.name,
  driver: row.driver,
  enabled: row.enabled,
  createdAt: row.createdAt
})

export const gatewayToRow = (record: Omit<Gateway, "id">) => ({
  publicId: record.publicId,
  code: record.code,
  name: record.name,
  driver: record.driver,
  enabled: record.enabled,
  createdAt: record.createdAt
})
