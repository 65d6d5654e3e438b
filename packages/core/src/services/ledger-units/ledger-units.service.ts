/**
 * The `LedgerUnits` service: several ledger commands as one all-or-nothing unit, for protocol
 * edges whose one request is several commands (LogiSense's PATCH with mixed create/update/delete
 * items, a create followed by a posting with its own date). `atomically` runs the other services'
 * commands in one store transaction under one idempotency claim. `reserveIds` keeps the ids and
 * numbers the ledger assigns from now on above those an import kept (a migrated vendor's ids that
 * its dialect shows next to the ledger's own). `bulkImport` books many records of one customer
 * (an import's payments, their allocations, reversals, refunds…: the services' own commands) under
 * one customer lock in one transaction, their balance entries and events each written in one
 * multi-row insert, the customer's balance in one update and each number sequence reserved once
 * (`shared/bulk-booking.ts`) — the same ledger the commands give one by one. The implementation is
 * `ledgerUnitsLayer` (`ledger-units.layer.ts`).
 */
import { Context, type Effect } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
import type { NotFound } from "../../errors.ts"
import type { CustomerId } from "../../model/ids.ts"
import type { IdSpace, SequenceName } from "../../ports/ledger-store.ts"
import type { CommandContext } from "../command-context.ts"
import type { ResultSchema } from "../shared/idempotency.ts"
import type { CommandFailure } from "../shared/ledger-command.ts"

/** What `atomically` needs to claim the request's idempotency key for the whole unit. */
export interface AtomicRequest<A> {
  /** Names the unit in idempotency claims, e.g. `logisense:patchPayment`. */
  readonly operation: string
  /** The request as the caller received it (hashed to detect a key reused for another request). */
  readonly input: unknown
  /** Codec of the unit's result, stored for replays. */
  readonly result: ResultSchema<A>
}

/** What `bulkImport` needs: the customer whose records the unit books, and `atomically`'s claim. */
export interface BulkImportRequest<A> extends AtomicRequest<A> {
  readonly customerId: CustomerId
}

export interface LedgerUnitsShape {
  /** Runs `work` (other services' commands) as one unit: one transaction, one idempotency claim. */
  readonly atomically: <A, E, R>(
    request: AtomicRequest<A>,
    work: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | CommandFailure, R | CommandContext>
  /**
   * Runs `work` (the services' commands booking records of `request.customerId`) as one bulk unit:
   * authorised as a ledger write, the customer locked once (`NotFound` when there is no such
   * customer, `Forbidden` outside the principal's scope), one transaction and idempotency claim,
   * balance entries, events, the balance and number sequences written once at the end. Gives
   * exactly the ledger the same commands give one by one (`shared/bulk-booking.ts`).
   */
  readonly bulkImport: <A, E, R>(
    request: BulkImportRequest<A>,
    work: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | CommandFailure | NotFound, R | CommandContext>
  /**
   * Makes every id (or number) the ledger assigns in `space` from now on greater than `above`
   * (admin; never lowers a counter): after a migration, new objects cannot take an id a migrated
   * object is shown under.
   */
  readonly reserveIds: (input: {
    readonly space: IdSpace | SequenceName
    readonly above: bigint
  }) => Effect.Effect<void, CommandFailure, CommandContext>
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<LedgerUnitsShape>

export class LedgerUnits extends Context.Service<LedgerUnits, LedgerUnitsShape>()(
  "@paybridge/core/services/LedgerUnits"
) {}
