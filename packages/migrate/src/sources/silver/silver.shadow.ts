/**
 * Silver in the shadow proxy: GET, HEAD and OPTIONS are reads; Basic or Token is the credential.
 * Nothing in Silver's answers is about the response itself; its absolute hyperlinks differ only by
 * each server's base URL, which the proxy strips from every string before comparing.
 *
 * Ids on migrated data: customers, payments and open documents' `unpaid` payment rows need nothing
 * (the dialect shows a customer and a payment migrated from Silver under their Silver ids, and an
 * unpaid row as `1000000000000 + the document's Silver id`, in paths, `id`s and links). Invoices
 * and proformas are the vendor's (`invoice:<id>` / `proforma:<id>` source ids) on one side and
 * ledger documents on the other — in paths (`invoices/<id>/`) and links (`invoice`, `proforma`, `url`).
 * Providers are billing entities booked anew: in paths (`providers/<id>/`) and `provider` links.
 */
import {
  isSafeMethod,
  type ShadowIdForm,
  type ShadowRules,
  withoutCredentialHeaders
} from "../../shadow/shadow-rules.ts"

const documentOf = (prefix: "invoice" | "proforma"): ShadowIdForm => ({
  kind: "document",
  vendorUnwrap: (text) => `${prefix}:${text}`,
  vendorWrap: (key) => (key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : undefined)
})

export const silverShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: withoutCredentialHeaders,
  volatileFields: [],
  ids: {
    pathIds: [
      { pattern: /(?:^|\/)invoices\/(\d+)\//u, forms: [documentOf("invoice")] },
      { pattern: /(?:^|\/)proformas\/(\d+)\//u, forms: [documentOf("proforma")] },
      { pattern: /(?:^|\/)providers\/(\d+)\//u, forms: [{ kind: "billing-entity" }] }
    ],
    queryIds: [],
    answerIds: [
      { field: "id", form: documentOf("invoice"), where: /^invoices\/\d+\/$/u },
      { field: "id", form: documentOf("proforma"), where: /^proformas\/\d+\/$/u }
    ],
    answerLinks: ["invoice", "proforma", "provider", "url", "[].invoice", "[].proforma", "[].provider", "[].url"].map(
      (field) => ({ field })
    ),
    migrationFields: []
  }
}
