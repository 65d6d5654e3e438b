/**
 * The schema-diff check with the integrity constraints in view. MikroORM's entities declare the
 * ledger's ids as plain integer columns, so its schema generator knows neither the foreign keys nor
 * the row CHECKs that migration 20261203300000 adds (`src/migrations/integrity-constraints.ts`), nor
 * the triggers of migrations 20261205500000 (`ledgerTriggers`) and 20261208000000 (`movementTriggers`).
 * `diffAgainstEntities` reads the database's schema, asserts that every one of those constraints
 * is there, takes exactly those out, and asks MikroORM for the diff from what remains to the
 * entities: empty means the database is the entities plus the declared constraints, nothing else.
 */
import { DatabaseSchema } from "@mikro-orm/sql"
import { expect } from "vitest"
import { ledgerTriggers } from "../../src/migrations/20261205500000-event-attached-records.migration.ts"
import { movementTriggers } from "../../src/migrations/20261208000000-movement-triggers.migration.ts"
import {
  foreignKeyName,
  laterForeignKeys,
  ledgerForeignKeys,
  ledgerRowChecks
} from "../../src/migrations/integrity-constraints.ts"
import type { LedgerOrm } from "../../src/orm.ts"

export const diffAgainstEntities = async (orm: LedgerOrm): Promise<string> => {
  const platform = orm.em.getPlatform()
  const schema = await DatabaseSchema.create(orm.em.getConnection(), platform, orm.config)
  const tables = new Map(schema.getTables().map((table) => [table.name, table]))
  const foreignKeys = new Map<string, Set<string>>()
  for (const key of [...ledgerForeignKeys, ...laterForeignKeys]) {
    const names = foreignKeys.get(key.table) ?? new Set<string>()
    names.add(foreignKeyName(key))
    foreignKeys.set(key.table, names)
  }
  for (const [tableName, names] of foreignKeys) {
    const table = tables.get(tableName)
    expect(table, `table ${tableName}`).toBeDefined()
    if (table === undefined) continue
    const present = table.getForeignKeys()
    for (const name of names) {
      const found = Object.values(present).find((fk) => fk.constraintName === name)
      expect(found, `foreign key ${name}`).toBeDefined()
    }
    table.setForeignKeys(Object.fromEntries(Object.entries(present).filter(([, fk]) => !names.has(fk.constraintName))))
  }
  for (const check of ledgerRowChecks) {
    const table = tables.get(check.table)
    expect(table?.hasCheck(check.name), `check ${check.name}`).toBe(true)
  }
  // The triggers migrations add by hand (the entities do not describe them) must be there; then they are taken out.
  for (const trigger of [...ledgerTriggers, ...movementTriggers]) {
    const table = tables.get(trigger.table)
    const present = table?.getTriggers() ?? []
    expect(
      present.some((candidate) => candidate.name === trigger.name),
      `trigger ${trigger.name}`
    ).toBe(true)
    table?.setTriggers(present.filter((candidate) => candidate.name !== trigger.name))
  }
  for (const table of tables.values()) {
    const ours = new Set(ledgerRowChecks.filter((check) => check.table === table.name).map((check) => check.name))
    table.setChecks(table.getChecks().filter((check) => !ours.has(check.name)))
  }
  return orm.schema.getUpdateSchemaSQL({ wrap: false, fromSchema: schema })
}
