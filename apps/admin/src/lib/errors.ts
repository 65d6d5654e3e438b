/**
 * Errors in words. A failed tRPC call carries the tRPC code, the core error's tag and, for
 * validation failures, per-field issues; this module turns that into one sentence a finance user
 * can act on, plus the field messages, instead of a status code.
 */
import { TRPCClientError } from "@trpc/client"

export interface DescribedError {
  readonly title: string
  readonly detail: string
  readonly fields: ReadonlyArray<string>
  readonly code: string | null
}

const titles: Readonly<Record<string, string>> = {
  UNAUTHORIZED: "You are signed out or your session has expired.",
  FORBIDDEN: "Your role does not allow this.",
  NOT_FOUND: "That record does not exist (or is outside your customers).",
  BAD_REQUEST: "Some values are not valid.",
  PRECONDITION_FAILED: "The payment's current state does not allow this action.",
  CONFLICT: "This conflicts with the ledger's current state.",
  SERVICE_UNAVAILABLE: "The database is unavailable; nothing was changed. Try again shortly.",
  NOT_IMPLEMENTED: "This server does not offer that.",
  INTERNAL_SERVER_ERROR: "Something went wrong on the server; nothing was changed."
}

type ErrorData = {
  readonly code?: string
  readonly issues?: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>
}

export const describeError = (error: unknown): DescribedError => {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData
    const code = data.code ?? null
    const fields = (data.issues ?? []).map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`
    )
    return {
      title: (code !== null ? titles[code] : undefined) ?? "The request failed.",
      detail: error.message,
      fields,
      code
    }
  }
  if (error instanceof TypeError) {
    return { title: "The server could not be reached.", detail: error.message, fields: [], code: null }
  }
  return {
    title: "Something went wrong.",
    detail: error instanceof Error ? error.message : String(error),
    fields: [],
    code: null
  }
}

/** Worth retrying: the server could not be reached or said it is unavailable; never a refusal. */
export const isTransient = (error: unknown): boolean => {
  if (!(error instanceof TRPCClientError)) return true
  const code = (error.data as ErrorData | undefined)?.code
  return code === undefined || code === "SERVICE_UNAVAILABLE"
}

export const isUnauthorized = (error: unknown): boolean =>
  error instanceof TRPCClientError && (error.data as ErrorData | undefined)?.code === "UNAUTHORIZED"
