/**
 * The `LedgerUnits` service: several ledger commands as one all-or-nothing unit, for protocol
 * edges whose one request is several commands (LogiSense's PATCH with mixed create/update/delete
 * items, a create followed by a posting with its own date). `atomically` runs the other services'
 * commands in one store transaction under one idempotency claim. `reserveIds` keeps the ids and
 * numbers the ledger assigns from now on above those an import kept (a migrated vendor's ids that
 * its dialect shows next to the ledger's own). The implementation is
 * `ledgerUnitsLayer` (`ledger-units.layer.ts`).
 */
import { Context, type Effect } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
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

export interface LedgerUnitsShape {
  /** Runs `work` (other services' commands) as one unit: one transaction, one idempotency claim. */
  readonly atomically: <A, E, R>(
    request: AtomicRequest<A>,
    work: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | CommandFailure, R | CommandContext>
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
