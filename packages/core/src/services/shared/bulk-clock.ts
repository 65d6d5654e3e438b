/**
 * A bulk unit's clock (`bulk-unit.ts`): each command a unit runs reads a time later than every time
 * the commands before it read, as commands booked one by one do (each takes more than a
 * millisecond, so a row it makes is stamped after the rows of the commands before it). A unit books
 * many commands in one millisecond, and a rule that compares one row's instant with another's (a
 * payment posted at or after the customer's newest invoice, a list merging payments and reversals
 * by when they were made) would otherwise meet ties the booking order does not give. So inside a
 * unit the clock reads the underlying clock but never below the command's floor: one millisecond
 * after the last time an earlier command read (`nextCommand`, run as each command starts). The
 * floor is kept per store across units, so a customer's later unit stays after its earlier one; it
 * runs ahead of the underlying clock only while commands come faster than one a millisecond.
 */
import { Clock, Effect } from "effect"

/** The times a store's units handed out: the last one read, and the floor of the running command. */
export interface CommandClock {
  last: number
  floor: number
}

const clocks = new WeakMap<object, CommandClock>()

/** The command clock of `store`'s units (one per store, kept across units). */
export const commandClockOf = (store: object): CommandClock => {
  const found = clocks.get(store)
  if (found !== undefined) return found
  const made: CommandClock = { last: Number.NEGATIVE_INFINITY, floor: Number.NEGATIVE_INFINITY }
  clocks.set(store, made)
  return made
}

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

/** Runs `work` on the unit's clock (`state`), over the clock it would have read. */
export const withCommandClock = <A, E, R>(state: CommandClock, work: Effect.Effect<A, E, R>) =>
  Clock.clockWith((base) => Effect.provideService(work, Clock.Clock, unitClock(base, state)))
