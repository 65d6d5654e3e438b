/**
 * Graceful shutdown of the HTTP server on SIGINT/SIGTERM. At once: stop accepting connections and
 * switch the app to draining, so every answer from then on — the requests in flight and any that
 * still arrive on a kept-alive connection — carries `Connection: close` and its connection ends
 * right after it. Kept-alive connections are not destroyed at once (`http.Server#close` would:
 * a request a client had already sent on one would meet a reset); only those still idle after a
 * short grace (`idleGraceMillis`, 1 s or half the timeout) are closed. The process therefore stops
 * as soon as the last request is answered, instead of serving kept-alive clients until
 * `SHUTDOWN_TIMEOUT`; only connections still busy at the timeout are cut. Then the runtime is
 * disposed (database closed, spans flushed) and the process exits.
 */
import type { Server } from "node:http"
import { Server as NetServer } from "node:net"
import { Duration } from "effect"

export interface ShutdownOptions {
  readonly server: Server
  readonly timeout: Duration.Duration
  /** Switches the app to draining (see `AppDeps.draining`). */
  readonly startDraining: () => void
  readonly log: (level: "info" | "warn" | "error", message: string, fields?: Readonly<Record<string, unknown>>) => void
  /** Closes what the server holds (the runtime); runs once every connection is closed. */
  readonly release: () => Promise<void>
  readonly exit: (code: number) => void
}

/** The signal handler: drain, wait for the connections (at most `timeout`), release, exit. */
export const gracefulShutdown = (options: ShutdownOptions): ((signal: NodeJS.Signals) => void) => {
  let stopping = false
  return (signal) => {
    if (stopping) return
    stopping = true
    const started = performance.now()
    options.startDraining()
    options.log("info", "shutting down", { signal })
    const forceClose = setTimeout(() => {
      options.log("warn", "in-flight requests did not finish in time; closing their connections", {
        timeoutMs: Duration.toMillis(options.timeout)
      })
      options.server.closeAllConnections()
    }, Duration.toMillis(options.timeout))
    forceClose.unref()
    const timeoutMs = Duration.toMillis(options.timeout)
    const closeIdle = setTimeout(() => options.server.closeIdleConnections(), Math.min(1000, timeoutMs / 2))
    closeIdle.unref()
    // net.Server's close: no new connections; the callback runs once every connection has ended.
    NetServer.prototype.close.call(options.server, () => {
      clearTimeout(forceClose)
      clearTimeout(closeIdle)
      options.log("info", "stopped", { drainMs: Math.round(performance.now() - started) })
      options
        .release()
        .then(() => options.exit(0))
        .catch((error: unknown) => {
          options.log("error", "closing the runtime failed", { error: String(error) })
          options.exit(1)
        })
    })
  }
}
