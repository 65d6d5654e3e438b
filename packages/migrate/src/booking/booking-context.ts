/**
 * What every booking of a source record shares: the context a record is booked in (the vendor,
 * the run, the `migrated` records known so far, the method and type presets), what booking one
 * record produced (the `migrated` record's content), the refusal of a record that cannot be booked,
 * and how a record finds the ledger object another record became (its customer, its payment).
 */
import { CustomerId, DocumentId, PaymentId, PresetId, RefundId, ReversalId } from "@paybridge/core"
import { Effect, Schema } from "effect"
import type { VendorId } from "../sources/source-model.ts"
import type { AttributeSave, saveAttributesNow } from "./kept-attributes.ts"
import type { LedgerKind, Migrated, readMigrated } from "./migrated-records.ts"

export const customerId = Schema.decodeSync(CustomerId)
export const paymentId = Schema.decodeSync(PaymentId)
export const documentId = Schema.decodeSync(DocumentId)
export const refundId = Schema.decodeSync(RefundId)
export const reversalId = Schema.decodeSync(ReversalId)
export const presetId = Schema.decodeSync(PresetId)

/** Raised when a record cannot be booked at all (the run fails with this message, nothing of the record booked). */
export class BookingRefused extends Schema.TaggedError<BookingRefused>()("BookingRefused", {
  message: Schema.String
}) {}

export interface BookingContext {
  readonly vendor: VendorId
  readonly vendorTitle: string
  readonly runId: string
  /**
   * The `migrated` record under a key (`customer/17`): what the sink already knows of this run's
   * committed and in-flight batch, else read from the ledger.
   */
  readonly lookup: (key: string) => ReturnType<typeof readMigrated>
  /** Preset ids by vendor method/type code (`code:<code>`) or text (created on first use, outside the record's unit). */
  readonly presets: { readonly method: ReadonlyMap<string, number>; readonly type: ReadonlyMap<string, number> }
  /** Merges what only the vendor's dialect shows of a ledger object into its record (at once, or at the unit's end: `kept-attributes.ts`). */
  readonly saveAttributes: (save: AttributeSave) => ReturnType<typeof saveAttributesNow>
}

/** What booking one record produced: the `migrated` record's content. */
export interface Booked {
  readonly ledgerKind: LedgerKind
  readonly ledgerId: number | null
  readonly ledgerIds?: ReadonlyArray<number>
  readonly customerId: number | null
  readonly paymentId: number | null
  readonly skipped: string | null
  readonly extra?: Readonly<Record<string, unknown>>
  /** Other records' `migrated` records the booking changed (a reversal its payment's row shows reinstated), saved with it. */
  readonly also?: ReadonlyArray<Migrated>
}

export const clip = (text: string | null, max: number) => (text === null ? null : text.slice(0, max))

/** The ledger object another source record became, or a refusal naming it. */
export const ledgerIdOf = (context: BookingContext, key: string, what: string) =>
  Effect.flatMap(context.lookup(key), (migrated) =>
    migrated === null || migrated.data.ledgerId === null
      ? Effect.fail(new BookingRefused({ message: `${what}: ${key} was not booked before it` }))
      : Effect.succeed(migrated.data.ledgerId)
  )

export const optionalLedgerIdOf = (context: BookingContext, key: string) =>
  Effect.map(context.lookup(key), (migrated) => migrated?.data.ledgerId ?? null)
