/**
 * The `LedgerUnits` service: several ledger commands as one all-or-nothing unit, for protocol
 * edges whose one request is several commands (LogiSense's PATCH with mixed create/update/delete
 * items, a create followed by a posting with its own date). `atomically` runs the other services'
 * commands in one store transaction under one idempotency claim. The implementation is
 * `ledgerUnitsLayer` (`ledger-units.layer.ts`).
 */
import { Context, type Effect } from "effect"
import type { AllClassified } from "../../auth/permissions.ts"
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
}

// Every method needs an access level in auth/permissions.ts.
true satisfies AllClassified<LedgerUnitsShape>

export class LedgerUnits extends Context.Service<LedgerUnits, LedgerUnitsShape>()(
  "@paybridge/core/services/LedgerUnits"
) {}
