/**
 * Which ledger counters a migration moves past the vendor ids it booked (issue 16.2): numeric ids of
 * each kind move their counter; a balance movement row's id (Elevate's reversals and reinstatements,
 * read from `1000000000000 + entry` rows) names no reversal and moves nothing — on PostgreSQL such a
 * value is beyond the reversal sequence altogether.
 */
import { expect, test } from "vitest"
import { idsToReserve } from "../src/booking/id-reservation.ts"
import type { LedgerKind, Migrated } from "../src/booking/migrated-records.ts"

const migrated = (key: string, ledgerKind: LedgerKind, aliases: Record<string, string> = {}): Migrated => ({
  key,
  customerId: 1,
  paymentId: null,
  data: { fingerprint: "f", ledgerKind, ledgerId: 5, runId: "run", source: { aliases } }
})

test("numeric vendor ids move their counters; movement row ids move none", () => {
  const above = idsToReserve([
    migrated("reversal/1000000000068", "reversal", { movement: "1000000000068" }),
    migrated("reinstatement/1000000000069", "reversal", { movement: "1000000000069" }),
    migrated("adjustment/1000000000003", "adjustment", { movement: "1000000000003" }),
    migrated("reversal/77", "reversal"),
    migrated("payment/42", "payment")
  ])
  expect(above.get("reversals")).toBe(77n)
  expect(above.get("payments")).toBe(42n)
})
