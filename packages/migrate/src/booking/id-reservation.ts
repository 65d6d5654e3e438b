/**
 * Ids that cannot collide (issue 16.2): a dialect shows a migrated object under its vendor id
 * (a numeric payment, customer, document, refund `R<n>` or reversal id, a payment or document
 * number) and the ledger's own objects under the ledger's ids and numbers, in the same space. So
 * after booking, the ledger's counters are moved past the largest numeric vendor id and number of
 * each kind it booked (`LedgerUnits.reserveIds`, which never lowers a counter): an object created
 * after the migration cannot take an id or number a migrated object is shown under. Vendor ids of
 * balance movement rows (a record's `movement` alias) are no ledger object's id and move nothing.
 */
import { type IdSpace, LedgerUnits, type SequenceName } from "@paybridge/core"
import { Effect } from "effect"
import type { Migrated } from "./migrated-records.ts"

/** Up to 15 digits: what the dialects read as a numeric id (`shownNumericId`). */
const numeric = (value: unknown, pattern = /^(\d{1,15})$/u): bigint | null => {
  if (typeof value !== "string") return null
  const digits = pattern.exec(value)?.[1]
  return digits === undefined ? null : BigInt(digits)
}

/** The largest numeric vendor id and number per id space among `migrated`. */
export const idsToReserve = (migrated: Iterable<Migrated>): Map<IdSpace | SequenceName, bigint> => {
  const above = new Map<IdSpace | SequenceName, bigint>()
  const see = (space: IdSpace | SequenceName, value: bigint | null) => {
    if (value !== null && value > (above.get(space) ?? 0n)) above.set(space, value)
  }
  for (const { key, data } of migrated) {
    if (data.ledgerId === null || data.refused === true) continue
    const source = data.source
    const sourceId = key.slice(key.indexOf("/") + 1)
    const aliases = (source.aliases ?? {}) as Readonly<Record<string, unknown>>
    // A vendor id that is a balance movement row's (Elevate's reversals: `1000000000000 + entry`) names
    // no object of the ledger kind: dialects show movement rows under the ledger's own entries.
    if (aliases.movement === sourceId) continue
    switch (data.ledgerKind) {
      case "customer":
        see("customers", numeric(sourceId))
        see("customer-number", numeric(source.number))
        break
      case "document":
        // Silver's two document sequences (`invoice:<id>`, `proforma:<id>`): its unpaid rows show the id.
        see("documents", numeric(sourceId, /^(?:invoice:|proforma:)?(\d{1,15})$/u))
        see("document-number", numeric(source.number))
        break
      case "payment":
        see("payments", numeric(sourceId))
        see("payment-number", numeric(aliases.number))
        see("payment-reference", numeric(aliases.reference_number))
        break
      case "refund":
        see("refunds", numeric(sourceId, /^R?(\d{1,15})$/u))
        break
      case "reversal":
        see("reversals", numeric(sourceId))
        break
      default:
        break
    }
  }
  return above
}

/** Moves the ledger's counters past every numeric vendor id and number among `migrated`. */
export const reserveMigratedIds = (migrated: Iterable<Migrated>) =>
  Effect.flatMap(LedgerUnits, (units) =>
    Effect.forEach(idsToReserve(migrated), ([space, above]) => units.reserveIds({ space, above }), { discard: true })
  )
