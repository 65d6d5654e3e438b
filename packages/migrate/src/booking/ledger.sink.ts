/**
 * The ledger sink (issue 16.1): books each batch of new and changed source records into the ledger
 * through its services. Every record is booked in one `LedgerUnits.atomically` unit together with
 * its `migrated` record (fingerprint, ledger id), so booking and checkpoint commit together: a
 * record whose `migrated` record already has this fingerprint is skipped (a batch replayed after a
 * kill changes nothing), and a run killed mid-batch leaves each record either fully booked or not
 * at all. With `batchUnit` (the default, the bulk path) a batch is booked in units of `batchSize`
 * records (default 200), one ledger transaction each, the batch's checkpoint commit in its last
 * unit (so the stream position commits with the booking), each run of one customer's records in it
 * booked through `LedgerUnits.bulkImport` (one customer lock, the balance entries and events of the
 * run written in one insert each) and the unit's new `migrated` records (and their aliases, and
 * the dialect attributes its records saved: `kept-attributes.ts`) written in one insert at its
 * end (a bulk unit that core undoes to its savepoint and books again starts again from what the sink
 * had staged before it); when the ledger refuses a record, its
 * unit rolls back and is booked again without it (after five refusals in one unit, record by
 * record), so one refused record does not hold back the others. A refused record (no currency, a state the lifecycle cannot
 * reach, an amount the currency cannot hold) is kept with the refusal and retried on the next run;
 * the run's refusals are listed in the summary and the reconciliation report. Payment method and
 * type presets are found by the vendor's code where it shows one (else by code or name) and
 * created once when missing. At the end (`close`) the
 * ledger's ids and numbers are moved past every numeric vendor id booked, so new objects cannot
 * take an id a migrated one is shown under (`id-reservation.ts`).
 */
import { CustomerId, LedgerUnits, type Page, Parties, type PaymentPreset } from "@paybridge/core"
import { Cause, Effect, Schema } from "effect"
import type { RecordSink, SinkRecord } from "../import/record-sink.ts"
import type { VendorId } from "../sources/source-model.ts"
import { type Booked, type BookingContext, bookRecord, presetKeyOf } from "./book-records.ts"
import { reserveMigratedIds } from "./id-reservation.ts"
import { KeptAttributes, saveAttributesNow, splitKeptAttributes } from "./kept-attributes.ts"
import type { LedgerCheckpoint } from "./ledger.checkpoint.ts"
import type { Ledger, MigrationServices } from "./ledger-runtime.ts"
import {
  aliasesOf,
  insertMigratedMany,
  type Migrated,
  type MigratedAlias,
  readMigrated,
  saveAliases,
  saveMigrated
} from "./migrated-records.ts"

export interface LedgerSinkOptions {
  readonly ledger: Ledger
  readonly vendor: VendorId
  readonly vendorTitle: string
  /** One ledger transaction per batch (default) instead of one per record. */
  readonly batchUnit?: boolean
  /** Records per ledger transaction on the bulk path (default 200). */
  readonly batchSize?: number
  /**
   * Each run of one customer's records in a unit as one `LedgerUnits.bulkImport` (default); `false`
   * books them command by command in the unit (the path before the bulk command, for comparison).
   */
  readonly customerBulk?: boolean
  /** The ledger checkpoint: each batch's checkpoint commit is written in its last ledger transaction. */
  readonly checkpoint?: LedgerCheckpoint
}

const ledgerCustomerId = Schema.decodeSync(CustomerId)

/** Records per ledger transaction on the bulk path when the options name none. */
export const defaultBatchSize = 200

/** Refused records a unit is retried without before the rest is booked record by record. */
const maxRefusalsPerUnit = 5

export interface LedgerSink extends RecordSink {
  /** Records the ledger refused in this run: key → reason. */
  readonly refusals: () => ReadonlyMap<string, string>
}

/** A preset code from a vendor's method/type text (`"Direct Debit"` → `direct-debit`). */
export const presetCodeOf = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_.-]+/gu, "-")
    .replace(/^-+|-+$/gu, "")
    .slice(0, 40)
    .toLowerCase() || "migrated"

const describeCause = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  if (error !== null && typeof error === "object" && "message" in error && typeof error.message === "string") {
    const tag = "_tag" in error ? `${String(error._tag)}: ` : ""
    return `${tag}${error.message}`
  }
  return Cause.pretty(cause)
}

const presetsOf = (kind: "method" | "type") =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const found = new Map<string, number>()
    let cursor: string | null = null
    do {
      const page: Page<PaymentPreset> = yield* parties.listPresets(kind, { cursor, limit: 1000 })
      for (const preset of page.items) {
        found.set(preset.code.toLowerCase(), preset.id)
        found.set(`code:${preset.code}`, preset.id)
        found.set(preset.name, preset.id)
      }
      cursor = page.nextCursor
    } while (cursor !== null)
    return found
  })

export const ledgerSink = async (options: LedgerSinkOptions): Promise<LedgerSink> => {
  const { ledger, vendor } = options
  const presets = { method: await ledger.run(presetsOf("method")), type: await ledger.run(presetsOf("type")) }
  const refusals = new Map<string, string>()

  /**
   * Makes sure every method/type the batch names has a preset (outside the records' units): by the
   * vendor's code where it shows one (created with that code and the vendor's name), else by name.
   */
  const ensurePresets = async (records: ReadonlyArray<SinkRecord>) => {
    for (const { record } of records) {
      if (record.kind !== "payment") continue
      for (const kind of ["method", "type"] as const) {
        const wanted = presetKeyOf(record, kind)
        if (wanted === null || presets[kind].has(wanted.key)) continue
        const code = wanted.code ?? presetCodeOf(wanted.name)
        const known = presets[kind].get(wanted.code === null ? code : `code:${code}`)
        const id =
          known ??
          (
            await ledger.run(
              Effect.flatMap(Parties, (parties) =>
                parties.createPreset({ kind, code, name: wanted.name.slice(0, 200) || code })
              )
            )
          ).id
        presets[kind].set(wanted.key, id)
        presets[kind].set(`code:${code}`, id)
        if (wanted.code === null) presets[kind].set(code, id)
      }
    }
  }

  /**
   * The `migrated` records this sink knows: those of committed units (`committed`) and those of the
   * unit in flight (`staged`, dropped when it rolls back, merged when it commits). A lookup misses
   * both only for records of earlier runs, which it reads from the ledger once.
   */
  const committed = new Map<string, Migrated>()
  let staged = new Map<string, Migrated>()
  /**
   * In a unit of the bulk path: the `migrated` records of records booked for the first time, written
   * together at the end of the unit (`insertMigratedMany`, one statement); `null` elsewhere (each saved at once).
   */
  let fresh: Map<string, Migrated> | null = null
  /** Their `migrated-alias` records, by key (a later record's alias replaces an earlier one's, as a save does). */
  const freshAliases = new Map<string, MigratedAlias>()
  /** In a unit of the bulk path: the dialect attributes its records saved, written at its end (`kept-attributes.ts`). */
  const keptAttributes = new KeptAttributes()
  const lookup = (key: string) =>
    staged.has(key)
      ? Effect.succeed(staged.get(key) ?? null)
      : committed.has(key)
        ? Effect.succeed(committed.get(key) ?? null)
        : Effect.tap(readMigrated(vendor, key), (migrated) =>
            Effect.sync(() => {
              if (migrated !== null) committed.set(key, migrated)
            })
          )

  const context = (runId: string): BookingContext => ({
    vendor,
    vendorTitle: options.vendorTitle,
    runId,
    lookup,
    presets,
    saveAttributes: (save) =>
      fresh === null ? saveAttributesNow(vendor, save) : Effect.sync(() => keptAttributes.keep(save))
  })

  /** Books one record unless its `migrated` record already has this fingerprint (inside the caller's unit). */
  const bookOne = (runId: string, { key, fingerprint, record, changed }: SinkRecord) =>
    Effect.gen(function* () {
      // A record the driver found new (no `migrated` record when it read the fingerprints just now)
      // needs no read, unless this sink has booked it since (a batch written again).
      const stored = !changed && !committed.has(key) && !staged.has(key) ? null : yield* lookup(key)
      if (stored?.data.fingerprint === fingerprint) return
      // Refused, or a reversal reinstated at the source and shown again: booked anew.
      const before: Migrated | null =
        stored === null || stored.data.refused === true || stored.data.reinstated === true ? null : stored
      const booked: Booked = yield* bookRecord(context(runId), record, before)
      const migrated: Migrated = {
        key,
        customerId: booked.customerId,
        paymentId: booked.paymentId,
        data: {
          ...booked.extra,
          fingerprint,
          ledgerKind: booked.ledgerKind,
          ledgerId: booked.ledgerId,
          ...(booked.ledgerIds === undefined ? {} : { ledgerIds: booked.ledgerIds }),
          runId,
          skipped: booked.skipped,
          source: { ...record, raw: undefined, notes: undefined }
        }
      }
      staged.set(key, migrated)
      for (const other of booked.also ?? []) {
        staged.set(other.key, other)
        yield* saveMigrated(vendor, other)
      }
      if (fresh !== null && (stored === null || fresh.has(key))) {
        fresh.set(key, migrated)
        if (booked.ledgerId !== null)
          for (const alias of aliasesOf(record, booked.ledgerId)) freshAliases.set(alias.key, alias)
        return
      }
      yield* saveMigrated(vendor, migrated)
      if (booked.ledgerId !== null) yield* saveAliases(vendor, record, booked.ledgerId)
    })

  /** What the unit in flight has staged and kept so far (`restoreUnitState` goes back to it). */
  const unitState = () => {
    const attributes = keptAttributes.take()
    for (const save of attributes) keptAttributes.keep(save)
    return {
      staged: new Map(staged),
      fresh: fresh === null ? null : new Map(fresh),
      aliases: new Map(freshAliases),
      attributes
    }
  }
  const restoreUnitState = (state: ReturnType<typeof unitState>) => {
    staged = new Map(state.staged)
    fresh = state.fresh === null ? null : new Map(state.fresh)
    freshAliases.clear()
    for (const [key, alias] of state.aliases) freshAliases.set(key, alias)
    keptAttributes.take()
    for (const save of state.attributes) keptAttributes.keep(save)
  }

  /** The ledger customer a record is booked for (`null`: a customer record, or one whose customer is not booked). */
  const ledgerCustomerOf = ({ record }: SinkRecord) =>
    record.kind === "customer"
      ? Effect.succeed(null)
      : Effect.map(lookup(`customer/${record.customerSourceId}`), (migrated) => migrated?.data.ledgerId ?? null)

  /**
   * Books `records` in order, each run of consecutive records of one booked customer in one
   * `LedgerUnits.bulkImport` unit (one customer lock; entries, events, balance and numbers written
   * once per run), inside the caller's unit; `onRecord` is told which record is being booked.
   */
  const bookInBulk = (records: ReadonlyArray<SinkRecord>, runId: string, onRecord: (record: SinkRecord) => void) =>
    Effect.gen(function* () {
      const units = yield* LedgerUnits
      let start = 0
      while (start < records.length) {
        const first = records[start] as SinkRecord
        const owner = yield* ledgerCustomerOf(first)
        let end = start + 1
        while (
          owner !== null &&
          end < records.length &&
          records[end]?.record.kind !== "customer" &&
          records[end]?.record.customerSourceId === first.record.customerSourceId
        )
          end++
        const run = records.slice(start, end)
        const book = Effect.forEach(
          run,
          (record) =>
            Effect.andThen(
              Effect.sync(() => onRecord(record)),
              bookOne(runId, record)
            ),
          { discard: true }
        )
        yield* owner === null || run.length < 2 || options.customerBulk === false
          ? book
          : Effect.suspend(() => {
              // A bulk unit undone to its savepoint runs `book` again: each attempt starts from what
              // the sink held before the first, so none skips a record as staged by an undone one.
              const before = unitState()
              return units.bulkImport(
                {
                  customerId: ledgerCustomerId(owner),
                  operation: `migrate:${vendor}:bulk`,
                  input: run.map(({ key, fingerprint }) => `${key}@${fingerprint}`),
                  result: Schema.Null
                },
                Effect.andThen(
                  Effect.sync(() => restoreUnitState(before)),
                  Effect.as(book, null)
                )
              )
            })
        start = end
      }
    })

  const atomically = <A, E, R>(operation: string, input: unknown, work: Effect.Effect<A, E, R>) =>
    Effect.flatMap(LedgerUnits, (units) =>
      units.atomically({ operation, input, result: Schema.Null }, Effect.as(work, null))
    )

  /** Runs one unit; the `migrated` records it staged become known only when it committed. */
  const runUnit = async <E>(work: Effect.Effect<null, E, MigrationServices>, collectFresh = false) => {
    staged = new Map()
    fresh = collectFresh ? new Map() : null
    freshAliases.clear()
    keptAttributes.take()
    const exit = await ledger.run(Effect.exit(work))
    if (exit._tag === "Success") for (const [key, migrated] of staged) committed.set(key, migrated)
    staged = new Map()
    fresh = null
    return exit
  }

  /** Writes the unit's new `migrated` records and kept dialect attributes (in the unit, before its checkpoint commit). */
  const insertFresh = Effect.suspend(() => {
    const records = fresh === null ? [] : [...fresh.values()]
    const aliases = [...freshAliases.values()]
    fresh?.clear()
    freshAliases.clear()
    return Effect.flatMap(splitKeptAttributes(vendor, keptAttributes.take()), (attributes) =>
      insertMigratedMany(vendor, records, aliases, attributes)
    )
  })

  /** Keeps a refused record (so the run can go on) with a fingerprint that never matches: the next run retries it. */
  const refuse = async (runId: string, { key, fingerprint, record }: SinkRecord, reason: string) => {
    refusals.set(key, reason)
    committed.delete(key)
    await ledger.run(
      Effect.gen(function* () {
        const stored = yield* readMigrated(vendor, key)
        if (stored !== null && stored.data.refused !== true) return
        yield* saveMigrated(vendor, {
          key,
          customerId: null,
          paymentId: null,
          data: {
            fingerprint: `refused:${fingerprint}`,
            refused: true,
            ledgerKind: "none",
            ledgerId: null,
            runId,
            skipped: `refused: ${reason}`,
            source: { ...record, raw: undefined, notes: undefined }
          }
        })
      })
    )
  }

  const writeEach = async (records: ReadonlyArray<SinkRecord>, runId: string) => {
    for (const sinkRecord of records) {
      const exit = await runUnit(
        atomically(
          `migrate:${vendor}:record`,
          { key: sinkRecord.key, fingerprint: sinkRecord.fingerprint },
          bookOne(runId, sinkRecord)
        )
      )
      if (exit._tag === "Failure") await refuse(runId, sinkRecord, describeCause(exit.cause))
      else refusals.delete(sinkRecord.key)
    }
  }

  /**
   * Books `records` as one unit, with `checkpoint` (the batch's checkpoint commit) last in it. When
   * the ledger refuses a record, the unit rolls back, the record is kept as refused, and the unit is
   * booked again without it — so a bad record costs one retry, not the batch. After
   * `maxRefusalsPerUnit` refusals the rest is booked record by record. Returns whether the
   * checkpoint commit went in.
   */
  const writeUnit = async (
    records: ReadonlyArray<SinkRecord>,
    batch: { readonly runId: string; readonly stream: string },
    checkpoint: Effect.Effect<void, unknown, MigrationServices> | null
  ): Promise<boolean> => {
    let remaining = records
    for (let refused = 0; refused <= maxRefusalsPerUnit; refused++) {
      let inFlight: SinkRecord | null = null
      const exit = await runUnit(
        atomically(
          `migrate:${vendor}:batch`,
          { stream: batch.stream, keys: remaining.map(({ key, fingerprint }) => `${key}@${fingerprint}`) },
          Effect.andThen(
            bookInBulk(remaining, batch.runId, (record) => {
              inFlight = record
            }),
            Effect.andThen(
              Effect.sync(() => (inFlight = null)),
              Effect.andThen(insertFresh, checkpoint ?? Effect.void)
            )
          )
        ),
        true
      )
      if (exit._tag === "Success") {
        for (const { key } of remaining) refusals.delete(key)
        return true
      }
      const culprit: SinkRecord | null = inFlight
      if (culprit === null) break
      await refuse(batch.runId, culprit, describeCause(exit.cause))
      remaining = remaining.filter((record) => record !== culprit)
      if (remaining.length === 0) return false
    }
    await writeEach(remaining, batch.runId)
    return false
  }

  return {
    description: `ledger ${ledger.description}`,
    refusals: () => refusals,
    write: async (records, batch) => {
      if (records.length === 0) return
      await ensurePresets(records)
      if (options.batchUnit === false) return writeEach(records, batch.runId)
      const size = Math.max(1, options.batchSize ?? defaultBatchSize)
      for (let start = 0; start < records.length; start += size) {
        const last = start + size >= records.length
        const commit = last && batch.commit !== undefined ? batch.commit : null
        const checkpointEffect =
          commit === null || options.checkpoint === undefined ? null : options.checkpoint.commitEffect(commit)
        const inUnit = await writeUnit(records.slice(start, start + size), batch, checkpointEffect)
        if (inUnit && commit !== null) options.checkpoint?.committedWith(commit)
      }
    },
    close: async () => {
      // Ids that cannot collide: the ledger's counters past every numeric vendor id booked (16.2).
      await ledger.run(reserveMigratedIds(committed.values()))
    }
  }
}
