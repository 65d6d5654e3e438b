/**
 * CRM.COM accounts receivable transformers: the customer an `accounts_receivable_identifier` names,
 * the invoices and bills of an accounts receivable (`invoice_identifier`, `bill_identifier`) and how
 * `invoices_to_pay_set` / `bills_to_pay_set` show them, how a payment amount is split over the
 * documents it pays, and the accounts receivable's `account_owner` (a dialect record set with
 * `defineAccountOwner`; without one the owner is the customer's name as a PERSON). An accounts
 * receivable or document migrated from CRM.COM shows its CRM.COM id and is found by it (issue 16.2).
 */
import { migratedIdOf, migratedLedgerId } from "@paybridge/adapter-kit"
import {
  type Customer,
  CustomerId,
  DialectRecords,
  type Document,
  type DocumentId,
  type DocumentKind,
  Documents,
  newPublicId,
  type Page,
  Parties,
  parseMinorUnits,
  validationFailed
} from "@paybridge/core"
import { Effect, Result, Schema } from "effect"
import { crmDateTime, crmMoney, type Identifier } from "./crm-com.schemas.ts"
import {
  dialectId,
  everyPage,
  majorText,
  midnight,
  notFoundFor,
  type Program,
  recordKinds
} from "./crm-com.transformers.ts"

/** The id an accounts receivable shows: its CRM.COM id when migrated from CRM.COM (issue 16.2), else its public id. */
export const crmAccountIdOf = (customer: Pick<Customer, "publicId" | "externalRef">): string =>
  migratedIdOf(dialectId, customer) ?? customer.publicId

/** The id an invoice or bill shows: its CRM.COM id when migrated from CRM.COM (issue 16.2), else its public id. */
export const crmDocumentIdOf = (document: Pick<Document, "publicId" | "externalRef">): string =>
  migratedIdOf(dialectId, document) ?? document.publicId

/**
 * The customer an `accounts_receivable_identifier` names (id = public id, or the CRM.COM id of an
 * accounts receivable migrated from CRM.COM; number; name).
 */
export const resolveCustomer = (identifier: Identifier<"accounts_receivable_identifier">): Program<Customer> =>
  Effect.gen(function* () {
    const parties = yield* Parties
    // The id and the number are unique keys, looked up exactly (by index); a name is searched.
    const filter =
      identifier.field === "id"
        ? { publicId: identifier.value.toUpperCase() }
        : identifier.field === "number"
          ? { number: identifier.value }
          : { search: identifier.value }
    const matches = (customer: Customer) =>
      identifier.field === "id"
        ? customer.publicId === identifier.value.toUpperCase()
        : identifier.field === "number"
          ? customer.number === identifier.value
          : customer.name === identifier.value
    let cursor: string | null = null
    do {
      const page: Page<Customer> = yield* parties.listCustomers({ cursor, limit: 1000, ...filter })
      const found = page.items.find(matches)
      if (found !== undefined) return found
      cursor = page.nextCursor
    } while (cursor !== null)
    if (identifier.field === "id") {
      // Not a ledger public id: the CRM.COM id of an accounts receivable migrated from CRM.COM.
      const migrated = yield* migratedLedgerId(dialectId, "customer", identifier.value.toUpperCase())
      if (migrated !== null) return yield* parties.getCustomer(Schema.decodeSync(CustomerId)(migrated))
    }
    return yield* notFoundFor(identifier, "accounts receivable")
  })

/**
 * The invoice or bill of `customer` an identifier names: id = public id, number, reference_number
 * = the ledger id, back_office_code = the id it was imported under from CRM.COM.
 */
export const resolveDocument = (
  customer: Customer,
  kind: DocumentKind,
  identifier: Identifier<"invoice_identifier" | "bill_identifier">
): Program<Document> =>
  Effect.gen(function* () {
    const documentsService = yield* Documents
    const documents = yield* everyPage((cursor) =>
      documentsService.listDocuments({ customerId: customer.id, kinds: [kind], cursor, limit: 1000 })
    )
    const found = documents.find((document) =>
      identifier.field === "id"
        ? document.publicId === identifier.value.toUpperCase() ||
          crmDocumentIdOf(document) === identifier.value.toUpperCase()
        : identifier.field === "number"
          ? document.number === identifier.value
          : identifier.field === "reference_number"
            ? String(document.id) === identifier.value
            : document.externalRef?.system === dialectId && document.externalRef.id === identifier.value
    )
    if (found === undefined) {
      return yield* notFoundFor(identifier, `${kind} of accounts receivable ${customer.number}`)
    }
    return found
  })

/**
 * An invoice or bill as `invoices_to_pay_set` / `bills_to_pay_set` show it: issued and posted at
 * once (issued_on = the issue date, posted_on = when it was recorded), `reference_number` = the
 * ledger id, CANCELLED once cancelled.
 */
export const documentToPay = (document: Document) => ({
  total_amount: crmMoney.format(document.total, document.currency),
  issued_on: midnight(document.issueDate),
  life_cycle_state: document.state === "cancelled" ? ("CANCELLED" as const) : ("POSTED" as const),
  number: document.number,
  due_on: document.dueDate === null ? null : midnight(document.dueDate),
  id: crmDocumentIdOf(document),
  outstanding_amount: crmMoney.format(document.outstanding, document.currency),
  reference_number: String(document.id),
  posted_on: crmDateTime.format(document.createdAt)
})

/** Splits a payment over the invoices and bills it pays, in the order given, each up to what it owes. */
export const allocationsFor = (
  customer: Customer,
  amountText: string,
  documents: ReadonlyArray<{ readonly id: DocumentId; readonly outstanding: bigint }>
) =>
  Effect.gen(function* () {
    const parsed = parseMinorUnits(amountText, customer.currency)
    if (Result.isFailure(parsed)) return yield* validationFailed(["payment_amount"], parsed.failure.message)
    let remaining = parsed.success
    const left = new Map<DocumentId, bigint>()
    const allocations: Array<{ documentId: DocumentId; amount: string }> = []
    for (const document of documents) {
      const owed = left.get(document.id) ?? document.outstanding
      // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers only)
      const take = owed < remaining ? owed : remaining
      if (take <= 0n) continue
      allocations.push({ documentId: document.id, amount: majorText(take, customer) })
      left.set(document.id, owed - take)
      remaining -= take
    }
    return allocations
  })

/** The account owner shown when none is configured: the customer's name as a PERSON. */
export const defaultOwner = (customer: Customer) => ({
  last_name: null,
  middle_name: null,
  company_profile: null,
  type: "PERSON",
  first_name: null,
  name: customer.name,
  id: crmAccountIdOf(customer),
  company_name: null,
  demographics: null
})

/**
 * Sets the `account_owner` object shown for a customer's accounts receivable (CRM.COM contact
 * details: names, type, demographics…), kept verbatim; it gets a fresh 32-hex `id` when it has none.
 */
export const defineAccountOwner = (
  customer: { readonly id: CustomerId; readonly publicId: string },
  owner: Readonly<Record<string, unknown>>
) =>
  Effect.flatMap(DialectRecords, (dialectRecords) =>
    dialectRecords.saveDialectRecord({
      dialect: dialectId,
      kind: recordKinds.accountOwner,
      key: customer.publicId,
      customerId: customer.id,
      data: { ...owner, id: typeof owner.id === "string" ? owner.id : newPublicId() }
    })
  )
