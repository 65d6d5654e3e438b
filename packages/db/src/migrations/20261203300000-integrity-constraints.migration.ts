/**
 * Migration 20261203300000 "integrity-constraints", written by hand: adds the foreign keys and
 * row CHECKs of `integrity-constraints.ts` (issue 15.5) on both databases, safely on a populated
 * one. It first counts the existing rows each constraint would refuse and, if there are any, fails
 * with a message naming every constraint and how many rows break it — it never deletes or repairs
 * ledger rows on its own, and nothing is changed (the migration runs in one transaction).
 *
 * PostgreSQL adds each constraint with `alter table … add constraint`. SQLite cannot add a
 * constraint to a table, so each table is rebuilt (SQLite's documented procedure, done inside the
 * migration's transaction with foreign keys enforced): the new table is created from the table's
 * own stored definition (columns added by later migrations included) plus the constraints, the
 * rows are copied, the old table is dropped, the new one renamed, its indexes re-created and its
 * AUTOINCREMENT counter carried over (so an id once used is never handed out again). Tables are
 * rebuilt parents first, so no table is dropped while a rebuilt table references it; a
 * self-reference (`documents.related_document_id`) names the new table and follows the rename.
 */
import { Migration } from "@mikro-orm/migrations"
import { BasePostgreSqlPlatform, SqlitePlatform } from "@mikro-orm/sql"
import {
  constrainedTables,
  constraintViolations,
  foreignKeyName,
  ledgerForeignKeys,
  ledgerRowChecks,
  violationReport
} from "./integrity-constraints.ts"

type Rows = ReadonlyArray<Record<string, unknown>>

const rebuildSuffix = "__integrity"

export class Migration20261203300000IntegrityConstraints extends Migration {
  static readonly migrationName = "Migration20261203300000IntegrityConstraints"
  override name = Migration20261203300000IntegrityConstraints.migrationName

  private run(sql: string, params: ReadonlyArray<unknown> = []): Promise<Rows> {
    return this.execute(sql, [...params]) as Promise<Rows>
  }

  override async up(): Promise<void> {
    const platform = this.driver.getPlatform()
    const driver =
      platform instanceof BasePostgreSqlPlatform ? "postgresql" : platform instanceof SqlitePlatform ? "sqlite" : null
    if (driver === null) throw new Error(`migration ${this.name}: unsupported platform ${platform.constructor.name}`)
    const violations = await constraintViolations((sql) => this.run(sql), driver)
    if (violations.length > 0) throw new Error(`migration ${this.name}: ${violationReport(violations)}`)
    if (driver === "postgresql") await this.addOnPostgres()
    else for (const table of constrainedTables) await this.rebuildOnSqlite(table)
  }

  private async addOnPostgres(): Promise<void> {
    for (const key of ledgerForeignKeys) {
      await this.run(
        `alter table "${key.table}" add constraint "${foreignKeyName(key)}" foreign key ("${key.column}") references "${key.parent}" ("id")`
      )
    }
    for (const check of ledgerRowChecks) {
      await this.run(`alter table "${check.table}" add constraint "${check.name}" check (${check.postgresql})`)
    }
  }

  private async rebuildOnSqlite(table: string): Promise<void> {
    const definition = (await this.run("select sql from sqlite_master where type = 'table' and name = ?", [table]))[0]
      ?.sql
    if (typeof definition !== "string") throw new Error(`migration ${this.name}: table ${table} does not exist`)
    const indexes = (
      await this.run("select sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null", [table])
    ).map((row) => String(row.sql))
    const sequence = (await this.run("select seq from sqlite_sequence where name = ?", [table]))[0]?.seq
    const rebuilt = `${table}${rebuildSuffix}`
    const constraints = [
      ...ledgerForeignKeys
        .filter((key) => key.table === table)
        .map(
          (key) =>
            `constraint \`${foreignKeyName(key)}\` foreign key (\`${key.column}\`) references \`${key.parent === table ? rebuilt : key.parent}\` (\`id\`)`
        ),
      ...ledgerRowChecks
        .filter((check) => check.table === table)
        .map((check) => `constraint \`${check.name}\` check (${check.sqlite})`)
    ]
    if (constraints.length === 0) return
    const header = new RegExp(`^\\s*create table\\s+[\`"]?${table}[\`"]?`, "i")
    if (!header.test(definition) || !definition.trimEnd().endsWith(")")) {
      throw new Error(`migration ${this.name}: unexpected definition of ${table}: ${definition}`)
    }
    const body = definition.trimEnd().slice(0, -1).replace(header, `create table \`${rebuilt}\``)
    await this.run(`${body}, ${constraints.join(", ")})`)
    await this.run(`insert into \`${rebuilt}\` select * from \`${table}\``)
    await this.run(`drop table \`${table}\``)
    await this.run(`alter table \`${rebuilt}\` rename to \`${table}\``)
    for (const index of indexes) await this.run(index)
    if (sequence !== undefined && sequence !== null) {
      await this.run("delete from sqlite_sequence where name in (?, ?)", [table, rebuilt])
      await this.run("insert into sqlite_sequence (name, seq) values (?, ?)", [table, sequence])
    }
  }
}
