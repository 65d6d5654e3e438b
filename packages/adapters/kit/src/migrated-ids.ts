/**
 * Vendor ids of migrated objects (issue 16.2). `pnpm migrate` books a vendor's payments under the
 * external ref `{ system: <dialect id>, id: <the vendor's id> }`; a dialect shows such a payment
 * under that vendor id and finds it again by it, so a client that stored the old vendor's ids keeps
 * working after cutover. Each dialect decides which of its ids this applies to (a LogiSense
 * identity, an Elevate customer payment id, a Silver payment URL …); these are the two generic
 * steps: the id a payment is shown under, and the payment an id names — the migrated one first,
 * then the ledger's own (a payment migrated from this vendor is never found by its ledger id, so
 * it has exactly one id on this dialect).
 */
import {
  type Customer,
  DialectRecords,
  NotFound,
  type Payment,
  type PaymentId,
  Payments,
  type PaymentViewInclude
} from "@paybridge/core"
import { Effect } from "effect"

/** The vendor id a payment was migrated under from `dialect`, or null for the ledger's own payments. */
export const migratedIdOf = (dialect: string, record: Pick<Payment, "externalRef">): string | null =>
  record.externalRef !== null && record.externalRef.system === dialect ? record.externalRef.id : null

/** A numeric vendor id (LogiSense, Elevate, Silver, Billing Platform (UK)): the migrated id when numeric, else the ledger id. */
export const shownNumericId = (dialect: string, record: Pick<Payment, "id" | "externalRef">): number => {
  const migrated = migratedIdOf(dialect, record)
  return migrated !== null && /^\d{1,15}$/u.test(migrated) ? Number(migrated) : record.id
}

/**
 * The payment `vendorId` names on `dialect`: the payment migrated under it, else the ledger's
 * payment `nativeId` (null: the id cannot be a ledger id) unless that one was migrated from this
 * vendor (it is known under its vendor id) — with what `include` names, all in one store read.
 */
export const paymentViewByVendorId = (
  dialect: string,
  vendorId: string,
  nativeId: PaymentId | null,
  include: PaymentViewInclude = {}
) =>
  Effect.flatMap(Payments, (payments) =>
    payments
      .viewPayment({ vendorId: { system: dialect, id: vendorId, nativeId } }, include)
      .pipe(
        Effect.catchTag("NotFound", () =>
          Effect.fail(new NotFound({ entity: "payment", id: vendorId, message: `no payment ${vendorId}` }))
        )
      )
  )

/** `paymentViewByVendorId`'s payment detail alone. */
export const paymentByVendorId = (dialect: string, vendorId: string, nativeId: PaymentId | null) =>
  Effect.map(paymentViewByVendorId(dialect, vendorId, nativeId), (view) => view.detail)

/** The payment `vendorId` names (as `paymentViewByVendorId`) alone: its children are not read (none shown). */
export const paymentAloneByVendorId = (dialect: string, vendorId: string, nativeId: PaymentId | null) =>
  Effect.map(paymentViewByVendorId(dialect, vendorId, nativeId, { children: false }), (view) => view.detail.payment)

/**
 * The `migrated` dialect record key `pnpm migrate` keeps per source record in the vendor's own
 * dialect namespace (`{ dialect: <vendor>, kind: "migrated", key: "<kind>/<vendor id>" }`, data
 * `{ ledgerId, … }`): how a dialect finds what has no external-ref lookup (customers by vendor id).
 */
export const migratedRecordKind = "migrated"

/** The ledger id of the object migrated from `dialect` under `kind/vendorId`, or null. */
export const migratedLedgerId = (dialect: string, kind: string, vendorId: string) =>
  Effect.flatMap(DialectRecords, (records) =>
    records.getDialectRecord({ dialect, kind: migratedRecordKind, key: `${kind}/${vendorId}` }).pipe(
      Effect.map((record) => (typeof record.data.ledgerId === "number" ? record.data.ledgerId : null)),
      Effect.catchTag("NotFound", () => Effect.succeed(null))
    )
  )

/** The customer id shown for a customer: its vendor id when migrated from `dialect` (numeric), else the ledger's. */
export const shownCustomerId = (dialect: string, customer: Pick<Customer, "id" | "externalRef">): number => {
  const migrated =
    customer.externalRef !== null && customer.externalRef.system === dialect ? customer.externalRef.id : null
  return migrated !== null && /^\d{1,15}$/u.test(migrated) ? Number(migrated) : customer.id
}

/**
 * Other ids clients may have stored for a migrated object (CRM.COM's payment `number`, Silver's
 * `url` …) are kept as `migrated-alias` records: `{ kind: "migrated-alias", key: "<kind>/<alias>/<value>" }`.
 */
export const migratedAliasKind = "migrated-alias"

/** The ledger id of the object migrated from `dialect` whose `alias` was `value`, or null. */
export const migratedAliasLedgerId = (dialect: string, kind: string, alias: string, value: string) =>
  Effect.flatMap(DialectRecords, (records) =>
    records.getDialectRecord({ dialect, kind: migratedAliasKind, key: `${kind}/${alias}/${value}` }).pipe(
      Effect.map((record) => (typeof record.data.ledgerId === "number" ? record.data.ledgerId : null)),
      Effect.catchTag("NotFound", () => Effect.succeed(null))
    )
  )
