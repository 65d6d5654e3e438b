/** The two nullable columns an external reference is stored in, and back. */
import type { ExternalRef } from "@paybridge/core"

export interface ExternalRefColumns {
  readonly externalSystem: string | null
  readonly externalId: string | null
}

export const externalRefToColumns = (ref: ExternalRef | null): ExternalRefColumns => ({
  externalSystem: ref?.system ?? null,
  externalId: ref?.id ?? null
})

export const externalRefFromColumns = (row: {
  readonly externalSystem?: string | null | undefined
  readonly externalId?: string | null | undefined
}): ExternalRef | null =>
  row.externalSystem != null && row.externalId != null ? { system: row.externalSystem, id: row.externalId } : null

/** Normalises an optional nullable column value read back from a row. */
export const orNull = <A>(value: A | null | undefined): A | null => value ?? null
