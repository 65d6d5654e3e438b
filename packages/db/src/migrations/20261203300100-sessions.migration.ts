/**
 * Migration 20261203300100 "sessions": the `sessions` table (issue 14.4), where session and refresh
 * tokens live by hash so every server process — and a restarted one — accepts a token another
 * issued. A new, empty table: safe on a populated database. Written in the schema generator's form
 * for both databases (the schema-diff tests hold it to the `SessionEntity`).
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261203300100Sessions extends DriverMigration {
  static readonly migrationName = "Migration20261203300100Sessions"
  override name = Migration20261203300100Sessions.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create table "sessions" ("token_hash" varchar(64) not null, "kind" text not null, "scope" varchar(60) not null, "origin" jsonb not null, "client" varchar(200) null, "expires_at" timestamptz not null, "created_at" timestamptz not null, primary key ("token_hash"))',
      'create index "sessions_expires_at_index" on "sessions" ("expires_at")',
      'alter table "sessions" add constraint "sessions_kind_check" check ("kind" in (\'session\', \'refresh\'))'
    ],
    sqlite: [
      "create table `sessions` (`token_hash` text not null primary key, `kind` text check (`kind` in ('session', 'refresh')) not null, `scope` text not null, `origin` json not null, `client` text null, `expires_at` datetime not null, `created_at` datetime not null)",
      "create index `sessions_expires_at_index` on `sessions` (`expires_at`)"
    ]
  }
}
