/**
 * Silver's wire records → normalised source records. A Silver payment carries its customer,
 * provider, invoice and proforma as absolute hyperlinks; ids are read from the links' paths. A
 * provider is a billing entity (its series, address and meta kept as the Silver dialect keeps them);
 * payments and documents name theirs. The
 * status table is Silver's FSM read as the ledger's states (unpaid → draft, pending → pending,
 * paid → posted, canceled → cancelled). Silver shows no reversal: a payment reversed in full shows
 * `canceled` with its original amount, a partly reversed one `paid` with the amount that stands, so
 * both are noted as lossy views. Invoices and proformas keep separate id sequences, so a document's
 * source id is `invoice:<id>` or `proforma:<id>`.
 */

import type { CurrencyCode } from "@paybridge/core"
import type { ExactJson } from "../../http/exact-json.ts"
import {
  amountOf,
  type BillingEntityRecord,
  businessDateOf,
  type CustomerRecord,
  currencyOf,
  type DocumentRecord,
  idOf,
  optionalAmountOf,
  type PaymentRecord,
  SourceFormatError,
  type SourcePaymentState,
  textOf
} from "../source-model.ts"

type Row = { readonly [key: string]: ExactJson }

const statusTable: Readonly<Record<string, SourcePaymentState>> = {
  unpaid: "draft",
  pending: "pending",
  paid: "posted",
  canceled: "cancelled"
}

/** The id at the end of a Silver hyperlink (`…/customers/7/` → `7`), or null for null. */
export const linkId = (link: unknown, resource: string): string | null => {
  if (link === null || link === undefined) return null
  if (typeof link !== "string") throw new SourceFormatError(`not a ${resource} link: ${JSON.stringify(link)}`)
  const match = new RegExp(`/${resource}/(\\d+)/?$`, "u").exec(new URL(link, "http://x").pathname)
  if (match?.[1] === undefined) throw new SourceFormatError(`not a ${resource} link: ${link}`)
  return match[1]
}

/**
 * The kind of the Silver dialect's own record of a provider (what the ledger's billing entity has no
 * field for: series, starting numbers, address, meta), keyed by the billing entity's ledger id.
 */
export const silverProviderDetailsKind = "provider-details"

/** Provider fields the ledger's billing entity keeps itself (or that name the provider). */
const providerOwnFields = new Set(["id", "url", "name", "flow", "payment_processors"])

/** A Silver provider (`GET providers/`) → a billing entity, the rest of its fields as the dialect keeps them. */
export const silverProviderRecord = (row: Row): BillingEntityRecord => {
  const id = idOf(row.id, "provider id")
  const name = textOf(row.name)
  if (name === null) throw new SourceFormatError(`provider ${id} has no name`)
  return {
    kind: "billing-entity",
    sourceId: id,
    customerSourceId: "",
    aliases: typeof row.url === "string" ? { url: row.url } : {},
    notes: [],
    raw: row,
    name,
    email: textOf(row.display_email),
    flow: row.flow === "proforma" || row.flow === "invoice" ? row.flow : null,
    dialectRecord: {
      kind: silverProviderDetailsKind,
      data: Object.fromEntries(Object.entries(row).filter(([field]) => !providerOwnFields.has(field)))
    }
  }
}

export const silverCustomerRecord = (row: Row, currency: CurrencyCode | null): CustomerRecord => {
  const emails = Array.isArray(row.emails) ? row.emails : []
  return {
    kind: "customer",
    sourceId: idOf(row.id, "customer id"),
    customerSourceId: idOf(row.id, "customer id"),
    aliases: typeof row.url === "string" ? { url: row.url } : {},
    notes: [],
    raw: row,
    name: textOf(row.name),
    number: textOf(row.customer_reference),
    email: textOf(emails[0]),
    currency,
    creditLimit: null
  }
}

/** The Silver dialect's record of a migrated document (keyed by the ledger document id): what Silver showed of it. */
export const silverMigratedDocumentKind = "migrated-document"

export const silverDocumentRecord = (row: Row, documentKind: "invoice" | "proforma"): DocumentRecord => {
  const id = idOf(row.id, `${documentKind} id`)
  const customer = linkId(row.customer, "customers")
  if (customer === null) throw new SourceFormatError(`${documentKind} ${id} has no customer`)
  const paidDate = businessDateOf(row.paid_date)
  return {
    kind: "document",
    sourceId: `${documentKind}:${id}`,
    customerSourceId: customer,
    aliases: {
      id,
      ...(typeof row.number === "number" || typeof row.number === "string" ? { number: String(row.number) } : {})
    },
    notes: [],
    raw: row,
    documentKind,
    number: textOf(row.number),
    currency: currencyOf(row.currency),
    total: optionalAmountOf(row.total, `${documentKind} ${id} total`),
    outstanding: null,
    issueDate: businessDateOf(row.issue_date),
    dueDate: businessDateOf(row.due_date),
    vendorState: textOf(row.state),
    billingEntitySourceId: linkId(row.provider, "providers"),
    // The day Silver shows it paid: the ledger document is paid when the migration books the allocation.
    ...(paidDate === null
      ? {}
      : { dialectAttributes: { kind: silverMigratedDocumentKind, data: { paid_date: paidDate } } })
  }
}

/** Where Silver's ids for the `unpaid` rows of open documents start (`1000000000000 + document id`). */
export const silverDocumentDueIdBase = 1_000_000_000_000n

/** An open invoice's or proforma's `unpaid` row (what it still asks), not a payment. */
export const isDocumentDueRow = (row: Row): boolean => {
  const id = idOf(row.id, "payment id")
  return row.status === "unpaid" && /^\d+$/u.test(id) && BigInt(id) >= silverDocumentDueIdBase
}

export const silverPaymentRecord = (row: Row): PaymentRecord => {
  const id = idOf(row.id, "payment id")
  const customer = linkId(row.customer, "customers")
  if (customer === null) throw new SourceFormatError(`payment ${id} has no customer`)
  const status = textOf(row.status) ?? ""
  const state = statusTable[status]
  if (state === undefined) throw new SourceFormatError(`payment ${id}: unknown Silver status ${JSON.stringify(status)}`)
  const invoice = linkId(row.invoice, "invoices")
  const proforma = linkId(row.proforma, "proformas")
  const notes: Array<string> = []
  if (state === "cancelled")
    notes.push("Silver shows a fully reversed payment as canceled: the view cannot tell them apart")
  if (state === "posted") notes.push("Silver shows a partly reversed payment as paid with the amount that stands")
  return {
    kind: "payment",
    sourceId: id,
    customerSourceId: customer,
    aliases: typeof row.url === "string" ? { url: row.url } : {},
    notes,
    raw: row,
    amount: amountOf(row.amount, `payment ${id} amount`),
    currency: currencyOf(row.currency),
    state,
    vendorState: status,
    paymentDate: null,
    postedDate: null,
    method: null,
    type: null,
    reference: null,
    description: null,
    // Silver links a payment to the document it pays (invoice first, else proforma) without an amount.
    allocations:
      invoice !== null
        ? [{ documentSourceId: `invoice:${invoice}`, amount: null, allocationSourceId: null }]
        : proforma !== null
          ? [{ documentSourceId: `proforma:${proforma}`, amount: null, allocationSourceId: null }]
          : [],
    reversedAmount: null,
    billingEntitySourceId: linkId(row.provider, "providers")
  }
}

/** The documents a Silver payment links to, as `[kind, id, url]`. */
export const silverDocumentLinks = (row: Row): ReadonlyArray<readonly ["invoice" | "proforma", string, string]> => {
  const links: Array<readonly ["invoice" | "proforma", string, string]> = []
  const invoice = linkId(row.invoice, "invoices")
  const proforma = linkId(row.proforma, "proformas")
  if (invoice !== null && typeof row.invoice === "string") links.push(["invoice", invoice, row.invoice])
  if (proforma !== null && typeof row.proforma === "string") links.push(["proforma", proforma, row.proforma])
  return links
}
