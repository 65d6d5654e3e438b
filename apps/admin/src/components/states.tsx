/**
 * The three states every data view shows besides its data: loading (a polite live region),
 * an error in words (an alert, with a retry when the view can retry) and empty (what is missing
 * and, when useful, what to do about it).
 */
import type { ReactNode } from "react"
import { describeError } from "../lib/errors.ts"

export const Loading = ({ what }: { what: string }) => (
  <p className="state state-loading" role="status" aria-live="polite">
    Loading {what}…
  </p>
)

export const ErrorNotice = ({ error, onRetry }: { error: unknown; onRetry?: (() => void) | undefined }) => {
  const described = describeError(error)
  return (
    <div className="state state-error" role="alert">
      <strong>{described.title}</strong>
      {described.detail !== "" && described.detail !== described.title ? <p>{described.detail}</p> : null}
      {described.fields.length > 0 ? (
        <ul>
          {described.fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  )
}

export const Empty = ({ children }: { children: ReactNode }) => <p className="state state-empty">{children}</p>

/** Renders loading / error / content for one query result. */
export const QueryState = <T,>({
  query,
  what,
  children
}: {
  query: {
    readonly isPending: boolean
    readonly error: unknown
    readonly data: T | undefined
    readonly refetch: () => unknown
  }
  what: string
  children: (data: T) => ReactNode
}) => {
  if (query.error) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
  if (query.isPending || query.data === undefined) return <Loading what={what} />
  return <>{children(query.data)}</>
}
