/**
 * A page of `payments.listCustomerRows` in the list's default order — list date descending (a row
 * without one last), then shown id — without a filter, read from indexes so that its cost is that of
 * the page's reach, not of the customer's whole history (issue 14.3). One statement on both
 * databases. The reach is the rows up to the page's end, or — for the last page and any page nearer
 * the end than the start — the rows from the end back to the page's start, read in reverse. The rows
 * that can be within it are gathered first, by id only: the payments whose attribute record has a
 * list date, down (or up) to the reach-th date with its ties (index on dialect, kind, customer, list
 * date); the payments without a dated record and without an external reference in id order — their
 * shown id — as many as the reach can still need (index on customer, external system, id: migration
 * 20261208100000); and the payments with an external reference (a migration's, whose shown id may be
 * their vendor id) and the customer's open documents whole. Only those candidates are made into rows
 * (`customer-rows.ts`'s selects), ordered, and the page taken with `limit`/`offset`; the count of
 * every row (for the direction, the last page and the page count) is the customer's payments counted
 * on the index plus the open documents. A page in the middle of a long history still reads half of it.
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

/** The default order (`orderTerms` of list date descending) and its reverse, for a page read from the end. */
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
  const [greatest, least] = isPostgres ? ["greatest", "least"] : ["max", "min"]
  const limit = () => s.integer(query.limit, bigintType)
  const records = () =>
    `dialect_records where dialect = ${s.bind(query.dialect)} and kind = ${s.bind(query.attributeKind)} and customer_id = ${s.bind(query.customerId)} and list_date is not null`
  // The dated records down to (forward) or up to (backward) the reach-th one's date, ties included.
  const dated = (direction: "asc" | "desc", reach: string) =>
    `select payment_id as id from ${records()} and list_date ${direction === "desc" ? ">=" : "<="} (select ${direction === "desc" ? "min" : "max"}(list_date) from
        (select list_date from ${records()} order by list_date ${direction} limit ${reach}) reached)`
  // In the order of the index on customer, external system (null here) and id, so no database reads them by id
  // alone through the primary key (skipping other customers' payments) however dense it thinks the customer is.
  const undated = (direction: "asc" | "desc", reach: () => string) =>
    `select id from (select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is null
        and not exists (select 1 from dialect_records u where u.dialect = ${s.bind(query.dialect)} and u.kind = ${s.bind(query.attributeKind)}
          and u.key = cast(p.id as varchar(20)) and u.list_date is not null)
        order by p.customer_id ${direction}, p.external_system ${direction}, p.id ${direction} limit ${reach()}) undated`
  // Only the candidates' rows, each read by its id: SQLite joins them first (`cross join` keeps that order);
  // PostgreSQL looks up the array of their ids (a join would let it read the whole table when it looks small).
  const candidatesOnly = isPostgres
    ? { from: "payments p", where: " and p.id = any(array(select id from candidates))" }
    : { from: "(select distinct id from candidates) candidate cross join payments p on p.id = candidate.id", where: "" }
  const page = () => `select ${pageColumns(isPostgres)}, (select n from total) as row_total from listed`
  // Every value binds where the template places it (left to right), so every part is written inline. `reach`: the
  // rows before the page (`skip`) and the direction that reads fewer rows — forward, the rows up to the page's end
  // (the payments without a dated record needed only beyond the dated ones); backward (the last page, and any page
  // nearer the end), the rows from the end up to the page's start — with that count in the direction read.
  const sql = `with docs (source_rank, ledger_id, shown_id, billing_entity_id, amount, currency, list_date, list_flag,
        status, proforma_id, invoice_id) as (${documentsSelect(s, isPostgres, query)}),
    total as (select (select count(*) from payments where customer_id = ${s.bind(query.customerId)}) + (select count(*) from docs) as n),
    skipped as (select ${
      query.page === "last"
        ? `${greatest}(0, ((select n from total) - 1) / ${limit()} * ${limit()})`
        : s.integer((query.page - 1) * query.limit, bigintType)
    } as skip),
    reach as (select skip, case when ${query.page === "last" ? "1 = 0" : `skip + ${limit()} <= (select n from total) - skip`}
        then skip + ${limit()} else 0 end as forward,
      case when ${query.page === "last" ? "1 = 1" : `skip + ${limit()} > (select n from total) - skip`}
        then ${greatest}(0, (select n from total) - skip) else 0 end as backward from skipped),
    candidates as (
      ${dated("desc", "(select forward from reach)")}
      union all
      ${dated("asc", "(select backward from reach)")}
      union all
      ${undated("asc", () => `${greatest}(0, (select forward from reach) - (select count(*) from ${records()}))`)}
      union all
      ${undated("desc", () => "(select backward from reach)")}
      union all
      select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is not null
    ),
    listed as (${paymentsSelect(s, isPostgres, query, candidatesOnly)}
      union all select * from docs)
    select * from (${page()} order by ${forwardOrder} limit ${limit()} offset (select skip from reach)) ahead
      where (select forward from reach) > 0
    union all
    select * from (${page()} order by ${backwardOrder}
      limit ${greatest}(0, ${least}((select skip from reach) + ${limit()}, (select n from total)) - (select skip from reach))
      offset ${greatest}(0, (select n from total) - ${least}((select skip from reach) + ${limit()}, (select n from total)))) behind
      where (select backward from reach) > 0
    order by ${forwardOrder}`
  const found = (await em.execute(sql, s.params)) as ReadonlyArray<Record<string, unknown>>
  const first = found[0]
  const total = first === undefined ? 0 : Number(first.row_total)
  const shown = query.page === "last" ? Math.max(1, Math.ceil(total / query.limit)) : query.page
  return { rows: found.map(toCustomerRow), total, page: shown }
}
