/**
 * The reconciliation report (issue 16.4): per customer and currency, what the source shows and
 * what the ledger holds — payments (count, posted sum), reversals (count, sum), refunds (count,
 * sum of those not cancelled or failed; the ledger's refunds counted per source refund they were
 * booked for, so one refund drawn from several payments counts once), documents' outstanding
 * amounts and the balance — with
 * every difference listed. "At the source" is the normalised records as last booked (each
 * `migrated` record keeps its source record), so the report covers every run, not only the last;
 * "in Paybridge" is read through the ledger's services. A figure the vendor does not show (no
 * balance, no document outstanding, a reversal without its amount counted as the whole rest) is
 * compared only as far as it is shown; the operator's balances file (`--balances`), where given, is
 * the source's balance of each customer it lists. Records the ledger refused, and what it could not book
 * (`skipped`), are listed too: both count as differences.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
import {
  type CurrencyCode,
  CustomerId,
  type Document,
  Documents,
  formatMinorUnits,
  isVoidRefundState,
  type Page,
  Parties,
  type Payment,
  Payments,
  type Refund,
  Refunds
} from "@paybridge/core"
import { Effect, Schema } from "effect"
import { type Amount, minorUnits, type VendorId } from "../sources/source-model.ts"
import { listMigrated, type Migrated } from "./migrated-records.ts"

export interface Figures {
  readonly payments: number
  /** Sum of posted payments (minor units, as text). */
  readonly postedSum: string
  readonly reversals: number
  readonly reversedSum: string
  readonly refunds: number
  readonly refundedSum: string
  /** Null where the source does not show it. */
  readonly outstanding: string | null
  readonly balance: string | null
}

export interface CustomerReconciliation {
  readonly customerSourceId: string
  readonly customerId: number | null
  readonly currency: CurrencyCode | null
  readonly source: Figures
  readonly paybridge: Figures
}

export interface Difference {
  readonly customerSourceId: string
  readonly currency: CurrencyCode | null
  readonly field: string
  readonly source: string | null
  readonly paybridge: string | null
}

export interface ReconciliationReport {
  readonly vendor: VendorId
  readonly runId: string
  readonly createdAt: string
  readonly customers: ReadonlyArray<CustomerReconciliation>
  readonly differences: ReadonlyArray<Difference>
  /** Records not booked (refused) or booked only in part (skipped), with the reason. */
  readonly unbooked: ReadonlyArray<{ readonly key: string; readonly reason: string }>
  readonly matched: boolean
}

const customerId = Schema.decodeSync(CustomerId)

interface Tally {
  payments: number
  posted: bigint
  reversals: number
  reversed: bigint
  refunds: number
  refunded: bigint
  outstanding: bigint | null
  balance: bigint | null
}

const emptyTally = (): Tally => ({
  payments: 0,
  posted: 0n,
  reversals: 0,
  reversed: 0n,
  refunds: 0,
  refunded: 0n,
  outstanding: null,
  balance: null
})

const figuresOf = (tally: Tally, currency: CurrencyCode | null): Figures => {
  const text = (minor: bigint) => (currency === null ? minor.toString() : formatMinorUnits(minor, currency))
  return {
    payments: tally.payments,
    postedSum: text(tally.posted),
    reversals: tally.reversals,
    reversedSum: text(tally.reversed),
    refunds: tally.refunds,
    refundedSum: text(tally.refunded),
    outstanding: tally.outstanding === null ? null : text(tally.outstanding),
    balance: tally.balance === null ? null : text(tally.balance)
  }
}

const all = <A, E, R>(page: (cursor: string | null) => Effect.Effect<Page<A>, E, R>) =>
  Effect.gen(function* () {
    const items: Array<A> = []
    let cursor: string | null = null
    do {
      const result: Page<A> = yield* page(cursor)
      items.push(...result.items)
      cursor = result.nextCursor
    } while (cursor !== null)
    return items
  })

const amount = (value: unknown, currency: CurrencyCode | null): bigint | null =>
  typeof value === "string" && currency !== null ? minorUnits(value as Amount, currency) : null

/** What the source shows per customer, from the `migrated` records' source records. */
const sourceTallies = (migrated: ReadonlyArray<Migrated>, currencies: ReadonlyMap<string, CurrencyCode | null>) => {
  const tallies = new Map<string, Tally>()
  const tallyOf = (customer: string) => {
    const existing = tallies.get(customer)
    if (existing !== undefined) return existing
    const created = emptyTally()
    tallies.set(customer, created)
    return created
  }
  const paymentAmounts = new Map<string, bigint>()
  for (const record of migrated) {
    const source = record.data.source as Readonly<Record<string, unknown>>
    if (source.kind === "customer") tallyOf(String(source.sourceId))
    const customer = String(source.customerSourceId ?? source.sourceId)
    const currency =
      (typeof source.currency === "string" ? (source.currency as CurrencyCode) : null) ??
      currencies.get(customer) ??
      null
    if (source.kind === "payment") {
      const minor = amount(source.amount, currency) ?? 0n
      paymentAmounts.set(String(source.sourceId), minor)
      const tally = tallyOf(customer)
      tally.payments++
      if (source.state === "posted") tally.posted += minor
    }
  }
  for (const record of migrated) {
    const source = record.data.source as Readonly<Record<string, unknown>>
    // A billing entity is no customer's.
    if (source.kind === "billing-entity") continue
    const customer = String(source.customerSourceId ?? source.sourceId)
    const currency =
      (typeof source.currency === "string" ? (source.currency as CurrencyCode) : null) ??
      currencies.get(customer) ??
      null
    const tally = tallyOf(customer)
    // A reversal reinstated at the source (its payment's row shows it no longer stands) counts nowhere.
    if (source.kind === "reversal" && record.data.reinstated === true) continue
    if (source.kind === "reversal") {
      tally.reversals++
      // No amount shown: the whole amount left of the payment (what the ledger books).
      tally.reversed += amount(source.amount, currency) ?? paymentAmounts.get(String(source.paymentSourceId)) ?? 0n
    } else if (source.kind === "reinstatement") {
      // A reversal undone: the ledger counts only the active ones.
      tally.reversals--
      tally.reversed -= amount(source.amount, currency) ?? 0n
    } else if (source.kind === "refund" && !isVoidRefundState(source.state as Refund["state"])) {
      tally.refunds++
      tally.refunded += amount(source.amount, currency) ?? 0n
    } else if (source.kind === "document" && source.outstanding !== null && source.outstanding !== undefined) {
      tally.outstanding = (tally.outstanding ?? 0n) + (amount(source.outstanding, currency) ?? 0n)
    } else if (source.kind === "balance") {
      tally.balance = amount(source.balance, currency)
    }
  }
  return tallies
}

/**
 * Ledger refund id → the source refund (`migrated` record key) it was booked for. A refund the vendor
 * shows without its payment is booked from the customer's credit, which the ledger may draw from
 * several payments (`ledgerIds`): those ledger refunds are one refund at the source.
 */
const sourceRefundsByLedgerId = (migrated: ReadonlyArray<Migrated>): ReadonlyMap<number, string> => {
  const byLedgerId = new Map<number, string>()
  for (const record of migrated) {
    if (record.data.ledgerKind !== "refund") continue
    const ids = record.data.ledgerIds ?? (record.data.ledgerId === null ? [] : [record.data.ledgerId])
    for (const id of ids) byLedgerId.set(id, record.key)
  }
  return byLedgerId
}

/** Builds the report from the ledger: every customer migrated from `vendor`. */
/** A customer's balance from the operator's balances file (the ledger's sign): the source balance compared. */
export interface FileBalance {
  readonly customerSourceId: string
  readonly ledgerBalance: Amount
}

export const reconcile = (
  vendor: VendorId,
  runId: string,
  refusals: ReadonlyMap<string, string> = new Map(),
  fileBalances: ReadonlyArray<FileBalance> = []
) =>
  Effect.gen(function* () {
    const parties = yield* Parties
    const payments = yield* Payments
    const refunds = yield* Refunds
    const documents = yield* Documents
    const migrated = yield* listMigrated(vendor)
    const customers = migrated.filter((record) => record.key.startsWith("customer/") && record.data.ledgerId !== null)
    const currencies = new Map<string, CurrencyCode | null>()
    const ledgerCustomers = new Map<string, number>()
    for (const record of customers) {
      const id = record.key.slice("customer/".length)
      const customer = yield* parties.getCustomer(customerId(record.data.ledgerId ?? 0))
      currencies.set(id, customer.currency)
      ledgerCustomers.set(id, customer.id)
    }
    const fromSource = sourceTallies(migrated, currencies)
    // The balances file is the source's balance where given (Elevate's shown balance must agree with it).
    for (const row of fileBalances) {
      const tally = fromSource.get(row.customerSourceId) ?? emptyTally()
      fromSource.set(row.customerSourceId, tally)
      tally.balance = amount(row.ledgerBalance, currencies.get(row.customerSourceId) ?? null)
    }
    const sourceRefundOf = sourceRefundsByLedgerId(migrated)
    const rows: Array<CustomerReconciliation> = []
    const differences: Array<Difference> = []
    for (const [customerSourceId, sourceTally] of fromSource) {
      const currency = currencies.get(customerSourceId) ?? null
      const ledgerId = ledgerCustomers.get(customerSourceId) ?? null
      const tally = emptyTally()
      if (ledgerId !== null) {
        const id = customerId(ledgerId)
        const customer = yield* parties.getCustomer(id)
        const booked: ReadonlyArray<Payment> = (yield* all((cursor) =>
          payments.listPayments({ customerId: id, cursor, limit: 1000, order: "id" })
        )).filter((payment) => payment.externalRef?.system === vendor)
        for (const payment of booked) {
          tally.payments++
          if (payment.state === "posted") tally.posted += payment.amount
          if (payment.reversedAmount > 0n) {
            const detail = yield* payments.getPayment({ id: payment.id })
            const active = detail.reversals.filter((reversal) => reversal.reinstatedAt === null)
            tally.reversals += active.length
            tally.reversed += payment.reversedAmount
          }
        }
        const refundList: ReadonlyArray<Refund> = yield* all((cursor) =>
          refunds.listRefunds({ customerId: id, cursor, limit: 1000 })
        )
        // One refund at the source is one refund here, however many the ledger drew it from.
        const countedSourceRefunds = new Set<string>()
        for (const refund of refundList) {
          if (isVoidRefundState(refund.state)) continue
          tally.refunded += refund.amount
          const sourceRefund = sourceRefundOf.get(refund.id)
          if (sourceRefund === undefined) tally.refunds++
          else if (!countedSourceRefunds.has(sourceRefund)) {
            countedSourceRefunds.add(sourceRefund)
            tally.refunds++
          }
        }
        if (sourceTally.outstanding !== null) {
          const documentList: ReadonlyArray<Document> = yield* all((cursor) =>
            documents.listDocuments({ customerId: id, cursor, limit: 1000 })
          )
          tally.outstanding = documentList
            .filter((document) => document.externalRef?.system === vendor && document.state !== "cancelled")
            .reduce((sum, document) => sum + document.outstanding, 0n)
        }
        if (sourceTally.balance !== null) tally.balance = customer.balance
      }
      const row: CustomerReconciliation = {
        customerSourceId,
        customerId: ledgerId,
        currency,
        source: figuresOf(sourceTally, currency),
        paybridge: figuresOf(tally, currency)
      }
      rows.push(row)
      for (const field of Object.keys(row.source) as Array<keyof Figures>) {
        const at = row.source[field]
        const pb = row.paybridge[field]
        if (at === null) continue
        if (String(at) !== String(pb)) {
          differences.push({
            customerSourceId,
            currency,
            field,
            source: String(at),
            paybridge: pb === null ? null : String(pb)
          })
        }
      }
    }
    const unbooked = [
      ...[...refusals].map(([key, reason]) => ({ key, reason: `refused: ${reason}` })),
      ...migrated
        .filter((record) => typeof record.data.skipped === "string" && record.data.skipped !== "")
        .map((record) => ({ key: record.key, reason: String(record.data.skipped) }))
    ]
    const refused = unbooked.filter((entry) => entry.reason.startsWith("refused"))
    return {
      vendor,
      runId,
      createdAt: new Date().toISOString(),
      customers: rows.sort((a, b) => a.customerSourceId.localeCompare(b.customerSourceId, "en", { numeric: true })),
      differences,
      unbooked,
      matched: differences.length === 0 && refused.length === 0
    } satisfies ReconciliationReport
  })

const cell = (value: string | number | null) => (value === null ? "—" : String(value))

/** The report as Markdown: the verdict, the differences, what was not booked, the figures per customer. */
export const reconciliationMarkdown = (report: ReconciliationReport): string => {
  const lines = [
    `# Reconciliation: ${report.vendor} → Paybridge`,
    "",
    `Run ${report.runId}, ${report.createdAt}. ${report.customers.length} customer(s); ` +
      (report.matched ? "**everything matches.**" : `**${report.differences.length} difference(s).**`),
    ""
  ]
  if (report.differences.length > 0) {
    lines.push(
      "## Differences",
      "",
      "| Customer | Currency | Figure | Source | Paybridge |",
      "| --- | --- | --- | ---: | ---: |"
    )
    for (const d of report.differences) {
      lines.push(
        `| ${d.customerSourceId} | ${cell(d.currency)} | ${d.field} | ${cell(d.source)} | ${cell(d.paybridge)} |`
      )
    }
    lines.push("")
  }
  if (report.unbooked.length > 0) {
    lines.push("## Not booked, or booked in part", "", "| Record | Why |", "| --- | --- |")
    for (const entry of report.unbooked) lines.push(`| ${entry.key} | ${entry.reason.replaceAll("|", "\\|")} |`)
    lines.push("")
  }
  lines.push(
    "## Per customer (source / Paybridge)",
    "",
    "| Customer | Currency | Payments | Posted | Reversals | Reversed | Refunds | Refunded | Outstanding | Balance |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  )
  for (const row of report.customers) {
    const pair = (field: keyof Figures) => `${cell(row.source[field])} / ${cell(row.paybridge[field])}`
    lines.push(
      `| ${row.customerSourceId} | ${cell(row.currency)} | ${pair("payments")} | ${pair("postedSum")} | ${pair("reversals")} | ` +
        `${pair("reversedSum")} | ${pair("refunds")} | ${pair("refundedSum")} | ${pair("outstanding")} | ${pair("balance")} |`
    )
  }
  return `${lines.join("\n")}\n`
}

/** Writes `<path>.md` and `<path>.json`. */
export const writeReconciliation = async (path: string, report: ReconciliationReport): Promise<void> => {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(`${path}.md`, reconciliationMarkdown(report))
  await writeFile(`${path}.json`, `${JSON.stringify(report, null, 2)}\n`)
}
