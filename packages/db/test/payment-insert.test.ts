/**
 * The payment insert a create runs (`store/payment-insert.ts`) binds what MikroORM's insert of the
 * same row binds: the same text and, through the same parameter binding, the same values (JSON
 * columns as JSON text, also a source record that is a bare string, number or array; dates,
 * bigints and nulls as the driver's values), on SQLite and PostgreSQL.
 */
import { type Payment, trustedId } from "@paybridge/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { PaymentEntity } from "../src/entities/payment.entity.ts"
import { Database } from "../src/index.ts"
import { paymentToRow } from "../src/mappers/payment.mapper.ts"
import { bindParameters, postgresDriverValue, sqliteDriverValue } from "../src/sql/bound-parameters.ts"
import { paymentInsertColumns, paymentInsertValues } from "../src/store/payment-insert.ts"
import { createPostgresTestDatabase } from "../src/testing/index.ts"
import { useDatabase } from "./support/database-harness.ts"
import { newPayment } from "./support/store-fixtures.ts"

const rows = (): ReadonlyArray<Omit<Payment, "id">> => {
  const base = newPayment(trustedId(7))
  return [
    base,
    { ...base, number: null, postedOn: null, postedAt: null, balanceAfterPosting: null, receivedAt: null },
    {
      ...base,
      customFields: { colour: "blue", "quote'd": 'say "hi"' },
      sourceRecord: { nested: [1, "two", { three: null }] },
      externalRef: { system: "crm", id: "A-1" },
      references: { ...base.references, description: "Überweisung", checkNumber: "" }
    },
    { ...base, sourceRecord: "a bare string" },
    { ...base, sourceRecord: 42 },
    { ...base, sourceRecord: ["a", 1] }
  ]
}

const open = {
  sqlite: async () => ({ url: "sqlite::memory:", remove: async () => {} }),
  postgres: async () => {
    const database = await createPostgresTestDatabase()
    return { url: database.url, remove: database.drop }
  }
}

describe.each(["sqlite", "postgres"] as const)("the payment insert on %s", (kind) => {
  const db = useDatabase(open[kind])
  it("binds what MikroORM's insert of the same row binds", async () => {
    await db.run(
      Effect.gen(function* () {
        const { orm } = yield* Database
        const rules = {
          style: kind === "sqlite" ? ("question" as const) : ("dollar" as const),
          quoteIdentifier: (id: string) => orm.em.getPlatform().quoteIdentifier(id),
          toDriverValue:
            kind === "sqlite"
              ? sqliteDriverValue
              : postgresDriverValue((date) =>
                  (orm.em.getPlatform() as unknown as { formatDate: (date: Date) => string }).formatDate(date)
                )
        }
        for (const row of rows()) {
          const query = orm.em
            .fork()
            .createQueryBuilder(PaymentEntity)
            .insert(paymentToRow(row))
            .onConflict()
            .ignore()
            .returning(["id"])
            .toQuery()
          const ours = `insert into "payments" (${paymentInsertColumns.map((c) => `"${c}"`).join(", ")}) values (${paymentInsertColumns.map(() => "?").join(", ")}) on conflict do nothing returning "id"`
          expect(ours.replaceAll('"', "`")).toBe(query.sql.replaceAll('"', "`"))
          expect(bindParameters(ours, paymentInsertValues(paymentToRow(row)), rules).parameters).toEqual(
            bindParameters(query.sql, query.params, rules).parameters
          )
        }
      })
    )
  })
})
