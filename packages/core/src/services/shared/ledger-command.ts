/**
 * How a ledger service method runs. A command (`mutation`) is authorised for its operation (see
 * `auth/permissions.ts`), then run in one store transaction with idempotency when the command
 * context carries a key (`idempotency.ts`), and retried once when a version-guarded update met a
 * concurrent modification; what the command queued for after the commit (gateway calls,
 * `after-commit.ts`) runs once the outermost transaction has committed; `paymentMutation` locks the payment's customer first. A read (`query`)
 * is authorised, then run as is. Lists page with `paging` (keyset cursors) and `allPages` reads a
 * whole store list. `CommandFailure` and `ReadFailure` are what this machinery itself can fail
 * with; each method's error union adds the failures of its own work.
 */
import { Effect } from "effect"
import { authorize, type LedgerOperation } from "../../auth/permissions.ts"
import { Conflict, type Forbidden, type StorageUnavailable, type ValidationFailed } from "../../errors.ts"
import type { PaymentId } from "../../model/ids.ts"
import type { Payment } from "../../model/records.ts"
import type { IdempotencyStore } from "../../ports/idempotency-store.ts"
import { LedgerStore, type Paging } from "../../ports/ledger-store.ts"
import type { CommandContext } from "../command-context.ts"
import type { PageInput } from "../ledger-commands.ts"
import { withAfterCommit } from "./after-commit.ts"
import { nextCommand } from "./bulk-clock.ts"
import { BulkBooking } from "./bulk-unit.ts"
import { type ResultSchema, withIdempotency } from "./idempotency.ts"
import { currentPrincipal, lockPayment } from "./record-access.ts"

/** What every read can fail with besides its own work: the role refused, or the store unreachable. */
export type ReadFailure = Forbidden | StorageUnavailable

/**
 * What every command can fail with besides its own work: a read's failures, an idempotency key reused,
 * a concurrent modification twice (a unique key a concurrent writer took first counts as one: the
 * retry then sees the row), and a write refused because a record it refers to does not exist
 * (`ValidationFailed`).
 */
export type CommandFailure = Conflict | Forbidden | StorageUnavailable | ValidationFailed

/** Page size when a list request names none. */
export const defaultPageSize = 100

const isConcurrentModification = (error: unknown): boolean =>
  error instanceof Conflict && error.reason === "concurrent-modification"

/** Runs `attempt`, and once more when it failed with a concurrent modification. */
export const retryOnConcurrentModification = <A, E, R>(attempt: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  attempt.pipe(Effect.catchIf(isConcurrentModification, () => attempt))

/**
 * A mutating command: authorised, then run in one transaction (with idempotency when the
 * context has a key), retried once when a guarded update met a concurrent modification.
 */
export const mutation = <A, E, R>(
  operation: LedgerOperation,
  input: unknown,
  resultSchema: ResultSchema<A>,
  command: Effect.Effect<A, E, R>
): Effect.Effect<A, E | CommandFailure, R | CommandContext | LedgerStore | IdempotencyStore> =>
  Effect.gen(function* () {
    yield* authorize(yield* currentPrincipal, operation)
    // In a bulk unit, each command reads times after the commands before it (`bulk-clock.ts`).
    const unit = yield* BulkBooking
    if (unit !== null) nextCommand(unit.clock)
    const store = yield* LedgerStore
    return yield* withAfterCommit(
      retryOnConcurrentModification(store.transaction(withIdempotency(operation, input, resultSchema, command)))
    )
  })

/**
 * A mutating command on one payment (`mutation`): the payment's customer is locked first, and
 * `command` gets the payment as it is under that lock.
 */
export const paymentMutation = <A, E, R>(
  operation: LedgerOperation,
  input: { readonly paymentId: PaymentId },
  resultSchema: ResultSchema<A>,
  command: (payment: Payment) => Effect.Effect<A, E, R>
) =>
  mutation(
    operation,
    input,
    resultSchema,
    Effect.flatMap(lockPayment(input.paymentId), ({ payment }) => command(payment))
  )

/** A read: authorised, then run as is. */
export const query = <A, E, R>(
  operation: LedgerOperation,
  read: Effect.Effect<A, E, R>
): Effect.Effect<A, E | Forbidden, R | CommandContext> =>
  Effect.andThen(
    Effect.flatMap(currentPrincipal, (who) => authorize(who, operation)),
    read
  )

/** The store paging of a list request. */
export const paging = (input: PageInput): Paging => ({
  cursor: input.cursor ?? null,
  limit: input.limit ?? defaultPageSize
})

/** Reads every page of a store list (the cursors are the store's own, so a cursor error here is a defect). */
export const allPages = <A, R>(
  list: (
    paging: Paging
  ) => Effect.Effect<{ items: ReadonlyArray<A>; nextCursor: string | null }, StorageUnavailable | ValidationFailed, R>
): Effect.Effect<Array<A>, StorageUnavailable, R> =>
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
