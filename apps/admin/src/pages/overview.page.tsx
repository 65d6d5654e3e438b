/**
 * Overview: posted payment volume per day (one stacked chart per currency, a bar segment per
 * payment method), what is pending collection, active reversals per day and the customers who
 * owe the most, over a date window (default: the last 30 days).
 */
import { useQuery } from "@tanstack/react-query"
import { useState } from "react"
import { Link } from "react-router"
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { Money, PageHeader } from "../components/bits.tsx"
import { Empty, QueryState } from "../components/states.tsx"
import { formatMoney, minorToChartNumber } from "../lib/money.ts"
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts"

type Overview = RouterOutputs["overview"]["figures"]

const palette = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563"]

const isoDay = (date: Date) => date.toISOString().slice(0, 10)

/** Rows of one currency's chart: one per day, one numeric column per series. */
const pivot = <Row extends { readonly date: string; readonly amount: string }>(
  rows: ReadonlyArray<Row>,
  currency: string,
  seriesOf: (row: Row) => string
) => {
  const days = new Map<string, Record<string, number | string>>()
  const series = new Set<string>()
  for (const row of rows) {
    const name = seriesOf(row)
    series.add(name)
    const day = days.get(row.date) ?? { date: row.date }
    day[name] = (Number(day[name] ?? 0) || 0) + minorToChartNumber(row.amount, currency)
    days.set(row.date, day)
  }
  return { data: [...days.values()], series: [...series] }
}

const CurrencyChart = ({
  title,
  currency,
  data,
  series
}: {
  title: string
  currency: string
  data: ReadonlyArray<Record<string, number | string>>
  series: ReadonlyArray<string>
}) => (
  <figure className="chart">
    <figcaption>{title}</figcaption>
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={[...data]} accessibilityLayer>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="date" />
        <YAxis width={80} />
        <Tooltip formatter={(value) => `${Number(value).toLocaleString("en")} ${currency}`} />
        <Legend />
        {series.map((name, index) => (
          <Bar
            key={name}
            dataKey={name}
            stackId="a"
            maxBarSize={56}
            fill={palette[index % palette.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  </figure>
)

const OverviewFigures = ({
  overview,
  methodName
}: {
  overview: Overview
  methodName: (id: number | null) => string
}) => {
  const volumeCurrencies = [...new Set(overview.volumeByDay.map((row) => row.currency))]
  const reversalCurrencies = [...new Set(overview.reversalsByDay.map((row) => row.currency))]
  return (
    <div className="overview-grid">
      <section aria-labelledby="volume-heading" className="card wide">
        <h2 id="volume-heading">Payment volume per day</h2>
        {volumeCurrencies.length === 0 ? (
          <Empty>
            No posted payments between {overview.from} and {overview.to}.
          </Empty>
        ) : (
          volumeCurrencies.map((currency) => {
            const { data, series } = pivot(
              overview.volumeByDay.filter((row) => row.currency === currency),
              currency,
              (row) => methodName(row.methodId)
            )
            return (
              <CurrencyChart
                key={currency}
                title={`${currency} by method`}
                currency={currency}
                data={data}
                series={series}
              />
            )
          })
        )}
      </section>
      <section aria-labelledby="pending-heading" className="card">
        <h2 id="pending-heading">Pending collection</h2>
        {overview.pendingCollection.length === 0 ? (
          <Empty>Nothing is waiting to be collected.</Empty>
        ) : (
          <ul className="figures">
            {overview.pendingCollection.map((row) => (
              <li key={row.currency}>
                <Money minor={row.amount} currency={row.currency} />
                <span className="muted">
                  {row.count} payment{row.count === 1 ? "" : "s"}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="reversals-heading" className="card">
        <h2 id="reversals-heading">Reversals</h2>
        {reversalCurrencies.length === 0 ? (
          <Empty>No active reversals in this window.</Empty>
        ) : (
          reversalCurrencies.map((currency) => {
            const { data, series } = pivot(
              overview.reversalsByDay.filter((row) => row.currency === currency),
              currency,
              () => `Reversed (${currency})`
            )
            return (
              <CurrencyChart
                key={currency}
                title={`${currency} reversed per day`}
                currency={currency}
                data={data}
                series={series}
              />
            )
          })
        )}
      </section>
      <section aria-labelledby="debtors-heading" className="card">
        <h2 id="debtors-heading">Top debtors</h2>
        {overview.topDebtors.length === 0 ? (
          <Empty>No customer owes anything.</Empty>
        ) : (
          <ol className="debtors">
            {overview.topDebtors.map((debtor) => (
              <li key={debtor.customerId}>
                <Link to={`/customers/${debtor.customerId}`}>
                  {debtor.name} <span className="muted">#{debtor.number}</span>
                </Link>
                <span className="money negative" title={formatMoney(debtor.balance, debtor.currency)}>
                  {formatMoney(debtor.balance, debtor.currency)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  )
}

export const OverviewPage = () => {
  const trpc = useTRPC()
  const today = new Date()
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 29 * 86_400_000)))
  const [to, setTo] = useState(isoDay(today))
  const overview = useQuery(trpc.overview.figures.queryOptions({ from, to }))
  const methods = useQuery(trpc.presets.list.queryOptions({ kind: "method", limit: 1000 }))
  const methodName = (id: number | null) =>
    id === null ? "No method" : (methods.data?.items.find((method) => method.id === id)?.name ?? `Method ${id}`)
  return (
    <>
      <PageHeader title="Overview">
        <label>
          From <input type="date" value={from} max={to} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          To <input type="date" value={to} min={from} onChange={(event) => setTo(event.target.value)} />
        </label>
      </PageHeader>
      <QueryState query={overview} what="the overview">
        {(data) => <OverviewFigures overview={data} methodName={methodName} />}
      </QueryState>
    </>
  )
}
