/**
 * The ledger's event log as commands write it: `recordEvent` appends one event (`recordEvents`
 * several in one write) carrying the command context (who acted, through which protocol, which
 * request and idempotency key), and `minor` writes amounts in event data as decimal strings of
 * minor units, never JS numbers.
 */
import { Effect } from "effect"
import type { CustomerId, PaymentId } from "../../model/ids.ts"
import type { LedgerEvent } from "../../model/records.ts"
import { type AttachedRecord, LedgerStore, type New } from "../../ports/ledger-store.ts"
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
  const store = yield* LedgerStore
  return yield* store.events.append(yield* eventRow(event))
})

/**
 * Appends several events of one command in one write, in the order given; an event's
 * `attachedRecord` (a dialect record of the event's payment) is written by the same statement.
 */
export const recordEvents = Effect.fnUntraced(function* (
  events: ReadonlyArray<NewEvent & { readonly attachedRecord?: AttachedRecord | undefined }>
) {
  const store = yield* LedgerStore
  return yield* store.events.appendAll(yield* eventRows(events))
})

/** The rows `recordEvents` appends (what the commands say, the command context and the clock). */
export const eventRows = Effect.fnUntraced(function* (
  events: ReadonlyArray<NewEvent & { readonly attachedRecord?: AttachedRecord | undefined }>
) {
  const rows: Array<New<LedgerEvent> & { readonly attachedRecord?: AttachedRecord | undefined }> = []
  for (const event of events) {
    const row = yield* eventRow(event)
    rows.push(event.attachedRecord === undefined ? row : { ...row, attachedRecord: event.attachedRecord })
  }
  return rows
})

/** The row of an event: what the command says, the command context and the clock. */
const eventRow = Effect.fnUntraced(function* (event: NewEvent) {
  const context = yield* CommandContext
  const row: New<LedgerEvent> = {
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
  }
  return row
})
