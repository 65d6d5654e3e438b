/**
 * A list with reversal rows (LogiSense's payment list, issue 14 hot paths) reads what its page needs,
 * by SQLite's own plan of the statement the store sends (`EXPLAIN QUERY PLAN`; no statistics, so the
 * plan is deterministic): the payment rows and the reversal rows are merged in the list's order, the
 * payment rows read in an index's order — so the rows before a deep page are stepped over, never
 * sorted (only the reversal rows and the page's own rows are) — and the total counts the payments
 * without a deleted-payment record as the matches less those with one, read from the records as a
 * list, not by one record look-up per payment. The rows listed are checked by the store conformance
 * suite (`offset-page-annexes.ts`) on both databases.
 */
import { LedgerStore, type Payment } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Database } from "../src/index.ts"
import { attachStatementLog, sqliteTestDatabase } from "../src/testing/index.ts"
import { useDatabase } from "./support/database-harness.ts"
import { at, newCustomer, newPayment } from "./support/store-fixtures.ts"

interface PlanNode {
  readonly id: number
  readonly parent: number
  readonly detail: string
}

/** The details of `node` and of every node below it. */
const subtree = (plan: ReadonlyArray<PlanNode>, node: PlanNode): Array<string> => [
  node.detail,
  ...plan.filter((child) => child.parent === node.id).flatMap((child) => subtree(plan, child))
]

describe("a list with reversal rows on SQLite (the plan of its statement)", () => {
  const db = useDatabase(async () => ({ url: "sqlite::memory:", layer: sqliteTestDatabase(), remove: async () => {} }))

  it("merges the rows in index order, sorts none it skips, and counts without a record look-up per payment", async () => {
    const plan = await db.run(
      Effect.gen(function* () {
        const s = yield* LedgerStore
        const { orm } = yield* Database
        const customer = yield* s.customers.insert(newCustomer())
        const payments: Array<Payment> = []
        for (let i = 0; i < 30; i++) {
          payments.push(
            yield* s.payments.insert(
              newPayment(customer.id, {
                reversedAmount: i % 7 === 0 ? 100n : 0n,
                createdAt: at(`2026-06-01T00:00:${String(i).padStart(2, "0")}.000Z`)
              })
            )
          )
        }
        for (const payment of payments.filter((candidate) => candidate.reversedAmount > 0n)) {
          yield* s.reversals.insert({
            paymentId: payment.id,
            amount: 100n,
            effectiveDate: "2026-06-02",
            reversedAt: at("2026-06-02T00:00:00.000Z"),
            reason: null,
            reinstatedAt: null
          })
        }
        const deleted = payments[3] as Payment
        yield* s.dialectRecords.insert({
          dialect: "test-vendor",
          kind: "deleted-payment",
          key: String(deleted.id),
          customerId: customer.id,
          paymentId: deleted.id,
          data: {},
          createdAt: at("2026-06-03T00:00:00.000Z"),
          updatedAt: at("2026-06-03T00:00:00.000Z")
        })
        const log = attachStatementLog(orm)
        const without = { dialect: "test-vendor", kind: "deleted-payment" }
        const measured = yield* Effect.promise(() =>
          log.measure(() =>
            Effect.runPromise(
              s.payments.list({
                cursor: null,
                limit: 5,
                order: "id",
                customerIds: [customer.id],
                states: ["posted"],
                sort: [{ field: "createdAt", direction: "asc" }],
                offset: 20,
                withTotal: true,
                withoutDialectRecord: without,
                reversalRows: { states: ["posted"], withoutDialectRecord: without }
              })
            )
          )
        )
        // 29 payment rows and 5 reversal rows; the page is rows 21 to 25.
        expect(measured.result.total).toBe(34)
        expect(measured.tally.statements).toHaveLength(1)
        const statement = measured.tally.statements[0]
        const explained = yield* Effect.promise(() =>
          orm.em
            .fork()
            .getConnection()
            .execute(`explain query plan ${statement?.sql}`, [...(statement?.parameters ?? [])])
        )
        return explained as unknown as ReadonlyArray<PlanNode>
      })
    )
    const merge = plan.find((node) => node.detail === "MERGE (UNION ALL)")
    expect(merge, JSON.stringify(plan)).toBeDefined()
    const paymentRows = plan.find((node) => node.parent === merge?.id && node.detail === "LEFT") as PlanNode
    const stepped = subtree(plan, paymentRows)
    expect(
      stepped.some((detail) => /^SEARCH p USING (COVERING )?INDEX /u.test(detail)),
      stepped.join("\n")
    ).toBe(true)
    expect(
      stepped.filter((detail) => detail.includes("TEMP B-TREE")),
      stepped.join("\n")
    ).toEqual([])
    // The counts (uncorrelated scalar subqueries): the payments' reads no record per payment, only the
    // reversed payments' (few) are looked up one by one.
    const counts = plan.filter((node) => node.detail.startsWith("SCALAR SUBQUERY")).map((node) => subtree(plan, node))
    const paymentCounts = counts.filter((details) => !details.some((detail) => detail.includes("reversed_amount")))
    expect(paymentCounts.length, JSON.stringify(plan)).toBeGreaterThanOrEqual(2)
    for (const details of paymentCounts) {
      expect(
        details.filter((detail) => detail.startsWith("CORRELATED")),
        details.join("\n")
      ).toEqual([])
    }
    expect(
      paymentCounts.some((details) =>
        details.some((detail) => /^SEARCH dr .*\(dialect=\? AND kind=\?\)$/u.test(detail))
      ),
      JSON.stringify(plan)
    ).toBe(true)
  })
})
