/**
 * Payments: the filtered list (customer, state, method, payment dates, amount range in a
 * currency, origin protocol, text in any reference) with keyset cursor paging — each page asks the
 * ledger for the next page after the last row, so page 1000 costs what page 1 costs — CSV export
 * of the whole filtered set (page by page, 1000 rows a request), and a "new payment" form for
 * roles that may write.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import type { ColumnDef } from "@tanstack/react-table"
import { useMemo, useState } from "react"
import { useForm } from "react-hook-form"
import { Link, useNavigate, useSearchParams } from "react-router"
import { Money, PageHeader, StateBadge } from "../components/bits.tsx"
import { ConfirmDialog } from "../components/confirm-dialog.tsx"
import { DataTable } from "../components/data-table.tsx"
import { Pager, useCursorPages } from "../components/pager.tsx"
import { ErrorNotice, Loading } from "../components/states.tsx"
import { downloadText, toCsv } from "../lib/csv.ts"
import { checkAmount, minorToDecimal } from "../lib/money.ts"
import {
  emptyFilters,
  filtersFromParams,
  filtersToParams,
  type PaymentFilters,
  paymentStates,
  toListInput
} from "../lib/payment-filters.ts"
import { usePermissions } from "../lib/session.tsx"
import { newIdempotencyKey, type RouterOutputs, useTRPC, useTRPCClient, withIdempotencyKey } from "../lib/trpc.ts"

export type PaymentRow = RouterOutputs["payments"]["list"]["items"][number]

const pageSize = 25

const FiltersForm = ({ initial, onApply }: { initial: PaymentFilters; onApply: (filters: PaymentFilters) => void }) => {
  const trpc = useTRPC()
  const customers = useQuery(trpc.customers.list.queryOptions({ limit: 1000 }))
  const methods = useQuery(trpc.presets.list.queryOptions({ kind: "method", limit: 1000 }))
  const dialects = useQuery(trpc.dialects.list.queryOptions())
  const form = useForm<PaymentFilters>({ defaultValues: { ...initial, states: [...initial.states] } })
  const origins = ["trpc", "cli", "seed", "migration", "system", ...(dialects.data ?? []).map((d) => `dialect:${d.id}`)]
  const { errors } = form.formState
  /** An amount bound is checked against the chosen currency; without one the API explains that it needs one. */
  const amountBound = (example: string) => (value: string, values: PaymentFilters) =>
    value.trim() === "" || checkAmount(value, values.currency.trim().toUpperCase(), example)
  return (
    <form className="filters card" aria-label="Payment filters" onSubmit={form.handleSubmit(onApply)}>
      <label>
        Customer
        <select {...form.register("customerId")}>
          <option value="">All customers</option>
          {(customers.data?.items ?? []).map((customer) => (
            <option key={customer.id} value={customer.id}>
              {customer.name} (#{customer.number})
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Status</legend>
        {paymentStates.map((state) => (
          <label key={state} className="inline">
            <input type="checkbox" value={state} {...form.register("states")} /> {state}
          </label>
        ))}
      </fieldset>
      <label>
        Method
        <select {...form.register("methodId")}>
          <option value="">Any method</option>
          {(methods.data?.items ?? []).map((method) => (
            <option key={method.id} value={method.id}>
              {method.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Paid from
        <input type="date" {...form.register("from")} />
      </label>
      <label>
        Paid to
        <input type="date" {...form.register("to")} />
      </label>
      <label>
        Currency
        <input placeholder="EUR" maxLength={3} {...form.register("currency")} />
      </label>
      <label>
        Amount from
        <input
          inputMode="decimal"
          placeholder="0.00"
          {...form.register("amountMin", { validate: amountBound("0.00") })}
        />
      </label>
      {errors.amountMin ? <p className="field-error">{errors.amountMin.message}</p> : null}
      <label>
        Amount to
        <input
          inputMode="decimal"
          placeholder="1000.00"
          {...form.register("amountMax", { validate: amountBound("1000.00") })}
        />
      </label>
      {errors.amountMax ? <p className="field-error">{errors.amountMax.message}</p> : null}
      <label>
        Origin
        <select {...form.register("origin")}>
          <option value="">Any origin</option>
          {origins.map((origin) => (
            <option key={origin} value={origin}>
              {origin}
            </option>
          ))}
        </select>
      </label>
      <label className="grow">
        Reference contains
        <input type="search" placeholder="reference, number, cheque…" {...form.register("search")} />
      </label>
      <div className="filter-buttons">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            form.reset({ ...emptyFilters, states: [] })
            onApply(emptyFilters)
          }}
        >
          Clear
        </button>
      </div>
    </form>
  )
}

const columns: ReadonlyArray<ColumnDef<PaymentRow, unknown>> = [
  {
    header: "Reference",
    accessorKey: "referenceNumber",
    cell: ({ row }) => <Link to={`/payments/${row.original.id}`}>{row.original.referenceNumber}</Link>
  },
  { header: "Date", accessorKey: "paymentDate" },
  {
    header: "Customer",
    accessorKey: "customerId",
    cell: ({ row }) => <Link to={`/customers/${row.original.customerId}`}>#{row.original.customerId}</Link>
  },
  {
    header: "Amount",
    accessorKey: "amount",
    cell: ({ row }) => <Money minor={row.original.amount} currency={row.original.currency} />
  },
  { header: "Status", accessorKey: "state", cell: ({ row }) => <StateBadge state={row.original.state} /> },
  {
    header: "Allocated",
    accessorKey: "allocatedAmount",
    cell: ({ row }) => <Money minor={row.original.allocatedAmount} currency={row.original.currency} />
  },
  {
    header: "Reversed",
    accessorKey: "reversedAmount",
    cell: ({ row }) => <Money minor={row.original.reversedAmount} currency={row.original.currency} />
  },
  { header: "Our reference", accessorFn: (row) => row.references.reference ?? "" },
  { header: "Origin", accessorKey: "origin" }
]

export const paymentCsvColumns = [
  { header: "id", value: (p: PaymentRow) => p.id },
  { header: "reference_number", value: (p: PaymentRow) => p.referenceNumber },
  { header: "number", value: (p: PaymentRow) => p.number },
  { header: "customer_id", value: (p: PaymentRow) => p.customerId },
  { header: "payment_date", value: (p: PaymentRow) => p.paymentDate },
  { header: "currency", value: (p: PaymentRow) => p.currency },
  { header: "amount", value: (p: PaymentRow) => minorToDecimal(p.amount, p.currency) },
  { header: "state", value: (p: PaymentRow) => p.state },
  { header: "allocated", value: (p: PaymentRow) => minorToDecimal(p.allocatedAmount, p.currency) },
  { header: "reversed", value: (p: PaymentRow) => minorToDecimal(p.reversedAmount, p.currency) },
  { header: "refunded", value: (p: PaymentRow) => minorToDecimal(p.refundedAmount, p.currency) },
  { header: "method_id", value: (p: PaymentRow) => p.methodId },
  { header: "reference", value: (p: PaymentRow) => p.references.reference },
  { header: "customer_reference", value: (p: PaymentRow) => p.references.customerReference },
  { header: "origin", value: (p: PaymentRow) => p.origin },
  { header: "created_at", value: (p: PaymentRow) => p.createdAt }
] as const

interface NewPaymentForm {
  customerId: string
  amount: string
  paymentDate: string
  initialState: "draft" | "posted"
  reference: string
}

const NewPaymentDialog = ({ onClose }: { onClose: () => void }) => {
  const trpc = useTRPC()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [idempotencyKey] = useState(newIdempotencyKey)
  const customers = useQuery(trpc.customers.list.queryOptions({ limit: 1000 }))
  const form = useForm<NewPaymentForm>({
    defaultValues: {
      customerId: "",
      amount: "",
      paymentDate: new Date().toISOString().slice(0, 10),
      initialState: "draft",
      reference: ""
    }
  })
  const create = useMutation(
    trpc.payments.create.mutationOptions({
      trpc: withIdempotencyKey(idempotencyKey),
      onSuccess: async (detail) => {
        await queryClient.invalidateQueries()
        navigate(`/payments/${detail.payment.id}`)
      }
    })
  )
  const { errors } = form.formState
  return (
    <ConfirmDialog
      title="New payment"
      description="Records a payment for a customer. A draft waits to be posted; a posted payment credits the balance at once."
      confirmLabel="Create payment"
      busy={create.isPending}
      onCancel={onClose}
      onConfirm={form.handleSubmit((values) =>
        create.mutate({
          customerId: Number(values.customerId),
          amount: values.amount.trim(),
          paymentDate: values.paymentDate,
          initialState: values.initialState,
          reference: values.reference.trim() === "" ? null : values.reference.trim()
        })
      )}
    >
      <label>
        Customer
        <select {...form.register("customerId", { required: "Choose a customer" })}>
          <option value="">Choose…</option>
          {(customers.data?.items ?? []).map((customer) => (
            <option key={customer.id} value={customer.id}>
              {customer.name} (#{customer.number}, {customer.currency})
            </option>
          ))}
        </select>
      </label>
      {errors.customerId ? <p className="field-error">{errors.customerId.message}</p> : null}
      <label>
        Amount
        <input
          inputMode="decimal"
          {...form.register("amount", {
            validate: (v, values) =>
              checkAmount(
                v,
                customers.data?.items.find((customer) => String(customer.id) === values.customerId)?.currency,
                "120.50"
              )
          })}
        />
      </label>
      {errors.amount ? <p className="field-error">{errors.amount.message}</p> : null}
      <label>
        Payment date
        <input type="date" {...form.register("paymentDate", { required: "Enter the payment date" })} />
      </label>
      <label>
        Start as
        <select {...form.register("initialState")}>
          <option value="draft">Draft (post later)</option>
          <option value="posted">Posted</option>
        </select>
      </label>
      <label>
        Our reference
        <input {...form.register("reference")} />
      </label>
      {create.error ? <ErrorNotice error={create.error} /> : null}
    </ConfirmDialog>
  )
}

export const PaymentsPage = () => {
  const trpc = useTRPC()
  const client = useTRPCClient()
  const { canWrite } = usePermissions()
  const [params, setParams] = useSearchParams()
  const filters = useMemo(() => filtersFromParams(params), [params])
  const input = useMemo(() => toListInput(filters), [filters])
  const pages = useCursorPages()
  const page = useQuery(trpc.payments.list.queryOptions({ ...input, cursor: pages.cursor, limit: pageSize }))
  const [exporting, setExporting] = useState<{ rows: number } | null>(null)
  const [exportError, setExportError] = useState<unknown>(null)
  const [creating, setCreating] = useState(false)

  const exportCsv = async () => {
    setExportError(null)
    setExporting({ rows: 0 })
    try {
      const rows: Array<PaymentRow> = []
      let next: string | null = null
      do {
        const result: RouterOutputs["payments"]["list"] = await client.payments.list.query({
          ...input,
          cursor: next,
          limit: 1000
        })
        rows.push(...result.items)
        next = result.nextCursor
        setExporting({ rows: rows.length })
      } while (next !== null)
      downloadText(`payments-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(rows, paymentCsvColumns))
    } catch (error) {
      setExportError(error)
    } finally {
      setExporting(null)
    }
  }

  return (
    <>
      <PageHeader title="Payments">
        <button type="button" onClick={() => void exportCsv()} disabled={exporting !== null}>
          {exporting === null ? "Export CSV" : `Exporting… ${exporting.rows} rows`}
        </button>
        {canWrite ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New payment
          </button>
        ) : null}
      </PageHeader>
      <FiltersForm
        key={params.toString()}
        initial={filters}
        onApply={(next) => {
          pages.restart()
          setParams(filtersToParams(next))
        }}
      />
      {exportError ? <ErrorNotice error={exportError} /> : null}
      {page.error ? (
        <ErrorNotice error={page.error} onRetry={() => void page.refetch()} />
      ) : page.isPending ? (
        <Loading what="payments" />
      ) : (
        <>
          <DataTable
            caption={`Payments, page ${pages.cursors.length}`}
            columns={columns}
            data={page.data.items}
            empty="No payment matches these filters."
            rowKey={(row) => String(row.id)}
          />
          <Pager pages={pages} nextCursor={page.data.nextCursor} />
        </>
      )}
      {creating ? <NewPaymentDialog onClose={() => setCreating(false)} /> : null}
    </>
  )
}
