/**
 * Work that must run only after the command's transaction has committed, outside any
 * transaction: the gateway calls of the attempts the command booked. The outermost ledger command
 * (`mutation`, `LedgerUnits.atomically`) opens a queue, runs its transaction, and on success runs
 * what was queued, in order; nested commands join the outer queue. A transaction retried after a
 * concurrent modification starts with an empty queue, and a failed transaction runs nothing. Each
 * queued effect carries the services it needs, never the transaction it was queued in.
 */
import { Context, Effect } from "effect"

/** The running command's queue, or `null` outside a ledger command. */
export const AfterCommitQueue = Context.Reference<Array<Effect.Effect<void>> | null>(
  "@paybridge/core/services/AfterCommitQueue",
  { defaultValue: () => null }
)

/** Queues `work` to run after the outermost command commits (a defect outside a ledger command). */
export const afterCommit = (work: Effect.Effect<void>) =>
  Effect.flatMap(AfterCommitQueue, (queue) =>
    queue === null
      ? Effect.die(new Error("afterCommit used outside a ledger command"))
      : Effect.sync(() => queue.push(work))
  )

/**
 * Runs `transaction` (which may be retried as a whole) as the outermost command with a fresh queue,
 * then the queued work; a nested call just runs `transaction` in the outer command's queue.
 */
export const withAfterCommit = <A, E, R>(transaction: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(AfterCommitQueue, (outer) => {
    if (outer !== null) return transaction
    const queue: Array<Effect.Effect<void>> = []
    const fresh = Effect.suspend(() => {
      queue.length = 0
      return transaction
    })
    return Effect.provideService(fresh, AfterCommitQueue, queue).pipe(
      Effect.tap(() => Effect.forEach(queue.splice(0), (work) => work, { discard: true }))
    )
  })
