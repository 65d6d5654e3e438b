/**
 * Migration 20261204500000 "gateway-settings": one table of gateways' real-driver settings, secrets
 * sealed (see `entities/gateway-setting.entity.ts`). The create statements come from
 * `scripts/generate-migration.ts` (PostgreSQL 15 and SQLite); the foreign key to `gateways` is
 * added by hand, named like the other ledger foreign keys (`laterForeignKeys` in
 * `integrity-constraints.ts`). A new, empty table: safe on a populated database.
 */
import { DriverMigration, type DriverStatements } from "./driver-migration.ts"

export class Migration20261204500000GatewaySettings extends DriverMigration {
  static readonly migrationName = "Migration20261204500000GatewaySettings"
  override name = Migration20261204500000GatewaySettings.migrationName
  protected readonly statements: DriverStatements = {
    postgresql: [
      'create table "gateway_settings" ("id" serial primary key, "gateway_id" int not null, "driver" varchar(32) not null, "key_id" varchar(32) not null, "secret_key_sealed" text not null, "webhook_secret_sealed" text not null, "previous_webhook_secret_sealed" text null, "webhook_rotated_at" timestamptz null, "secret_key_last4" varchar(4) not null, "webhook_secret_last4" varchar(4) not null, "api_base" text null, "set_at" timestamptz not null, "set_by" text not null, "version" int not null)',
      'alter table "gateway_settings" add constraint "gateway_settings_gateway_id_unique" unique ("gateway_id")',
      'alter table "gateway_settings" add constraint "gateway_settings_gateway_id_foreign" foreign key ("gateway_id") references "gateways" ("id")'
    ],
    sqlite: [
      "create table `gateway_settings` (`id` integer not null primary key autoincrement, `gateway_id` integer not null, `driver` text not null, `key_id` text not null, `secret_key_sealed` text not null, `webhook_secret_sealed` text not null, `previous_webhook_secret_sealed` text null, `webhook_rotated_at` datetime null, `secret_key_last4` text not null, `webhook_secret_last4` text not null, `api_base` text null, `set_at` datetime not null, `set_by` text not null, `version` integer not null, constraint `gateway_settings_gateway_id_foreign` foreign key (`gateway_id`) references `gateways` (`id`))",
      "create unique index `gateway_settings_gateway_id_unique` on `gateway_settings` (`gateway_id`)"
    ]
  }
}
