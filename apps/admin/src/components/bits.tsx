/** Small display pieces: money, state badges, dates, JSON blocks and labelled field lists. */
import type { ReactNode } from "react"
import { formatMoney } from "../lib/money.ts"

export const Money = ({ minor, currency }: { minor: string; currency: string }) => (
  <span className={`money${minor.startsWith("-") ? " negative" : ""}`}>{formatMoney(minor, currency)}</span>
)

export const StateBadge = ({ state }: { state: string }) => <span className={`badge badge-${state}`}>{state}</span>

export const DateTime = ({ iso }: { iso: string | null }) =>
  iso === null ? <span className="muted">—</span> : <time dateTime={iso}>{iso.replace("T", " ").slice(0, 19)} UTC</time>

/**
 * JSON text shown verbatim in a scrollable block that keyboard users can focus and scroll (WCAG
 * 2.1.1). Give it text the server wrote when the digits matter (a vendor view's `75.00`): text is
 * never parsed here, so no number passes through a float.
 */
export const JsonTextBlock = ({ text, label }: { text: string; label: string }) => (
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
  <section className="json" aria-label={label} tabIndex={0}>
    <pre>{text}</pre>
  </section>
)

/** A JSON value (amounts already strings, as in every tRPC output) in a {@link JsonTextBlock}. */
export const JsonBlock = ({ value, label }: { value: unknown; label: string }) => (
  <JsonTextBlock text={JSON.stringify(value, null, 2)} label={label} />
)

export const FieldList = ({ fields }: { fields: ReadonlyArray<readonly [string, ReactNode]> }) => (
  <dl className="fields">
    {fields.map(([label, value]) => (
      <div key={label}>
        <dt>{label}</dt>
        <dd>{value === null || value === "" ? <span className="muted">—</span> : value}</dd>
      </div>
    ))}
  </dl>
)

export const PageHeader = ({ title, children }: { title: string; children?: ReactNode }) => (
  <header className="page-header">
    <h1>{title}</h1>
    {children ? <div className="page-actions">{children}</div> : null}
  </header>
)
