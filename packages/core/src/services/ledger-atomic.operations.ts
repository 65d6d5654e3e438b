/**
 * `atomically`: several ledger commands as one all-or-nothing unit, for protocol edges whose one
 * request is several commands (LogiSense's PATCH with mixed create/update/delete items, a create
 * followed by a posting with its own date). The work runs in one store transaction, so a failure
 * anywhere undoes every command before it; the request's idempotency key is claimed once for the
 * whole unit (under `atomically:<operation>` and the caller's input), so a retry replays the
 * stored result and the nested commands never claim the key themselves. Each nested command is
 * still authorised, scoped and logged as usual, so `atomically` itself only needs read access.
 */
import { Effect } from "effect"
import { Conflict } from "../errors.ts"
import type { LedgerShape } from "./ledger.ts"
import { withIdempotency } from "./ledger-idempotency.ts"
import type { LedgerKit } from "./ledger-kit.ts"

type AtomicOperations = Pick<LedgerShape, "atomically">

const isConcurrentModification = (error: unknown): boolean =>
  error instanceof Conflict && error.reason === "concurrent-modification"

export const makeAtomicOperations = (kit: LedgerKit): AtomicOperations => ({
  atomically: (request, work) =>
    Effect.gen(function* () {
      yield* kit.query("atomically", Effect.void)
      const attempt = kit.store.transaction(
        withIdempotency(kit.store, `atomically:${request.operation}`, request.input, request.result, work)
      )
      return yield* attempt.pipe(Effect.catchIf(isConcurrentModification, () => attempt))
    }).pipe(Effect.withSpan("Ledger.atomically"))
})
