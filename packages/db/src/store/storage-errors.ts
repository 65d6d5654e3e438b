/**
 * Sorting database failures into the kinds the ledger cares about. Failures a caller could
 * retry — the database unreachable, a connection dropped, a lock or statement timeout, a
 * serialization failure or deadlock, the server shutting down or out of connections — become
 * `StorageUnavailable`. A write the schema's constraints refuse becomes the ledger error a client
 * can act on (`constraintRefusal`): a unique key already taken — by a concurrent writer of the same
 * external reference, number or dialect record that the command's own check could not see yet — is
 * `Conflict("concurrent-modification")`, so the ledger runs the command once more and gives the
 * answer it gives when the row is already there (its own duplicate error, an update of the record,
 * an idempotent replay), and a second collision still answers 409, never 500 — as is a trigger's
 * version guard (`paybridge guard: …`, migration 20261208000000); a reference to a
 * record that does not exist is `ValidationFailed`. Everything else (CHECK violations — a broken money invariant —, SQL errors)
 * is a programming error and becomes a defect.
 */
import {
  ConnectionException,
  DeadlockException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  ReadOnlyException,
  UniqueConstraintViolationException
} from "@mikro-orm/core"
import { Conflict, StorageUnavailable, ValidationFailed } from "@paybridge/core"

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

/** The error and its causes, outermost first (a few levels: driver errors wrap the native one). */
const causeChain = (error: unknown): ReadonlyArray<object> => {
  const chain: Array<object> = []
  for (let current: unknown = error; current instanceof Object && chain.length < 5; ) {
    chain.push(current)
    current = (current as { cause?: unknown }).cause ?? (current as { previous?: unknown }).previous
  }
  return chain
}

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

const uniqueCodes = new Set(["23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"])
const foreignKeyCodes = new Set(["23503", "SQLITE_CONSTRAINT_FOREIGNKEY"])

/** What a trigger's version guard raises (`raise … 'paybridge guard: …'`). */
const guardMessage = /paybridge guard: ([^\n]+)/

/** Which key a constraint error names: PostgreSQL's constraint name, or SQLite's `table.column, …` list. */
const keyOf = (chain: ReadonlyArray<object>): string => {
  for (const error of chain) {
    const constraint = (error as { constraint?: unknown }).constraint
    if (typeof constraint === "string" && constraint !== "") return constraint
  }
  for (const error of chain) {
    const message = (error as { message?: unknown }).message
    const listed = typeof message === "string" ? /constraint failed: ([\w., ]+)/i.exec(message)?.[1] : undefined
    if (listed !== undefined) return listed.trim()
  }
  return "a unique key"
}

/**
 * The ledger error for a write the schema's constraints refused (`operation` names the store call),
 * or null when `error` is not a unique or foreign-key violation.
 */
export const constraintRefusal = (operation: string, error: unknown): Conflict | ValidationFailed | null => {
  const chain = causeChain(error)
  const codes = chain.map(codeOf)
  // A version guard of a trigger (migration 20261208000000): the row moved since the ledger read it.
  for (const cause of chain) {
    const message = (cause as { message?: unknown }).message
    const guard = typeof message === "string" ? guardMessage.exec(message)?.[1] : undefined
    if (guard !== undefined) {
      return new Conflict({ reason: "concurrent-modification", message: `${operation}: ${guard.trim()}` })
    }
  }
  if (
    chain.some((e) => e instanceof UniqueConstraintViolationException) ||
    codes.some((c) => uniqueCodes.has(c ?? ""))
  ) {
    return new Conflict({
      reason: "concurrent-modification",
      message: `${operation}: a record with the same ${keyOf(chain)} already exists (written by a concurrent request)`
    })
  }
  if (
    chain.some((e) => e instanceof ForeignKeyConstraintViolationException) ||
    codes.some((c) => foreignKeyCodes.has(c ?? ""))
  ) {
    const message = `${operation}: a record this one refers to does not exist (${keyOf(chain)})`
    return new ValidationFailed({ message, issues: [{ path: [], message }] })
  }
  return null
}
