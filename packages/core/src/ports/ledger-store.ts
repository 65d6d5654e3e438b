/**
 * The persistence port of the ledger's records. Core declares it; `@paybridge/db` implements it on
 * MikroORM (SQLite and PostgreSQL), the one implementation (tests use it too, on in-memory SQLite
 * copies of a migrated template: `@paybridge/db/testing`), together with the two other storage
 * ports, `IdempotencyStore` and `IdentityStore`, from one layer that shares the transaction. Every
 * write the ledger makes goes through `transaction`, and every command that touches a customer's
 * money starts by `lockCustomer`, which serialises writers of one customer across processes (a row
 * lock on PostgreSQL, a database write lock on SQLite). Nested `transaction` calls join the outer
 * one. Lists page with opaque keyset cursors; payment lists also page by offset (vendors' page
 * numbers), sort on the ledger columns vendors sort on and count their matches in the same statement.
 */
import { Context, type Effect, type Redacted, Schema } from "effect"
import type { Conflict, StorageUnavailable, ValidationFailed } from "../errors.ts"
import type { ExternalRef, Page } from "../model/common.ts"
import type {
  AllocationId,
  BillingEntityId,
  CollectionId,
  CustomerId,
  DialectRecordId,
  DocumentId,
  GatewayAttemptId,
  GatewayId,
  PaymentId,
  PresetId,
  RefundId,
  ReversalId
} from "../model/ids.ts"
import type {
  Allocation,
  AllocationRelease,
  BalanceEntry,
  BillingEntity,
  Collection,
  Customer,
  DialectRecord,
  DialectRecordListColumns,
  Document,
  DocumentKind,
  Gateway,
  GatewayAttempt,
  GatewayDriverName,
  GatewaySecretSummary,
  LedgerEvent,
  LedgerEventType,
  Payment,
  PaymentOverview,
  PaymentPreset,
  Refund,
  ReleaseMovementKind,
  Reversal
} from "../model/records.ts"
import type { CustomerRowPage, CustomerRowQuery } from "./customer-rows.ts"
import type {
  CustomerQuery,
  DialectRecordQuery,
  DocumentQuery,
  EventActor,
  EventQuery,
  OffsetPaging,
  OverviewQuery,
  Paging,
  PaymentChildren,
  PaymentPage,
  PaymentQuery,
  PaymentTotals,
  PaymentTotalsQuery,
  RefundPage,
  RefundQuery
} from "./ledger-queries.ts"

export * from "./ledger-queries.ts"

type Op<A> = Effect.Effect<A, StorageUnavailable>

/** A change of one gateway's driver settings (see `LedgerStore.gatewaySettings.save`). */
export interface GatewaySettingsChange {
  readonly gatewayId: GatewayId
  readonly driver: GatewayDriverName
  /** `null`: keep the stored secret. */
  readonly secretKey: Redacted.Redacted<string> | null
  readonly webhookSecret: Redacted.Redacted<string> | null
  /** `undefined`: keep the stored API base. */
  readonly apiBase: string | null | undefined
  readonly setAt: Date
  readonly setBy: string
}

/** A gateway's settings with the secrets opened (still `Redacted`), for the driver that serves it. */
export interface GatewayDriverSettings {
  readonly gatewayId: GatewayId
  readonly gatewayCode: string
  readonly driver: GatewayDriverName
  readonly secretKey: Redacted.Redacted<string>
  readonly webhookSecret: Redacted.Redacted<string>
  /** The webhook secret replaced last, and when (accepted for a grace period after `webhookRotatedAt`). */
  readonly previousWebhookSecret: Redacted.Redacted<string> | null
  readonly webhookRotatedAt: Date | null
  readonly apiBase: string | null
  readonly version: number
}

/** Stored secrets that cannot be opened: no key configured, or not the key they were sealed with. */
export class SecretsUnreadable extends Schema.TaggedError<SecretsUnreadable>()("SecretsUnreadable", {
  message: Schema.String
}) {}
/**
 * A write the database's constraints guard: `Conflict("concurrent-modification")` when a unique key
 * is taken (a concurrent writer got there first; the command's retry then sees its row),
 * `ValidationFailed` when a referenced record does not exist.
 */
type Write<A> = Effect.Effect<A, StorageUnavailable | Conflict | ValidationFailed>
/** A list read; `ValidationFailed` (path `["cursor"]`) when the caller's cursor is not one this list issued. */
type ListOp<A> = Effect.Effect<Page<A>, StorageUnavailable | ValidationFailed>
/**
 * An update guarded by the version the caller read; `Conflict("concurrent-modification")` when it
 * moved (and a {@link Write}'s constraint refusals).
 */
type Guarded<A> = Write<A>
export type New<A extends { readonly id: number }> = Omit<A, "id">

/**
 * Which payment a view read finds: by ledger id, by public id, or by the id a vendor dialect shows —
 * the payment migrated under `{ system, id }` (issue 16.2), else the ledger's payment `nativeId`
 * unless that one was itself migrated from `system` (it is known there under its vendor id).
 */
export type PaymentTarget =
  | { readonly id: PaymentId }
  | { readonly publicId: string }
  | {
      readonly vendorId: { readonly system: string; readonly id: string; readonly nativeId: PaymentId | null }
    }

/** One dialect record by its unique key. */
export interface DialectRecordRef {
  readonly dialect: string
  readonly kind: string
  readonly key: string
}

/** What a view read brings besides the payment and its children (each in the same statement). */
export interface PaymentViewInclude {
  /**
   * `false`: the payment without its children (allocations, reversals, collections, refunds), read
   * as none — for a caller that needs only the payment's own columns (a list's bound). Default: read.
   */
  readonly children?: boolean | undefined
  /** Dialect records by key (settings, a payment's attribute record …); absent ones are left out. */
  readonly records?: ReadonlyArray<DialectRecordRef> | undefined
  /**
   * Dialect records whose key is derived from the payment found: its ledger id (as text), its
   * public id, or its customer's public id (a dialect's per-payment or per-customer record).
   */
  readonly keyedRecords?:
    | ReadonlyArray<{
        readonly dialect: string
        readonly kind: string
        readonly key: "payment-id" | "payment-public-id" | "customer-public-id"
      }>
    | undefined
  /** Every dialect record of these kinds attached to the payment (`paymentId`). */
  readonly paymentRecordKinds?: ReadonlyArray<{ readonly dialect: string; readonly kind: string }> | undefined
  /** The payment's customer. */
  readonly customer?: boolean | undefined
  /** The payment's events, oldest first (`true`: all; a list: those types). */
  readonly events?: boolean | ReadonlyArray<LedgerEventType> | undefined
  /**
   * The actors of the payment's first and last event only (`PaymentView.actors`), read as columns
   * of the payment's row: for a caller that shows who made and last changed it and needs no event.
   */
  readonly firstAndLastActors?: boolean | undefined
}

/** A payment as a read model: the payment, its children and what `PaymentViewInclude` asked for. */
export interface PaymentView {
  readonly payment: Payment
  readonly children: PaymentChildren
  readonly records: ReadonlyArray<DialectRecord>
  readonly customer: Customer | null
  readonly events: ReadonlyArray<LedgerEvent>
  /** The actors of its first and last event (`null`: it has none), when `firstAndLastActors` asked. */
  readonly actors?: { readonly first: EventActor | null; readonly last: EventActor | null } | undefined
}

/** A customer named by one of its unique keys: its ledger id, its number or its public id. */
export type CustomerRef = { readonly id: CustomerId } | { readonly number: string } | { readonly publicId: string }

/**
 * A customer as locked, with the payment presets the lock was asked to bring along and, when asked,
 * whether it has an issued invoice or bill in its own currency with something outstanding (what
 * oldest-first allocation would pay; `false` when not asked or none).
 */
export type LockedCustomer = {
  readonly customer: Customer
  readonly presets: ReadonlyArray<PaymentPreset>
  readonly hasUnpaidDocuments: boolean
  /** The dialect records the lock was asked to bring along (`LockWithOptions.records`) that exist. */
  readonly records: ReadonlyArray<DialectRecord>
  /** The customer's billing entity, when asked (`LockWithOptions.billingEntity`) and it has one. */
  readonly billingEntity: BillingEntity | null
  /** The documents the lock was asked to read (`LockWithOptions.documents`) that exist, of any customer, by id. */
  readonly documents: ReadonlyArray<Document>
}

/** A dialect record named by its unique key. */
export interface DialectRecordRef {
  readonly dialect: string
  readonly kind: string
  readonly key: string
}

/** What `lockCustomerWith` reads in its statement besides the customer and the presets named. */
export interface LockWithOptions {
  /** Whether the customer has unpaid documents in its currency (see `LockedCustomer`). */
  readonly unpaidDocuments?: boolean | undefined
  /**
   * Dialect records by key that the locked customer may see (of no customer, or of this one):
   * what a dialect checks or shows beside a create, read without a statement of its own.
   */
  readonly records?: ReadonlyArray<DialectRecordRef> | undefined
  /** The customer's billing entity (a dialect's owner currency). */
  readonly billingEntity?: boolean | undefined
  /**
   * Documents by id (those a create pays), read as committed once the lock is held: a create checks
   * and books its allocations without a read of its own.
   */
  readonly documents?: ReadonlyArray<DocumentId> | undefined
}

/**
 * A dialect record written with an event (`events.appendAll`): its key, data and, when the dialect
 * keeps any, its list columns (absent or `null`: none, as `saveDialectRecord` writes a record
 * without them); links and dates come from the event.
 */
export interface AttachedRecord {
  readonly dialect: string
  readonly kind: string
  readonly key: string
  readonly data: Record<string, unknown>
  readonly listColumns?: DialectRecordListColumns | null | undefined
}

/** What `payments.insertNumbered` drew, and the payment it inserted under them (`null`: a key was taken). */
export interface NumberedInsert {
  readonly referenceNumber: string
  readonly number: string | null
  readonly payment: Payment | null
}

/** Named counters for gap-free numbers, incremented inside the caller's transaction. */
export type SequenceName = "customer-number" | "document-number" | "payment-reference" | "payment-number"

/** The record ids the store assigns itself (each table's own counter). */
export type IdSpace = "customers" | "documents" | "payments" | "refunds" | "reversals"

export class LedgerStore extends Context.Service<
  LedgerStore,
  {
    /** Runs `work` atomically: all of it commits or none. Nested calls join the outer transaction. */
    readonly transaction: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageUnavailable, R>
    /**
     * Runs `work` so that, when it fails, what it wrote is undone and the enclosing transaction
     * goes on (a savepoint inside a transaction; outside one, a transaction of its own).
     */
    readonly savepoint: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageUnavailable, R>
    /** Inside a transaction: blocks other writers of this customer until commit; returns the fresh row. */
    readonly lockCustomer: (id: CustomerId) => Op<Customer | null>
    /**
     * `lockCustomer` by any unique key of the customer (`CustomerRef`), bringing along in the same
     * statement the payment presets of `presetIds` (those a new payment names; absent ones are left
     * out), so a create finds its customer and checks its presets without a read of its own; with
     * `unpaidDocuments`, also whether the customer has unpaid documents in its currency, as committed
     * when the lock is held (`false` spares oldest-first allocation reading them); with `records`
     * and `billingEntity`, those too (`LockWithOptions`).
     */
    readonly lockCustomerWith: (
      customer: CustomerRef,
      presetIds: ReadonlyArray<PresetId>,
      options?: LockWithOptions
    ) => Op<LockedCustomer | null>
    readonly nextSequence: (name: SequenceName) => Op<bigint>
    /**
     * Every id (`IdSpace`) or number (`SequenceName`) the store assigns in `space` from now on is
     * greater than `above`; never lowers a counter. For imports whose objects keep ids of another
     * system that a dialect shows next to the ledger's own.
     */
    readonly reserveIds: (space: IdSpace | SequenceName, above: bigint) => Op<void>
    /** The next value of each named counter, in the order named, taken in one statement. */
    readonly nextSequences: (names: ReadonlyArray<SequenceName>) => Op<ReadonlyArray<bigint>>

    readonly billingEntities: {
      readonly insert: (row: New<BillingEntity>) => Write<BillingEntity>
      readonly get: (id: BillingEntityId) => Op<BillingEntity | null>
      /** Billing entities by id ascending; with `ids`, only those (a page's owners in one read). */
      readonly list: (
        query: Paging & OffsetPaging & { readonly ids?: ReadonlyArray<BillingEntityId> | undefined }
      ) => ListOp<BillingEntity>
    }
    readonly customers: {
      readonly insert: (row: New<Customer>) => Write<Customer>
      readonly get: (id: CustomerId) => Op<Customer | null>
      readonly getByPublicId: (publicId: string) => Op<Customer | null>
      readonly getByNumber: (number: string) => Op<Customer | null>
      readonly getByExternalRef: (ref: ExternalRef) => Op<Customer | null>
      readonly update: (row: Customer, expectedVersion: number) => Guarded<Customer>
      readonly list: (query: CustomerQuery) => ListOp<Customer>
    }
    readonly gateways: {
      readonly insert: (row: New<Gateway>) => Write<Gateway>
      readonly get: (id: GatewayId) => Op<Gateway | null>
      readonly getByCode: (code: string) => Op<Gateway | null>
      readonly update: (row: Gateway) => Write<Gateway>
      readonly list: (paging: Paging) => ListOp<Gateway>
    }
    /**
     * Gateways' real-driver settings, secrets sealed at rest (AES-256-GCM in `@paybridge/db`, with
     * the server's `PAYBRIDGE_SECRETS_KEY`). Reads answer summaries (last four characters), never a
     * secret; only `loadDriverSettings` opens them, for the server's gateway wiring alone.
     */
    readonly gatewaySettings: {
      readonly get: (gatewayId: GatewayId) => Op<GatewaySecretSummary | null>
      readonly list: () => Op<ReadonlyArray<GatewaySecretSummary>>
      /**
       * Seals and stores new settings; a `null` secret keeps the stored one. Replacing the webhook
       * secret keeps the old one (sealed) as the previous secret. `ValidationFailed` when this
       * server has no secrets key, or when a first save lacks a secret.
       */
      readonly save: (change: GatewaySettingsChange) => Write<GatewaySecretSummary>
      /** Changes whenever any gateway's settings change (cheap; polled by every server process). */
      readonly changeToken: () => Op<string>
      /** Every gateway's settings with its secrets opened; `SecretsUnreadable` when the key is missing or wrong. */
      readonly loadDriverSettings: () => Effect.Effect<
        ReadonlyArray<GatewayDriverSettings>,
        StorageUnavailable | SecretsUnreadable
      >
    }
    readonly presets: {
      readonly insert: (row: New<PaymentPreset>) => Write<PaymentPreset>
      readonly get: (id: PresetId) => Op<PaymentPreset | null>
      readonly getByCode: (kind: PaymentPreset["kind"], code: string) => Op<PaymentPreset | null>
      readonly update: (row: PaymentPreset) => Write<PaymentPreset>
      readonly list: (kind: PaymentPreset["kind"], paging: Paging) => ListOp<PaymentPreset>
    }
    readonly documents: {
      readonly insert: (row: New<Document>) => Write<Document>
      /** Ids drawn ahead, given back, and rows inserted under them: as `payments.drawIds` / `releaseIds` / `insertAll`. */
      readonly drawIds: (count: number, above: DocumentId | null) => Op<ReadonlyArray<DocumentId>>
      readonly releaseIds: (firstUnused: DocumentId, lastDrawn: DocumentId) => Op<void>
      readonly insertDrawn: (rows: ReadonlyArray<Document>) => Write<number>
      readonly get: (id: DocumentId) => Op<Document | null>
      /** The documents of `ids` that exist, by id ascending, in one read. */
      readonly getMany: (ids: ReadonlyArray<DocumentId>) => Op<ReadonlyArray<Document>>
      readonly getByPublicId: (publicId: string) => Op<Document | null>
      readonly getByNumber: (kind: DocumentKind, number: string) => Op<Document | null>
      readonly update: (row: Document, expectedVersion: number) => Guarded<Document>
      readonly list: (query: DocumentQuery) => ListOp<Document>
    }
    readonly payments: {
      readonly insert: (row: New<Payment>) => Write<Payment>
      /**
       * Inserts the payment unless one of its unique keys (public id, reference number, number,
       * external reference) is taken, in which case nothing is written and the answer is `null`:
       * the unique indexes answer, so a number needs no lookup before it is used.
       */
      readonly insertUnlessTaken: (row: New<Payment>) => Write<Payment | null>
      /**
       * Draws the next `payment-reference` (and, when `numbered`, the next `payment-number`) and
       * inserts the payment under them unless a unique key is taken (as `insertUnlessTaken`):
       * answers the numbers drawn and the payment (`null` when a key was taken). On PostgreSQL one
       * statement, so the counters' rows are locked one round trip later than by `nextSequences`.
       */
      readonly insertNumbered: (
        row: Omit<New<Payment>, "referenceNumber" | "number">,
        numbered: boolean
      ) => Write<NumberedInsert>
      readonly get: (id: PaymentId) => Op<Payment | null>
      readonly getByPublicId: (publicId: string) => Op<Payment | null>
      readonly getByReferenceNumber: (referenceNumber: string) => Op<Payment | null>
      readonly getByNumber: (number: string) => Op<Payment | null>
      readonly getByExternalRef: (ref: ExternalRef) => Op<Payment | null>
      /**
       * Version-guarded update. With `stored` (the row as the database holds it at
       * `expectedVersion`), only the columns that differ from it are written.
       */
      readonly update: (row: Payment, expectedVersion: number, stored?: Payment) => Guarded<Payment>
      /**
       * `count` ids for payments inserted later by `insertAll` (a bulk unit's): drawn from the
       * payments' id counter in one statement, in ascending order, all above `above` (ids drawn
       * before and not written yet). On SQLite they follow the highest id assigned so far, so they
       * need the transaction's write lock (every ledger transaction holds it).
       */
      readonly drawIds: (count: number, above: PaymentId | null) => Op<ReadonlyArray<PaymentId>>
      /**
       * Gives back drawn ids never used, `firstUnused` to `lastDrawn`, when nothing drew an id since
       * (PostgreSQL: the counter is set back; SQLite assigns ids from the rows, so nothing to do).
       */
      readonly releaseIds: (firstUnused: PaymentId, lastDrawn: PaymentId) => Op<void>
      /**
       * Inserts payments under ids drawn by `drawIds`, in one multi-row statement, each unless one of
       * its unique keys is taken (as `insertUnlessTaken`): answers how many rows were written.
       */
      readonly insertAll: (rows: ReadonlyArray<Payment>) => Write<number>
      readonly list: (query: PaymentQuery) => Effect.Effect<PaymentPage, StorageUnavailable | ValidationFailed>
      /** Everything that hangs off a payment, each kind oldest first, in one read (a payment's detail). */
      readonly children: (paymentId: PaymentId) => Op<PaymentChildren>
      /** What hangs off each of these payments (a page's rows), in one read; payments with nothing are absent. */
      readonly childrenOfPayments: (paymentIds: ReadonlyArray<PaymentId>) => Op<ReadonlyMap<PaymentId, PaymentChildren>>
      /** A payment and everything that hangs off it, in one read; `null` when there is no such payment. */
      readonly getWithChildren: (
        id: PaymentId
      ) => Op<{ readonly payment: Payment; readonly children: PaymentChildren } | null>
      /**
       * A payment found by `target` with its children and the records `include` names, in one
       * statement (the read model of a get by id); `null` when no payment matches.
       */
      readonly view: (target: PaymentTarget, include: PaymentViewInclude) => Op<PaymentView | null>
      /** A customer's payments and open documents as one filtered, sorted page, in one statement (`customer-rows.ts`). */
      readonly listCustomerRows: (query: CustomerRowQuery) => Op<CustomerRowPage>
      /** Aggregates for the admin overview (sums in SQL, never by loading every payment). */
      readonly overview: (query: OverviewQuery) => Op<PaymentOverview>
      /** A customer's payment totals in one statement, no payment loaded (`PaymentTotalsQuery`). */
      readonly totals: (query: PaymentTotalsQuery) => Op<PaymentTotals>
    }
    readonly allocations: {
      readonly insert: (row: New<Allocation>) => Write<Allocation>
      /**
       * Inserts these allocations in one statement; answers them with their ids, in the order given.
       * With `documents` (each the document of one of the rows, at most once, changed only in
       * `allocated`, `outstanding` and `state`), that statement also saves each document's change as
       * `documents.update(row, expectedVersion)` would (version + 1, `updatedAt` = the allocations'
       * `createdAt`; `Conflict("concurrent-modification")` when the document moved since it was read).
       */
      readonly insertAll: (
        rows: ReadonlyArray<New<Allocation>>,
        documents?: ReadonlyArray<{ readonly row: Document; readonly expectedVersion: number }>
      ) => Write<ReadonlyArray<Allocation>>
      /** Ids drawn ahead, given back, and rows inserted under them: as `payments.drawIds` / `releaseIds` / `insertAll`. */
      readonly drawIds: (count: number, above: AllocationId | null) => Op<ReadonlyArray<AllocationId>>
      readonly releaseIds: (firstUnused: AllocationId, lastDrawn: AllocationId) => Op<void>
      readonly insertDrawn: (rows: ReadonlyArray<Allocation>) => Write<number>
      /** Changes an allocation's amount or booked flag in place, its id kept (the caller holds the customer lock). */
      readonly update: (row: Allocation) => Write<Allocation>
      readonly delete: (id: AllocationId) => Op<void>
      readonly get: (id: AllocationId) => Op<Allocation | null>
      readonly listByPayment: (paymentId: PaymentId) => Op<ReadonlyArray<Allocation>>
      readonly listByDocument: (documentId: DocumentId) => Op<ReadonlyArray<Allocation>>
      /** The allocations of several payments at once, by id ascending. */
      readonly listByPayments: (paymentIds: ReadonlyArray<PaymentId>) => Op<ReadonlyArray<Allocation>>
    }
    /** What each movement released from a payment, part by part (see `AllocationRelease`). */
    readonly releases: {
      readonly insert: (row: New<AllocationRelease>) => Write<AllocationRelease>
      /** Inserts these releases in one statement (a bulk unit's); answers how many were written. */
      readonly insertAll: (rows: ReadonlyArray<New<AllocationRelease>>) => Write<number>
      readonly update: (row: AllocationRelease) => Write<AllocationRelease>
      /** The parts one movement released, by id ascending. */
      readonly listByMovement: (kind: ReleaseMovementKind, movementId: number) => Op<ReadonlyArray<AllocationRelease>>
      readonly listByPayment: (paymentId: PaymentId) => Op<ReadonlyArray<AllocationRelease>>
    }
    readonly reversals: {
      readonly insert: (row: New<Reversal>) => Write<Reversal>
      /** Ids drawn ahead, given back, and rows inserted under them: as `payments.drawIds` / `releaseIds` / `insertAll`. */
      readonly drawIds: (count: number, above: ReversalId | null) => Op<ReadonlyArray<ReversalId>>
      readonly releaseIds: (firstUnused: ReversalId, lastDrawn: ReversalId) => Op<void>
      readonly insertDrawn: (rows: ReadonlyArray<Reversal>) => Write<number>
      readonly update: (row: Reversal) => Write<Reversal>
      readonly listByPayment: (paymentId: PaymentId) => Op<ReadonlyArray<Reversal>>
      /** The reversals of several payments at once, by id ascending. */
      readonly listByPayments: (paymentIds: ReadonlyArray<PaymentId>) => Op<ReadonlyArray<Reversal>>
    }
    readonly collections: {
      readonly insert: (row: New<Collection>) => Write<Collection>
      /** Ids drawn ahead, given back, and rows inserted under them: as `payments.drawIds` / `releaseIds` / `insertAll`. */
      readonly drawIds: (count: number, above: CollectionId | null) => Op<ReadonlyArray<CollectionId>>
      readonly releaseIds: (firstUnused: CollectionId, lastDrawn: CollectionId) => Op<void>
      readonly insertAll: (rows: ReadonlyArray<Collection>) => Write<number>
      readonly update: (row: Collection) => Write<Collection>
      readonly listByPayment: (paymentId: PaymentId) => Op<ReadonlyArray<Collection>>
    }
    /** Requests to gateways that can move money, booked before the gateway is called (see `GatewayAttempt`). */
    readonly gatewayAttempts: {
      /** `Conflict("duplicate")` when the attempt key exists. */
      readonly insert: (row: New<GatewayAttempt>) => Guarded<GatewayAttempt>
      readonly get: (id: GatewayAttemptId) => Op<GatewayAttempt | null>
      /** The attempt booked with this key (the gateway's idempotency key), if any. */
      readonly getByKey: (attemptKey: string) => Op<GatewayAttempt | null>
      readonly update: (row: GatewayAttempt) => Write<GatewayAttempt>
      readonly listByPayment: (paymentId: PaymentId) => Op<ReadonlyArray<GatewayAttempt>>
      /** Attempts still `pending`, oldest first, at most `limit`. */
      readonly listPending: (limit: number) => Op<ReadonlyArray<GatewayAttempt>>
      /** Attempts `pending` whose `nextTryAt` is null or not after `at`, oldest first, at most `limit`. */
      readonly listDue: (at: Date, limit: number) => Op<ReadonlyArray<GatewayAttempt>>
      /** Attempts in `state`, oldest first, at most `limit`. */
      readonly listInState: (state: GatewayAttempt["state"], limit: number) => Op<ReadonlyArray<GatewayAttempt>>
    }
    /**
     * Named cluster-wide leases (one holder at a time until it expires), e.g. the gateway
     * reconciler's. Called outside any transaction; each call commits on its own.
     */
    readonly leases: {
      /** Takes or renews `name` for `holder` until `until` when it is free, expired at `now` or already its own. */
      readonly acquire: (name: string, holder: string, now: Date, until: Date) => Op<boolean>
      /** Gives `name` up when `holder` holds it. */
      readonly release: (name: string, holder: string) => Op<void>
    }
    readonly refunds: {
      readonly insert: (row: New<Refund>) => Write<Refund>
      readonly get: (id: RefundId) => Op<Refund | null>
      readonly update: (row: Refund) => Write<Refund>
      /** Ids drawn ahead, given back, and rows inserted under them: as `payments.drawIds` / `releaseIds` / `insertAll`. */
      readonly drawIds: (count: number, above: RefundId | null) => Op<ReadonlyArray<RefundId>>
      readonly releaseIds: (firstUnused: RefundId, lastDrawn: RefundId) => Op<void>
      readonly insertDrawn: (rows: ReadonlyArray<Refund>) => Write<number>
      readonly list: (query: RefundQuery) => Effect.Effect<RefundPage, StorageUnavailable | ValidationFailed>
    }
    readonly balance: {
      /**
       * Appends the next entry of the customer's chain, assigning `sequence` = last + 1 in the
       * same statement (the caller holds the customer lock, so sequences stay gap-free).
       */
      readonly append: (row: Omit<New<BalanceEntry>, "sequence">) => Write<BalanceEntry>
      /**
       * A movement of the customer's balance in one statement: the customer row read at
       * `customerVersion` takes `row.balanceAfter` as its balance, `row.occurredAt` as `updatedAt` and
       * the next version (as `customers.update` would: `Conflict("concurrent-modification")` when the
       * row moved since), and the entry is appended as `append` appends it.
       */
      readonly move: (row: Omit<New<BalanceEntry>, "sequence">, customerVersion: number) => Write<BalanceEntry>
      /**
       * `move`, then `events.appendAll` of `events` — on PostgreSQL in one statement (a create's
       * movement and its events: one round trip fewer while its numbers' counters are locked).
       */
      readonly moveWithEvents: (
        row: Omit<New<BalanceEntry>, "sequence">,
        customerVersion: number,
        events: ReadonlyArray<New<LedgerEvent> & { readonly attachedRecord?: AttachedRecord | undefined }>
      ) => Write<{ readonly entry: BalanceEntry; readonly events: ReadonlyArray<LedgerEvent> }>
      /** Appends entries (of customers the caller holds locked) in one insert, in order: each customer's next sequences. */
      readonly appendAll: (
        rows: ReadonlyArray<Omit<New<BalanceEntry>, "sequence">>
      ) => Write<ReadonlyArray<BalanceEntry>>
      readonly list: (customerId: CustomerId, paging: Paging) => ListOp<BalanceEntry>
    }
    readonly events: {
      readonly append: (row: New<LedgerEvent>) => Write<LedgerEvent>
      /**
       * Appends several events in one statement, in the order given (ids ascending). An event's
       * `attachedRecord` is written by that same statement as a dialect record linked to the event's
       * customer and payment, dated at the event, with its list columns (replacing the record under
       * its key, list columns included).
       */
      readonly appendAll: (
        rows: ReadonlyArray<New<LedgerEvent> & { readonly attachedRecord?: AttachedRecord | undefined }>
      ) => Write<ReadonlyArray<LedgerEvent>>
      readonly list: (query: EventQuery) => ListOp<LedgerEvent>
    }
    /** Vendor-only objects of the dialects (see `DialectRecord`); listed by id ascending. */
    readonly dialectRecords: {
      /** `Conflict("duplicate")` when (dialect, kind, key) already exists. */
      readonly insert: (row: New<DialectRecord>) => Write<DialectRecord>
      /**
       * Inserts the record of a payment (`paymentId`) that belongs to the record's customer
       * (`customerId`), in one statement; `null` (nothing written) when the key is taken or the
       * payment is not that customer's.
       */
      readonly insertOfOwnPayment: (row: New<DialectRecord>) => Write<DialectRecord | null>
      /**
       * Inserts new records in one multi-row statement (per 500), each with a payment only when the
       * payment is the record's customer's. `Conflict("duplicate")` when a key is taken or a payment is
       * not its record's customer's (rows before it may be written: the caller's transaction rolls back).
       */
      readonly insertAll: (rows: ReadonlyArray<New<DialectRecord>>) => Write<void>
      readonly get: (id: DialectRecordId) => Op<DialectRecord | null>
      readonly getByKey: (dialect: string, kind: string, key: string) => Op<DialectRecord | null>
      readonly update: (row: DialectRecord) => Write<DialectRecord>
      readonly delete: (id: DialectRecordId) => Op<void>
      readonly list: (query: DialectRecordQuery) => ListOp<DialectRecord>
    }
    /** Cheap round trip used by readiness checks. */
    readonly ping: Op<void>
  }
>()("@paybridge/core/ports/LedgerStore") {}

export type LedgerStoreShape = LedgerStore["Service"]
