/**
 * How ledger commands reach records: by id with `NotFound` when absent (`existing*`), within the
 * acting principal's customer scope (`visible*`: scope checked first for customers, so another
 * customer's id reveals nothing), and locked through their customer for a change (`lock*`:
 * the customer's row lock first, then the record re-read under it — not inside a bulk unit of that
 * customer, whose lock was taken before the record was read). Every function takes the
 * `LedgerStore` and the `CommandContext` from its context.
 */
import { Effect } from "effect"
import { canSeeCustomer, ensureCustomerInScope } from "../../auth/permissions.ts"
import { type NotFound, notFound } from "../../errors.ts"
import type { Principal } from "../../model/common.ts"
import type {
  BillingEntityId,
  CustomerId,
  DocumentId,
  GatewayId,
  PaymentId,
  PresetId,
  RefundId
} from "../../model/ids.ts"
import { type CustomerRef, LedgerStore, type LockWithOptions } from "../../ports/ledger-store.ts"
import { CommandContext } from "../command-context.ts"
import { BulkBooking } from "./bulk-booking.ts"

/** The principal the command runs as. */
export const currentPrincipal: Effect.Effect<Principal, never, CommandContext> = Effect.map(
  CommandContext,
  (context) => context.principal
)

/** Fails with `Forbidden` unless the principal may see this customer's records. */
export const inScope = (customerId: CustomerId) =>
  Effect.flatMap(currentPrincipal, (who) => ensureCustomerInScope(who, customerId))

/** A looked-up row, or `NotFound` naming the entity and the id it was looked up by. */
export const found =
  (entity: string, id: number | string) =>
  <A>(row: A | null): Effect.Effect<A, NotFound> =>
    row === null ? Effect.fail(notFound(entity, id)) : Effect.succeed(row)

export const existingCustomer = (id: CustomerId) =>
  Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.customers.get(id), found("customer", id)))

export const existingBillingEntity = (id: BillingEntityId) =>
  Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.billingEntities.get(id), found("billing-entity", id)))

export const existingGateway = (id: GatewayId) =>
  Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.gateways.get(id), found("gateway", id)))

export const existingPreset = (id: PresetId) =>
  Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.presets.get(id), found("preset", id)))

export const existingDocument = (id: DocumentId) =>
  Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.documents.get(id), found("document", id)))

export const existingPayment = (id: PaymentId) =>
  Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.payments.get(id), found("payment", id)))

export const existingRefund = (id: RefundId) =>
  Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.refunds.get(id), found("refund", id)))

/** A customer the principal may see (scope first, so other customers' ids reveal nothing). */
export const visibleCustomer = (id: CustomerId) => Effect.andThen(inScope(id), existingCustomer(id))

export const visiblePayment = (id: PaymentId) =>
  Effect.tap(existingPayment(id), (payment) => inScope(payment.customerId))

export const visibleDocument = (id: DocumentId) =>
  Effect.tap(existingDocument(id), (document) => inScope(document.customerId))

export const visibleRefund = (id: RefundId) => Effect.tap(existingRefund(id), (refund) => inScope(refund.customerId))

/** Locks a customer the principal may act on; returns the fresh row. Only inside a transaction. */
export const lockCustomer = (id: CustomerId) =>
  Effect.andThen(
    inScope(id),
    Effect.flatMap(LedgerStore, (store) => Effect.flatMap(store.lockCustomer(id), found("customer", id)))
  )

/**
 * Locks the customer a unique key names, with the payment presets of `presetIds` read in the same
 * statement (`LedgerStore.lockCustomerWith`). By id the scope is checked first, as `lockCustomer`
 * does; by number or public id the lock finds the customer, and one outside the principal's scope
 * is `NotFound` (another customer's number reveals nothing). With `unpaidDocuments` the same statement
 * also says whether the customer has unpaid documents in its currency; with `records` and
 * `billingEntity` it brings those along (`LockWithOptions`). Only inside a transaction.
 */
export const lockCustomerFor = Effect.fnUntraced(function* (
  ref: CustomerRef,
  presetIds: ReadonlyArray<PresetId>,
  options: LockWithOptions = {}
) {
  if ("id" in ref) yield* inScope(ref.id)
  const store = yield* LedgerStore
  const shown = "id" in ref ? ref.id : "number" in ref ? ref.number : ref.publicId
  const locked = yield* Effect.flatMap(store.lockCustomerWith(ref, presetIds, options), found("customer", shown))
  if (!("id" in ref) && !canSeeCustomer(yield* currentPrincipal, locked.customer.id)) {
    return yield* Effect.fail(notFound("customer", shown))
  }
  return locked
})

/**
 * Whether the running `LedgerUnits.bulkImport` unit holds `customerId`'s lock already (taken when the
 * unit began): a record of that customer read now is read under the lock, and needs no re-read.
 */
const lockedByBulkUnit = (customerId: CustomerId) =>
  Effect.map(BulkBooking, (scope) => scope !== null && scope.customerId === customerId)

/** Locks the payment's customer, then returns the payment as it is under the lock. */
export const lockPayment = Effect.fnUntraced(function* (id: PaymentId) {
  const payment = yield* visiblePayment(id)
  const customer = yield* lockCustomer(payment.customerId)
  if (yield* lockedByBulkUnit(payment.customerId)) return { customer, payment }
  return { customer, payment: yield* existingPayment(id) }
})

/** Locks the document's customer, then returns the document as it is under the lock. */
export const lockDocument = Effect.fnUntraced(function* (id: DocumentId) {
  const document = yield* visibleDocument(id)
  const customer = yield* lockCustomer(document.customerId)
  if (yield* lockedByBulkUnit(document.customerId)) return { customer, document }
  return { customer, document: yield* existingDocument(id) }
})

/** Locks the refund's customer, then returns the refund as it is under the lock. */
export const lockRefund = Effect.fnUntraced(function* (id: RefundId) {
  const refund = yield* visibleRefund(id)
  const customer = yield* lockCustomer(refund.customerId)
  if (yield* lockedByBulkUnit(refund.customerId)) return { customer, refund }
  return { customer, refund: yield* existingRefund(id) }
})
