/**
 * Migrations (issue 16.4): every `pnpm migrate` run into this ledger, newest first — vendor,
 * source, mode and status, what was read and booked, where the time went — and, for runs that
 * booked, the reconciliation report (source vs Paybridge per customer and currency, every
 * difference) rendered from its Markdown with raw HTML dropped, as on the Compatibility page.
 */
import { useQuery } from "@tanstack/react-query"
import { DateTime, PageHeader, StateBadge } from "../components/bits.tsx"
import { Empty, QueryState } from "../components/states.tsx"
import { useTRPC } from "../lib/trpc.ts"
import { renderCompatibility as renderMarkdown } from "./compatibility.page.tsx"

interface KindCounts {
  readonly read: number
  readonly new: number
  readonly changed: number
  readonly unchanged: number
}

interface RunData {
  readonly vendor?: string
  readonly source?: string
  readonly summary?: {
    readonly id: string
    readonly mode: string
    readonly status: string
    readonly startedAt: string
    readonly finishedAt: string
    readonly resumes: number
    readonly counts: Readonly<Record<string, KindCounts>>
    readonly timings: { readonly sourceMs: number; readonly sinkMs: number; readonly totalMs: number }
    readonly error: string | null
  }
  readonly report?: { readonly matched: boolean; readonly differences: ReadonlyArray<unknown> }
  readonly reportMarkdown?: string
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

const RunCard = ({ data }: { data: RunData }) => {
  const summary = data.summary
  if (summary === undefined) return null
  const payments = summary.counts.payment
  const verdict =
    data.report === undefined
      ? null
      : data.report.matched
        ? "reconciled"
        : `${data.report.differences.length} difference(s)`
  return (
    <article className="card" aria-label={`Migration run ${summary.id}`}>
      <h2>
        {data.vendor} <StateBadge state={summary.status} />{" "}
        {verdict === null ? null : <span className="badge">{verdict}</span>}
      </h2>
      <p>
        {data.source} · {summary.mode} · <DateTime iso={summary.startedAt} /> → <DateTime iso={summary.finishedAt} />
        {summary.resumes > 0 ? ` · resumed ${summary.resumes}×` : ""}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Read</th>
            <th scope="col">New</th>
            <th scope="col">Changed</th>
            <th scope="col">Unchanged</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(summary.counts).map(([kind, counts]) => (
            <tr key={kind}>
              <th scope="row">{kind}</th>
              <td>{counts.read}</td>
              <td>{counts.new}</td>
              <td>{counts.changed}</td>
              <td>{counts.unchanged}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {payments === undefined ? "" : `${payments.read} payments; `}
        waiting for the source {seconds(summary.timings.sourceMs)}, booking {seconds(summary.timings.sinkMs)}, total{" "}
        {seconds(summary.timings.totalMs)}
      </p>
      {summary.error === null ? null : <p className="state state-error">{summary.error}</p>}
      {data.reportMarkdown === undefined ? null : (
        <details>
          <summary>Reconciliation report</summary>
          <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(data.reportMarkdown) }} />
        </details>
      )}
    </article>
  )
}

export const MigrationsPage = () => {
  const trpc = useTRPC()
  const runs = useQuery(trpc.migrations.runs.queryOptions({ limit: 100 }))
  return (
    <>
      <PageHeader title="Migrations" />
      <QueryState query={runs} what="the migration runs">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No migration has run into this ledger. Start one with pnpm migrate.</Empty>
          ) : (
            [...page.items].reverse().map((record) => <RunCard key={record.key} data={record.data as RunData} />)
          )
        }
      </QueryState>
    </>
  )
}
