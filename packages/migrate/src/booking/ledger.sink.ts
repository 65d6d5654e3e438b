/**
 * The ledger sink (issue 16.1): books each batch of new and changed source records into the ledger
 * through its services. Every record is booked in one `LedgerUnits.atomically` unit together with
 * its `migrated` record (fingerprint, ledger id), so booking and checkpoint commit together: a
 * record whose `migrated` record already has this fingerprint is skipped (a batch replayed after a
 * kill changes nothing), and a run killed mid-batch leaves each record either fully booked or not
 * at all. With `batchUnit` (the default) the whole batch is one unit — one transaction per batch,
 * the bulk path — and a batch the ledger refuses is booked again record by record, so one refused
 * record does not hold back the others. A refused record (no currency, a state the lifecycle cannot
 * reach, an amount the currency cannot hold) is kept with the refusal and retried on the next run;
 * the run's refusals are listed in the summary and the reconciliation report. Payment method and
 * type presets are found by code or name and created once when missing.
 */
import { LedgerUnits, type Page, Parties, type PaymentPreset } from "@paybridge/core"
import { Cause, Effect, Schema } from "effect"
import type { RecordSink, SinkRecord } from "../import/record-sink.ts"
import type { VendorId } from "../sources/source-model.ts"
import { type Booked, type BookingContext, bookRecord } from "./book-records.ts"
import type { Ledger } from "./ledger-runtime.ts"
import { type Migrated, readMigrated, saveAliases, saveMigrated } from "./migrated-records.ts"

export interface LedgerSinkOptions {
  readonly ledger: Ledger
  readonly vendor: VendorId
  readonly vendorTitle: string
  /** One ledger transaction per batch (default) instead of one per record. */
  readonly batchUnit?: boolean
}

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

  /** Makes sure every method/type the batch names has a preset (outside the records' units). */
  const ensurePresets = async (records: ReadonlyArray<SinkRecord>) => {
    for (const { record } of records) {
      if (record.kind !== "payment") continue
      for (const kind of ["method", "type"] as const) {
        const text = record[kind]
        if (text === null || presets[kind].has(text)) continue
        const code = presetCodeOf(text)
        const known = presets[kind].get(code)
        const id =
          known ??
          (
            await ledger.run(
              Effect.flatMap(Parties, (parties) =>
                parties.createPreset({ kind, code, name: text.slice(0, 200) || code })
              )
            )
          ).id
        presets[kind].set(text, id)
        presets[kind].set(code, id)
      }
    }
  }

  const context = (runId: string): BookingContext => ({
    vendor,
    vendorTitle: options.vendorTitle,
    runId,
    presets
  })

  /** Books one record unless its `migrated` record already has this fingerprint (inside the caller's unit). */
  const bookOne = (runId: string, { key, fingerprint, record }: SinkRecord) =>
    Effect.gen(function* () {
      const stored = yield* readMigrated(vendor, key)
      if (stored?.data.fingerprint === fingerprint) return
      const before: Migrated | null = stored === null || stored.data.refused === true ? null : stored
      const booked: Booked = yield* bookRecord(context(runId), record, before)
      yield* saveMigrated(vendor, {
        key,
        customerId: booked.customerId,
        paymentId: booked.paymentId,
        data: {
          fingerprint,
          ledgerKind: booked.ledgerKind,
          ledgerId: booked.ledgerId,
          ...(booked.ledgerIds === undefined ? {} : { ledgerIds: booked.ledgerIds }),
          runId,
          skipped: booked.skipped,
          source: { ...record, raw: undefined, notes: undefined }
        }
      })
      if (booked.ledgerId !== null) yield* saveAliases(vendor, record, booked.ledgerId)
    })

  const atomically = <A, E, R>(operation: string, input: unknown, work: Effect.Effect<A, E, R>) =>
    Effect.flatMap(LedgerUnits, (units) =>
      units.atomically({ operation, input, result: Schema.Null }, Effect.as(work, null))
    )

  /** Keeps a refused record (so the run can go on) with a fingerprint that never matches: the next run retries it. */
  const refuse = async (runId: string, { key, fingerprint, record }: SinkRecord, reason: string) => {
    refusals.set(key, reason)
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
      const exit = await ledger.run(
        Effect.exit(
          atomically(
            `migrate:${vendor}:record`,
            { key: sinkRecord.key, fingerprint: sinkRecord.fingerprint },
            bookOne(runId, sinkRecord)
          )
        )
      )
      if (exit._tag === "Failure") await refuse(runId, sinkRecord, describeCause(exit.cause))
      else refusals.delete(sinkRecord.key)
    }
  }

  return {
    description: `ledger ${ledger.description}`,
    refusals: () => refusals,
    write: async (records, batch) => {
      if (records.length === 0) return
      await ensurePresets(records)
      if (options.batchUnit === false || records.length === 1) return writeEach(records, batch.runId)
      const exit = await ledger.run(
        Effect.exit(
          atomically(
            `migrate:${vendor}:batch`,
            { stream: batch.stream, keys: records.map(({ key, fingerprint }) => `${key}@${fingerprint}`) },
            Effect.forEach(records, (record) => bookOne(batch.runId, record), { discard: true })
          )
        )
      )
      if (exit._tag === "Failure") return writeEach(records, batch.runId)
      for (const { key } of records) refusals.delete(key)
    },
    close: async () => {}
  }
}
