/**
 * The id map of a migration, kept in the ledger database as dialect records: one `migrated` record
 * per source record processed, `{ dialect: <vendor>, kind: "migrated", key: "<kind>/<sourceId>" }`,
 * with the fingerprint it was booked with and the ledger object it became (`ledgerKind`, `ledgerId`,
 * plus what reconciliation needs). It is written in the same ledger unit as the commands that book
 * the record, so a record is booked exactly once however a run dies, and it is what the checkpoint's
 * `fingerprints`, the dialects' vendor-id lookups and the shadow's id mapping read.
 */
import { type DialectRecord, DialectRecords, type InsertDialectRecordsInput, type Page } from "@paybridge/core"
import { Effect } from "effect"
import type { SourceRecord, VendorId } from "../sources/source-model.ts"

export const migratedKind = "migrated"

/** What a source record became in the ledger. */
export type LedgerKind =
  | "billing-entity"
  | "customer"
  | "document"
  | "payment"
  | "reversal"
  | "refund"
  | "adjustment"
  | "none"

export interface MigratedData {
  readonly fingerprint: string
  readonly ledgerKind: LedgerKind
  /** The ledger id (refunds of customer credit can be several), null when nothing was booked. */
  readonly ledgerId: number | null
  readonly ledgerIds?: ReadonlyArray<number>
  readonly runId: string
  /** Why nothing (or less than the record) was booked, for the run report. */
  readonly skipped?: string | null
  /** The source record as normalised (amounts, states) — reconciliation's "at the source". */
  readonly source: Readonly<Record<string, unknown>>
  /** A payment's allocations: the vendor's allocation id → the ledger allocation it became (the shadow's id table). */
  readonly allocations?: ReadonlyArray<{ readonly sourceId: string; readonly ledgerId: number }>
  readonly [field: string]: unknown
}

export interface Migrated {
  readonly key: string
  readonly customerId: number | null
  readonly paymentId: number | null
  readonly data: MigratedData
}

/**
 * A fingerprint as stored: its hex digits 0–9 written as the letters g–p. The ledger masks card
 * numbers (Luhn-valid runs of 13–19 digits) in every text it keeps, and a sha256 in hex holds such
 * a run now and then — masked, it never matched again and the record was booked anew on every
 * run. Stored without digits, nothing is masked; {@link fingerprintFromStore} reads both forms.
 */
const storedFingerprint = (fingerprint: string): string =>
  fingerprint.replace(/[0-9]/gu, (digit) => String.fromCharCode(103 + Number(digit)))

const fingerprintFromStore = (stored: string): string =>
  stored.replace(/[g-p]/gu, (letter) => String(letter.charCodeAt(0) - 103))

/**
 * The texts of the kept source record, likewise stored without digits: a text holding a digit (or
 * starting with `§`) is written `§` + the text with each digit `§a`–`§j` and each `§` doubled, so
 * the ledger's card-number masking cannot change a vendor id (CRM.COM's 32-hex ids hold such runs).
 */
const encodeText = (text: string): string =>
  /\d/u.test(text) || text.startsWith("§")
    ? `§${text.replace(/[§\d]/gu, (char) => (char === "§" ? "§§" : `§${String.fromCharCode(97 + Number(char))}`))}`
    : text

const decodeText = (text: string): string =>
  text.startsWith("§")
    ? text.slice(1).replace(/§([§a-j])/gu, (_, char: string) => (char === "§" ? "§" : String(char.charCodeAt(0) - 97)))
    : text

const mapTexts = (value: unknown, map: (text: string) => string): unknown =>
  typeof value === "string"
    ? map(value)
    : Array.isArray(value)
      ? value.map((item) => mapTexts(item, map))
      : value !== null && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapTexts(item, map)]))
        : value

const toStore = (data: MigratedData): MigratedData => ({
  ...data,
  fingerprint: storedFingerprint(data.fingerprint),
  source: mapTexts(data.source, encodeText) as MigratedData["source"],
  ...(data.allocations === undefined
    ? {}
    : { allocations: mapTexts(data.allocations, encodeText) as NonNullable<MigratedData["allocations"]> })
})

const fromStore = (data: MigratedData): MigratedData => ({
  ...data,
  ...(typeof data.fingerprint === "string" ? { fingerprint: fingerprintFromStore(data.fingerprint) } : {}),
  ...(data.source === undefined ? {} : { source: mapTexts(data.source, decodeText) as MigratedData["source"] }),
  ...(data.allocations === undefined
    ? {}
    : { allocations: mapTexts(data.allocations, decodeText) as NonNullable<MigratedData["allocations"]> })
})

/** A `migrated` record as read from the ledger's dialect record (texts and fingerprint decoded). */
const fromDialectRecord = (record: DialectRecord): Migrated => ({
  key: record.key,
  customerId: record.customerId,
  paymentId: record.paymentId,
  data: fromStore(record.data as unknown as MigratedData)
})

/** The `migrated` record under `key`, or null. */
export const readMigrated = (vendor: VendorId, key: string) =>
  Effect.flatMap(DialectRecords, (records) =>
    records.getDialectRecord({ dialect: vendor, kind: migratedKind, key }).pipe(
      Effect.map((record): Migrated | null => fromDialectRecord(record)),
      Effect.catchTag("NotFound", () => Effect.succeed(null))
    )
  )

/** The `migrated` records under `keys` (at most 1000) that exist, in one read. */
export const readMigratedMany = (vendor: VendorId, keys: ReadonlyArray<string>) =>
  Effect.flatMap(DialectRecords, (records) =>
    keys.length === 0
      ? Effect.succeed([] as Array<Migrated>)
      : Effect.map(
          records.listDialectRecords({ dialect: vendor, kind: migratedKind, keys: [...keys], limit: 1000 }),
          (page) => page.items.map(fromDialectRecord)
        )
  )

/** Every `migrated` record of a vendor (reconciliation, the shadow's id map), optionally one customer's. */
export const listMigrated = (vendor: VendorId, customerId?: number) =>
  Effect.gen(function* () {
    const records = yield* DialectRecords
    const all: Array<Migrated> = []
    let cursor: string | null = null
    do {
      const page: Page<DialectRecord> = yield* records.listDialectRecords({
        dialect: vendor,
        kind: migratedKind,
        ...(customerId === undefined ? {} : { customerId: customerId as never }),
        cursor,
        limit: 1000
      })
      for (const record of page.items) all.push(fromDialectRecord(record))
      cursor = page.nextCursor
    } while (cursor !== null)
    return all
  })

/** A `migrated` record as the dialect record the ledger keeps (its texts and fingerprint stored without digits). */
const toDialectRecord = (vendor: VendorId, migrated: Migrated) => ({
  dialect: vendor,
  kind: migratedKind,
  key: migrated.key,
  customerId: migrated.customerId as never,
  paymentId: migrated.paymentId as never,
  data: toStore(migrated.data)
})

/** Saves the `migrated` record (in the caller's unit). */
export const saveMigrated = (vendor: VendorId, migrated: Migrated) =>
  Effect.flatMap(DialectRecords, (records) => records.saveDialectRecord(toDialectRecord(vendor, migrated)))

/**
 * Inserts `migrated` records (and `migrated-alias` records, and other dialect records `others`)
 * none of which exists yet (in the caller's unit), in one statement per 500 — the set-based write
 * of a unit's new records; fails (the unit rolls back) if one exists.
 */
export const insertMigratedMany = (
  vendor: VendorId,
  migrated: ReadonlyArray<Migrated>,
  aliases: ReadonlyArray<MigratedAlias> = [],
  others: ReadonlyArray<InsertDialectRecordsInput["records"][number]> = []
) =>
  migrated.length === 0 && aliases.length === 0 && others.length === 0
    ? Effect.void
    : Effect.flatMap(DialectRecords, (records) =>
        records.insertDialectRecords({
          records: [
            ...migrated.map((record) => toDialectRecord(vendor, record)),
            ...aliases.map((alias) => ({
              dialect: vendor,
              kind: migratedAliasKind,
              key: alias.key,
              data: { ...alias.data }
            })),
            ...others
          ]
        })
      )

/** Kind of the records that map another id clients may have stored (CRM.COM `number` …) to the ledger id. */
export const migratedAliasKind = "migrated-alias"

/** A `migrated-alias` record: its key and data. */
export interface MigratedAlias {
  readonly key: string
  readonly data: { readonly ledgerId: number; readonly sourceId: string }
}

/** The `migrated-alias` records of a record booked as `ledgerId`; aliases too long for a key are left out. */
export const aliasesOf = (record: SourceRecord, ledgerId: number): ReadonlyArray<MigratedAlias> =>
  Object.entries(record.aliases)
    .filter(([alias, value]) => `${record.kind}/${alias}/${value}`.length <= 200)
    .map(([alias, value]) => ({
      key: `${record.kind}/${alias}/${value}`,
      data: { ledgerId, sourceId: record.sourceId }
    }))

/** The `migrated-alias` records under these keys (≤ 1,000): key → the vendor id of the record booked under it. */
export const readAliasesMany = (vendor: VendorId, keys: ReadonlyArray<string>) =>
  Effect.flatMap(DialectRecords, (records) =>
    keys.length === 0
      ? Effect.succeed(new Map<string, string>())
      : Effect.map(
          records.listDialectRecords({ dialect: vendor, kind: migratedAliasKind, keys: [...keys], limit: 1000 }),
          (page) =>
            new Map(
              page.items
                .filter((record) => typeof record.data.sourceId === "string")
                .map((record) => [record.key, record.data.sourceId as string] as const)
            )
        )
  )

/** Saves a `migrated-alias` record per alias of the record (in the caller's unit). */
export const saveAliases = (vendor: VendorId, record: SourceRecord, ledgerId: number) =>
  Effect.flatMap(DialectRecords, (records) =>
    Effect.forEach(
      aliasesOf(record, ledgerId),
      (alias) =>
        records.saveDialectRecord({
          dialect: vendor,
          kind: migratedAliasKind,
          key: alias.key,
          data: { ...alias.data }
        }),
      { discard: true }
    )
  )
