/**
 * LogiSense in the shadow proxy: GETs and `POST …/Search` (a query in a body) are reads; the
 * bearer token is the credential; every envelope's `trackingId` (a fresh UUID per request) is
 * volatile. Logins (`AuthorizationServer/…`) are writes: they go to the vendor only.
 *
 * Ids on migrated data: `accountId` is the vendor's account on one side and the ledger customer on
 * the other; a reversal row's (negative) `identity` is the vendor's on one side and minus the ledger
 * reversal id on the other; an invoice's `invoiceId` is the vendor's invoice on one side and the ledger
 * document the migration issued on the other; an invoice disbursement's `identity` is the vendor's on
 * one side and the ledger allocation on the other. Payment identities need nothing (the dialect shows
 * a migrated payment's own, also as a disbursement's `paymentId`). Fields
 * of the migration itself, not compared on migrated data: `created` (when the row was booked),
 * `createdByUserId`/`createdByUserName` (the migration's principal) and the ids of payment types and
 * methods (presets matched or created by the migration; their names are compared).
 */
import {
  isSafeMethod,
  type ShadowIdForm,
  type ShadowRules,
  withoutCredentialHeaders
} from "../../shadow/shadow-rules.ts"

const account: ShadowIdForm = { kind: "customer" }
const invoice: ShadowIdForm = { kind: "document" }
const disbursement: ShadowIdForm = { kind: "allocation" }
/** A reversal row's identity: negative on both sides — the vendor's own, and minus the ledger reversal id. */
const reversalRow: ShadowIdForm = {
  kind: "reversal",
  paybridgeUnwrap: (text) => /^-(\d+)$/u.exec(text)?.[1],
  paybridgeWrap: (id) => `-${id}`
}

export const logisenseShadow: ShadowRules = {
  isRead: (method, path) =>
    isSafeMethod(method) || (method.toUpperCase() === "POST" && /\/Search\/?(\?|$)/u.test(`/${path}`)),
  stripCredentials: withoutCredentialHeaders,
  volatileFields: ["trackingId"],
  ids: {
    pathIds: [],
    queryIds: [],
    answerIds: [
      { field: "**.accountId", form: account },
      { field: "**.invoiceId", form: invoice },
      { field: "**.invoiceDisbursements[].identity", form: disbursement },
      { field: "**.identity", form: reversalRow }
    ],
    answerLinks: [],
    migrationFields: [
      "**.created",
      "**.createdByUserId",
      "**.createdByUserName",
      "**.paymentTypeId",
      "**.paymentMethodId"
    ]
  }
}
