/**
 * Several server processes on one port (`PAYBRIDGE_WORKERS` > 1, node:cluster). The primary opens
 * the database once (migrations, `--demo` seeding), forks the workers, prints the banner when the
 * first one listens, replaces a worker that dies unexpectedly, and on SIGINT/SIGTERM forwards
 * SIGTERM to every worker — each drains as a single server does (`shutdown.ts`) — and exits once
 * all have exited (a worker still running `SHUTDOWN_TIMEOUT` + 5 s later is killed). Every
 * credential works on every worker because sessions, refresh tokens and the Elevate signing key
 * live in the database. Workers tell the primary where they listen with a `listening` message.
 */
import cluster, { type Worker } from "node:cluster"
import type { AddressInfo } from "node:net"
import { Duration } from "effect"
import type { AppConfig } from "./config.ts"

/** What a worker sends the primary once its server listens. */
export interface ListeningMessage {
  readonly type: "paybridge:listening"
  readonly address: AddressInfo
}

const isListening = (message: unknown): message is ListeningMessage =>
  typeof message === "object" && message !== null && (message as { type?: unknown }).type === "paybridge:listening"

/** In a worker: tells the primary the server listens (a no-op outside a cluster). */
export const reportListening = (address: AddressInfo): void => {
  if (cluster.isWorker && process.send !== undefined) {
    const message: ListeningMessage = { type: "paybridge:listening", address }
    process.send(message)
  }
}

export interface PrimaryOptions {
  readonly config: AppConfig
  readonly log: (level: "info" | "warn" | "error", message: string, fields?: Readonly<Record<string, unknown>>) => void
  /** Called once, when the first worker listens. */
  readonly onListening: (address: AddressInfo) => void
  /** Closes what the primary holds, before it exits. */
  readonly release: () => Promise<void>
}

/** Forks `config.workers` workers and supervises them until a signal stops them all. */
export const runPrimary = (options: PrimaryOptions): void => {
  const { config, log } = options
  let stopping = false
  let announced = false
  let exitCode = 0
  // The workers that have not exited, counted here: `cluster.workers` drops a worker only once it has both
  // exited and disconnected, in either order, so at the last worker's `exit` it may still be listed.
  const running = new Set<number>()
  const fork = (): Worker => {
    const worker = cluster.fork()
    running.add(worker.id)
    worker.on("message", (message: unknown) => {
      if (!isListening(message) || announced) return
      announced = true
      options.onListening(message.address)
    })
    return worker
  }
  for (let index = 0; index < config.workers; index += 1) fork()
  log("info", "workers started", { workers: config.workers })

  cluster.on("exit", (worker, code, signal) => {
    running.delete(worker.id)
    if (stopping) {
      if (code !== 0 && code !== null) exitCode = 1
      if (running.size === 0) {
        log("info", "all workers stopped")
        options
          .release()
          .catch(() => {
            exitCode = 1
          })
          .finally(() => process.exit(exitCode))
      }
      return
    }
    log("error", "a worker exited unexpectedly; starting another", { pid: worker.process.pid, code, signal })
    fork()
  })

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log("info", "shutting down", { signal, workers: running.size })
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM")
    const deadline = setTimeout(() => {
      log("warn", "workers did not stop in time; killing them")
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL")
    }, Duration.toMillis(config.shutdownTimeout) + 5_000)
    deadline.unref()
  }
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
}
