/**
 * Housekeeping on a schedule: every `IDEMPOTENCY_PURGE_INTERVAL` (default hourly) the idempotency
 * keys older than `IDEMPOTENCY_RETENTION` (at least and by default 24 hours) are deleted from the
 * database (`idempotency.purge`), and the admin console's expired sessions are dropped. Dialect
 * session stores drop their own expired tokens (the adapter kit sweeps a store once per token
 * lifetime on its next use). A failed run is logged and the next one tries again; the timer never
 * keeps the process alive.
 */
import type { SessionStore } from "@paybridge/adapter-kit"
import { IdempotencyStore } from "@paybridge/core"
import { Duration, Effect } from "effect"
import type { AppRuntime } from "./app-runtime.ts"
import type { AppConfig } from "./config.ts"
import { errorField, type LogFields } from "./logger.ts"

export interface MaintenanceOptions {
  readonly runtime: AppRuntime
  readonly config: Pick<AppConfig, "idempotencyRetention" | "purgeInterval">
  /** In-memory session stores to purge on the same schedule. */
  readonly sessionStores: ReadonlyArray<SessionStore>
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
    let sessions = 0
    for (const store of options.sessionStores) sessions += await Effect.runPromise(store.purgeExpired)
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
