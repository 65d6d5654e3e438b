/**
 * The implementation of `LedgerUnits` on the `LedgerStore` and `IdempotencyStore` ports. The work
 * runs in one store transaction, so a failure anywhere undoes every command before it; the
 * request's idempotency key is claimed once for the whole unit (under `atomically:<operation>` and
 * the caller's input), so a retry replays the stored result and the nested commands never claim
 * the key themselves (`IdempotencyClaimed`). Each nested command is still authorised, scoped and
 * logged as usual, so `atomically` itself only needs read access. Like every command, the unit is
 * retried once after a concurrent modification, and the gateway calls its commands booked run after
 * the unit commits (so the unit's own result shows those payments still pending). `bulkImport` is
 * such a unit for one customer, locked once, with the writes its commands repeat kept and written
 * once at the end (`shared/bulk-booking.ts`); it is a ledger write, so it is authorised as one.
 */
import { Effect, Layer, Schema } from "effect"
import { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { withAfterCommit } from "../shared/after-commit.ts"
import { withBulkBooking } from "../shared/bulk-booking.ts"
import { withIdempotencyIn } from "../shared/idempotency.ts"
import { mutation, query, retryOnConcurrentModification } from "../shared/ledger-command.ts"
import { capturePorts } from "../shared/ledger-ports.ts"
import { lockCustomer } from "../shared/record-access.ts"
import { LedgerUnits } from "./ledger-units.service.ts"

export const ledgerUnitsLayer: Layer.Layer<LedgerUnits, never, LedgerStore | IdempotencyStore> = Layer.effect(
  LedgerUnits,
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const idempotency = yield* IdempotencyStore
    const ports = yield* capturePorts<LedgerStore | IdempotencyStore>()
    return LedgerUnits.of({
      atomically: (request, work) =>
        Effect.gen(function* () {
          yield* query("atomically", Effect.void)
          return yield* withAfterCommit(
            retryOnConcurrentModification(
              store.transaction(
                withIdempotencyIn(idempotency, `atomically:${request.operation}`, request.input, request.result, work)
              )
            )
          )
        }).pipe(Effect.withSpan("LedgerUnits.atomically")),
      bulkImport: (request, work) =>
        ports(
          mutation(
            "bulkImport",
            { operation: request.operation, customerId: request.customerId, input: request.input },
            request.result,
            Effect.flatMap(lockCustomer(request.customerId), (customer) => withBulkBooking(store, customer, work))
          )
        ).pipe(Effect.withSpan("LedgerUnits.bulkImport")),
      reserveIds: Effect.fn("LedgerUnits.reserveIds")(function* (input) {
        return yield* mutation(
          "reserveIds",
          { space: input.space, above: input.above.toString() },
          Schema.Void,
          store.reserveIds(input.space, input.above)
        )
      }, ports)
    })
  })
)
