/**
 * The refund lifecycle against a table written out here by hand: a requested refund is
 * submitted, settled directly or cancelled; a submitted refund settles, is cancelled or fails
 * (bounces); settled, cancelled and failed refunds are final, and only the last two give the
 * money back to the customer's balance.
 */
import { describe, expect, it } from "vitest"
import {
  isVoidRefundState,
  nextRefundState,
  type RefundAction,
  type RefundState,
  refundActions,
  refundStates
} from "../../src/index.ts"
import { checkLifecycle, type ExpectedTable } from "./table-checks.ts"

const states: ReadonlyArray<RefundState> = ["requested", "submitted", "settled", "cancelled", "failed"]
const actions: ReadonlyArray<RefundAction> = ["submit", "settle", "cancel", "fail"]

const expected: ExpectedTable<RefundState, RefundAction> = {
  requested: { submit: "submitted", settle: "settled", cancel: "cancelled" },
  submitted: { settle: "settled", cancel: "cancelled", fail: "failed" },
  settled: {},
  cancelled: {},
  failed: {}
}

describe("refund lifecycle", () => {
  it("has exactly the documented states and actions", () => {
    expect([...refundStates].sort()).toEqual([...states].sort())
    expect([...refundActions].sort()).toEqual([...actions].sort())
  })

  checkLifecycle({
    entity: "refund",
    states,
    actions,
    initial: "requested",
    expected,
    next: nextRefundState,
    refusal: (from, action) => `cannot ${action} a ${from} refund`
  })

  it("treats only cancelled and failed refunds as void (booked back to the balance)", () => {
    expect(states.filter(isVoidRefundState)).toEqual(["cancelled", "failed"])
  })
})
