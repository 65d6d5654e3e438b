/**
 * A bulk unit's lifecycle (issue 16, see `bulk-booking.ts`): what a running unit keeps in memory
 * (`BulkScope`), the reference that tells the store a unit runs (`BulkBooking`), how what it kept
 * is written — kept payments and their rows first, then the customer row in one guarded update,
 * balance entries and events in one multi-row insert each, each number sequence reserved once
 * (`flushBulkScope`) — and how a unit runs: in a savepoint, each command reading times after the
 * commands before it and the unit ending after them all (`bulk-clock.ts`), booked again command by
 * command when a write of what it kept is refused (`withBulkBooking`).
 */
import { Context, Effect } from "effect"
import type { Conflict, StorageUnavailable, ValidationFailed } from "../../errors.ts"
import type { DocumentId, PaymentId, RefundId } from "../../model/ids.ts"
import type { BalanceEntry, Customer, Document, LedgerEvent, Payment, Refund } from "../../model/records.ts"
import type { LedgerStoreShape, New, SequenceName } from "../../ports/ledger-store.ts"
import { AfterCommitQueue } from "./after-commit.ts"
import { type CommandClock, newCommandClock, withCommandClock } from "./bulk-clock.ts"
import {
  holdsKeptRows,
  newPaymentDeferral,
  type PaymentDeferral,
  releaseUnusedIds,
  writeKeptPayments,
  writeKeptReleases
} from "./bulk-payments.ts"

/** What a running bulk unit keeps in memory until it writes. */
export interface BulkScope {
  readonly customerId: Customer["id"]
  /** The customer row as the unit's commands have left it. */
  customer: Customer
  /** The version of the customer row in the database. */
  storedVersion: number
  readonly entries: Array<Omit<New<BalanceEntry>, "sequence">>
  readonly events: Array<New<LedgerEvent>>
  /** Per sequence drawn in the unit: the value the database holds and the last value handed out. */
  readonly sequences: Map<SequenceName, { stored: bigint; last: bigint }>
  /** Presets and billing entities read in the unit (configuration, not changed by bookings). */
  readonly configuration: Map<string, unknown>
  /**
   * The unit customer's payments as written or read in the unit (under its lock, so nothing else
   * changes them): a payment read again is answered from here.
   */
  readonly payments: Map<PaymentId, Payment>
  /** The unit customer's refunds as written or read in the unit (as `payments`). */
  readonly refunds: Map<RefundId, Refund>
  /**
   * The unit customer's documents as the unit's document reads and writes left them; forgotten by
   * any other statement (one may change a document: `bulk-documents.ts`).
   */
  readonly documents: Map<DocumentId, Document>
  /** The unit's new payments kept until written together (`bulk-payments.ts`); `null`: written at once. */
  readonly deferral: PaymentDeferral | null
  /**
   * A write of what the unit kept was refused (a key taken in the database): every later statement
   * of the unit fails with it, and the unit is booked again command by command.
   */
  refused: Conflict | ValidationFailed | null
  /** The clock its commands read, each after the one before (`bulk-clock.ts`). */
  readonly clock: CommandClock
}

/** The running bulk unit, or `null` outside one. */
export const BulkBooking = Context.Reference<BulkScope | null>("@paybridge/core/services/BulkBooking", {
  defaultValue: () => null
})

/** A provisional id of a row written at the end of the unit (its real id is assigned then). */
let provisional = 0
export const provisionalId = () => {
  provisional = provisional <= -1_000_000_000 ? -1 : provisional - 1
  return provisional
}

/** Rows per multi-row insert (well under both databases' bound-parameter limits). */
const rowsPerInsert = 500

type KeptWrite<A> = Effect.Effect<A, StorageUnavailable | Conflict | ValidationFailed>
const rememberRefusal = (scope: BulkScope) => (error: StorageUnavailable | Conflict | ValidationFailed) =>
  Effect.sync(() => {
    if (error._tag !== "StorageUnavailable") scope.refused = error
  })

/** `write` of what the unit kept, a refusal of it remembered (see `BulkScope.refused`). */
export const remembered = <A>(scope: BulkScope, write: KeptWrite<A>): KeptWrite<A> =>
  scope.refused !== null ? Effect.fail(scope.refused) : write.pipe(Effect.tapError(rememberRefusal(scope)))

/** Writes the kept payments and collections. */
export const writePending = (store: LedgerStoreShape, scope: BulkScope) =>
  scope.deferral === null || (!holdsKeptRows(scope.deferral) && scope.refused === null)
    ? Effect.void
    : remembered(scope, writeKeptPayments(store, scope.deferral))

/**
 * Writes what the unit kept: customer row, new payments, entries, events, sequences (`end`: the
 * unit's end, when the ids drawn and not used are given back).
 */
export const flushBulkScope = (store: LedgerStoreShape, scope: BulkScope, end = false) =>
  Effect.gen(function* () {
    yield* writePending(store, scope)
    if (scope.deferral !== null) {
      if (end) yield* releaseUnusedIds(store, scope.deferral)
      yield* remembered(scope, writeKeptReleases(store, scope.deferral))
    }
    if (scope.customer.version !== scope.storedVersion) {
      const updated = yield* store.customers.update(scope.customer, scope.storedVersion)
      scope.customer = updated
      scope.storedVersion = updated.version
    }
    for (let start = 0; start < scope.entries.length; start += rowsPerInsert) {
      yield* store.balance.appendAll(scope.entries.slice(start, start + rowsPerInsert))
    }
    scope.entries.length = 0
    for (let start = 0; start < scope.events.length; start += rowsPerInsert) {
      yield* store.events.appendAll(scope.events.slice(start, start + rowsPerInsert))
    }
    scope.events.length = 0
    for (const [name, drawn] of scope.sequences) {
      if (drawn.last > drawn.stored) {
        yield* store.reserveIds(name, drawn.last)
        drawn.stored = drawn.last
      }
    }
  })

/**
 * Runs `work` as a bulk unit of `customer` (the row read under its lock, in the caller's
 * transaction), then writes what it kept. A unit nested in a unit of the same customer joins it.
 */
export const withBulkBooking = <A, E, R>(
  store: LedgerStoreShape,
  customer: Customer,
  work: Effect.Effect<A, E, R>
): Effect.Effect<A, E | Conflict | StorageUnavailable | ValidationFailed, R> =>
  Effect.flatMap(BulkBooking, (outer) => {
    if (outer !== null) {
      return outer.customerId === customer.id
        ? work
        : Effect.die(new Error(`a bulk unit of customer ${customer.id} inside one of customer ${outer.customerId}`))
    }
    const clock = newCommandClock()
    const attempt = (scope: BulkScope) =>
      withCommandClock(clock, Effect.provideService(work, BulkBooking, scope)).pipe(
        Effect.tap(() => flushBulkScope(store, scope, true)),
        Effect.tap(() => (scope.refused === null ? Effect.void : Effect.fail(scope.refused)))
      )
    return Effect.flatMap(AfterCommitQueue, (queue) => {
      const kept = newScope(customer, true, clock)
      const queued = queue?.length ?? 0
      // A refused write of what the unit kept undoes the attempt (savepoint, and the gateway calls
      // it queued); the work then runs again with each new payment written at once, so each
      // command meets the refusal itself.
      return store.savepoint(attempt(kept)).pipe(
        Effect.catch((error) =>
          kept.refused === null
            ? Effect.fail(error)
            : Effect.suspend(() => {
                if (queue !== null) queue.length = queued
                return attempt(newScope(customer, false, clock))
              })
        )
      )
    })
  })

const newScope = (customer: Customer, deferPayments: boolean, clock: CommandClock): BulkScope => ({
  customerId: customer.id,
  customer,
  storedVersion: customer.version,
  entries: [],
  events: [],
  sequences: new Map(),
  configuration: new Map(),
  payments: new Map(),
  refunds: new Map(),
  documents: new Map(),
  deferral: deferPayments ? newPaymentDeferral() : null,
  refused: null,
  clock
})
