/**
 * The duplicate / out-of-order rule the ledger applies to webhook events per gateway object:
 * duplicates by id, final states win and are never overwritten, otherwise the later event wins,
 * and two different states in the same second are settled by asking the gateway.
 */
import { describe, expect, it } from "vitest"
import { type AppliedEvent, decideEvent } from "../src/gateway-event-order.ts"

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds))
const event = (eventId: string, seconds: number, objectStatus: string, final = false): AppliedEvent => ({
  eventId,
  createdAt: at(seconds),
  objectStatus,
  final
})

describe("decideEvent", () => {
  it("applies the first event about an object", () => {
    expect(decideEvent(event("evt_1", 0, "processing"), undefined, false)).toBe("apply")
  })

  it("recognises a duplicate by event id, whether it was applied or only processed", () => {
    const applied = event("evt_1", 0, "processing")
    expect(decideEvent(applied, applied, false)).toBe("duplicate")
    expect(decideEvent(event("evt_2", 5, "succeeded", true), applied, true)).toBe("duplicate")
  })

  it("applies a final state over an earlier or even later-dated non-final one", () => {
    expect(decideEvent(event("evt_2", 5, "succeeded", true), event("evt_1", 0, "processing"), false)).toBe("apply")
    expect(decideEvent(event("evt_2", 0, "succeeded", true), event("evt_1", 9, "requires_action"), false)).toBe("apply")
  })

  it("never overwrites a final state; a different final state means ask the gateway", () => {
    const succeeded = event("evt_9", 5, "succeeded", true)
    expect(decideEvent(event("evt_1", 0, "processing"), succeeded, false)).toBe("stale")
    expect(decideEvent(event("evt_2", 9, "processing"), succeeded, false)).toBe("stale")
    expect(decideEvent(event("evt_3", 9, "succeeded", true), succeeded, false)).toBe("stale")
    expect(decideEvent(event("evt_4", 9, "canceled", true), succeeded, false)).toBe("ask-gateway")
  })

  it("orders non-final states by creation time; a same-second conflict asks the gateway", () => {
    const failed = event("evt_1", 5, "requires_payment_method")
    expect(decideEvent(event("evt_2", 6, "processing"), failed, false)).toBe("apply")
    expect(decideEvent(event("evt_2", 4, "processing"), failed, false)).toBe("stale")
    expect(decideEvent(event("evt_2", 5, "requires_payment_method"), failed, false)).toBe("stale")
    expect(decideEvent(event("evt_2", 5, "processing"), failed, false)).toBe("ask-gateway")
  })
})
