/**
 * Persistence row of a session or refresh token (see `SessionRecord` in core), keyed by the SHA-256
 * of the token (hex): the token itself is never stored. `origin` is the JSON of what the token was
 * derived from; expired rows are deleted by the purge schedule (index on `expires_at`).
 */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const SessionEntity = defineEntity({
  name: "Session",
  tableName: "sessions",
  properties: {
    tokenHash: p.string().length(64).primary(),
    kind: p.enum(["session", "refresh"] as const),
    scope: p.string().length(60),
    origin: p.json<Record<string, unknown>>(),
    client: p.string().length(200).nullable(),
    expiresAt: p.datetime().index(),
    createdAt: p.datetime()
  }
})
export type SessionRow = InferEntity<typeof SessionEntity>
