/**
 * Migration 20261122000100 "search-text-backfill", written by hand (data only): fills the
 * `search_text` column that 20261122000000 added, for the customers and payments that existed
 * before it, with the same JavaScript folding the store applies on every write
 * (`store/search-text.ts`), so the values are identical on SQLite and PostgreSQL whatever the
 * server's locale. Rows are read by id in batches inside the migration's transaction.
 */
import { Migration } from "@mikro-orm/migrations"
import { customerSearchColumns, paymentSearchColumns, searchTextOf } from "../store/search-text.ts"

const batchSize = 500

type Row = Record<string, unknown>

const text = (value: unknown): string | null => (typeof value === "string" ? value : null)

export class Migration20261122000100SearchTextBackfill extends Migration {
  static readonly migrationName = "Migration20261122000100SearchTextBackfill"
  override name = Migration20261122000100SearchTextBackfill.migrationName

  override async up(): Promise<void> {
    await this.backfill("customers", customerSearchColumns)
    await this.backfill("payments", paymentSearchColumns)
  }

  /** Recomputes `search_text` of every row of `table` from `columns` (in their search order). */
  private async backfill(table: string, columns: ReadonlyArray<string>): Promise<void> {
    let after = 0
    for (;;) {
      const rows = (await this.execute(
        `select id, ${columns.join(", ")} from ${table} where id > ? order by id limit ${batchSize}`,
        [after]
      )) as ReadonlyArray<Row>
      for (const row of rows) {
        const searchText = searchTextOf(columns.map((column) => text(row[column])))
        await this.execute(`update ${table} set search_text = ? where id = ?`, [searchText, row.id])
      }
      const last = rows.at(-1)
      if (rows.length < batchSize || last === undefined) return
      after = Number(last.id)
    }
  }
}
