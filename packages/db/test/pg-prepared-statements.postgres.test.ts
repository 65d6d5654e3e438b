/**
 * Named prepared statements on PostgreSQL (`sql/pg-prepared-statements.ts`), on a real server: a
 * long parameterised statement is prepared once per connection and answers every call with its own
 * values; short ones, and new texts beyond the per-connection cap, run unnamed, unless they open
 * with `preparedStatementHint`; an ORM opened on PostgreSQL uses it (the server lists the statement
 * the ledger's long read sent).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { initOrm, type LedgerOrm, migrateToLatest } from "../src/orm.ts"
import { preparedStatementHint, preparedStatementsPool } from "../src/sql/pg-prepared-statements.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"

interface NativePool {
  on: (event: "connect", listener: (client: never) => void) => unknown
  connect: () => Promise<{
    query: (text: string, values?: ReadonlyArray<unknown>) => Promise<{ rows: Array<Record<string, unknown>> }>
    release: () => void
  }>
}

const longStatement = (marker: string) =>
  `select $1::int + $2::int as sum, '${marker}' as marker /* ${"padding ".repeat(300)} */`

describe("named prepared statements on PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createPostgresTestDatabase>>
  beforeAll(async () => {
    database = await createPostgresTestDatabase()
  })
  afterAll(async () => {
    await database.drop()
  })

  test("a long statement is prepared once per connection and answers each call with its values; short ones and those past the cap run unnamed", async () => {
    // The ORM's own pool (opened without the wrapper), given one with a cap of 2 names per connection.
    const orm = await initOrm({ driver: "postgresql", url: database.url }, { poolSize: 2, preparedStatements: false })
    const pool = await (
      orm.em.getConnection() as unknown as { getNativeClient: () => Promise<NativePool> }
    ).getNativeClient()
    preparedStatementsPool({ minimumLength: 1_000, perConnection: 2 })(pool)
    try {
      // The ORM may hold an idle connection from before the wrapper: the second one is made after it.
      const held = await pool.connect()
      const client = await pool.connect()
      try {
        const sums = []
        for (const [a, b] of [
          [1, 2],
          [20, 22],
          [100, -1]
        ] as const) {
          sums.push((await client.query(longStatement("a"), [a, b])).rows[0]?.sum)
        }
        expect(sums).toEqual([3, 42, 99])
        await client.query("select $1::int as short", [1])
        await client.query(longStatement("b"), [1, 1])
        const third = await client.query(longStatement("c"), [2, 2])
        expect(third.rows[0]).toEqual({ sum: 4, marker: "c" })
        const prepared = await client.query("select statement from pg_prepared_statements order by prepare_time")
        const texts = prepared.rows.map((row) => String(row.statement))
        // "a" and "b" are named (the cap is 2); the short statement and "c" ran unnamed.
        expect(texts).toHaveLength(2)
        expect(texts[0]).toContain("'a' as marker")
        expect(texts[1]).toContain("'b' as marker")
      } finally {
        client.release()
        held.release()
      }
    } finally {
      await orm.close()
    }
  })

  test("a short statement that opens with the hint is prepared, and answers each call with its values", async () => {
    const orm = await initOrm({ driver: "postgresql", url: database.url }, { poolSize: 2 })
    try {
      const em = orm.em.fork()
      const prepared = await em.transactional(async (tx) => {
        const hinted = `${preparedStatementHint}select cast(? as int) * 2 as doubled`
        const answers = []
        for (const value of [1, 21]) {
          const rows = (await tx.execute(hinted, [value])) as Array<{ doubled: number }>
          answers.push(rows[0]?.doubled)
        }
        expect(answers).toEqual([2, 42])
        await tx.execute("select cast(? as int) * 3 as tripled", [1])
        return (await tx.execute(
          "select statement from pg_prepared_statements where statement like '%cast($1 as int) * %'"
        )) as Array<{ statement: string }>
      })
      expect(prepared.map((row) => row.statement)).toEqual([expect.stringContaining("* 2 as doubled")])
    } finally {
      await orm.close()
    }
  })

  test("the ledger's ORM on PostgreSQL prepares its long reads (and not with PAYBRIDGE_PG_PREPARED off)", async () => {
    const countPrepared = async (orm: LedgerOrm) => {
      const em = orm.em.fork()
      // One connection for both statements: a transaction.
      return em.transactional(async (tx) => {
        // The ORM binds `?` placeholders (sent as $1, $2).
        await tx.execute(longStatement("orm").replace("$1::int + $2::int", "cast(? as int) + cast(? as int)"), [1, 2])
        const rows = (await tx.execute(
          "select count(*) as n from pg_prepared_statements where statement like '%''orm'' as marker%'"
        )) as Array<{ n: string | number }>
        return Number(rows[0]?.n)
      })
    }
    const target = { driver: "postgresql", url: database.url } as const
    const on = await initOrm(target, { poolSize: 2 })
    const off = await initOrm(target, { poolSize: 2, preparedStatements: false })
    try {
      await migrateToLatest(on, "postgresql")
      expect(await countPrepared(on)).toBe(1)
      expect(await countPrepared(off)).toBe(0)
    } finally {
      await on.close()
      await off.close()
    }
  })
})
