/**
 * A page of `payments.listCustomerRows` in the list's default order — list date descending (a row
 * without one last), then shown id — without a filter, read from indexes so that its cost is that of
 * the page's reach (the rows up to its end), not of the customer's whole history (issue 14.3). One
 * statement on both databases. The rows that can be on the page are gathered first, by id only: the
 * payments whose attribute record has a list date, down to the page's reach-th latest date with its
 * ties (index on dialect, kind, customer, list date); the payments without a dated record and without
 * an external reference in id order — their shown id — up to the rows the page can still need after
 * the dated ones (index on customer, external system, id: migration 20261208100000); and the
 * payments with an external reference (a migration's, whose shown id may be their vendor id) and the
 * customer's open documents whole. Only those candidates are made into rows (`customer-rows.ts`'s
 * selects), ordered, and the page taken with `limit`/`offset`; the count of every row (for the
 * last page and the page count) is the customer's payments counted on the index plus the open
 * documents. `page: "last"` reaches to the end, so it reads the history the page's position does.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { CustomerRowPage, CustomerRowQuery } from "@paybridge/core"
import { documentsSelect, pageColumns, paymentsSelect, Statement, toCustomerRow } from "./customer-rows.ts"

/** Whether a query is served by the seek: the default order (list date descending) and no filter. */
export const isSeekable = (query: CustomerRowQuery): boolean =>
  query.sort.length === 1 &&
  query.sort[0]?.field === "listDate" &&
  query.sort[0].direction === "desc" &&
  query.documentShownId === undefined &&
  query.statuses === undefined &&
  query.listFlag === undefined &&
  query.due === undefined &&
  query.billingEntityFlow === undefined &&
  query.billingEntityName === undefined &&
  query.amountMin === undefined &&
  query.amountMax === undefined &&
  query.currency === undefined

/** The default order (`orderTerms` of list date descending) and its reverse, read from the end for the last page. */
const forwardOrder = "list_date desc nulls last, shown_id asc, source_rank asc, ledger_id asc"
const backwardOrder = "list_date asc nulls first, shown_id desc, source_rank desc, ledger_id desc"

/** Reads one page of a customer's rows in the default order (see the module comment). */
export const readCustomerRowsBySeek = async (
  em: SqlEntityManager,
  isPostgres: boolean,
  query: CustomerRowQuery
): Promise<CustomerRowPage> => {
  const s = new Statement()
  const bigintType = isPostgres ? "bigint" : "integer"
  const greatest = isPostgres ? "greatest" : "max"
  const limit = () => s.integer(query.limit, bigintType)
  const records = () =>
    `dialect_records where dialect = ${s.bind(query.dialect)} and kind = ${s.bind(query.attributeKind)} and customer_id = ${s.bind(query.customerId)} and list_date is not null`
  // In the order of the index on customer, external system (null here) and id, so no database reads them by id
  // alone through the primary key (skipping other customers' payments) however dense it thinks the customer is.
  const undated = (direction: "asc" | "desc", reach: () => string) =>
    `select id from (select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is null
        and not exists (select 1 from dialect_records u where u.dialect = ${s.bind(query.dialect)} and u.kind = ${s.bind(query.attributeKind)}
          and u.key = cast(p.id as varchar(20)) and u.list_date is not null)
        order by p.customer_id ${direction}, p.external_system ${direction}, p.id ${direction} limit ${reach()}) undated`
  const backward = query.page === "last"
  // Only the candidates' rows, each read by its id: SQLite joins them first (`cross join` keeps that order);
  // PostgreSQL looks up the array of their ids (a join would let it read the whole table when it looks small).
  const candidatesOnly = isPostgres
    ? { from: "payments p", where: " and p.id = any(array(select id from candidates))" }
    : { from: "(select distinct id from candidates) candidate cross join payments p on p.id = candidate.id", where: "" }
  // Every value binds where the template places it (left to right), so every part is written inline.
  // Forward (a numbered page): the rows up to the page's end, `reach`; the payments without a dated record are
  // needed only beyond the dated ones. Backward (the last page): the rows from the end up to the page's start.
  const sql = `with docs (source_rank, ledger_id, shown_id, billing_entity_id, amount, currency, list_date, list_flag,
        status, proforma_id, invoice_id) as (${documentsSelect(s, isPostgres, query)}),
    total as (select (select count(*) from payments where customer_id = ${s.bind(query.customerId)}) + (select count(*) from docs) as n),
    reach as (select ${
      backward
        ? `(select n from total) - ${greatest}(0, ((select n from total) - 1) / ${limit()} * ${limit()})`
        : s.integer(query.page * query.limit, bigintType)
    } as n),
    candidates as (
      select payment_id as id from ${records()} and list_date ${backward ? "<=" : ">="} (select ${backward ? "max" : "min"}(list_date) from
        (select list_date from ${records()} order by list_date ${backward ? "asc" : "desc"} limit (select n from reach)) reached)
      union all
      ${
        backward
          ? undated("desc", () => "(select n from reach)")
          : undated("asc", () => `${greatest}(0, (select n from reach) - (select count(*) from ${records()}))`)
      }
      union all
      select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is not null
    ),
    listed as (${paymentsSelect(s, isPostgres, query, candidatesOnly)}
      union all select * from docs)
    ${
      backward
        ? `select * from (select ${pageColumns(isPostgres)}, (select n from total) as row_total
      from listed order by ${backwardOrder} limit (select n from reach)) page order by ${forwardOrder}`
        : `select ${pageColumns(isPostgres)}, (select n from total) as row_total
    from listed order by ${forwardOrder} limit ${limit()} offset ${s.integer((query.page - 1) * query.limit, bigintType)}`
    }`
  const found = (await em.execute(sql, s.params)) as ReadonlyArray<Record<string, unknown>>
  const first = found[0]
  const total = first === undefined ? 0 : Number(first.row_total)
  const page = backward ? Math.max(1, Math.ceil(total / query.limit)) : query.page
  return { rows: found.map(toCustomerRow), total, page }
}
