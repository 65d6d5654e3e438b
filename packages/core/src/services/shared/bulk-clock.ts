/**
 * A bulk unit's clock (`bulk-unit.ts`): each command a unit runs reads times later than every time
 * the commands before it read, as commands booked one by one do (each takes more than a
 * millisecond, so a row it makes is stamped after the rows of the commands before it). A unit can
 * book several commands in one millisecond, and a rule that compares one row's instant with
 * another's (a payment posted at or after the customer's newest invoice, a list merging payments
 * and reversals by when they were made) would otherwise meet ties the booking order does not give.
 * So inside a unit the clock reads the underlying clock but never below the running command's
 * floor: one millisecond after the latest time an earlier command of the unit read (`nextCommand`,
 * run as each command starts). It runs ahead of the underlying clock only while commands come
 * faster than one a millisecond, and the unit ends once the underlying clock has passed every time
 * it read (`untilPassed`), so nothing read after the unit — the next unit, a command of its own —
 * reads an earlier time.
 */
import { Clock, Effect } from "effect"

/** The latest time a unit's commands read, and the floor of the running command. */
export interface CommandClock {
  last: number
  floor: number
}

export const newCommandClock = (): CommandClock => ({
  last: Number.NEGATIVE_INFINITY,
  floor: Number.NEGATIVE_INFINITY
})

/** A command starts: every time it reads is after every time read before it. */
export const nextCommand = (state: CommandClock) => {
  if (state.last + 1 > state.floor) state.floor = state.last + 1
}

/** `base` read no earlier than the running command's floor (see the module header). */
const unitClock = (base: Clock.Clock, state: CommandClock): Clock.Clock => {
  const read = (millis: number) => {
    const at = Math.max(millis, state.floor)
    if (at > state.last) state.last = at
    return at
  }
  const readNanos = (nanos: bigint) => {
    const millis = Number(nanos / 1_000_000n)
    const at = read(millis)
    return at === millis ? nanos : BigInt(at) * 1_000_000n
  }
  return {
    ...base,
    currentTimeMillisUnsafe: () => read(base.currentTimeMillisUnsafe()),
    currentTimeMillis: Effect.map(base.currentTimeMillis, read),
    currentTimeNanosUnsafe: () => readNanos(base.currentTimeNanosUnsafe()),
    currentTimeNanos: Effect.map(base.currentTimeNanos, readNanos)
  }
}

/**
 * Waits until `base` is past every time the unit read: as long as it was ahead, in real time (a
 * pinned clock, as tests pin it, never passes, and its `sleep` waits for the test to move it).
 */
const untilPassed = (base: Clock.Clock, state: CommandClock): Effect.Effect<void> =>
  Effect.suspend(() => {
    const ahead = state.last - base.currentTimeMillisUnsafe()
    return ahead < 0
      ? Effect.void
      : Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ahead + 2)))
  })

/** Runs `work` on the unit's clock (`state`) over the clock it would have read, then waits as `untilPassed`. */
export const withCommandClock = <A, E, R>(state: CommandClock, work: Effect.Effect<A, E, R>) =>
  Clock.clockWith((base) =>
    Effect.provideService(work, Clock.Clock, unitClock(base, state)).pipe(Effect.ensuring(untilPassed(base, state)))
  )
