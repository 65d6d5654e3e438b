/**
 * Filter texts kept by shape (`where-shapes.ts`, issue 14 hot paths): a filter of a shape seen before
 * gets exactly the text and parameters the query builder gives it (values in their places, `null`s,
 * booleans, `$in` lists, `$or` groups and raw fragments as the builder writes them), the builder runs
 * once per shape, and a filter the walk does not know (a date) is compiled every time.
 */
import { raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { PaymentEntity } from "../src/entities/payment.entity.ts"
import { Database } from "../src/index.ts"
import { positional } from "../src/store/lean-rows.ts"
import { compiledByShape, type WhereText } from "../src/store/where-shapes.ts"
import { sqliteTestDatabase } from "../src/testing/index.ts"
import { useDatabase } from "./support/database-harness.ts"

/** What the builder gives a filter list (its `where` text, alias `p`). */
const builderText = (em: SqlEntityManager, where: ReadonlyArray<object>): WhereText => {
  const query = positional(
    em
      .createQueryBuilder(PaymentEntity, "p")
      .select(raw("1") as never)
      .where({ $and: [...where] } as never)
      .toQuery()
  )
  const at = query.sql.indexOf(" where ")
  return { sql: at < 0 ? "1 = 1" : query.sql.slice(at + " where ".length), params: query.params }
}

const recordless = (dialect: string, kind: string): object => ({
  [raw(
    (alias: string) =>
      `not exists (select 1 from dialect_records dr where dr.dialect = ? and dr.kind = ? and dr.payment_id = ${alias}.id)`,
    [dialect, kind]
  )]: []
})

describe("filter texts kept by shape", () => {
  const db = useDatabase(async () => ({ url: "sqlite::memory:", layer: sqliteTestDatabase(), remove: async () => {} }))

  it("gives a known shape's filters the builder's text and parameters, compiling each shape once", async () => {
    await db.run(
      Effect.gen(function* () {
        const { orm } = yield* Database
        const em = orm.em.fork() as unknown as SqlEntityManager
        const key = {}
        let compiled = 0
        const compile = (lists: ReadonlyArray<ReadonlyArray<object>>) => {
          compiled++
          return lists.map((list) => builderText(em, list))
        }
        const filters = (customer: number, state: string, type: number, dialect: string) => [
          [
            { customerId: { $in: [customer, customer + 1] } },
            { state: { $in: [state] } },
            { reversedAmount: { $gt: 0n } },
            { gatewayId: null },
            recordless(dialect, "deleted-payment")
          ],
          [
            { customerId: customer },
            { $or: [{ typeId: { $ne: type } }, { typeId: null }] },
            { amount: { $gte: BigInt(type) * 100n } },
            { number: "N-1" }
          ]
        ]
        for (const [customer, state, type, dialect] of [
          [1, "posted", 3, "logisense"],
          [7, "pending", 7, "other"],
          [7, "posted", 7, "logisense"]
        ] as const) {
          const lists = filters(customer, state, type, dialect)
          expect(compiledByShape(key, lists, compile)).toEqual(lists.map((list) => builderText(em, list)))
        }
        expect(compiled).toBe(1)
        // Another shape (one `$in` value fewer) is compiled once of its own.
        const shorter = [[{ customerId: { $in: [4] } }], []]
        expect(compiledByShape(key, shorter, compile)).toEqual(shorter.map((list) => builderText(em, list)))
        expect(compiled).toBe(2)
        // A date has no shape: compiled every time.
        const dated = [[{ createdAt: { $gte: new Date("2026-01-01T00:00:00.000Z") } }]]
        compiledByShape(key, dated, compile)
        compiledByShape(key, dated, compile)
        expect(compiled).toBe(4)
      })
    )
  })
})
