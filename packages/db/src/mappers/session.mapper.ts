/** Session rows ↔ core's `SessionRecord` (the origin kept as JSON, its ids branded again on the way back). */
import { type SessionRecord, trustedId } from "@paybridge/core"
import type { SessionRow } from "../entities/session.entity.ts"

export const sessionToRow = (record: SessionRecord): SessionRow => ({
  tokenHash: record.tokenHash,
  kind: record.kind,
  scope: record.scope,
  origin: { ...record.origin },
  client: record.client,
  expiresAt: record.expiresAt,
  createdAt: record.createdAt
})

export const sessionFromRow = (row: SessionRow): SessionRecord => {
  const origin = row.origin
  return {
    tokenHash: row.tokenHash,
    kind: row.kind,
    scope: row.scope,
    origin:
      origin.kind === "api-key"
        ? { kind: "api-key", apiKeyId: trustedId(Number(origin.apiKeyId)) }
        : { kind: "user", userId: trustedId(Number(origin.userId)) },
    client: row.client ?? null,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt
  }
}
