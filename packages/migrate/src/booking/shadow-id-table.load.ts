/**
 * Loads the shadow rehearsal's id table from the ledger a migration booked into: every `migrated`
 * record of the vendor (`<kind>/<sourceId>` → the ledger id it became, the source record's aliases)
 * — the same records the dialects answer vendor ids from — and, for customers and documents, the
 * ledger object's public id, read through the ledger's services (no SQL). Records that booked
 * nothing (a document without a total, a skipped record) are left out.
 */
import { type CustomerId, type DocumentId, Documents, Parties } from "@paybridge/core"
import { Effect } from "effect"
import { type ShadowIdEntry, type ShadowIdKind, ShadowIdTable } from "../shadow/shadow-id-table.ts"
import type { VendorId } from "../sources/source-model.ts"
import { listMigrated } from "./migrated-records.ts"

const kinds = new Set<string>(["billing-entity", "customer", "document", "payment", "reversal", "refund"])

const textRecord = (value: unknown): Record<string, string> =>
  value !== null && typeof value === "object"
    ? Object.fromEntries(
        Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string")
      )
    : {}

export const loadShadowIdTable = (vendor: VendorId) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const documents = yield* Documents
    const entries: Array<ShadowIdEntry> = []
    for (const record of yield* listMigrated(vendor)) {
      const slash = record.key.indexOf("/")
      const kind = record.key.slice(0, slash)
      if (!kinds.has(kind)) continue
      const ledgerIds = record.data.ledgerIds ?? (record.data.ledgerId === null ? [] : [record.data.ledgerId])
      const main = ledgerIds[0]
      if (main === undefined) continue
      const publicId =
        kind === "customer"
          ? (yield* parties.getCustomer(main as CustomerId)).publicId
          : kind === "document"
            ? (yield* documents.getDocument(main as DocumentId)).publicId
            : null
      entries.push({
        kind: kind as ShadowIdKind,
        sourceId: record.key.slice(slash + 1),
        aliases: textRecord(record.data.source.aliases),
        ledgerIds,
        publicId: publicId ?? null
      })
    }
    return new ShadowIdTable(entries)
  })
