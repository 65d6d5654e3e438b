/**
 * Logging through Effect's logger: one JSON object per line on stdout (`Logger.formatJson`, as
 * `Logger.consoleJson` writes it: `message`, `level`, `timestamp`, `annotations` — the request id,
 * method, path, status… —, `spans`, `fiberId`, and `cause` for failures), filtered by `LOG_LEVEL`;
 * lines reach stdout in batches (at most 25 ms or 16 KB late, and all of them at exit). The layer is part of the
 * server's runtime, so the access log, startup and shutdown messages, and anything the ledger logs
 * all go the same way. Secrets never go here: the `--demo` banner with credentials goes to stderr.
 * Code outside an Effect logs with {@link logFrom}, which runs the log effect on the runtime.
 */
import { Effect, Layer, Logger, type ManagedRuntime, References } from "effect"
import type { LogLevel } from "./config.ts"

const effectLevels = { debug: "Debug", info: "Info", warn: "Warn", error: "Error" } as const

/** A logger of structured entries (`Logger.formatStructured`): what tests capture instead of stdout. */
export type StructuredLogger = Logger.Logger<unknown, unknown>

/** How many bytes of log lines wait at most before they are written. */
const maxPendingBytes = 16_384
/** How long a log line waits at most before it is written. */
const maxPendingMillis = 25

/**
 * Log lines on their way to stdout, written together: `maxPendingMillis` after the first of a
 * batch, once `maxPendingBytes` wait, and when the process exits — one write (a system call on a
 * pipe or file) per batch instead of one per request (issue 14).
 */
const stdoutLines = (() => {
  let pending: Array<string> = []
  let pendingBytes = 0
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (pending.length === 0) return
    const chunk = `${pending.join("\n")}\n`
    pending = []
    pendingBytes = 0
    process.stdout.write(chunk)
  }
  process.once("exit", flush)
  return (line: string) => {
    pending.push(line)
    pendingBytes += line.length
    if (pendingBytes >= maxPendingBytes) flush()
    else if (!scheduled) {
      scheduled = true
      // Never keeps the process alive: the exit hook writes what is left.
      setTimeout(flush, maxPendingMillis).unref()
    }
  }
})()

/**
 * `Logger.consoleJson`'s lines (the same JSON, one per line) on stdout, written in batches
 * ({@link stdoutLines}) rather than by one `console.log` each.
 */
export const stdoutJson: StructuredLogger = Logger.map(Logger.formatJson, stdoutLines)

/** Effect's JSON logger on stdout (or `logger`), at `level` and above. */
export const loggerLayer = (level: LogLevel, logger: StructuredLogger = stdoutJson): Layer.Layer<never> =>
  Layer.merge(Logger.layer([logger]), Layer.succeed(References.MinimumLogLevel, effectLevels[level]))

/** One log entry as `Logger.formatStructured` makes it (what `Logger.consoleJson` writes as JSON). */
export type StructuredEntry = typeof Logger.formatStructured extends Logger.Logger<unknown, infer Entry> ? Entry : never

/** A logger that hands each structured entry to `collect` (tests read the server's log lines this way). */
export const collectingLogger = (collect: (entry: StructuredEntry) => void): StructuredLogger =>
  Logger.map(Logger.formatStructured, collect)

export type LogFields = Readonly<Record<string, unknown>>

/** Logs `message` with `fields` as annotations through `runtime`'s logger, from code outside an Effect. */
export const logFrom =
  <R, ER>(runtime: ManagedRuntime.ManagedRuntime<R, ER>) =>
  (level: "debug" | "info" | "warn" | "error", message: string, fields: LogFields = {}): void => {
    const log = (
      level === "debug"
        ? Effect.logDebug(message)
        : level === "info"
          ? Effect.logInfo(message)
          : level === "warn"
            ? Effect.logWarning(message)
            : Effect.logError(message)
    ).pipe(Effect.annotateLogs(fields))
    try {
      runtime.runSync(log)
    } catch {
      // The runtime is still being built (its layer is asynchronous): log once it is.
      runtime.runFork(log)
    }
  }

/** An error as a log field: its name, message and stack (never an object the JSON writer would drop). */
export const errorField = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
