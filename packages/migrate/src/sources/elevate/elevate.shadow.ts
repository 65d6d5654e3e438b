/**
 * Elevate in the shadow proxy: GETs are reads; the bearer JWT is the credential; error bodies'
 * `requestId` is volatile, and so is their `path`, which names each server's own base path.
 *
 * Ids on migrated data: customer ids (`customer_id` / `customerId` parameters, `customerId` fields)
 * are the vendor's on one side and the ledger customer's on the other; a refund's id likewise; a
 * payment's `invoiceId` is the vendor's invoice (or adhoc invoice) on one side and the ledger
 * document the migration issued on the other; a balance movement row's id (`1000000000000 + balance
 * entry`) is the vendor's row on one side and the ledger balance entry the migration booked on the
 * other; an invoice payment's `id` (the vendor's on one side, `2000000000000 + allocation` on the other)
 * and `invoiceId` likewise.
 * Customer payment ids need nothing (the dialect shows a migrated payment under its vendor id).
 */
import {
  isSafeMethod,
  type ShadowIdForm,
  type ShadowRules,
  withoutCredentialHeaders
} from "../../shadow/shadow-rules.ts"

const customer: ShadowIdForm = { kind: "customer" }
const refund: ShadowIdForm = { kind: "refund" }
const movementBase = 1_000_000_000_000n
/** A balance movement row: the vendor's row id as read; Paybridge's `1000000000000 + balance entry id`. */
const movement: ShadowIdForm = {
  kind: "balance-entry",
  paybridgeUnwrap: (text) =>
    /^\d+$/u.test(text) && BigInt(text) > movementBase ? String(BigInt(text) - movementBase) : undefined,
  paybridgeWrap: (id) => String(movementBase + BigInt(id))
}
const invoicePaymentBase = 2_000_000_000_000n
/**
 * An invoice payment (one allocation of a payment to a document): the vendor's id as read; Paybridge's
 * `2000000000000 + allocation id` for allocations made outside its invoice-payment endpoints.
 */
const invoicePayment: ShadowIdForm = {
  kind: "allocation",
  paybridgeUnwrap: (text) =>
    /^\d+$/u.test(text) && BigInt(text) > invoicePaymentBase ? String(BigInt(text) - invoicePaymentBase) : undefined,
  paybridgeWrap: (id) => String(invoicePaymentBase + BigInt(id))
}
/** The migration's document ids are `invoice:<id>` / `adhoc-invoice:<id>`; Elevate writes the id alone. */
const invoice: ShadowIdForm = {
  kind: "document",
  vendorUnwrap: (text) => [`invoice:${text}`, `adhoc-invoice:${text}`],
  vendorWrap: (key) => key.replace(/^(?:adhoc-)?invoice:/u, "")
}

export const elevateShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: withoutCredentialHeaders,
  volatileFields: ["requestId", "path"],
  ids: {
    pathIds: [
      { pattern: /^refunds\/(\d+)$/u, forms: [refund] },
      { pattern: /^customer-payments\/(\d{13,})$/u, forms: [movement] }
    ],
    queryIds: [
      { param: "customer_id", form: customer },
      { param: "customerId", form: customer }
    ],
    answerIds: [
      { field: "customerId", form: customer },
      { field: "[].customerId", form: customer },
      { field: "invoiceId", form: invoice, where: /^customer-payments\/\d+$/u },
      { field: "[].invoiceId", form: invoice, where: /^customer-payments\/?$/u },
      { field: "[].id", form: refund, where: /^refunds\/?$/u },
      { field: "[].id", form: movement, where: /^customer-payments\/?$/u },
      { field: "[].id", form: invoicePayment, where: /^(?:adhoc-)?invoice-payments\/?$/u },
      { field: "[].invoiceId", form: invoice, where: /^(?:adhoc-)?invoice-payments\/?$/u },
      { field: "id", form: movement, where: /^customer-payments\/\d+$/u },
      { field: "id", form: refund, where: /^refunds\/\d+$/u }
    ],
    answerLinks: [],
    migrationFields: []
  }
}
