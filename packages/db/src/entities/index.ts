/** Every entity of the ledger schema, in one list for MikroORM's `entities` option. */
import { AllocationEntity } from "./allocation.entity.ts"
import { AllocationReleaseEntity } from "./allocation-release.entity.ts"
import { ApiKeyEntity } from "./api-key.entity.ts"
import { BalanceEntryEntity } from "./balance-entry.entity.ts"
import { BillingEntityEntity } from "./billing-entity.entity.ts"
import { CollectionEntity } from "./collection.entity.ts"
import { CustomerEntity } from "./customer.entity.ts"
import { DialectRecordEntity } from "./dialect-record.entity.ts"
import { DocumentEntity } from "./document.entity.ts"
import { GatewayEntity } from "./gateway.entity.ts"
import { GatewayAttemptEntity } from "./gateway-attempt.entity.ts"
import { GatewaySettingEntity } from "./gateway-setting.entity.ts"
import { IdempotencyKeyEntity } from "./idempotency-key.entity.ts"
import { LeaseEntity } from "./lease.entity.ts"
import { LedgerEventEntity } from "./ledger-event.entity.ts"
import { PaymentEntity } from "./payment.entity.ts"
import { PaymentPresetEntity } from "./payment-preset.entity.ts"
import { RefundEntity } from "./refund.entity.ts"
import { ReversalEntity } from "./reversal.entity.ts"
import { SequenceEntity } from "./sequence.entity.ts"
import { SessionEntity } from "./session.entity.ts"
import { UserEntity } from "./user.entity.ts"

export const ledgerEntities = [
  BillingEntityEntity,
  CustomerEntity,
  GatewayEntity,
  GatewaySettingEntity,
  PaymentPresetEntity,
  DocumentEntity,
  PaymentEntity,
  AllocationEntity,
  AllocationReleaseEntity,
  ReversalEntity,
  CollectionEntity,
  RefundEntity,
  BalanceEntryEntity,
  LedgerEventEntity,
  UserEntity,
  ApiKeyEntity,
  IdempotencyKeyEntity,
  SequenceEntity,
  DialectRecordEntity,
  SessionEntity,
  GatewayAttemptEntity,
  LeaseEntity
]

export {
  AllocationEntity,
  AllocationReleaseEntity,
  ApiKeyEntity,
  BalanceEntryEntity,
  BillingEntityEntity,
  CollectionEntity,
  CustomerEntity,
  DialectRecordEntity,
  DocumentEntity,
  GatewayAttemptEntity,
  GatewayEntity,
  IdempotencyKeyEntity,
  LeaseEntity,
  LedgerEventEntity,
  PaymentEntity,
  PaymentPresetEntity,
  RefundEntity,
  ReversalEntity,
  SequenceEntity,
  SessionEntity,
  UserEntity
}
