/**
 * Housekeeping on a schedule: every `IDEMPOTENCY_PURGE_INTERVAL` (default hourly) the idempotency
 * keys older than `IDEMPOTENCY_RETENTION` (at least and by default 24 hours) are deleted from the
 * database (`idempotency.purge`), and so is every expired session and refresh token — the
 * dialects' and the admin console's, which all live in the `sessions` table. With several server
 * processes each runs the schedule; the deletes are idempotent. A failed run is logged and the next
 * one tries again; the timer never keeps the process alive.
 */
import { Authenticator, IdempotencyStore } from "@paybridge/core"
import { Duration } from "effect"
import type { AppRuntime } from "./app-runtime.ts"
import type { AppConfig } from "./config.ts"
import { errorField, type LogFields } from "./logger.ts"

export interface MaintenanceOptions {
  readonly runtime: AppRuntime
  readonly config: Pick<AppConfig, "idempotencyRetention" | "purgeInterval">
  readonly log: (level: "info" | "error", message: string, fields?: LogFields) => void
  /** The clock in milliseconds; default `Date.now` (tests pin it). */
  readonly now?: (() => number) | undefined
}

/** What one run removed. */
export interface PurgeResult {
  readonly idempotencyKeys: number
  readonly sessions: number
}

export interface Maintenance {
  /** One purge now. */
  readonly runOnce: () => Promise<PurgeResult>
  readonly stop: () => void
}

/** Starts the schedule (first run one interval from now). */
export const startMaintenance = (options: MaintenanceOptions): Maintenance => {
  const now = options.now ?? Date.now
  const runOnce = async (): Promise<PurgeResult> => {
    const before = new Date(now() - Duration.toMillis(options.config.idempotencyRetention))
    const idempotencyKeys = await options.runtime.runPromise(IdempotencyStore.use((store) => store.purge(before)))
    const sessions = await options.runtime.runPromise(
      Authenticator.use((auth) => auth.sessions.purgeExpired(new Date(now())))
    )
    options.log("info", "purged expired idempotency keys and sessions", {
      idempotencyKeys,
      sessions,
      createdBefore: before.toISOString()
    })
    return { idempotencyKeys, sessions }
  }
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    runOnce()
      .catch((error: unknown) => options.log("error", "purge failed", { error: errorField(error) }))
      .finally(() => {
        running = false
      })
  }, Duration.toMillis(options.config.purgeInterval))
  timer.unref()
  return { runOnce, stop: () => clearInterval(timer) }
}
