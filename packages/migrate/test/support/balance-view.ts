/**
 * What each vendor's API shows of a source customer's balance (README "Customer balances"). Elevate
 * shows the balance itself (`customer-balances`), and the migration brings it over exactly. The other
 * four show no balance and only part of what moved it: payments, reversals, some refunds and some
 * documents, never a balance adjustment. So B's balance is A's minus exactly what the vendor does
 * not show, and the tests assert that to the minor unit: every movement the vendor shows is booked,
 * and nothing else. What is not shown is read from A's own balance chain (`balances.entries`: each
 * entry's kind, and the documents' issue and cancel entries by document).
 */
import type { PaybridgeClient } from "@paybridge/client"
import { type CurrencyCode, formatMinorUnits } from "@paybridge/core"
import { type BalancesFile, parseBalancesFile } from "../../src/import/balances-file.ts"
import type { BalanceSign, VendorId } from "../../src/sources/source-model.ts"
import { vendors } from "../../src/sources/vendors.ts"
import type { LedgerTruth } from "./ledger-truth.ts"

/** A source customer's balance movements as B could know them. */
export interface BalanceParts {
  /** Sum of A's balance entries per entry kind (signed minor units). */
  readonly byKind: Readonly<Record<string, bigint>>
  /** A's documents of the customer, with what their issue and cancel entries moved (signed). */
  readonly documents: ReadonlyArray<{
    readonly kind: string
    readonly total: bigint
    readonly allocated: bigint
    readonly delta: bigint
  }>
}

const kindSum = (parts: BalanceParts, ...kinds: ReadonlyArray<string>) =>
  kinds.reduce((sum, kind) => sum + (parts.byKind[kind] ?? 0n), 0n)

const documentsSum = (parts: BalanceParts, notShown: (document: BalanceParts["documents"][number]) => bigint) =>
  parts.documents.reduce((sum, document) => sum + notShown(document), 0n)

/**
 * Per vendor: what of A's balance its API does not show (signed minor units); B's balance is A's
 * minus this. Balance adjustments show only in Elevate's balance movements.
 */
export const balanceNotShown: Readonly<Record<VendorId, (parts: BalanceParts) => bigint>> = {
  elevate: () => 0n,
  // Payments, reversals and refund rows (`R<n>`); no document, no adjustment.
  "billing-platform-uk": (parts) => kindSum(parts, "adjustment") + documentsSum(parts, (document) => document.delta),
  // Payments and the documents they pay (`invoices_to_pay_set` / `bills_to_pay_set`, with their totals); no
  // document no payment pays, no refund, no adjustment.
  "crm-com": (parts) =>
    kindSum(parts, "adjustment", "refund", "refund-voided") +
    documentsSum(parts, (document) => (document.allocated === 0n ? document.delta : 0n)),
  // Posted payments and their reversals; of a document only what disbursements paid (`invoiceAmount`), no total;
  // no refund, no adjustment.
  logisense: (parts) =>
    kindSum(parts, "adjustment", "refund", "refund-voided") +
    documentsSum(parts, (document) => (document.kind === "proforma" ? 0n : document.delta + document.allocated)),
  // Payments and their invoices and proformas (linked, or open with their unpaid row); Silver has no bills, no
  // refunds, no adjustments.
  silver: (parts) =>
    kindSum(parts, "adjustment", "refund", "refund-voided") +
    documentsSum(parts, (document) => (document.kind === "bill" ? document.delta : 0n))
}

/** A's balance parts per customer id, read from A's balance chains. */
export const readBalanceParts = async (
  client: PaybridgeClient,
  truth: Pick<LedgerTruth, "customers" | "documents">
): Promise<ReadonlyMap<number, BalanceParts>> => {
  const parts = new Map<number, BalanceParts>()
  for (const customer of truth.customers) {
    const byKind: Record<string, bigint> = {}
    const byDocument = new Map<number, bigint>()
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<typeof client.balances.entries.query>> = await client.balances.entries.query({
        customerId: customer.id,
        cursor,
        limit: 1000
      })
      for (const entry of page.items) {
        byKind[entry.kind] = (byKind[entry.kind] ?? 0n) + BigInt(entry.delta)
        if (entry.documentId !== null && (entry.kind === "document-issued" || entry.kind === "document-cancelled"))
          byDocument.set(entry.documentId, (byDocument.get(entry.documentId) ?? 0n) + BigInt(entry.delta))
      }
      cursor = page.nextCursor
    } while (cursor !== null)
    parts.set(customer.id, {
      byKind,
      documents: truth.documents
        .filter((document) => document.customerId === customer.id)
        .map((document) => ({
          kind: document.kind,
          total: BigInt(document.total),
          allocated: BigInt(document.allocated),
          delta: byDocument.get(document.id) ?? 0n
        }))
    })
  }
  return parts
}

/** The key a vendor's migrated customer record has for a source customer: its id, number or public id. */
export const sourceKeysOf = (customer: LedgerTruth["customers"][number]): ReadonlyArray<string> => [
  String(customer.id),
  customer.number,
  customer.publicId
]

/**
 * The balances file a finance team exports from the vendor (`--balances`), as CSV: every source
 * customer's balance under the id the vendor's clients use (CRM.COM's account number, the others'
 * customer id), signed as the vendor shows it (`vendors.ts` `balanceSign`) or as `sign` says;
 * `adjust` moves chosen customers' values.
 */
export const balancesCsvOf = (
  vendor: VendorId,
  customers: ReadonlyArray<LedgerTruth["customers"][number]>,
  adjust: (customer: LedgerTruth["customers"][number]) => bigint = () => 0n,
  sign: BalanceSign = vendors[vendor].balanceSign
): string => {
  const rows: Array<string> = ["customer,currency,balance"]
  for (const customer of customers) {
    const currency = customer.currency as CurrencyCode
    const balance = BigInt(customer.balance) + adjust(customer)
    const shown = sign === "credit-positive" ? balance : -balance
    rows.push(
      `${vendor === "crm-com" ? customer.number : customer.id},${currency},${formatMinorUnits(shown, currency)}`
    )
  }
  return `${rows.join("\n")}\n`
}

/** {@link balancesCsvOf}, parsed as `--balances` parses it (with `--balance-sign <sign>` when `sign` is given). */
export const balancesFileOf = (
  vendor: VendorId,
  customers: ReadonlyArray<LedgerTruth["customers"][number]>,
  adjust?: (customer: LedgerTruth["customers"][number]) => bigint,
  sign?: BalanceSign
): BalancesFile => {
  const parsed = parseBalancesFile(`${vendor}-balances.csv`, balancesCsvOf(vendor, customers, adjust, sign))
  if ("problems" in parsed) throw new Error(parsed.problems.join("\n"))
  return { ...parsed.file, sign: sign ?? null }
}
