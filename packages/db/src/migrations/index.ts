/**
 * The checked-in migrations, in order. Both drivers run the same list; each migration carries the
 * SQL the schema generator produced for PostgreSQL and for SQLite and applies the one for the
 * database it runs on. New migrations come from `node scripts/generate-migration.ts <name>`; a data
 * migration (a backfill computed in JavaScript) is written by hand and says so in its header.
 */
import type { MigrationObject } from "@mikro-orm/core"
import { Migration20261121000000Initial } from "./20261121000000-initial.migration.ts"
import { Migration20261121060000PaymentStateListingIndex } from "./20261121060000-payment-state-listing-index.migration.ts"
import { Migration20261121070000DialectRecords } from "./20261121070000-dialect-records.migration.ts"
import { Migration20261121080000ApiKeyLastUsed } from "./20261121080000-api-key-last-used.migration.ts"
import { Migration20261122000000SearchText } from "./20261122000000-search-text.migration.ts"
import { Migration20261122000100SearchTextBackfill } from "./20261122000100-search-text-backfill.migration.ts"
import { Migration20261203100000AllocationReleases } from "./20261203100000-allocation-releases.migration.ts"
import { Migration20261203100100DraftReservations } from "./20261203100100-draft-reservations.migration.ts"
import { Migration20261203290000PaymentReceivedAt } from "./20261203290000-payment-received-at.migration.ts"
import { Migration20261203300000IntegrityConstraints } from "./20261203300000-integrity-constraints.migration.ts"
import { Migration20261203300100Sessions } from "./20261203300100-sessions.migration.ts"
import { Migration20261203400000GatewayAttempts } from "./20261203400000-gateway-attempts.migration.ts"
import { Migration20261204300000VendorListIndexes } from "./20261204300000-vendor-list-indexes.migration.ts"
import { Migration20261204500000GatewaySettings } from "./20261204500000-gateway-settings.migration.ts"
import { Migration20261204600000GatewayReconcilerBackoff } from "./20261204600000-gateway-reconciler-backoff.migration.ts"
import { Migration20261205400000DialectRecordListColumns } from "./20261205400000-dialect-record-list-columns.migration.ts"
import { Migration20261205500000EventAttachedRecords } from "./20261205500000-event-attached-records.migration.ts"
import { Migration20261206200000AttachedRecordListColumns } from "./20261206200000-attached-record-list-columns.migration.ts"
import { Migration20261207100000LockedDocuments } from "./20261207100000-locked-documents.migration.ts"
import { Migration20261208000000MovementTriggers } from "./20261208000000-movement-triggers.migration.ts"
import { Migration20261208100000CustomerPaymentSeekIndex } from "./20261208100000-customer-payment-seek-index.migration.ts"
import { Migration20261209000000ListFlagSeekIndex } from "./20261209000000-list-flag-seek-index.migration.ts"
import { Migration20261209200000CustomerReversedPaymentsIndex } from "./20261209200000-customer-reversed-payments-index.migration.ts"
import { Migration20261212000000CustomerStateSeekIndex } from "./20261212000000-customer-state-seek-index.migration.ts"

export const ledgerMigrations: Array<MigrationObject> = [
  { name: Migration20261121000000Initial.migrationName, class: Migration20261121000000Initial },
  {
    name: Migration20261121060000PaymentStateListingIndex.migrationName,
    class: Migration20261121060000PaymentStateListingIndex
  },
  { name: Migration20261121070000DialectRecords.migrationName, class: Migration20261121070000DialectRecords },
  { name: Migration20261121080000ApiKeyLastUsed.migrationName, class: Migration20261121080000ApiKeyLastUsed },
  { name: Migration20261122000000SearchText.migrationName, class: Migration20261122000000SearchText },
  {
    name: Migration20261122000100SearchTextBackfill.migrationName,
    class: Migration20261122000100SearchTextBackfill
  },
  { name: Migration20261203100000AllocationReleases.migrationName, class: Migration20261203100000AllocationReleases },
  { name: Migration20261203100100DraftReservations.migrationName, class: Migration20261203100100DraftReservations },
  { name: Migration20261203290000PaymentReceivedAt.migrationName, class: Migration20261203290000PaymentReceivedAt },
  {
    name: Migration20261203300000IntegrityConstraints.migrationName,
    class: Migration20261203300000IntegrityConstraints
  },
  { name: Migration20261203300100Sessions.migrationName, class: Migration20261203300100Sessions },
  { name: Migration20261203400000GatewayAttempts.migrationName, class: Migration20261203400000GatewayAttempts },
  { name: Migration20261204300000VendorListIndexes.migrationName, class: Migration20261204300000VendorListIndexes },
  { name: Migration20261204500000GatewaySettings.migrationName, class: Migration20261204500000GatewaySettings },
  {
    name: Migration20261204600000GatewayReconcilerBackoff.migrationName,
    class: Migration20261204600000GatewayReconcilerBackoff
  },
  {
    name: Migration20261205400000DialectRecordListColumns.migrationName,
    class: Migration20261205400000DialectRecordListColumns
  },
  {
    name: Migration20261205500000EventAttachedRecords.migrationName,
    class: Migration20261205500000EventAttachedRecords
  },
  {
    name: Migration20261206200000AttachedRecordListColumns.migrationName,
    class: Migration20261206200000AttachedRecordListColumns
  },
  { name: Migration20261207100000LockedDocuments.migrationName, class: Migration20261207100000LockedDocuments },
  { name: Migration20261208000000MovementTriggers.migrationName, class: Migration20261208000000MovementTriggers },
  {
    name: Migration20261208100000CustomerPaymentSeekIndex.migrationName,
    class: Migration20261208100000CustomerPaymentSeekIndex
  },
  { name: Migration20261209000000ListFlagSeekIndex.migrationName, class: Migration20261209000000ListFlagSeekIndex },
  {
    name: Migration20261209200000CustomerReversedPaymentsIndex.migrationName,
    class: Migration20261209200000CustomerReversedPaymentsIndex
  },
  {
    name: Migration20261212000000CustomerStateSeekIndex.migrationName,
    class: Migration20261212000000CustomerStateSeekIndex
  }
]
