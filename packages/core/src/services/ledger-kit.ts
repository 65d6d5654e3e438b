/**
 * The shared machinery of the Ledger service's operations: how a command is authorised, run in
 * one transaction with idempotency and retried once after a concurrent modification; how a read
 * is authorised; how records are loaded (with `NotFound` and the customer scope), locked through
 * their customer, changed (version-guarded) and recorded in the event log; how amounts are
 * parsed exactly; and how the customer's running balance moves. The operation files
 * (`ledger-*.operations.ts`) build the `LedgerShape` methods from it.
 */
import { Effect, Result } from "effect"
import { authorize, ensureCustomerInScope, type LedgerOperation } from "../auth/permissions.ts"
import {
  Conflict,
  type Forbidden,
  InvalidTransition,
  type NotFound,
  notFound,
  type StorageUnavailable,
  type ValidationFailed,
  validationFailed
} from "../errors.ts"
import { nextPaymentState, type PaymentAction, type PaymentState } from "../lifecycle/payment-lifecycle.ts"
import type { Principal, RecordId } from "../model/common.ts"
import type {
  Allocation,
  BalanceEntryKind,
  Customer,
  Document,
  LedgerEvent,
  Payment,
  Refund
} from "../model/records.ts"
import type { CurrencyCode } from "../money/currency.ts"
import { parseMinorUnits } from "../money/money.ts"
import type { LedgerStore, Paging } from "../ports/ledger-store.ts"
import type { PaymentGateways } from "../ports/payment-gateway.ts"
import { now } from "./clock.ts"
import { CommandContext, type CommandContextShape } from "./command-context.ts"
import type { PaymentDetail } from "./ledger.ts"
import type { AmountInput, PageInput } from "./ledger-commands.ts"
import { type ResultSchema, withIdempotency } from "./ledger-idempotency.ts"

/** Page size when a list request names none. */
export const defaultPageSize = 100

export type FieldPath = ReadonlyArray<string | number>

/** What one balance movement books. */
export interface BalanceMovement {
  readonly delta: bigint
  readonly kind: BalanceEntryKind
  readonly description: string
  readonly paymentId?: RecordId | null | undefined
  readonly documentId?: RecordId | null | undefined
  readonly refundId?: RecordId | null | undefined
  readonly reversalId?: RecordId | null | undefined
}

export type NewEvent = Pick<LedgerEvent, "type" | "entity" | "entityId" | "data"> & {
  readonly customerId?: RecordId | null | undefined
  readonly paymentId?: RecordId | null | undefined
}

const isConcurrentModification = (error: unknown): boolean =>
  error instanceof Conflict && error.reason === "concurrent-modification"

/** Minor-unit amounts as event data: decimal strings, never JS numbers. */
export const minor = (amount: bigint): string => amount.toString()

export const makeLedgerKit = (store: LedgerStore["Service"], gateways: PaymentGateways["Service"]) => {
  const commandContext: Effect.Effect<CommandContextShape, never, CommandContext> = CommandContext
  const principal: Effect.Effect<Principal, never, CommandContext> = Effect.map(
    commandContext,
    (context) => context.principal
  )

  /**
   * A mutating command: authorised, then run in one transaction (with idempotency when the
   * context has a key), retried once when a guarded update met a concurrent modification.
   */
  const mutation = <A, E>(
    operation: LedgerOperation,
    input: unknown,
    resultSchema: ResultSchema<A>,
    command: Effect.Effect<A, E, CommandContext>
  ): Effect.Effect<A, E | Conflict | StorageUnavailable | Forbidden, CommandContext> =>
    Effect.gen(function* () {
      yield* authorize(yield* principal, operation)
      const attempt = store.transaction(withIdempotency(store, operation, input, resultSchema, command))
      return yield* attempt.pipe(Effect.catchIf(isConcurrentModification, () => attempt))
    })

  /** A read: authorised, then run as is. */
  const query = <A, E>(operation: LedgerOperation, read: Effect.Effect<A, E, CommandContext>) =>
    Effect.andThen(
      Effect.flatMap(principal, (who) => authorize(who, operation)),
      read
    )

  const inScope = (customerId: RecordId) => Effect.flatMap(principal, (who) => ensureCustomerInScope(who, customerId))

  const found =
    (entity: string, id: RecordId | string) =>
    <A>(row: A | null): Effect.Effect<A, NotFound> =>
      row === null ? Effect.fail(notFound(entity, id)) : Effect.succeed(row)

  /** A customer the principal may see (scope first, so other customers' ids reveal nothing). */
  const visibleCustomer = (id: RecordId) =>
    Effect.andThen(inScope(id), Effect.flatMap(store.customers.get(id), found("customer", id)))

  /** Locks a customer the principal may act on; returns the fresh row. Only inside a transaction. */
  const lockCustomer = (id: RecordId) =>
    Effect.andThen(inScope(id), Effect.flatMap(store.lockCustomer(id), found("customer", id)))

  const visiblePayment = (id: RecordId) =>
    Effect.tap(Effect.flatMap(store.payments.get(id), found("payment", id)), (payment) => inScope(payment.customerId))

  const visibleDocument = (id: RecordId) =>
    Effect.tap(Effect.flatMap(store.documents.get(id), found("document", id)), (document) =>
      inScope(document.customerId)
    )

  const visibleRefund = (id: RecordId) =>
    Effect.tap(Effect.flatMap(store.refunds.get(id), found("refund", id)), (refund) => inScope(refund.customerId))

  /** Locks the payment's customer, then returns the payment as it is under the lock. */
  const lockPayment = (id: RecordId) =>
    Effect.gen(function* () {
      const payment = yield* visiblePayment(id)
      const customer = yield* lockCustomer(payment.customerId)
      return { customer, payment: yield* Effect.flatMap(store.payments.get(id), found("payment", id)) }
    })

  /**
   * A mutating command on one payment (`mutation`): the payment's customer is locked first, and
   * `command` gets the payment as it is under that lock.
   */
  const paymentMutation = <A, E>(
    operation: LedgerOperation,
    input: { readonly paymentId: RecordId },
    resultSchema: ResultSchema<A>,
    command: (payment: Payment) => Effect.Effect<A, E, CommandContext>
  ) =>
    mutation(
      operation,
      input,
      resultSchema,
      Effect.flatMap(lockPayment(input.paymentId), ({ payment }) => command(payment))
    )

  const lockDocument = (id: RecordId) =>
    Effect.gen(function* () {
      const document = yield* visibleDocument(id)
      const customer = yield* lockCustomer(document.customerId)
      return { customer, document: yield* Effect.flatMap(store.documents.get(id), found("document", id)) }
    })

  const lockRefund = (id: RecordId) =>
    Effect.gen(function* () {
      const refund = yield* visibleRefund(id)
      const customer = yield* lockCustomer(refund.customerId)
      return { customer, refund: yield* Effect.flatMap(store.refunds.get(id), found("refund", id)) }
    })

  /** Parses a major-unit amount exactly in `currency`; an error names the field. */
  const parseAmount = (input: AmountInput, currency: CurrencyCode, path: FieldPath) => {
    const parsed = parseMinorUnits(input, currency)
    return Result.isFailure(parsed)
      ? Effect.fail(validationFailed(path, parsed.failure.message))
      : Effect.succeed(parsed.success)
  }

  const parsePositiveAmount = (input: AmountInput, currency: CurrencyCode, path: FieldPath) =>
    Effect.flatMap(parseAmount(input, currency, path), (amount) =>
      amount > 0n ? Effect.succeed(amount) : Effect.fail(validationFailed(path, "amount must be greater than zero"))
    )

  /** A currency named by the caller must be the customer's. */
  const ensureCurrency = (
    given: CurrencyCode | undefined,
    customer: Customer,
    path: FieldPath = ["currency"]
  ): Effect.Effect<CurrencyCode, ValidationFailed> =>
    given === undefined || given === customer.currency
      ? Effect.succeed(customer.currency)
      : Effect.fail(validationFailed(path, `customer ${customer.id} is billed in ${customer.currency}, not ${given}`))

  /** The state a payment moves to, from the lifecycle table; a refusal is `InvalidTransition`. */
  const paymentTransition = (
    payment: Payment,
    action: PaymentAction
  ): Effect.Effect<PaymentState, InvalidTransition> => {
    const next = nextPaymentState(payment.state, action)
    return Result.isFailure(next)
      ? Effect.fail(
          new InvalidTransition({
            entity: "payment",
            id: String(payment.id),
            from: payment.state,
            action,
            message: next.failure.message
          })
        )
      : Effect.succeed(next.success)
  }

  const refused = (entity: string, id: RecordId, from: string, action: string, message: string) =>
    new InvalidTransition({ entity, id: String(id), from, action, message })

  /** Appends an event carrying the command context (who, through what, which request and key). */
  const recordEvent = (event: NewEvent) =>
    Effect.gen(function* () {
      const context = yield* CommandContext
      return yield* store.events.append({
        type: event.type,
        entity: event.entity,
        entityId: event.entityId,
        customerId: event.customerId ?? null,
        paymentId: event.paymentId ?? null,
        data: event.data,
        occurredAt: yield* now,
        actorId: context.principal.id,
        actorName: context.principal.name,
        origin: context.origin,
        requestId: context.requestId,
        idempotencyKey: context.idempotencyKey
      })
    })

  /**
   * Moves the customer's running balance: a version-guarded update of `customer.balance` and the
   * next entry of the balance chain. The caller holds the customer lock.
   */
  const moveBalance = (customerId: RecordId, movement: BalanceMovement) =>
    Effect.gen(function* () {
      const customer = yield* Effect.flatMap(store.customers.get(customerId), found("customer", customerId))
      const at = yield* now
      const balanceAfter = customer.balance + movement.delta
      yield* store.customers.update({ ...customer, balance: balanceAfter, updatedAt: at }, customer.version)
      return yield* store.balance.append({
        customerId,
        kind: movement.kind,
        delta: movement.delta,
        balanceAfter,
        paymentId: movement.paymentId ?? null,
        documentId: movement.documentId ?? null,
        refundId: movement.refundId ?? null,
        reversalId: movement.reversalId ?? null,
        description: movement.description,
        occurredAt: at
      })
    })

  const savePayment = (payment: Payment, changes: Partial<Omit<Payment, "id" | "version">>) =>
    Effect.flatMap(now, (at) => store.payments.update({ ...payment, ...changes, updatedAt: at }, payment.version))

  const saveDocument = (document: Document, changes: Partial<Omit<Document, "id" | "version">>) =>
    Effect.flatMap(now, (at) => store.documents.update({ ...document, ...changes, updatedAt: at }, document.version))

  /** Reads every page of a list (the cursors are the store's own, so a cursor error here is a defect). */
  const allPages = <A>(
    list: (
      paging: Paging
    ) => Effect.Effect<{ items: ReadonlyArray<A>; nextCursor: string | null }, StorageUnavailable | ValidationFailed>
  ): Effect.Effect<Array<A>, StorageUnavailable> =>
    Effect.gen(function* () {
      const rows: Array<A> = []
      let cursor: string | null = null
      do {
        const page: { items: ReadonlyArray<A>; nextCursor: string | null } = yield* list({ cursor, limit: 1000 }).pipe(
          Effect.catchTag("ValidationFailed", Effect.die)
        )
        rows.push(...page.items)
        cursor = page.nextCursor
      } while (cursor !== null)
      return rows
    })

  const byId = <A extends { readonly id: RecordId }>(rows: ReadonlyArray<A>): Array<A> =>
    [...rows].sort((a, b) => a.id - b.id)

  /** A payment with its allocations, reversals, collections and refunds (each oldest first). */
  const paymentDetail = (payment: Payment): Effect.Effect<PaymentDetail, StorageUnavailable> =>
    Effect.gen(function* () {
      const allocations: ReadonlyArray<Allocation> = yield* store.allocations.listByPayment(payment.id)
      const reversals = yield* store.reversals.listByPayment(payment.id)
      const collections = yield* store.collections.listByPayment(payment.id)
      const refunds: ReadonlyArray<Refund> = yield* allPages((paging) =>
        store.refunds.list({ ...paging, paymentId: payment.id })
      )
      return {
        payment,
        allocations: byId(allocations),
        reversals: byId(reversals),
        collections: byId(collections),
        refunds: byId(refunds)
      }
    })

  const paging = (input: PageInput): Paging => ({ cursor: input.cursor ?? null, limit: input.limit ?? defaultPageSize })

  return {
    store,
    gateways,
    commandContext,
    principal,
    mutation,
    paymentMutation,
    query,
    inScope,
    found,
    visibleCustomer,
    visiblePayment,
    visibleDocument,
    visibleRefund,
    lockCustomer,
    lockPayment,
    lockDocument,
    lockRefund,
    parseAmount,
    parsePositiveAmount,
    ensureCurrency,
    paymentTransition,
    refused,
    recordEvent,
    moveBalance,
    savePayment,
    saveDocument,
    allPages,
    paymentDetail,
    paging
  } as const
}

export type LedgerKit = ReturnType<typeof makeLedgerKit>
