/**
 * Every statement the store sends carries its values as bound parameters, never as SQL text
 * (issue 15.1), on SQLite and on PostgreSQL: text with quotes, a statement-looking payload,
 * non-ASCII letters and emoji, a 400-digit number (a reference, and a search for it) and (SQLite, which can store it) a NUL byte go
 * into customers and payments and come back exactly, found by lookups and searches; the SQL the
 * driver received holds placeholders and none of the values, which arrive as parameters. On
 * PostgreSQL, whose text cannot hold NUL, the NUL is refused by the server as a bound value
 * (invalid byte sequence), not by a statement cut short at it.
 */
import { raw } from "@mikro-orm/core"
import { type Customer, LedgerStore, type Payment } from "@paybridge/core"
import { Cause, Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { Database } from "../src/index.ts"
import { bindParameters, postgresDriverValue, sqliteDriverValue } from "../src/sql/bound-parameters.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { attachStatementLog, type StatementTally } from "../src/testing/statement-log.ts"
import { useDatabase } from "./support/database-harness.ts"
import { customerRow, paymentRow } from "./support/record-fixtures.ts"

const digits400 = "9".repeat(400)
const quoted = `O'Brien "the ''quoted'' one"; drop table payments; --`
const unicode = "Zoë Łukasz 名前 💶 İstanbul"
const nul = "before\u0000after"

/** Values that must never appear in any SQL text. */
const secrets = [digits400, "O'Brien", "drop table", "Zoë", "名前", "💶", "\u0000", "before"]

const expectBound = (tally: StatementTally, values: ReadonlyArray<string>) => {
  expect(tally.statements.length).toBeGreaterThan(0)
  for (const statement of tally.statements) {
    for (const secret of secrets) expect(statement.sql).not.toContain(secret)
  }
  const sent = tally.statements.flatMap((statement) => statement.parameters)
  for (const value of values) {
    expect(sent.some((parameter) => typeof parameter === "string" && parameter.includes(value))).toBe(true)
  }
  expect(tally.statements.some((statement) => /\?|\$1/.test(statement.sql))).toBe(true)
}

const roundTrip = (withNul: boolean) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const { orm } = yield* Database
    const log = attachStatementLog(orm)
    const name = `${quoted} ${unicode}${withNul ? ` ${nul}` : ""}`
    log.reset()
    const customer: Customer = yield* store.customers.insert(
      customerRow(digits400.slice(0, 30), { name, email: `${unicode}@example.com`, customFields: { note: quoted } })
    )
    const payment: Payment = yield* store.payments.insert(
      paymentRow(customer.id, "R-bound-1", {
        references: {
          description: withNul ? nul : unicode,
          notes: quoted,
          reference: digits400,
          customerReference: unicode,
          checkNumber: null,
          thirdPartyReference: null
        }
      })
    )
    const byId = yield* store.customers.get(customer.id)
    const byReference = yield* store.payments.getByReferenceNumber("R-bound-1")
    const searchedDigits = yield* store.payments.list({ search: digits400, order: "id", cursor: null, limit: 10 })
    const searched = yield* store.customers.list({ search: "o'brien", cursor: null, limit: 10 })
    const searchedUnicode = yield* store.payments.list({ search: "zoë", order: "newest", cursor: null, limit: 10 })
    return { customer, payment, byId, byReference, searched, searchedUnicode, searchedDigits, tally: log.tally(), name }
  })

const describeBinding = (label: string, open: () => Promise<{ url: string; remove: () => Promise<void> }>) =>
  describe(`bound parameters on ${label}`, () => {
    const db = useDatabase(open)
    const supportsNul = label === "SQLite"

    it("sends quotes, statement-looking text, non-ASCII, a 400-digit number as parameters and reads them back", async () => {
      const result = await db.run(roundTrip(supportsNul))
      expect(result.byId?.name).toBe(result.name)
      expect(result.byId?.customFields).toEqual({ note: quoted })
      expect(result.byId?.email).toBe(`${unicode}@example.com`)
      expect(result.byReference?.id).toBe(result.payment.id)
      expect(result.byReference?.references.reference).toBe(digits400)
      expect(result.byReference?.references.notes).toBe(quoted)
      expect(result.byReference?.references.description).toBe(supportsNul ? nul : unicode)
      expect(result.searched.items.map((customer) => customer.id)).toEqual([result.customer.id])
      expect(result.searchedDigits.items.map((payment) => payment.id)).toEqual([result.payment.id])
      expect(result.searchedUnicode.items.map((payment) => payment.id)).toEqual([result.payment.id])
      expectBound(result.tally, [digits400, "O'Brien", unicode, ...(supportsNul ? [nul] : [])])
    })

    if (!supportsNul) {
      it("refuses a NUL byte as a bound value (the server reads the parameter, not a cut statement)", async () => {
        const exit = await db.run(
          Effect.exit(
            Effect.flatMap(LedgerStore, (store) => store.customers.insert(customerRow("nul-1", { name: nul })))
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause) as { code?: string; message?: string }
          expect(error.code).toBe("22021")
          expect(error.message).toMatch(/0x00/)
        }
      })
    }
  })

describeBinding("SQLite", async () => ({ url: "sqlite::memory:", remove: async () => {} }))
describeBinding("PostgreSQL", async () => {
  const database = await createPostgresTestDatabase()
  return { url: database.url, remove: database.drop }
})

describe("bindParameters", () => {
  const rules = (style: "question" | "dollar") => ({
    style,
    quoteIdentifier: (id: string) => `"${id}"`,
    toDriverValue: style === "question" ? sqliteDriverValue : postgresDriverValue((date) => date.toISOString())
  })

  it("binds values, expands arrays, keeps identifiers and nested raw fragments' SQL, and numbers pg placeholders", () => {
    const when = new Date("2026-01-02T03:04:05.678Z")
    const fragment = raw("lower(??) = ?", ["name", "it's"])
    const sql = "select ?? from t where a = ? and b in (?) and ? and c = ? and d = ? and e = ?"
    const params = ["col", 12n, [1, 2, 3], fragment, when, true, { k: "v" }]
    expect(bindParameters(sql, params, rules("dollar"))).toEqual({
      sql: 'select "col" from t where a = $1 and b in ($2, $3, $4) and lower("name") = $5 and c = $6 and d = $7 and e = $8',
      parameters: ["12", 1, 2, 3, "it's", "2026-01-02T03:04:05.678Z", true, '{"k":"v"}']
    })
    expect(bindParameters(sql, params, rules("question"))).toEqual({
      sql: 'select "col" from t where a = ? and b in (?, ?, ?) and lower("name") = ? and c = ? and d = ? and e = ?',
      parameters: [12n, 1, 2, 3, "it's", when.getTime(), 1, '{"k":"v"}']
    })
  })

  it("gives SQLite the statement's own text when only scalar and JSON values fill its placeholders", () => {
    const sql = "select * from t where a = ? and b = ? and c = ? and d = ?"
    const when = new Date("2026-01-02T03:04:05.678Z")
    expect(bindParameters(sql, [7n, "x", when, { k: 1 }], rules("question"))).toEqual({
      sql,
      parameters: [7n, "x", when.getTime(), '{"k":1}']
    })
    expect(bindParameters("select * from t where a in (?)", [[1, 2]], rules("question")).sql).toBe(
      "select * from t where a in (?, ?)"
    )
  })

  it("leaves a statement without values as it is and refuses one with fewer values than placeholders", () => {
    expect(bindParameters("select 1", [], rules("question"))).toEqual({ sql: "select 1", parameters: [] })
    expect(() => bindParameters("select ? + ?", [1], rules("dollar"))).toThrow(/placeholders/)
  })
})
