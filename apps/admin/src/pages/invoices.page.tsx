/** Invoices (and bills, proformas): the list with what is outstanding, and one invoice with the allocations that paid it. */
import { useQuery } from "@tanstack/react-query"
import { useState } from "react"
import { Link } from "react-router"
import { DateTime, FieldList, Money, PageHeader, StateBadge } from "../components/bits.tsx"
import { DataTable } from "../components/data-table.tsx"
import { Pager, useCursorPages } from "../components/pager.tsx"
import { Empty, QueryState } from "../components/states.tsx"
import { useRouteId } from "../lib/route-id.ts"
import { useTRPC } from "../lib/trpc.ts"
import { documentColumns } from "./customers.page.tsx"

export const InvoicesPage = () => {
  const trpc = useTRPC()
  const [unpaidOnly, setUnpaidOnly] = useState(false)
  const pages = useCursorPages()
  const documents = useQuery(trpc.documents.list.queryOptions({ unpaidOnly, cursor: pages.cursor, limit: 50 }))
  return (
    <>
      <PageHeader title="Invoices">
        <label className="inline">
          <input
            type="checkbox"
            checked={unpaidOnly}
            onChange={(event) => {
              pages.restart()
              setUnpaidOnly(event.target.checked)
            }}
          />{" "}
          Only with something outstanding
        </label>
      </PageHeader>
      <QueryState query={documents} what="invoices">
        {(page) => (
          <>
            <DataTable
              caption="Invoices"
              columns={documentColumns}
              data={page.items}
              empty="No invoices."
              rowKey={(row) => String(row.id)}
            />
            <Pager pages={pages} nextCursor={page.nextCursor} />
          </>
        )}
      </QueryState>
    </>
  )
}

export const InvoiceDetailPage = () => {
  const trpc = useTRPC()
  const { raw, id, valid } = useRouteId("documentId")
  const document = useQuery({ ...trpc.documents.get.queryOptions({ id }), enabled: valid })
  const allocations = useQuery({ ...trpc.documents.allocations.queryOptions({ id }), enabled: valid })
  if (!valid) return <Empty>“{String(raw)}” is not a document id.</Empty>
  return (
    <QueryState query={document} what="the invoice">
      {(doc) => (
        <>
          <PageHeader title={`${doc.kind} ${doc.number}`}>
            <StateBadge state={doc.state} />
          </PageHeader>
          <div className="detail-grid">
            <section className="card" aria-label="Invoice">
              <h2>Invoice</h2>
              <FieldList
                fields={[
                  [
                    "Customer",
                    <Link key="c" to={`/customers/${doc.customerId}`}>
                      #{doc.customerId}
                    </Link>
                  ],
                  ["Total", <Money key="t" minor={doc.total} currency={doc.currency} />],
                  ["Allocated", <Money key="a" minor={doc.allocated} currency={doc.currency} />],
                  ["Outstanding", <Money key="o" minor={doc.outstanding} currency={doc.currency} />],
                  ["Issued", doc.issueDate],
                  ["Due", doc.dueDate],
                  ["Related document", doc.relatedDocumentId],
                  ["Public id", <code key="p">{doc.publicId}</code>],
                  ["Updated", <DateTime key="u" iso={doc.updatedAt} />]
                ]}
              />
            </section>
            <section className="card wide" aria-label="Allocations">
              <h2>Allocations</h2>
              <QueryState query={allocations} what="allocations">
                {(rows) =>
                  rows.length === 0 ? (
                    <Empty>No payment is allocated to this invoice.</Empty>
                  ) : (
                    <ul className="plain">
                      {rows.map((allocation) => (
                        <li key={allocation.id}>
                          <Money minor={allocation.amount} currency={doc.currency} /> from{" "}
                          <Link to={`/payments/${allocation.paymentId}`}>payment #{allocation.paymentId}</Link>{" "}
                          <DateTime iso={allocation.createdAt} />
                        </li>
                      ))}
                    </ul>
                  )
                }
              </QueryState>
            </section>
          </div>
        </>
      )}
    </QueryState>
  )
}
