/**
 * A page of `payments.listCustomerRows` ordered by list date — descending (a row without one last)
 * or ascending (a row without one first), then shown id — without a filter or with the list-flag
 * filter `false` (Silver's `visible=False`), read from indexes so that its cost is that of the page's
 * reach, not of the customer's whole history (issue 14.3). One statement on both databases. The
 * reach is the rows up to the page's end, or — for the last page and any page nearer the end than
 * the start — the rows from the end back to the page's start, read in reverse. The rows that can be
 * within it are gathered first, by id only: the payments whose attribute record has a list date
 * (and the flag asked), to (or from) the reach-th date with its ties (index on dialect, kind,
 * customer, list date; with the flag: on dialect, kind, customer, list flag, list date, payment —
 * migration 20261209000000); the payments without a dated record and without an external reference
 * in id order — their shown id — as many as the reach can still need (index on customer, external
 * system, id: migration 20261208100000; with the flag `false`, only payments whose undated record
 * has it, by the flag's index); and the payments with an external reference (a migration's, whose
 * shown id may be their vendor id) and the customer's open documents whole (none with the flag
 * `false`: a document is always flagged). Only those candidates are made into rows
 * (`customer-rows.ts`'s selects), filtered by the flag, ordered, and the page taken with
 * `limit`/`offset`; the count of every match (for the direction, the last page and the page count)
 * is the customer's payments counted on the index plus the open documents, or with the flag `false`
 * the customer's records with it. A page in the middle of a long history still reads half of it.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { CustomerRowPage, CustomerRowQuery } from "@paybridge/core"
import { documentsSelect, pageColumns, paymentsSelect, Statement, toCustomerRow } from "./customer-rows.ts"

/** Whether a query is served by the seek: ordered by list date alone, no filter but the list flag `false`. */
export const isSeekable = (query: CustomerRowQuery): boolean =>
  query.sort.length === 1 &&
  query.sort[0]?.field === "listDate" &&
  query.documentShownId === undefined &&
  query.statuses === undefined &&
  (query.listFlag === undefined || query.listFlag === false) &&
  query.due === undefined &&
  query.billingEntityFlow === undefined &&
  query.billingEntityName === undefined &&
  query.amountMin === undefined &&
  query.amountMax === undefined &&
  query.currency === undefined

type Direction = "asc" | "desc"
const reverse = (direction: Direction): Direction => (direction === "asc" ? "desc" : "asc")

/** The list's order by list date (`orderTerms` of that one term), read forward or from the end. */
const orderOf = (direction: Direction, read: "forward" | "backward"): string => {
  const date = read === "forward" ? direction : reverse(direction)
  const rest = read === "forward" ? "asc" : "desc"
  return `list_date ${date} nulls ${date === "asc" ? "first" : "last"}, shown_id ${rest}, source_rank ${rest}, ledger_id ${rest}`
}

/** Reads one page of a customer's rows ordered by list date (see the module comment). */
export const readCustomerRowsBySeek = async (
  em: SqlEntityManager,
  isPostgres: boolean,
  query: CustomerRowQuery
): Promise<CustomerRowPage> => {
  const s = new Statement()
  const direction: Direction = query.sort[0]?.direction ?? "desc"
  const flagged = query.listFlag === false
  const bigintType = isPostgres ? "bigint" : "integer"
  const [greatest, least] = isPostgres ? ["greatest", "least"] : ["max", "min"]
  const limit = () => s.integer(query.limit, bigintType)
  const flag = () => (flagged ? ` and list_flag = ${s.bind(false)}` : "")
  const records = () =>
    `dialect_records where dialect = ${s.bind(query.dialect)} and kind = ${s.bind(query.attributeKind)} and customer_id = ${s.bind(query.customerId)}${flag()}`
  const datedRecords = () => `${records()} and list_date is not null`
  // The dated records down to (descending) or up to (ascending) the reach-th one's date, ties included.
  const dated = (order: Direction, reach: () => string) =>
    `select payment_id as id from ${datedRecords()} and list_date ${order === "desc" ? ">=" : "<="} (select ${order === "desc" ? "min" : "max"}(list_date) from
        (select list_date from ${datedRecords()} order by list_date ${order} limit ${reach()}) reached)`
  // In the order of the index on customer, external system (null here) and id, so no database reads them by id
  // alone through the primary key (skipping other customers' payments) however dense it thinks the customer is.
  // With the flag `false`: the payments of the undated records that have it, in the order of the flag's index.
  const undated = (order: Direction, reach: () => string) =>
    flagged
      ? `select id from (select u.payment_id as id from dialect_records u where u.dialect = ${s.bind(query.dialect)}
          and u.kind = ${s.bind(query.attributeKind)} and u.customer_id = ${s.bind(query.customerId)} and u.list_flag = ${s.bind(false)}
          and u.list_date is null and exists (select 1 from payments p where p.customer_id = ${s.bind(query.customerId)}
            and p.external_system is null and p.id = u.payment_id)
          order by u.list_date ${order}, u.payment_id ${order} limit ${reach()}) undated`
      : `select id from (select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is null
        and not exists (select 1 from dialect_records u where u.dialect = ${s.bind(query.dialect)} and u.kind = ${s.bind(query.attributeKind)}
          and u.key = cast(p.id as varchar(20)) and u.list_date is not null)
        order by p.customer_id ${order}, p.external_system ${order}, p.id ${order} limit ${reach()}) undated`
  // The undated rows a reach can need when the dated ones come first in its direction: fewer by their count.
  const afterDated = (reach: string) => () => `${greatest}(0, ${reach} - (select count(*) from ${datedRecords()}))`
  const forward = "(select forward from reach)"
  const backward = "(select backward from reach)"
  // Only the candidates' rows, each read by its id: SQLite joins them first (`cross join` keeps that order);
  // PostgreSQL looks up the array of their ids (a join would let it read the whole table when it looks small).
  const candidatesOnly = isPostgres
    ? { from: "payments p", where: " and p.id = any(array(select id from candidates))" }
    : { from: "(select distinct id from candidates) candidate cross join payments p on p.id = candidate.id", where: "" }
  const page = () => `select ${pageColumns(isPostgres)}, (select n from total) as row_total from matched`
  // Every value binds where the template places it (left to right), so every part is written inline. `reach`: the
  // rows before the page (`skip`) and the direction that reads fewer rows — forward, the rows up to the page's end;
  // backward (the last page, and any page nearer the end), the rows from the end up to the page's start — with that
  // count in the direction read. Descending, the dated rows come first forward (the undated needed only beyond
  // them); ascending, backward.
  const sql = `with docs (source_rank, ledger_id, shown_id, billing_entity_id, amount, currency, list_date, list_flag,
        status, proforma_id, invoice_id) as (${documentsSelect(s, isPostgres, query)}),
    total as (select ${
      flagged
        ? `(select count(*) from ${records()})`
        : `(select count(*) from payments where customer_id = ${s.bind(query.customerId)}) + (select count(*) from docs)`
    } as n),
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
      ${dated(direction, () => forward)}
      union all
      ${dated(reverse(direction), () => backward)}
      union all
      ${undated("asc", direction === "desc" ? afterDated(forward) : () => forward)}
      union all
      ${undated("desc", direction === "asc" ? afterDated(backward) : () => backward)}
      union all
      select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is not null
    ),
    listed as (${paymentsSelect(s, isPostgres, query, candidatesOnly)}
      union all select * from docs),
    matched as (select * from listed${flagged ? ` where list_flag = ${s.bind(false)}` : ""})
    select * from (${page()} order by ${orderOf(direction, "forward")} limit ${limit()} offset (select skip from reach)) ahead
      where ${forward} > 0
    union all
    select * from (${page()} order by ${orderOf(direction, "backward")}
      limit ${greatest}(0, ${least}((select skip from reach) + ${limit()}, (select n from total)) - (select skip from reach))
      offset ${greatest}(0, (select n from total) - ${least}((select skip from reach) + ${limit()}, (select n from total)))) behind
      where ${backward} > 0
    order by ${orderOf(direction, "forward")}`
  const found = (await em.execute(sql, s.params)) as ReadonlyArray<Record<string, unknown>>
  const first = found[0]
  const total = first === undefined ? 0 : Number(first.row_total)
  const shown = query.page === "last" ? Math.max(1, Math.ceil(total / query.limit)) : query.page
  return { rows: found.map(toCustomerRow), total, page: shown }
}
