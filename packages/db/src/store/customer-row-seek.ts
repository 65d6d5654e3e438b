/**
 * A page of `payments.listCustomerRows` ordered by list date — descending (a row without one last) or
 * ascending (a row without one first), then shown id — or by shown id either way, without a filter or with
 * the list-flag filter (Silver's `visible`; `false` by list date only) or statuses (Silver's `status`) or,
 * by list date, overdue (Silver's `is_overdue=True`: the open rows dated before the day, so no undated
 * ones), read from indexes so that its cost is that of the page's reach, not of the customer's whole
 * history (issue 14.3). One statement on both databases. The reach is the rows up to the page's end, or —
 * for the last page and any page nearer the end than the start — the rows from the end back to the page's
 * start, read in reverse. The rows that can be within it are gathered first, by id only: by list date, the
 * payments whose attribute record has a list date (and the flag asked: `false`; `true` or none, a record
 * without a flag showing `true`), to (or from) the reach-th date with its ties (index on dialect, kind,
 * customer, list date; with the flag: on dialect, kind, customer, list flag, list date, payment —
 * migration 20261209000000); the payments without a dated record (by shown id: every one) and without an
 * external reference in id order — their shown id — as many as the reach can still need (index on
 * customer, external system, id: migration 20261208100000; with the flag `true`, past those whose record
 * has it `false`; with the flag `false`, only payments whose undated record has it, by the flag's index).
 * With statuses, only payments of their states count in each of those reads (by the index on customer,
 * external system, state, id: migration 20261212000000; a dated record's payment checked on the index on
 * customer, state, id), and with `posted` but not `reversed` each reads further by the customer's payments
 * reversed in full (few: index on customer, state, reversed amount), which `reversed` without `posted`
 * takes whole. And the payments with an external reference (a migration's, whose shown id may be their
 * vendor id) and the customer's open documents whole (none with the flag `false`: a document is always
 * flagged). Only those candidates are made into rows (`customer-rows.ts`'s selects), filtered by the flag
 * or the statuses, ordered, and the page taken with `limit`/`offset`; the count of every match (for the
 * direction, the last page and the page count) is the customer's payments counted on the index plus the
 * open documents (with the flag `true`, less the customer's records flagged `false`; with statuses, the
 * payments of their states less or plus those reversed in full, and the documents if they match), or with
 * the flag `false` the customer's records with it. A page in the middle of a long history still reads half
 * of it.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import type { CustomerRowPage, CustomerRowQuery, CustomerRowStatus } from "@paybridge/core"
import { documentsSelect, pageColumns, paymentsSelect, Statement, toCustomerRow } from "./customer-rows.ts"

/**
 * The payment states a status filter's payments have (`posted` for `reversed` asked with `posted`), whether
 * the payments reversed in full are left out (`posted` without `reversed`) or taken whole (`reversed`
 * without `posted`: few), and whether open documents match; `null` when the filter names no state.
 */
const stateFilterOf = (statuses: ReadonlyArray<CustomerRowStatus>) => {
  const ofPayments = statuses.filter((status) => status !== "open-document")
  const reversedWhole = ofPayments.includes("reversed") && !ofPayments.includes("posted")
  const states = [
    ...new Set(
      ofPayments.flatMap((status) => (status !== "reversed" ? [status] : reversedWhole ? [] : ["posted" as const]))
    )
  ]
  if (states.length === 0) return null
  return {
    states,
    withoutReversed: states.includes("posted") && !ofPayments.includes("reversed"),
    reversedWhole,
    documents: statuses.includes("open-document")
  }
}

/**
 * Whether a query is served by the seek: ordered by list date or shown id alone, no filter but the list flag
 * (not `false` by shown id), statuses of at least one payment state, or (by list date) the overdue rows.
 */
export const isSeekable = (query: CustomerRowQuery): boolean =>
  query.sort.length === 1 &&
  (query.sort[0]?.field === "listDate" || (query.sort[0]?.field === "shownId" && query.listFlag !== false)) &&
  query.documentShownId === undefined &&
  (query.statuses === undefined || (query.listFlag === undefined && stateFilterOf(query.statuses) !== null)) &&
  (query.due === undefined ||
    (query.due.overdue &&
      query.sort[0]?.field === "listDate" &&
      query.statuses === undefined &&
      query.listFlag === undefined)) &&
  query.billingEntityFlow === undefined &&
  query.billingEntityName === undefined &&
  query.amountMin === undefined &&
  query.amountMax === undefined &&
  query.currency === undefined

type Direction = "asc" | "desc"
const reverse = (direction: Direction): Direction => (direction === "asc" ? "desc" : "asc")

/** The list's order by list date or by shown id (`orderTerms` of that one term), read forward or from the end. */
const orderOf = (byDate: boolean, direction: Direction, read: "forward" | "backward"): string => {
  const first = read === "forward" ? direction : reverse(direction)
  const rest = read === "forward" ? "asc" : "desc"
  return byDate
    ? `list_date ${first} nulls ${first === "asc" ? "first" : "last"}, shown_id ${rest}, source_rank ${rest}, ledger_id ${rest}`
    : `shown_id ${first}, source_rank ${rest}, ledger_id ${rest}`
}

/** Reads one page of a customer's rows ordered by list date or shown id (see the module comment). */
export const readCustomerRowsBySeek = async (
  em: SqlEntityManager,
  isPostgres: boolean,
  query: CustomerRowQuery
): Promise<CustomerRowPage> => {
  const s = new Statement()
  const direction: Direction = query.sort[0]?.direction ?? "desc"
  const byDate = query.sort[0]?.field === "listDate"
  const flag = query.listFlag
  // Overdue: the open rows (drafts, pending payments, open documents) dated before today — dated rows only.
  const overdueBefore = query.due?.overdue === true ? query.due.today : undefined
  const stateFilter =
    overdueBefore !== undefined
      ? stateFilterOf(["draft", "pending", "open-document"])
      : query.statuses === undefined
        ? null
        : stateFilterOf(query.statuses)
  const today = () => (isPostgres ? `cast(${s.bind(overdueBefore)} as date)` : s.bind(overdueBefore))
  // Only payments of the filter's states (by the index on customer, state, id).
  const ofState = (payment: string) =>
    stateFilter === null
      ? ""
      : ` and exists (select 1 from payments sp where sp.customer_id = ${s.bind(query.customerId)} and sp.state in (${s.bind(...stateFilter.states)}) and sp.id = ${payment})`
  const bigintType = isPostgres ? "bigint" : "integer"
  const [greatest, least] = isPostgres ? ["greatest", "least"] : ["max", "min"]
  const limit = () => s.integer(query.limit, bigintType)
  const records = () =>
    `dialect_records where dialect = ${s.bind(query.dialect)} and kind = ${s.bind(query.attributeKind)} and customer_id = ${s.bind(query.customerId)}`
  // The records of the rows with the flag asked, each an index range (the flag's index): `false`; `true` and none
  // (a record without a flag shows `true`); without the filter, every record.
  const flagRanges: ReadonlyArray<() => string> =
    flag === undefined
      ? [() => ""]
      : flag
        ? [() => ` and list_flag = ${s.bind(true)}`, () => " and list_flag is null"]
        : [() => ` and list_flag = ${s.bind(false)}`]
  const datedRecords = (range: () => string) =>
    `${records()}${range()} and list_date is not null${overdueBefore === undefined ? "" : ` and list_date < ${today()}`}${ofState(
      "dialect_records.payment_id"
    )}`
  // The dated records down to (descending) or up to (ascending) the reach-th one's date, ties included: each range
  // read up to the reach on its index, the reach-th date of them all.
  const dated = (order: Direction, reach: () => string) => {
    const reached = () => {
      const upToReach = (range: () => string) =>
        `select list_date from ${datedRecords(range)} order by list_date ${order} limit ${reach()}`
      const [only] = flagRanges
      return flagRanges.length === 1 && only !== undefined
        ? upToReach(only)
        : `select list_date from (${flagRanges.map((range, i) => `select list_date from (${upToReach(range)}) range${i}`).join(" union all ")}) ranges
          order by list_date ${order} limit ${reach()}`
    }
    return flagRanges
      .map(
        (
          range
        ) => `select payment_id as id from ${datedRecords(range)} and list_date ${order === "desc" ? ">=" : "<="} (select ${order === "desc" ? "min" : "max"}(list_date) from
        (${reached()}) reached)`
      )
      .join("\n      union all\n      ")
  }
  // The records that keep a payment out of the undated ones (by shown id: out of the list): dated, or flagged `false`
  // when the flag `true` is asked.
  const unlisted = () => {
    if (!byDate && flag !== true) return ""
    const head = ` and not exists (select 1 from dialect_records u where u.dialect = ${s.bind(query.dialect)} and u.kind = ${s.bind(query.attributeKind)}
          and u.key = cast(p.id as varchar(20)) and `
    const hidden = () => `u.list_flag = ${s.bind(false)}`
    const condition = !byDate
      ? hidden()
      : flag === true
        ? `(u.list_date is not null or ${hidden()})`
        : "u.list_date is not null"
    return `${head}${condition})`
  }
  // The undated payments of a state (any without a status filter), in the order of the index on customer, external
  // system (null here)[, state] and id.
  const undatedOfState = (order: Direction, reach: () => string, state: string | undefined) =>
    `select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is null${
      state === undefined ? "" : ` and p.state = ${s.bind(state)}`
    }${unlisted()}
        order by p.customer_id ${order}, p.external_system ${order},${state === undefined ? "" : ` p.state ${order},`} p.id ${order} limit ${reach()}`
  // The undated payments without an external reference (by shown id: every one) in the order of the index on
  // customer, external system (null here) and id, so no database reads them by id alone through the primary key
  // (skipping other customers' payments) however dense it thinks the customer is; with the flag `true`, past those
  // whose record has it `false`. With the flag `false`: the payments of the undated records that have it, in the
  // order of the flag's index.
  // With a status filter of several states, each state's read up to the reach and the first of them all.
  const undated = (order: Direction, reach: () => string) =>
    flag === false
      ? `select id from (select u.payment_id as id from dialect_records u where u.dialect = ${s.bind(query.dialect)}
          and u.kind = ${s.bind(query.attributeKind)} and u.customer_id = ${s.bind(query.customerId)} and u.list_flag = ${s.bind(false)}
          and u.list_date is null and exists (select 1 from payments p where p.customer_id = ${s.bind(query.customerId)}
            and p.external_system is null and p.id = u.payment_id)
          order by u.list_date ${order}, u.payment_id ${order} limit ${reach()}) undated`
      : stateFilter === null || stateFilter.states.length === 1
        ? `select id from (${undatedOfState(order, reach, stateFilter?.states[0])}) undated`
        : `select id from (select id from (${stateFilter.states
            .map((state, i) => `select id from (${undatedOfState(order, reach, state)}) state${i}`)
            .join(" union all ")}) states order by id ${order} limit ${reach()}) undated`
  // The undated rows a reach can need when the dated ones come first in its direction: fewer by their count.
  const afterDated = (reach: string) => () =>
    `${greatest}(0, ${reach} - ${flagRanges.map((range) => `(select count(*) from ${datedRecords(range)})`).join(" - ")})`
  // With the state `posted` but not `reversed`: each part read further by the payments reversed in full (few, read
  // from the index on customer, state, reversed amount), which may be among the first of the state.
  const slack = stateFilter?.withoutReversed === true ? " + (select n from reversed_in_full)" : ""
  const reversedInFull = "state = 'posted' and reversed_amount > 0 and reversed_amount >= amount"
  const forward = "(select forward from reach)"
  const backward = "(select backward from reach)"
  const gatherForward = `(select forward${slack} from reach)`
  const gatherBackward = `(select backward${slack} from reach)`
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
${
  stateFilter?.withoutReversed === true || stateFilter?.reversedWhole === true
    ? `
    reversed_in_full as (select count(*) as n from payments where customer_id = ${s.bind(query.customerId)} and ${reversedInFull}),`
    : ""
}
    total as (select ${
      flag === false
        ? `(select count(*) from ${records()} and list_flag = ${s.bind(false)})`
        : overdueBefore !== undefined
          ? `${flagRanges.map((range) => `(select count(*) from ${datedRecords(range)})`).join(" + ")}
            + (select count(*) from docs where list_date < ${today()})`
          : stateFilter !== null
            ? `(select count(*) from payments where customer_id = ${s.bind(query.customerId)} and state in (${s.bind(...stateFilter.states)}))${
                stateFilter.withoutReversed ? " - (select n from reversed_in_full)" : ""
              }${stateFilter.reversedWhole ? " + (select n from reversed_in_full)" : ""}${
                stateFilter.documents ? " + (select count(*) from docs)" : ""
              }`
            : `(select count(*) from payments where customer_id = ${s.bind(query.customerId)}) + (select count(*) from docs)${
                flag === true ? ` - (select count(*) from ${records()} and list_flag = ${s.bind(false)})` : ""
              }`
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
    candidates as (${
      byDate
        ? `
      ${dated(direction, () => gatherForward)}
      union all
      ${dated(reverse(direction), () => gatherBackward)}${
        overdueBefore !== undefined
          ? ""
          : `
      union all
      ${undated("asc", direction === "desc" ? afterDated(gatherForward) : () => gatherForward)}
      union all
      ${undated("desc", direction === "asc" ? afterDated(gatherBackward) : () => gatherBackward)}`
      }`
        : `
      ${undated(direction, () => gatherForward)}
      union all
      ${undated(reverse(direction), () => gatherBackward)}`
    }
      union all
      select p.id from payments p where p.customer_id = ${s.bind(query.customerId)} and p.external_system is not null${
        stateFilter?.reversedWhole === true
          ? `
      union all
      select id from payments where customer_id = ${s.bind(query.customerId)} and ${reversedInFull}`
          : ""
      }
    ),
    listed as (${paymentsSelect(s, isPostgres, query, candidatesOnly)}
      union all select * from docs),
    matched as (select * from listed${
      flag !== undefined
        ? ` where list_flag = ${s.bind(flag)}`
        : query.statuses !== undefined
          ? ` where status in (${s.bind(...query.statuses)})`
          : overdueBefore !== undefined
            ? ` where status in ('draft', 'pending', 'open-document') and list_date is not null and list_date < ${today()}`
            : ""
    })
    select * from (${page()} order by ${orderOf(byDate, direction, "forward")} limit ${limit()} offset (select skip from reach)) ahead
      where ${forward} > 0
    union all
    select * from (${page()} order by ${orderOf(byDate, direction, "backward")}
      limit ${greatest}(0, ${least}((select skip from reach) + ${limit()}, (select n from total)) - (select skip from reach))
      offset ${greatest}(0, (select n from total) - ${least}((select skip from reach) + ${limit()}, (select n from total)))) behind
      where ${backward} > 0
    order by ${orderOf(byDate, direction, "forward")}`
  const found = (await em.execute(sql, s.params)) as ReadonlyArray<Record<string, unknown>>
  const first = found[0]
  const total = first === undefined ? 0 : Number(first.row_total)
  const shown = query.page === "last" ? Math.max(1, Math.ceil(total / query.limit)) : query.page
  return { rows: found.map(toCustomerRow), total, page: shown }
}
