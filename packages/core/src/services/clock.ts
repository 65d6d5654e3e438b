/**
 * The ledger's source of "now" and "today". Production uses the system clock; tests can pin it.
 * Business dates default to today's date in UTC.
 */
import { Clock, Effect } from "effect"
import { type BusinessDate, toBusinessDate } from "../model/common.ts"

export const now: Effect.Effect<Date> = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))
export const today: Effect.Effect<BusinessDate> = Effect.map(now, toBusinessDate)
