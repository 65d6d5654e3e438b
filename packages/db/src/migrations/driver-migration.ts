/**
 * Base class of Paybridge migrations: a migration holds the statements for each driver and adds
 * the ones for the platform it runs on, so one migration list serves SQLite and PostgreSQL.
 */
import { Migration } from "@mikro-orm/migrations"
import { BasePostgreSqlPlatform, SqlitePlatform } from "@mikro-orm/sql"

export interface DriverStatements {
  readonly postgresql: ReadonlyArray<string>
  readonly sqlite: ReadonlyArray<string>
}

export abstract class DriverMigration extends Migration {
  protected abstract readonly statements: DriverStatements

  override up(): void {
    const platform = this.driver.getPlatform()
    if (platform instanceof BasePostgreSqlPlatform) {
      for (const sql of this.statements.postgresql) this.addSql(sql)
    } else if (platform instanceof SqlitePlatform) {
      for (const sql of this.statements.sqlite) this.addSql(sql)
    } else {
      throw new Error(`migration ${this.constructor.name}: unsupported platform ${platform.constructor.name}`)
    }
  }
}
