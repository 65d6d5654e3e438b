/**
 * Starts the server's requests in event-loop turns of bounded length, first come first served, so
 * that a busy server still accepts new connections and reads new requests (issue 14). Node's event
 * loop accepts **one** connection per turn (libuv/libuv#3696), and on SQLite a request runs from start
 * to answer without yielding (the statements are synchronous; the rest is promise callbacks): a
 * turn used to serve one request from every connection that had one waiting. At 32 busy connections
 * that was 32 lists (~130 ms) per accepted connection, so the 32nd connection of a burst got its
 * first answer seconds after the first one. Here a request starts at once while nothing waits and
 * the current turn has used less than `budgetMs`; otherwise it waits for the check phase
 * (`setImmediate`) and starts there, oldest first, within that turn's budget, or in a later turn,
 * after the loop has accepted and read again. The server uses it on SQLite only: on PostgreSQL a
 * request waits for the network, turns stay short, and gets at 32 connections measured lower with
 * it (1,001–1,113 vs 1,180–1,925 rps, 3 alternated pairs on a loaded machine).
 */

/** Wall time a turn may spend starting requests before the loop polls again (the first one always starts). */
export const defaultTurnBudgetMs = 2

export interface RequestTurnsOptions {
  readonly budgetMs?: number
  /** Milliseconds on a monotonic clock (tests pass their own). */
  readonly now?: () => number
}

/**
 * Most immediates waiting to start calls at once: a turn runs at most this many of them whatever
 * the number of waiting calls (a turn starts far fewer calls than this within its budget).
 */
const maxStarters = 64

/** `handler`, started in budgeted event-loop turns in the order it was called. */
export const inBudgetedTurns = <Args extends ReadonlyArray<unknown>, A>(
  handler: (...args: Args) => A | Promise<A>,
  options: RequestTurnsOptions = {}
): ((...args: Args) => Promise<A>) => {
  const budgetMs = options.budgetMs ?? defaultTurnBudgetMs
  const now = options.now ?? (() => performance.now())
  /** The calls not started yet, oldest first. */
  const waiting: Array<() => void> = []
  // When the current turn started its first call; reset by an immediate queued then, which runs
  // in this iteration's check phase (queued from the poll phase) or at the head of the next one's
  // (queued from a check phase: those run in the next one, before what the next poll queues).
  let turnStartedAt: number | null = null
  const endTurn = () => {
    turnStartedAt = null
  }
  // Starters are immediates that each start the oldest waiting call (not a call of their own), so
  // the order holds however they interleave. Each runs alone, so the call it started has done its
  // synchronous work before the next starter reads the clock; one that finds the turn's budget
  // spent is queued again, for the next turn.
  let starters = 0
  const addStarters = () => {
    while (starters < waiting.length && starters < maxStarters) {
      starters += 1
      setImmediate(startOldest)
    }
  }
  /** Whether the current turn may start another call (and counts it in the turn). */
  const turnHasRoom = (): boolean => {
    const time = now()
    if (turnStartedAt === null) {
      turnStartedAt = time
      setImmediate(endTurn)
      return true
    }
    return time - turnStartedAt < budgetMs
  }
  const startOldest = () => {
    starters -= 1
    if (turnHasRoom()) waiting.shift()?.()
    addStarters()
  }
  return (...args) =>
    new Promise<A>((resolve, reject) => {
      const start = () => {
        try {
          resolve(handler(...args))
        } catch (error) {
          reject(error)
        }
      }
      // Nobody waiting and room in this turn: start at once (a server that is not busy answers as
      // it did without turns); otherwise queue behind the waiting calls.
      if (waiting.length === 0 && turnHasRoom()) start()
      else {
        waiting.push(start)
        addStarters()
      }
    })
}
