/**
 * Sorting database failures into the two kinds the ledger cares about. Failures a caller could
 * retry — the database unreachable, a connection dropped, a lock or statement timeout, a
 * serialization failure or deadlock, the server shutting down or out of connections — become
 * `StorageUnavailable`. Everything else (constraint violations, SQL errors) is a programming error
 * and becomes a defect.
 */
import { ConnectionException, DeadlockException, LockWaitTimeoutException, ReadOnlyException } from "@mikro-orm/core"
import { StorageUnavailable } from "@paybridge/core"

const retryableNodeCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_BUSY_SNAPSHOT",
  "SQLITE_BUSY_RECOVERY",
  "SQLITE_IOERR",
  "SQLITE_FULL",
  "SQLITE_CANTOPEN"
])

// PostgreSQL SQLSTATE classes/codes worth a retry: 08 connection, 40 transaction rollback
// (serialization failure, deadlock), 53 insufficient resources, 57P operator intervention,
// 55P03 lock not available, 57014 statement timeout / cancelled.
const retryableSqlState = (code: string): boolean =>
  code.startsWith("08") ||
  code.startsWith("40") ||
  code.startsWith("53") ||
  code.startsWith("57P") ||
  code === "55P03" ||
  code === "57014"

const retryableMessage =
  /connection terminated|connection (?:was )?closed|timeout exceeded when trying to connect|database is locked|Connection not established|Client has encountered a connection error|the database system is (?:starting up|shutting down)/i

const codeOf = (error: object): string | undefined => {
  const code = (error as { code?: unknown }).code
  return typeof code === "string" ? code : undefined
}

/** True when retrying the failed operation might succeed. */
export const isRetryableStorageError = (error: unknown): boolean => {
  for (let current: unknown = error, depth = 0; current instanceof Object && depth < 5; depth++) {
    if (
      current instanceof ConnectionException ||
      current instanceof DeadlockException ||
      current instanceof LockWaitTimeoutException ||
      current instanceof ReadOnlyException
    ) {
      return true
    }
    const code = codeOf(current)
    if (
      code !== undefined &&
      (retryableNodeCodes.has(code) || (/^[0-9A-Z]{5}$/.test(code) && retryableSqlState(code)))
    ) {
      return true
    }
    const message = (current as { message?: unknown }).message
    if (typeof message === "string" && retryableMessage.test(message)) return true
    current = (current as { cause?: unknown }).cause ?? (current as { previous?: unknown }).previous
  }
  return false
}

export const storageUnavailable = (operation: string, error: unknown): StorageUnavailable =>
  new StorageUnavailable({
    message: `database unavailable during ${operation}: ${error instanceof Error ? error.message : String(error)}`
  })
