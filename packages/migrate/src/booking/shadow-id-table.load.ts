/**
 * Loads the shadow rehearsal's id table from the ledger a migration booked into: every `migrated`
 * record of the vendor (`<kind>/<sourceId>` → the ledger id it became, the source record's aliases)
 * — the same records the dialects answer vendor ids from — and, for customers and documents, the
 * ledger object's public id, read through the ledger's services (no SQL); each payment's
 * allocations (the vendor's allocation id → the ledger allocation, as its record keeps them); and
 * the balance entries the migration made where the vendor showed a movement row of its own (a
 * record's `movement` alias, a refund's `voided` one: Elevate's `1000000000000 + entry` rows) → the
 * ledger balance entry, found from each migrated customer's balance history. Records that booked
 * nothing (a document without a total, a skipped record) are left out.
 */
import {
  type BalanceEntry,
  Balances,
  type CustomerId,
  type DocumentId,
  Documents,
  type Page,
  Parties
} from "@paybridge/core"
import { Effect } from "effect"
import { type ShadowIdEntry, type ShadowIdKind, ShadowIdTable } from "../shadow/shadow-id-table.ts"
import type { VendorId } from "../sources/source-model.ts"
import { listMigrated, type Migrated } from "./migrated-records.ts"

const kinds = new Set<string>(["billing-entity", "customer", "document", "payment", "reversal", "refund"])

const textRecord = (value: unknown): Record<string, string> =>
  value !== null && typeof value === "object"
    ? Object.fromEntries(
        Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string")
      )
    : {}

const kindOf = (record: Migrated) => record.key.slice(0, record.key.indexOf("/"))
const ledgerIdsOf = (record: Migrated) =>
  record.data.ledgerIds ?? (record.data.ledgerId === null ? [] : [record.data.ledgerId])

/** The vendor's movement row ids → the ledger balance entries they became (one customer's history). */
const movementEntries = (entries: ReadonlyArray<BalanceEntry>, records: ReadonlyArray<Migrated>) => {
  const alias = (record: Migrated | undefined, name: string) => textRecord(record?.data.source.aliases)[name]
  const by = (kind: string, ledgerId: number | null) =>
    ledgerId === null
      ? undefined
      : records.find((record) => kindOf(record) === kind && ledgerIdsOf(record).includes(ledgerId))
  const found: Array<ShadowIdEntry> = []
  for (const entry of entries) {
    const vendorId =
      entry.kind === "adjustment"
        ? alias(by("adjustment", entry.id), "movement")
        : entry.kind === "payment-reversed"
          ? alias(by("reversal", entry.reversalId), "movement")
          : entry.kind === "payment-reinstated"
            ? alias(by("reinstatement", entry.reversalId), "movement")
            : entry.kind === "refund"
              ? alias(by("refund", entry.refundId), "movement")
              : entry.kind === "refund-voided"
                ? alias(by("refund", entry.refundId), "voided")
                : undefined
    if (vendorId !== undefined) {
      found.push({ kind: "balance-entry", sourceId: vendorId, aliases: {}, ledgerIds: [entry.id], publicId: null })
    }
  }
  return found
}

export const loadShadowIdTable = (vendor: VendorId) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const documents = yield* Documents
    const balances = yield* Balances
    const entries: Array<ShadowIdEntry> = []
    const migrated = yield* listMigrated(vendor)
    const withMovements = new Map<number, Array<Migrated>>()
    for (const record of migrated) {
      const kind = kindOf(record)
      if (record.customerId !== null && textRecord(record.data.source.aliases).movement !== undefined) {
        withMovements.set(record.customerId, [...(withMovements.get(record.customerId) ?? []), record])
      }
      for (const allocation of record.data.allocations ?? []) {
        entries.push({
          kind: "allocation",
          sourceId: allocation.sourceId,
          aliases: {},
          ledgerIds: [allocation.ledgerId],
          publicId: null
        })
      }
      if (!kinds.has(kind)) continue
      const ledgerIds = ledgerIdsOf(record)
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
        sourceId: record.key.slice(record.key.indexOf("/") + 1),
        aliases: textRecord(record.data.source.aliases),
        ledgerIds,
        publicId: publicId ?? null
      })
    }
    for (const [customerId, records] of withMovements) {
      const history: Array<BalanceEntry> = []
      let cursor: string | null = null
      do {
        const page: Page<BalanceEntry> = yield* balances.listBalanceEntries(customerId as CustomerId, {
          cursor,
          limit: 1000
        })
        history.push(...page.items)
        cursor = page.nextCursor
      } while (cursor !== null)
      entries.push(...movementEntries(history, records))
    }
    return new ShadowIdTable(entries)
  })
