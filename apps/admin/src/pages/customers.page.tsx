/**
 * Customers: a searchable list with balances, a form to add one (roles that may write), and one
 * customer's page — balance now and its history (the running balance chain as a chart and a
 * table), invoices with what is outstanding (and a form to issue one), and payments.
 */
import { useMutation, useQuery } from "@tanstack/react-query"
import type { ColumnDef } from "@tanstack/react-table"
import { useState } from "react"
import { useForm } from "react-hook-form"
import { Link } from "react-router"
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { DateTime, FieldList, Money, PageHeader, StateBadge } from "../components/bits.tsx"
import { ConfirmDialog } from "../components/confirm-dialog.tsx"
import { DataTable } from "../components/data-table.tsx"
import { Empty, ErrorNotice, QueryState } from "../components/states.tsx"
import { useDialogMutationOptions } from "../lib/dialog-mutation.ts"
import { checkAmount, formatMoney, minorToChartNumber } from "../lib/money.ts"
import { useRouteId } from "../lib/route-id.ts"
import { usePermissions } from "../lib/session.tsx"
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts"

type CustomerRow = RouterOutputs["customers"]["list"]["items"][number]
type DocumentRow = RouterOutputs["documents"]["list"]["items"][number]
type PaymentRow = RouterOutputs["payments"]["list"]["items"][number]

const customerColumns: ReadonlyArray<ColumnDef<CustomerRow, unknown>> = [
  { header: "Number", accessorKey: "number" },
  {
    header: "Name",
    accessorKey: "name",
    cell: ({ row }) => <Link to={`/customers/${row.original.id}`}>{row.original.name}</Link>
  },
  { header: "Currency", accessorKey: "currency" },
  {
    header: "Balance",
    accessorKey: "balance",
    cell: ({ row }) => <Money minor={row.original.balance} currency={row.original.currency} />
  },
  { header: "Email", accessorFn: (row) => row.email ?? "" }
]

interface NewCustomerForm {
  name: string
  currency: string
  email: string
}

const NewCustomerDialog = ({ onClose }: { onClose: () => void }) => {
  const trpc = useTRPC()
  const form = useForm<NewCustomerForm>({ defaultValues: { name: "", currency: "EUR", email: "" } })
  const create = useMutation(trpc.customers.create.mutationOptions(useDialogMutationOptions(onClose)))
  const { errors } = form.formState
  return (
    <ConfirmDialog
      title="New customer"
      description="Adds an account that pays and is billed. Its number is assigned from a sequence."
      confirmLabel="Create customer"
      busy={create.isPending}
      onCancel={onClose}
      onConfirm={form.handleSubmit((values) =>
        create.mutate({
          name: values.name.trim(),
          currency: values.currency.trim().toUpperCase() as "EUR",
          email: values.email.trim() === "" ? null : values.email.trim()
        })
      )}
    >
      <label>
        Name
        <input {...form.register("name", { validate: (v) => v.trim() !== "" || "Enter the customer's name" })} />
      </label>
      {errors.name ? <p className="field-error">{errors.name.message}</p> : null}
      <label>
        Currency
        <input
          maxLength={3}
          {...form.register("currency", {
            pattern: { value: /^[A-Za-z]{3}$/, message: "A three-letter ISO code such as EUR" }
          })}
        />
      </label>
      {errors.currency ? <p className="field-error">{errors.currency.message}</p> : null}
      <label>
        Email (optional)
        <input type="email" {...form.register("email")} />
      </label>
      {create.error ? <ErrorNotice error={create.error} /> : null}
    </ConfirmDialog>
  )
}

export const CustomersPage = () => {
  const trpc = useTRPC()
  const { canWrite } = usePermissions()
  const [search, setSearch] = useState("")
  const [creating, setCreating] = useState(false)
  const customers = useQuery(
    trpc.customers.list.queryOptions({ limit: 200, ...(search.trim() === "" ? {} : { search: search.trim() }) })
  )
  return (
    <>
      <PageHeader title="Customers">
        <label>
          Search{" "}
          <input
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="name, number, email"
          />
        </label>
        {canWrite ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New customer
          </button>
        ) : null}
      </PageHeader>
      <QueryState query={customers} what="customers">
        {(page) => (
          <DataTable
            caption="Customers"
            columns={customerColumns}
            data={page.items}
            empty="No customers match."
            rowKey={(row) => String(row.id)}
          />
        )}
      </QueryState>
      {creating ? <NewCustomerDialog onClose={() => setCreating(false)} /> : null}
    </>
  )
}

export const documentColumns: ReadonlyArray<ColumnDef<DocumentRow, unknown>> = [
  {
    header: "Number",
    accessorKey: "number",
    cell: ({ row }) => <Link to={`/invoices/${row.original.id}`}>{row.original.number}</Link>
  },
  { header: "Kind", accessorKey: "kind" },
  { header: "Issued", accessorKey: "issueDate" },
  { header: "Due", accessorFn: (row) => row.dueDate ?? "" },
  {
    header: "Total",
    accessorKey: "total",
    cell: ({ row }) => <Money minor={row.original.total} currency={row.original.currency} />
  },
  {
    header: "Outstanding",
    accessorKey: "outstanding",
    cell: ({ row }) => <Money minor={row.original.outstanding} currency={row.original.currency} />
  },
  { header: "State", accessorKey: "state", cell: ({ row }) => <StateBadge state={row.original.state} /> }
]

const paymentColumns: ReadonlyArray<ColumnDef<PaymentRow, unknown>> = [
  {
    header: "Reference",
    accessorKey: "referenceNumber",
    cell: ({ row }) => <Link to={`/payments/${row.original.id}`}>{row.original.referenceNumber}</Link>
  },
  { header: "Date", accessorKey: "paymentDate" },
  {
    header: "Amount",
    accessorKey: "amount",
    cell: ({ row }) => <Money minor={row.original.amount} currency={row.original.currency} />
  },
  { header: "Status", accessorKey: "state", cell: ({ row }) => <StateBadge state={row.original.state} /> }
]

interface IssueInvoiceForm {
  total: string
  dueDate: string
}

const IssueInvoiceDialog = ({ customer, onClose }: { customer: CustomerRow; onClose: () => void }) => {
  const trpc = useTRPC()
  const form = useForm<IssueInvoiceForm>({ defaultValues: { total: "", dueDate: "" } })
  const issue = useMutation(trpc.documents.issue.mutationOptions(useDialogMutationOptions(onClose)))
  const { errors } = form.formState
  return (
    <ConfirmDialog
      title={`Issue an invoice to ${customer.name}`}
      description={`Issuing debits the customer's balance by the total (${customer.currency}).`}
      confirmLabel="Issue invoice"
      busy={issue.isPending}
      onCancel={onClose}
      onConfirm={form.handleSubmit((values) =>
        issue.mutate({
          kind: "invoice",
          customerId: customer.id,
          total: values.total.trim(),
          ...(values.dueDate === "" ? {} : { dueDate: values.dueDate })
        })
      )}
    >
      <label>
        Total ({customer.currency})
        <input
          inputMode="decimal"
          {...form.register("total", { validate: (v) => checkAmount(v, customer.currency, "100.00") })}
        />
      </label>
      {errors.total ? <p className="field-error">{errors.total.message}</p> : null}
      <label>
        Due date (optional)
        <input type="date" {...form.register("dueDate")} />
      </label>
      {issue.error ? <ErrorNotice error={issue.error} /> : null}
    </ConfirmDialog>
  )
}

const BalanceHistory = ({ customer }: { customer: CustomerRow }) => {
  const trpc = useTRPC()
  const entries = useQuery(trpc.balances.entries.queryOptions({ customerId: customer.id, limit: 1000 }))
  return (
    <QueryState query={entries} what="the balance history">
      {(page) =>
        page.items.length === 0 ? (
          <Empty>No balance movements yet.</Empty>
        ) : (
          <>
            <figure className="chart">
              <figcaption>Balance after each movement ({customer.currency})</figcaption>
              <ResponsiveContainer width="100%" height={200}>
                <LineChart
                  data={page.items.map((entry) => ({
                    sequence: entry.sequence,
                    balance: minorToChartNumber(entry.balanceAfter, customer.currency)
                  }))}
                  accessibilityLayer
                >
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="sequence" />
                  <YAxis width={80} />
                  <Tooltip formatter={(value) => `${Number(value).toLocaleString("en")} ${customer.currency}`} />
                  <Line type="stepAfter" dataKey="balance" stroke="#2563eb" dot isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </figure>
            <div className="table-scroll">
              <table>
                <caption>Balance history</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">What</th>
                    <th scope="col">Change</th>
                    <th scope="col">Balance</th>
                  </tr>
                </thead>
                <tbody>
                  {[...page.items].reverse().map((entry) => (
                    <tr key={entry.id}>
                      <td>{entry.sequence}</td>
                      <td>
                        <DateTime iso={entry.occurredAt} />
                      </td>
                      <td>
                        {entry.kind}
                        {entry.paymentId !== null ? (
                          <>
                            {" "}
                            · <Link to={`/payments/${entry.paymentId}`}>payment #{entry.paymentId}</Link>
                          </>
                        ) : null}
                        {entry.documentId !== null ? (
                          <>
                            {" "}
                            · <Link to={`/invoices/${entry.documentId}`}>document #{entry.documentId}</Link>
                          </>
                        ) : null}
                      </td>
                      <td>
                        <Money minor={entry.delta} currency={customer.currency} />
                      </td>
                      <td>
                        <Money minor={entry.balanceAfter} currency={customer.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )
      }
    </QueryState>
  )
}

const CustomerView = ({ customer }: { customer: CustomerRow }) => {
  const trpc = useTRPC()
  const { canWrite } = usePermissions()
  const [issuing, setIssuing] = useState(false)
  const documents = useQuery(trpc.documents.list.queryOptions({ customerId: customer.id, limit: 200 }))
  const payments = useQuery(trpc.payments.list.queryOptions({ customerId: customer.id, limit: 50 }))
  return (
    <>
      <PageHeader title={customer.name}>
        {canWrite ? (
          <button type="button" className="primary" onClick={() => setIssuing(true)}>
            Issue invoice
          </button>
        ) : null}
      </PageHeader>
      <div className="detail-grid">
        <section className="card" aria-label="Balance">
          <h2>Balance now</h2>
          <p className="big-figure" data-testid="customer-balance">
            {formatMoney(customer.balance, customer.currency)}
          </p>
          <p className="muted">Below zero means the customer owes.</p>
          <FieldList
            fields={[
              ["Number", customer.number],
              ["Currency", customer.currency],
              ["Email", customer.email],
              [
                "Credit limit",
                customer.creditLimit === null ? null : formatMoney(customer.creditLimit, customer.currency)
              ],
              ["Public id", <code key="p">{customer.publicId}</code>],
              ["Created", <DateTime key="c" iso={customer.createdAt} />]
            ]}
          />
        </section>
        <section className="card wide" aria-label="Balance history">
          <h2>Balance history</h2>
          <BalanceHistory customer={customer} />
        </section>
      </div>
      <section className="card" aria-label="Invoices">
        <h2>Invoices</h2>
        <QueryState query={documents} what="invoices">
          {(page) => (
            <DataTable
              caption="Invoices and what is outstanding"
              columns={documentColumns}
              data={page.items}
              empty="No invoices."
              rowKey={(row) => String(row.id)}
            />
          )}
        </QueryState>
      </section>
      <section className="card" aria-label="Payments">
        <h2>Payments</h2>
        <QueryState query={payments} what="payments">
          {(page) => (
            <>
              <DataTable
                caption="Latest payments"
                columns={paymentColumns}
                data={page.items}
                empty="No payments."
                rowKey={(row) => String(row.id)}
              />
              <Link to={`/payments?customer=${customer.id}`}>All payments of this customer</Link>
            </>
          )}
        </QueryState>
      </section>
      {issuing ? <IssueInvoiceDialog customer={customer} onClose={() => setIssuing(false)} /> : null}
    </>
  )
}

export const CustomerDetailPage = () => {
  const trpc = useTRPC()
  const { raw, id, valid } = useRouteId("customerId")
  const customer = useQuery({ ...trpc.customers.get.queryOptions({ id }), enabled: valid })
  if (!valid) return <Empty>“{String(raw)}” is not a customer id.</Empty>
  return (
    <QueryState query={customer} what="the customer">
      {(data) => <CustomerView customer={data} />}
    </QueryState>
  )
}
