/**
 * Silver in the shadow proxy: GET, HEAD and OPTIONS are reads; Basic or Token is the credential.
 * Nothing in Silver's answers is about the response itself; its absolute hyperlinks differ only by
 * each server's base URL, which the proxy strips from every string before comparing.
 *
 * Ids on migrated data: customers and payments need nothing (the dialect shows a customer and a
 * payment migrated from Silver under their Silver ids, in paths, `id`s and links). Invoices and
 * proformas are the vendor's (`invoice:<id>` / `proforma:<id>` source ids) on one side and ledger
 * documents on the other — in paths (`invoices/<id>/`), in links (`invoice`, `proforma`, `url`)
 * and in an open document's `unpaid` payment row, whose id is `1000000000000 + document id`.
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

/** An open document's `unpaid` row: `1000000000000 + <document id>` on both sides. */
const unpaidRowBase = 1_000_000_000_000n
const rowDocument = (text: string) => {
  if (!/^\d{13,}$/u.test(text)) return undefined
  const id = BigInt(text) - unpaidRowBase
  return id > 0n ? String(id) : undefined
}
const unpaidRow: ShadowIdForm = {
  kind: "document",
  vendorUnwrap: (text) => {
    const id = rowDocument(text)
    return id === undefined ? undefined : [`invoice:${id}`, `proforma:${id}`]
  },
  vendorWrap: (key) => String(unpaidRowBase + BigInt(key.slice(key.indexOf(":") + 1))),
  paybridgeUnwrap: rowDocument,
  paybridgeWrap: (id) => String(unpaidRowBase + BigInt(id))
}

export const silverShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: withoutCredentialHeaders,
  volatileFields: [],
  ids: {
    pathIds: [
      { pattern: /(?:^|\/)invoices\/(\d+)\//u, forms: [documentOf("invoice")] },
      { pattern: /(?:^|\/)proformas\/(\d+)\//u, forms: [documentOf("proforma")] },
      { pattern: /customers\/\d+\/payments\/(\d{13,})\//u, forms: [unpaidRow] }
    ],
    queryIds: [],
    answerIds: [
      { field: "id", form: unpaidRow, where: /payments\/\d+\/$/u },
      { field: "[].id", form: unpaidRow, where: /payments\/$/u },
      { field: "id", form: documentOf("invoice"), where: /^invoices\/\d+\/$/u },
      { field: "id", form: documentOf("proforma"), where: /^proformas\/\d+\/$/u }
    ],
    answerLinks: ["invoice", "proforma", "url", "[].invoice", "[].proforma", "[].url"].map((field) => ({ field })),
    migrationFields: []
  }
}
