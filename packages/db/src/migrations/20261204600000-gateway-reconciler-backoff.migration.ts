/**
 * Migration 20261204600000 "gateway-reconciler-backoff": the reconciler's per-attempt back-off
 * (`gateway_attempts.next_try_at`, null on existing rows: they are due at once, as before) and the
 * `leases` table that lets one process of a cluster reconcile at a time. Both are additions, safe on
 * a populated database. The statements are those `scripts/generate-migration.ts` generated for the
 * two entity changes (it also proposed dropping the hand-written integrity constraints of
 * 20261203300000, which the entities do not describe; those statements are left out).
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261204600000GatewayReconcilerBackoff extends DriverMigration {
  static readonly migrationName = "Migration20261204600000GatewayReconcilerBackoff"
  override name = Migration20261204600000GatewayReconcilerBackoff.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create table "leases" ("name" varchar(64) not null, "holder" varchar(128) not null, "expires_at" timestamptz not null, primary key ("name"))',
      'alter table "gateway_attempts" add "next_try_at" timestamptz null'
    ],
    sqlite: [
      "create table `leases` (`name` text not null primary key, `holder` text not null, `expires_at` datetime not null)",
      "alter table `gateway_attempts` add column `next_try_at` datetime null"
    ]
  }
}
