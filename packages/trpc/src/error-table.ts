/**
 * The one table from each core error tag to a tRPC code and HTTP status, and the conversions
 * that use it: a tagged ledger error becomes a `TRPCError` carrying the original as its cause,
 * and any error reaching the formatter is described by its tag, its per-field issues (from a
 * `ValidationFailed` or from input validation) and its encoded fields. The Hono server's
 * `onError` reuses the same table for failures outside tRPC.
 */
import { type FieldIssue, LedgerError, type LedgerErrorTag } from "@paybridge/core"
import { StandardSchemaV1Error, type TRPC_ERROR_CODE_KEY, TRPCError } from "@trpc/server"
import { Schema } from "effect"

export interface ErrorTableRow {
  readonly code: TRPC_ERROR_CODE_KEY
  readonly httpStatus: number
}

/** Each core error tag → tRPC code and HTTP status. Adding a tag to core breaks this table until it is mapped. */
export const ledgerErrorTable = {
  NotFound: { code: "NOT_FOUND", httpStatus: 404 },
  /** Input or business rule tied to fields; the issues travel in `data.issues`. */
  ValidationFailed: { code: "BAD_REQUEST", httpStatus: 400 },
  /** The lifecycle table refuses the action from the record's current state. */
  InvalidTransition: { code: "PRECONDITION_FAILED", httpStatus: 412 },
  /** Duplicate, idempotency key reuse, over-allocation, concurrent modification (`data.ledgerError.reason`). */
  Conflict: { code: "CONFLICT", httpStatus: 409 },
  Unauthorized: { code: "UNAUTHORIZED", httpStatus: 401 },
  Forbidden: { code: "FORBIDDEN", httpStatus: 403 },
  NotImplemented: { code: "NOT_IMPLEMENTED", httpStatus: 501 },
  /** The database could not be reached; the command had no effect and may be retried. */
  StorageUnavailable: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 },
  /** Every password-hashing slot stayed busy; retry after `data.ledgerError.retryAfterSeconds` (also `Retry-After`). */
  Overloaded: { code: "SERVICE_UNAVAILABLE", httpStatus: 503 }
} as const satisfies Record<LedgerErrorTag, ErrorTableRow>

const isLedgerError = Schema.is(LedgerError)
const encodeLedgerError = Schema.encodeSync(Schema.toCodecJson(LedgerError))

/** Narrows an unknown failure to a core tagged error. */
export const asLedgerError = (error: unknown): LedgerError | null => (isLedgerError(error) ? error : null)

/** A core error as the `TRPCError` the table prescribes, keeping the original as `cause`. */
export const toTrpcError = (error: LedgerError): TRPCError =>
  new TRPCError({ code: ledgerErrorTable[error._tag].code, message: error.message, cause: error })

/** The wire form of a core error: its tag and fields, as JSON. */
export type EncodedLedgerError = { readonly _tag: LedgerErrorTag; readonly message: string } & Readonly<
  Record<string, unknown>
>

export const encodeLedgerErrorJson = (error: LedgerError): EncodedLedgerError =>
  encodeLedgerError(error) as EncodedLedgerError

const pathKey = (segment: PropertyKey | { readonly key: PropertyKey }): string | number => {
  const key = typeof segment === "object" ? segment.key : segment
  return typeof key === "symbol" ? String(key) : key
}

/** Per-field issues of a failure: from a `ValidationFailed`, or from a rejected tRPC input. */
export const fieldIssuesOf = (cause: unknown): ReadonlyArray<FieldIssue> => {
  const ledgerError = asLedgerError(cause)
  if (ledgerError?._tag === "ValidationFailed") return ledgerError.issues
  if (cause instanceof StandardSchemaV1Error) {
    return cause.issues.map((issue) => ({ path: (issue.path ?? []).map(pathKey), message: issue.message }))
  }
  return []
}
