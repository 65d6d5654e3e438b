/**
 * The operator's balances file (`--balances <file>`): each customer's balance as the vendor's own
 * report shows it (aged debtors, account balances), exported by the finance team, so the migration
 * can book what the vendor's API does not show as a balance brought forward. CSV with the header
 * `customer,currency,balance`, or JSON (an array of `{customer, currency, balance}`, or
 * `{balances: [...]}`); the balance is a decimal string in the currency's ISO 4217 units with no
 * more decimals than the currency has, signed as the vendor shows it (`vendors.ts` `balanceSign`) unless
 * the operator says otherwise (`--balance-sign`).
 * Parsing is strict and reports every problem with its line (CSV) or entry (JSON) and field. This
 * module also resolves the file's customers against what the run read (the vendor's customer id or
 * an alias such as CRM.COM's account number) and makes the `balance` source records the ledger
 * sink books after the vendor's records; it knows nothing of the ledger.
 */
import { type CurrencyCode, currencyExponents } from "@paybridge/core"
import { type Amount, type BalanceRecord, type BalanceSign, currencyOf, negateAmount } from "../sources/source-model.ts"

export interface BalanceFileRow {
  /** Where it is in the file: `line 3` (CSV) or `entry 2` (JSON). */
  readonly at: string
  readonly customer: string
  readonly currency: CurrencyCode
  /** As written in the file (the vendor's sign). */
  readonly balance: Amount
}

export interface BalancesFile {
  readonly path: string
  readonly rows: ReadonlyArray<BalanceFileRow>
  /** How the file is signed when the operator says so (`--balance-sign`); null: as the vendor shows it. */
  readonly sign: BalanceSign | null
}

/** A file row resolved to the vendor's customer, its balance in the ledger's sign (positive = in credit). */
export interface ResolvedBalance extends BalanceFileRow {
  readonly customerSourceId: string
  readonly ledgerBalance: Amount
  /** True where the vendor's API shows the balance itself: compared, not booked. */
  readonly vendorShown: boolean
}

const decimal = /^-?\d+(?:\.(\d+))?$/u

const checkRow = (
  at: string,
  fields: { customer: unknown; currency: unknown; balance: unknown },
  seen: Map<string, string>,
  problems: Array<string>
): BalanceFileRow | null => {
  const before = problems.length
  const customer = typeof fields.customer === "string" ? fields.customer.trim() : ""
  if (customer === "") problems.push(`${at}: customer: missing`)
  const currencyText = typeof fields.currency === "string" ? fields.currency.trim() : ""
  const currency = /^[A-Z]{3}$/u.test(currencyText) ? currencyOf(currencyText) : null
  if (currency === null) problems.push(`${at}: currency: not an ISO 4217 code: ${JSON.stringify(fields.currency)}`)
  let balance: Amount | null = null
  if (typeof fields.balance === "number") {
    problems.push(`${at}: balance: a JSON number (${fields.balance}); write it as a decimal string, e.g. "12.50"`)
  } else {
    const text = typeof fields.balance === "string" ? fields.balance.trim() : ""
    const match = decimal.exec(text)
    if (match === null) problems.push(`${at}: balance: not a decimal amount: ${JSON.stringify(fields.balance)}`)
    else if (currency !== null && (match[1]?.length ?? 0) > currencyExponents[currency]) {
      problems.push(`${at}: balance: ${text} has more decimals than ${currency} (${currencyExponents[currency]})`)
    } else balance = text.replace(/^(-?)0+(?=\d)/u, "$1")
  }
  if (customer !== "") {
    const first = seen.get(customer)
    if (first !== undefined) problems.push(`${at}: customer: ${customer} is listed twice (also ${first})`)
    else seen.set(customer, at)
  }
  if (problems.length > before || currency === null || balance === null) return null
  return { at, customer, currency, balance }
}

const parseCsv = (text: string, problems: Array<string>): Array<BalanceFileRow> => {
  const rows: Array<BalanceFileRow> = []
  const seen = new Map<string, string>()
  const lines = text.replace(/^\uFEFF/u, "").split(/\r?\n/u)
  let header = false
  lines.forEach((raw, index) => {
    const line = raw.trim()
    if (line === "") return
    const fields = line.split(",").map((field) => field.trim().replace(/^"(.*)"$/u, "$1"))
    if (!header) {
      header = true
      if (fields.join(",").toLowerCase() !== "customer,currency,balance") {
        problems.push(`line ${index + 1}: the header must be customer,currency,balance, not ${line}`)
      }
      return
    }
    if (fields.length !== 3) {
      problems.push(`line ${index + 1}: expected 3 fields (customer,currency,balance), got ${fields.length}`)
      return
    }
    const row = checkRow(
      `line ${index + 1}`,
      { customer: fields[0], currency: fields[1], balance: fields[2] },
      seen,
      problems
    )
    if (row !== null) rows.push(row)
  })
  if (!header) problems.push("the file is empty (expected the header customer,currency,balance)")
  return rows
}

const parseJson = (text: string, problems: Array<string>): Array<BalanceFileRow> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    problems.push(`not valid JSON: ${(error as Error).message}`)
    return []
  }
  const entries = Array.isArray(value)
    ? value
    : typeof value === "object" && value !== null && Array.isArray((value as { balances?: unknown }).balances)
      ? (value as { balances: Array<unknown> }).balances
      : null
  if (entries === null) {
    problems.push("expected an array of {customer, currency, balance} (or {balances: [...]})")
    return []
  }
  const rows: Array<BalanceFileRow> = []
  const seen = new Map<string, string>()
  entries.forEach((entry, index) => {
    const at = `entry ${index + 1}`
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      problems.push(`${at}: expected an object {customer, currency, balance}`)
      return
    }
    const fields = entry as Record<string, unknown>
    const unknown = Object.keys(fields).filter((key) => !["customer", "currency", "balance"].includes(key))
    if (unknown.length > 0) problems.push(`${at}: unknown field(s) ${unknown.join(", ")}`)
    const customer = typeof fields.customer === "number" ? String(fields.customer) : fields.customer
    const row = checkRow(at, { customer, currency: fields.currency, balance: fields.balance }, seen, problems)
    if (row !== null) rows.push(row)
  })
  return rows
}

/** Parses a balances file (JSON when it starts with `[` or `{`, else CSV); every problem is listed. */
export const parseBalancesFile = (
  path: string,
  text: string
): { readonly file: BalancesFile } | { readonly problems: ReadonlyArray<string> } => {
  const problems: Array<string> = []
  const trimmed = text.replace(/^\uFEFF/u, "").trimStart()
  const rows =
    trimmed.startsWith("[") || trimmed.startsWith("{") ? parseJson(trimmed, problems) : parseCsv(text, problems)
  return problems.length > 0
    ? { problems: problems.map((problem) => `${path}: ${problem}`) }
    : { file: { path, rows, sign: null } }
}

/** What the run knows of a customer: by its vendor id and each alias (CRM.COM `number`, Silver `url`). */
export interface KnownCustomer {
  readonly sourceId: string
  /** Null when not read in this run (the ledger's customer currency is checked when booking). */
  readonly currency: CurrencyCode | null
}

/** Thrown when the file names a customer the vendor does not have, or in another currency: nothing of it is booked. */
export class BalancesFileError extends Error {
  override readonly name = "BalancesFileError"
}

/**
 * Resolves every row to the vendor's customer (`lookup`: by id or alias), checks its currency and
 * converts its sign; throws with every problem when a row does not fit (so nothing is booked).
 */
export const resolveBalances = (
  file: BalancesFile,
  vendorTitle: string,
  sign: BalanceSign,
  lookup: (customer: string) => KnownCustomer | null,
  vendorShows: (customerSourceId: string) => boolean
): ReadonlyArray<ResolvedBalance> => {
  const problems: Array<string> = []
  const resolved: Array<ResolvedBalance> = []
  const taken = new Map<string, string>()
  for (const row of file.rows) {
    const known = lookup(row.customer)
    if (known === null) {
      problems.push(`${row.at}: customer: ${row.customer} is not a customer read from ${vendorTitle}`)
      continue
    }
    if (known.currency !== null && known.currency !== row.currency) {
      problems.push(`${row.at}: currency: customer ${row.customer} is in ${known.currency}, not ${row.currency}`)
      continue
    }
    const other = taken.get(known.sourceId)
    if (other !== undefined) {
      problems.push(`${row.at}: customer: ${row.customer} is the customer of ${other} again`)
      continue
    }
    taken.set(known.sourceId, row.at)
    resolved.push({
      ...row,
      customerSourceId: known.sourceId,
      ledgerBalance: sign === "credit-positive" ? row.balance : negateAmount(row.balance),
      vendorShown: vendorShows(known.sourceId)
    })
  }
  if (problems.length > 0) {
    throw new BalancesFileError(`balances file ${file.path}: nothing of it booked:\n  ${problems.join("\n  ")}`)
  }
  return resolved
}

/** The source record a resolved row is booked as (after the vendor's records, under `balance/file:<customer>`). */
export const balanceFileRecord = (row: ResolvedBalance): BalanceRecord => ({
  kind: "balance",
  sourceId: `file:${row.customerSourceId}`,
  customerSourceId: row.customerSourceId,
  aliases: {},
  notes: [],
  raw: { customer: row.customer, currency: row.currency, balance: row.balance },
  balance: row.ledgerBalance,
  currency: row.currency,
  origin: "balances-file"
})

/** The stream the balances step commits under. */
export const balancesStream = "balances-file"
