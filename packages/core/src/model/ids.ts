/**
 * The ledger's record ids, one branded type per kind of record (Effect Schema brands over a
 * positive integer), so a customer id can never be passed where a payment id is expected: mixing
 * two kinds is a compile error (see `test/ids.typetest.ts`). Ids are branded where they enter the
 * system: wire decoders (tRPC inputs, each dialect's path/query/body schemas) decode to these
 * schemas, and the store's mappers brand what they read from rows with {@link trustedId}, so
 * handlers never cast. `EntityId` is the one id of any kind (a ledger event's subject).
 */
import { Schema } from "effect"

const positiveInt = Schema.Int.check(Schema.isGreaterThan(0))

export const CustomerId = positiveInt.pipe(Schema.brand("CustomerId"))
export type CustomerId = typeof CustomerId.Type

export const BillingEntityId = positiveInt.pipe(Schema.brand("BillingEntityId"))
export type BillingEntityId = typeof BillingEntityId.Type

export const DocumentId = positiveInt.pipe(Schema.brand("DocumentId"))
export type DocumentId = typeof DocumentId.Type

export const PaymentId = positiveInt.pipe(Schema.brand("PaymentId"))
export type PaymentId = typeof PaymentId.Type

export const AllocationId = positiveInt.pipe(Schema.brand("AllocationId"))
export type AllocationId = typeof AllocationId.Type

export const ReversalId = positiveInt.pipe(Schema.brand("ReversalId"))
export type ReversalId = typeof ReversalId.Type

export const AllocationReleaseId = positiveInt.pipe(Schema.brand("AllocationReleaseId"))
export type AllocationReleaseId = typeof AllocationReleaseId.Type

export const CollectionId = positiveInt.pipe(Schema.brand("CollectionId"))
export type CollectionId = typeof CollectionId.Type

export const RefundId = positiveInt.pipe(Schema.brand("RefundId"))
export type RefundId = typeof RefundId.Type

export const BalanceEntryId = positiveInt.pipe(Schema.brand("BalanceEntryId"))
export type BalanceEntryId = typeof BalanceEntryId.Type

export const LedgerEventId = positiveInt.pipe(Schema.brand("LedgerEventId"))
export type LedgerEventId = typeof LedgerEventId.Type

export const GatewayId = positiveInt.pipe(Schema.brand("GatewayId"))
export type GatewayId = typeof GatewayId.Type

export const GatewayAttemptId = positiveInt.pipe(Schema.brand("GatewayAttemptId"))
export type GatewayAttemptId = typeof GatewayAttemptId.Type

export const PresetId = positiveInt.pipe(Schema.brand("PresetId"))
export type PresetId = typeof PresetId.Type

export const DialectRecordId = positiveInt.pipe(Schema.brand("DialectRecordId"))
export type DialectRecordId = typeof DialectRecordId.Type

export const UserId = positiveInt.pipe(Schema.brand("UserId"))
export type UserId = typeof UserId.Type

export const ApiKeyId = positiveInt.pipe(Schema.brand("ApiKeyId"))
export type ApiKeyId = typeof ApiKeyId.Type

/** The id of a record of any kind (a ledger event's `entityId`): a plain positive integer. */
export const EntityId = positiveInt.annotate({ identifier: "EntityId" })
export type EntityId = typeof EntityId.Type

/** Any of the branded record ids above. */
export type RecordIdOfAnyKind =
  | CustomerId
  | BillingEntityId
  | DocumentId
  | PaymentId
  | AllocationId
  | ReversalId
  | AllocationReleaseId
  | CollectionId
  | RefundId
  | BalanceEntryId
  | LedgerEventId
  | GatewayId
  | GatewayAttemptId
  | PresetId
  | DialectRecordId
  | UserId
  | ApiKeyId

/** A user's id, or 0 for the system itself (see `ActorId` in `common.ts`). */
type ActorIdOfAnyKind = UserId | 0

/**
 * Brands an id that is already known to be valid, without checking it (a cast, no work): for ids
 * the store reads from its own rows (and assigns on insert). The kind comes from where the value
 * goes (`id: trustedId(row.id)` in a `Payment` is a `PaymentId`). Never use it on input from
 * outside; decode that with the id's schema instead.
 */
export const trustedId = <Id extends RecordIdOfAnyKind | ActorIdOfAnyKind>(value: number): Id => value as Id

/** {@link trustedId} of a nullable column. */
export const trustedIdOrNull = <Id extends RecordIdOfAnyKind>(value: number | null | undefined): Id | null =>
  (value ?? null) as Id | null
