/**
 * Case-insensitive search that behaves the same on SQLite and PostgreSQL, whatever the server's
 * locale. Neither database folds case the same way (SQLite's `lower()` knows only ASCII;
 * PostgreSQL's depends on the database collation, and under the C locale leaves `É` alone), so the
 * folding happens here, in JavaScript: customers and payments carry a `search_text` column holding
 * their searchable fields folded by {@link foldForSearch} and joined by U+001F, written with every
 * insert and update (the mappers call {@link customerSearchText} / {@link paymentSearchText}), and
 * a search looks for the folded needle in it with `instr` / `strpos` (no LIKE: `%` and `_` are literal).
 *
 * Folding: Unicode NFC, then full case mapping to lower, upper and lower case again (`ß` and `ẞ`
 * → `ss`, `ﬁ` → `fi`), final sigma `ς` as `σ`, and the Turkish dotted capital `İ` and dotless `ı` as `i`,
 * so "école müller" finds "ÉCOLE Müller", "strasse" finds "Straße", "οδοσ" finds "ΟΔΟΣ" and
 * "istanbul" finds "İSTANBUL". U+001F inside a field becomes a space, so a needle never matches
 * across two fields. Changing the folding needs a migration that recomputes `search_text`.
 */

const separator = "\u001f"

/** The search form of `text` (see the module comment). */
export const foldForSearch = (text: string): string =>
  text
    .normalize("NFC")
    .replaceAll(separator, " ")
    .toLowerCase()
    .toUpperCase()
    .toLowerCase()
    .replaceAll("ς", "σ")
    .replaceAll("i\u0307", "i")
    .normalize("NFC")

/** The `search_text` of a row: its non-null fields folded, joined by U+001F. */
export const searchTextOf = (fields: ReadonlyArray<string | null | undefined>): string =>
  fields
    .filter((field): field is string => field !== null && field !== undefined)
    .map(foldForSearch)
    .join(separator)

/** The columns a customer search looks in, in the order they are joined. */
export const customerSearchColumns = ["name", "number", "email"] as const

/** The columns a payment list's text search looks in (references, numbers, gateway reference, description). */
export const paymentSearchColumns = [
  "reference_number",
  "number",
  "gateway_reference",
  "reference",
  "customer_reference",
  "third_party_reference",
  "check_number",
  "description"
] as const

/** A customer's `search_text`: its {@link customerSearchColumns}. */
export const customerSearchText = (customer: {
  readonly name: string
  readonly number: string
  readonly email: string | null
}): string => searchTextOf([customer.name, customer.number, customer.email])

/** A payment's `search_text`: its {@link paymentSearchColumns}. */
export const paymentSearchText = (payment: {
  readonly referenceNumber: string
  readonly number: string | null
  readonly gatewayReference: string | null
  readonly references: {
    readonly reference: string | null
    readonly customerReference: string | null
    readonly thirdPartyReference: string | null
    readonly checkNumber: string | null
    readonly description: string | null
  }
}): string =>
  // In the order of paymentSearchColumns.
  searchTextOf([
    payment.referenceNumber,
    payment.number,
    payment.gatewayReference,
    payment.references.reference,
    payment.references.customerReference,
    payment.references.thirdPartyReference,
    payment.references.checkNumber,
    payment.references.description
  ])
