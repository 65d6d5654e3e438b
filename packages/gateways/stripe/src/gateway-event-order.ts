/**
 * Duplicate and out-of-order webhook events: the rule the ledger applies before acting on a
 * verified `GatewayEvent` about a gateway object (a charge, refund, setup or mandate). Gateways
 * deliver at least once and in no guaranteed order, so the ledger remembers, per object reference,
 * the last event it applied (id, creation time, the object's status, whether that status is final)
 * plus the ids of every event it processed, and asks `decideEvent`:
 *
 *   - an event id seen before → `duplicate` (answer 200, do nothing);
 *   - nothing applied yet for the object → `apply`;
 *   - the applied state is final (succeeded, canceled, a refund's succeeded/failed) → `stale`, unless
 *     the incoming one is a different final state, which must not happen → `ask-gateway`;
 *   - the incoming state is final → `apply` (a final state wins over any earlier non-final one);
 *   - otherwise the later `createdAt` wins (`apply` / `stale`); the same second with a different
 *     status cannot be ordered → `ask-gateway`: call `lookup` and trust the object's current state.
 *
 * `charge-refunded` events carry a cumulative refunded amount, which only grows: apply the larger.
 * Pure, dependency-free, and movable to core with `gateway-driver.ts`.
 */

/** What the ledger remembers of the last event it applied to one gateway object. */
export interface AppliedEvent {
  readonly eventId: string
  readonly createdAt: Date
  readonly objectStatus: string
  readonly final: boolean
}

export type EventDecision = "apply" | "duplicate" | "stale" | "ask-gateway"

export const decideEvent = (
  incoming: AppliedEvent,
  lastApplied: AppliedEvent | undefined,
  alreadyProcessed: boolean
): EventDecision => {
  if (alreadyProcessed || incoming.eventId === lastApplied?.eventId) return "duplicate"
  if (lastApplied === undefined) return "apply"
  if (lastApplied.final) {
    return incoming.final && incoming.objectStatus !== lastApplied.objectStatus ? "ask-gateway" : "stale"
  }
  if (incoming.final) return "apply"
  const incomingAt = incoming.createdAt.getTime()
  const appliedAt = lastApplied.createdAt.getTime()
  if (incomingAt > appliedAt) return "apply"
  if (incomingAt < appliedAt) return "stale"
  return incoming.objectStatus === lastApplied.objectStatus ? "stale" : "ask-gateway"
}
