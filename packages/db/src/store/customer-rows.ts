/**
 * `payments.listCustomerRows` (core `ports/customer-rows.ts`): a customer's payments and open
 * documents as one list, in one statement on both databases. A common table unites the customer's
 * payments — each with its status and the amount that stands computed from its columns, its id as
 * the dialect shows it (a payment migrated from the dialect shows its numeric vendor id), and the
 * list columns of its attribute record joined by key (none: no date, flag true, and the first
 * proforma and invoice it is allocated to while anything is allocated) — with the customer's open
 * documents (`union all`); a payment made through the dialect without a record has the defaults. The filters, the order (a missing value first ascending, last
 * descending), the page (`row_number()` window; the last page found from the window count) and the
 * count of every match (`count(*) over ()`) are SQL: only the page's rows are returned, but every match is
 * built and numbered. A list ordered by list date or shown id alone, unfiltered, by the list flag or by the
 * statuses of one payment state (Silver's plain list, `visible`, `status`), is read up to the page from indexes instead (`customer-row-seek.ts`), from the selects and row reading shared here.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import {
  type BusinessDate,
  type CurrencyCode,
  type CustomerRow,
  type CustomerRowPage,
  type CustomerRowQuery,
  type CustomerRowSortField,
  type CustomerRowStatus,
  customerRowStatuses,
  trustedIdOrNull
} from "@paybridge/core"

/** The statuses of rows still to be paid (`due` compares their list date with today). */
const openStatuses: ReadonlyArray<CustomerRowStatus> = ["draft", "pending", "open-document"]

const sortColumns: Readonly<Record<Exclude<CustomerRowSortField, "status">, string>> = {
  shownId: "shown_id",
  billingEntityId: "billing_entity_id",
  amount: "amount",
  currency: "currency",
  listDate: "list_date",
  listFlag: "list_flag",
  proformaId: "proforma_id",
  invoiceId: "invoice_id"
}

/** A statement being written: SQL text with `?` placeholders and their values in order. */
export class Statement {
  readonly params: Array<unknown> = []
  /** The placeholders of `values`, which are bound in order. */
  bind(...values: ReadonlyArray<unknown>): string {
    this.params.push(...values)
    return values.map(() => "?").join(", ")
  }
  /** The placeholder of an integer, typed (PostgreSQL cannot infer the type of `? + ?`). */
  integer(value: number, type: string): string {
    return `cast(${this.bind(value)} as ${type})`
  }
}

const asBoolean = (value: unknown) => value === true || Number(value) === 1
const asNumberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/**
 * The customer's payments as rows (the first part of the list's union); `narrowed` reads only some
 * of them as `p` (the seek's candidates): the table expression and a condition, neither binding values.
 */
export const paymentsSelect = (
  s: Statement,
  isPostgres: boolean,
  query: CustomerRowQuery,
  narrowed: { readonly from: string; readonly where: string } = { from: "payments p", where: "" }
): string => {
  const bigintType = isPostgres ? "bigint" : "integer"
  const numericVendorId = isPostgres
    ? "p.external_id ~ '^[0-9]{1,15}$'"
    : "length(p.external_id) between 1 and 15 and p.external_id not glob '*[^0-9]*'"
  const firstDocument = (kind: "proforma" | "invoice") =>
    `(select a.document_id from allocations a join documents ad on ad.id = a.document_id where a.payment_id = p.id and ad.kind = '${kind}' order by a.id limit 1)`
  return `select 0 as source_rank, p.id as ledger_id,
      case when p.external_system = ${s.bind(query.dialect)} and ${numericVendorId} then cast(p.external_id as ${bigintType}) else p.id end as shown_id,
      p.billing_entity_id,
      case when p.state = 'posted' and p.reversed_amount < p.amount then p.amount - p.reversed_amount else p.amount end as amount,
      p.currency, r.list_date, coalesce(r.list_flag, true) as list_flag,
      case when p.state = 'posted' and p.reversed_amount >= p.amount then 'reversed' else p.state end as status,
      case when r.id is null and p.allocated_amount > 0 and p.origin <> ${s.bind(query.ownOrigin)} then ${firstDocument("proforma")} else r.list_proforma_id end as proforma_id,
      case when r.id is null and p.allocated_amount > 0 and p.origin <> ${s.bind(query.ownOrigin)} then ${firstDocument("invoice")} else r.list_invoice_id end as invoice_id
    from ${narrowed.from}
    left join dialect_records r on r.dialect = ${s.bind(query.dialect)} and r.kind = ${s.bind(query.attributeKind)} and r.key = cast(p.id as varchar(20))
    where p.customer_id = ${s.bind(query.customerId)}${query.documentShownId === undefined ? "" : " and 1 = 0"}${narrowed.where}`
}

/** The customer's open documents as rows (the second part of the list's union; its columns unnamed). */
export const documentsSelect = (s: Statement, isPostgres: boolean, query: CustomerRowQuery): string => {
  const bigintType = isPostgres ? "bigint" : "integer"
  // A document migrated from the dialect shows the number of its external ref `<kind>:<number>`.
  const vendorNumber = isPostgres
    ? "substring(d.external_id from length(d.kind) + 2)"
    : "substr(d.external_id, length(d.kind) + 2)"
  const isVendorNumber = isPostgres
    ? `d.external_id ~ ('^' || d.kind || ':[0-9]{1,15}$')`
    : `substr(d.external_id, 1, length(d.kind) + 1) = d.kind || ':' and length(${vendorNumber}) between 1 and 15 and ${vendorNumber} not glob '*[^0-9]*'`
  const documentShownId = () =>
    `case when d.external_system = ${s.bind(query.dialect)} and ${isVendorNumber} then cast(${vendorNumber} as ${bigintType}) else d.id end`
  return `select 1, d.id, ${s.integer(query.documents.idOffset, bigintType)} + ${documentShownId()},
      d.billing_entity_id, d.outstanding, d.currency, d.due_date, true, 'open-document',
      case when d.kind = 'proforma' then d.id else d.related_document_id end,
      case when d.kind = 'invoice' then d.id end
    from documents d
    where d.customer_id = ${s.bind(query.customerId)}${query.documentShownId === undefined ? "" : ` and ${documentShownId()} = ${s.integer(query.documentShownId, bigintType)}`} and d.kind in ('invoice', 'proforma') and d.state <> 'cancelled' and d.outstanding > 0
      and not exists (select 1 from dialect_records c join payments cp on cp.id = c.payment_id
        where c.dialect = ${s.bind(query.dialect)} and c.kind = ${s.bind(query.documents.carrierKind)}
          and c.key = d.kind || ':' || cast(d.id as varchar(20))
          and cp.customer_id = d.customer_id and cp.state in ('draft', 'pending'))
      and not (d.kind = 'proforma' and exists (select 1 from documents i
        where i.customer_id = d.customer_id and i.kind = 'invoice' and i.state <> 'cancelled' and i.related_document_id = d.id))`
}

/** A row as the database returns it (both statements name the same columns). */
export const toCustomerRow = (row: Record<string, unknown>): CustomerRow => ({
  source: Number(row.source_rank) === 0 ? "payment" : "document",
  ledgerId: Number(row.ledger_id),
  shownId: Number(row.shown_id),
  billingEntityId: trustedIdOrNull(asNumberOrNull(row.billing_entity_id)),
  amount: BigInt(String(row.amount)),
  currency: String(row.currency) as CurrencyCode,
  listDate: row.list_date === null || row.list_date === undefined ? null : (String(row.list_date) as BusinessDate),
  listFlag: asBoolean(row.list_flag),
  status: String(row.status) as CustomerRowStatus,
  proformaId: trustedIdOrNull(asNumberOrNull(row.proforma_id)),
  invoiceId: trustedIdOrNull(asNumberOrNull(row.invoice_id))
})

/** The columns a page returns, as the database names them (the list date as `YYYY-MM-DD` text). */
export const pageColumns = (isPostgres: boolean): string =>
  `source_rank, ledger_id, shown_id, billing_entity_id, amount, currency, ${isPostgres ? "to_char(list_date, 'YYYY-MM-DD')" : "list_date"} as list_date, list_flag,
      status, proforma_id, invoice_id`

/** The list's order: the query's, a missing value first ascending and last descending, then shown id, source, ledger id. */
export const orderTerms = (s: Statement, isPostgres: boolean, query: CustomerRowQuery): ReadonlyArray<string> => {
  const bigintType = isPostgres ? "bigint" : "integer"
  const order = query.sort.map(({ field, direction }) => {
    const column =
      field === "status"
        ? `case status ${customerRowStatuses.map((status) => `when '${status}' then ${s.integer(query.statusRank[status], bigintType)}`).join(" ")} end`
        : sortColumns[field]
    return `${column} ${direction} ${direction === "asc" ? "nulls first" : "nulls last"}`
  })
  return [...order, "shown_id asc", "source_rank asc", "ledger_id asc"]
}

/** Reads one page of a customer's rows (see the module comment). */
export const readCustomerRows = async (
  em: SqlEntityManager,
  isPostgres: boolean,
  query: CustomerRowQuery
): Promise<CustomerRowPage> => {
  const s = new Statement()
  const bigintType = isPostgres ? "bigint" : "integer"
  const payments = paymentsSelect(s, isPostgres, query)
  const documents = documentsSelect(s, isPostgres, query)

  const filters: Array<string> = []
  if (query.statuses !== undefined) {
    filters.push(query.statuses.length === 0 ? "1 = 0" : `listed.status in (${s.bind(...query.statuses)})`)
  }
  if (query.listFlag !== undefined) filters.push(`listed.list_flag = ${s.bind(query.listFlag)}`)
  if (query.due !== undefined) {
    const today = isPostgres ? `cast(${s.bind(query.due.today)} as date)` : s.bind(query.due.today)
    const open = `listed.status in (${openStatuses.map((status) => `'${status}'`).join(", ")})`
    filters.push(
      query.due.overdue
        ? `(${open} and listed.list_date is not null and listed.list_date < ${today})`
        : `(not ${open} or (listed.list_date is not null and listed.list_date >= ${today}))`
    )
  }
  if (query.billingEntityFlow !== undefined) filters.push(`be.flow = ${s.bind(query.billingEntityFlow)}`)
  if (query.billingEntityName !== undefined) {
    filters.push(`lower(be.name) = ${s.bind(query.billingEntityName.toLowerCase())}`)
  }
  if (query.amountMin !== undefined) filters.push(`listed.amount >= ${s.bind(query.amountMin)}`)
  if (query.amountMax !== undefined) filters.push(`listed.amount <= ${s.bind(query.amountMax)}`)
  if (query.currency !== undefined) filters.push(`listed.currency = ${s.bind(query.currency)}`)

  const order = orderTerms(s, isPostgres, query)

  // The first row position before the page (bound afresh where it is used: parameters bind in order).
  const start = () =>
    query.page === "last"
      ? `((row_total - 1) / ${s.integer(query.limit, bigintType)}) * ${s.integer(query.limit, bigintType)}`
      : s.integer((query.page - 1) * query.limit, bigintType)
  const sql = `with listed as (${payments} union all ${documents}),
    matched as (select listed.* from listed left join billing_entities be on be.id = listed.billing_entity_id
      ${filters.length === 0 ? "" : `where ${filters.join(" and ")}`}),
    numbered as (select matched.*, row_number() over (order by ${order.join(", ")}) as row_position,
      count(*) over () as row_total from matched)
    select ${pageColumns(isPostgres)}, row_position, row_total
    from numbered where row_position > ${start()} and row_position <= ${start()} + ${s.integer(query.limit, bigintType)}
    order by row_position`
  const found = (await em.execute(sql, s.params)) as ReadonlyArray<Record<string, unknown>>
  const rows = found.map(toCustomerRow)
  const first = found[0]
  const total = first === undefined ? 0 : Number(first.row_total)
  const position = first === undefined ? 0 : Number(first.row_position)
  const page =
    query.page === "last" ? (first === undefined ? 1 : Math.floor((position - 1) / query.limit) + 1) : query.page
  return { rows, total, page }
}
