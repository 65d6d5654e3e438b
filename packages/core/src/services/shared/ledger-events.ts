/**
 * The ledger's event log as commands write it: `recordEvent` appends one event carrying the
 * command context (who acted, through which protocol, which request and idempotency key), and
 * `minor` writes amounts in event data as decimal strings of minor units, never JS numbers.
 */
import { Effect } from "effect"
import type { CustomerId, PaymentId } from "../../model/ids.ts"
import type { LedgerEvent } from "../../model/records.ts"
import { LedgerStore } from "../../ports/ledger-store.ts"
import { now } from "../clock.ts"
import { CommandContext } from "../command-context.ts"

/** Minor-unit amounts as event data: decimal strings, never JS numbers. */
export const minor = (amount: bigint): string => amount.toString()

/** What a command says about an event; the rest comes from the command context and the clock. */
export type NewEvent = Pick<LedgerEvent, "type" | "entity" | "entityId" | "data"> & {
  readonly customerId?: CustomerId | null | undefined
  readonly paymentId?: PaymentId | null | undefined
}

/** Appends an event carrying the command context (who, through what, which request and key). */
export const recordEvent = Effect.fnUntraced(function* (event: NewEvent) {
  const context = yield* CommandContext
  const store = yield* LedgerStore
  return yield* store.events.append({
    type: event.type,
    entity: event.entity,
    entityId: event.entityId,
    customerId: event.customerId ?? null,
    paymentId: event.paymentId ?? null,
    data: event.data,
    occurredAt: yield* now,
    actorId: context.principal.id,
    actorName: context.principal.name,
    origin: context.origin,
    requestId: context.requestId,
    idempotencyKey: context.idempotencyKey
  })
})
