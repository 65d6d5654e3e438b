/**
 * The id table of a shadow rehearsal: what the import recorded about each migrated object — the
 * vendor's id (`sourceId`, per source kind: billing entity, customer, document, payment, reversal,
 * refund, a payment's allocations to documents — LogiSense's invoice disbursements, Elevate's
 * invoice payments —, and the balance entries of movements the vendor shows as rows of their own —
 * Elevate's), the other ids the vendor showed for it (aliases: CRM.COM's `number` and
 * `reference_number` …), the ledger id it was booked as and the ledger object's public id (what
 * CRM.COM's dialect shows) — held in memory, looked up both ways. The shadow's id mapping turns
 * the vendor ids of a mirrored request into Paybridge's and Paybridge's ids in the answer back
 * into the vendor's; which ids of which requests and answers are of which kind, and in which form,
 * is each vendor's rule (`sources/<vendor>/<vendor>.shadow.ts`). Loaded from the ledger by
 * `booking/shadow-id-table.load.ts`.
 */

/** The source kinds whose ids a client may hold. */
export type ShadowIdKind =
  | "billing-entity"
  | "customer"
  | "document"
  | "payment"
  | "reversal"
  | "refund"
  | "allocation"
  | "balance-entry"

export interface ShadowIdEntry {
  readonly kind: ShadowIdKind
  /** The vendor's id. */
  readonly sourceId: string
  /** Other ids the vendor showed for it, by name. */
  readonly aliases: Readonly<Record<string, string>>
  /** The ledger ids it was booked as (refunds of customer credit may be several), the first the main one. */
  readonly ledgerIds: ReadonlyArray<number>
  /** The main ledger object's public id, where the ledger keeps one (customers, documents). */
  readonly publicId: string | null
}

/** How one side names an object: the vendor by source id or an alias, Paybridge by ledger id or public id. */
export type ShadowVendorKey = { readonly by: "sourceId" } | { readonly by: "alias"; readonly alias: string }
export type ShadowPaybridgeKey = "ledgerId" | "publicId"

export class ShadowIdTable {
  private readonly vendorSide = new Map<string, ShadowIdEntry>()
  private readonly paybridgeSide = new Map<string, ShadowIdEntry>()
  readonly size: number

  constructor(entries: Iterable<ShadowIdEntry>) {
    let size = 0
    for (const entry of entries) {
      if (entry.ledgerIds.length === 0) continue
      size++
      this.vendorSide.set(`${entry.kind}|s|${entry.sourceId}`, entry)
      for (const [alias, value] of Object.entries(entry.aliases)) {
        this.vendorSide.set(`${entry.kind}|a:${alias}|${value}`, entry)
      }
      for (const ledgerId of entry.ledgerIds) this.paybridgeSide.set(`${entry.kind}|ledgerId|${ledgerId}`, entry)
      if (entry.publicId !== null)
        this.paybridgeSide.set(`${entry.kind}|publicId|${entry.publicId.toUpperCase()}`, entry)
    }
    this.size = size
  }

  /** The migrated object the vendor names `value` (by its source id or an alias), or undefined. */
  byVendor(kind: ShadowIdKind, key: ShadowVendorKey, value: string): ShadowIdEntry | undefined {
    return this.vendorSide.get(`${kind}|${key.by === "sourceId" ? "s" : `a:${key.alias}`}|${value}`)
  }

  /** The migrated object Paybridge names `value` (by ledger id or public id), or undefined. */
  byPaybridge(kind: ShadowIdKind, key: ShadowPaybridgeKey, value: string): ShadowIdEntry | undefined {
    return this.paybridgeSide.get(`${kind}|${key}|${key === "publicId" ? value.toUpperCase() : value}`)
  }
}
