/**
 * The shadow's id mapping from a migration's id table, without servers: vendor ids in a mirrored
 * request's path and query become the Paybridge ids the import booked them as (ledger ids, public
 * ids, wrapped forms such as Billing Platform (UK)'s `R<n>` refund rows, Silver's providers),
 * Paybridge's ids in the answer become the vendor's again, and ids the table does not know (or the
 * dialect already shows as the vendor's: Silver's unpaid document rows) pass unchanged.
 */
import { describe, expect, test } from "vitest"
import { parseExactJson, stringifyExactJson } from "../src/http/exact-json.ts"
import { migratedIdMapping } from "../src/shadow/migrated-id-mapping.ts"
import { ShadowIdTable } from "../src/shadow/shadow-id-table.ts"
import type { MirrorRequest } from "../src/shadow/shadow-rules.ts"
import { vendors } from "../src/sources/vendors.ts"

const table = new ShadowIdTable([
  { kind: "customer", sourceId: "7", aliases: {}, ledgerIds: [3], publicId: "AAAA0000AAAA0000AAAA0000AAAA0003" },
  {
    kind: "customer",
    sourceId: "CCCC1111CCCC1111CCCC1111CCCC1111",
    aliases: { number: "ACC-7" },
    ledgerIds: [4],
    publicId: "BBBB0000BBBB0000BBBB0000BBBB0004"
  },
  { kind: "refund", sourceId: "R15", aliases: {}, ledgerIds: [2], publicId: null },
  { kind: "payment", sourceId: "DDDD", aliases: { reference_number: "41" }, ledgerIds: [12], publicId: null },
  { kind: "document", sourceId: "invoice:9", aliases: {}, ledgerIds: [5], publicId: null },
  { kind: "reversal", sourceId: "-8", aliases: {}, ledgerIds: [6], publicId: null },
  { kind: "billing-entity", sourceId: "4", aliases: {}, ledgerIds: [2], publicId: null }
])

const request = (path: string): MirrorRequest => ({ method: "GET", path, headers: {}, body: undefined })
const answer = async (vendor: keyof typeof vendors, path: string, body: string) => {
  const mapping = migratedIdMapping(vendors[vendor].shadow, table)
  return stringifyExactJson(await mapping.fromPaybridge?.(parseExactJson(body), request(path)))
}

describe("requests: vendor ids → Paybridge ids", () => {
  test("path ids, query ids (whole or inside `id=…`), unknown ids unchanged", async () => {
    // Billing Platform (UK)'s dialect finds a migrated customer by its vendor id: sent as the client wrote it.
    const bpuk = migratedIdMapping(vendors["billing-platform-uk"].shadow, table)
    expect((await bpuk.toPaybridge(request("customers/7/payments/?includeReversed"))).path).toBe(
      "customers/7/payments/?includeReversed"
    )
    const elevate = migratedIdMapping(vendors.elevate.shadow, table)
    expect((await elevate.toPaybridge(request("customer-payments?customer_id=7&page=2"))).path).toBe(
      "customer-payments?customer_id=3&page=2"
    )
    const crm = migratedIdMapping(vendors["crm-com"].shadow, table)
    expect(
      (
        await crm.toPaybridge(
          request("payments/list?accounts_receivable_identifier=id%3DCCCC1111CCCC1111CCCC1111CCCC1111")
        )
      ).path
    ).toBe("payments/list?accounts_receivable_identifier=id%3DBBBB0000BBBB0000BBBB0000BBBB0004")
    // Account numbers are kept by the migration: nothing to map, the query is sent as the client wrote it.
    expect((await crm.toPaybridge(request("payments/list?accounts_receivable_identifier=number=ACC-7"))).path).toBe(
      "payments/list?accounts_receivable_identifier=number=ACC-7"
    )
    const silver = migratedIdMapping(vendors.silver.shadow, table)
    expect((await silver.toPaybridge(request("invoices/9/"))).path).toBe("invoices/5/")
    expect((await silver.toPaybridge(request("providers/4/"))).path).toBe("providers/2/")
    // The dialect shows a migrated document's unpaid row under its Silver id: sent as the client wrote it.
    expect((await silver.toPaybridge(request("customers/7/payments/1000000000009/"))).path).toBe(
      "customers/7/payments/1000000000009/"
    )
  })
})

describe("answers: Paybridge ids → vendor ids", () => {
  test("Billing Platform (UK) refund rows; payment rows untouched", async () => {
    expect(await answer("billing-platform-uk", "customers/7/payments/", '[{"id":"R2"},{"id":"2"},{"id":"R99"}]')).toBe(
      '[{"id":"R15"},{"id":"2"},{"id":"R99"}]'
    )
  })

  test("CRM.COM payment reference numbers and account ids as the dialect shows them; LogiSense ids mapped back", async () => {
    // The dialect shows a migrated account under its CRM.COM id and a migrated payment with its CRM.COM
    // reference number: nothing to map back.
    expect(
      await answer(
        "crm-com",
        "payments/show",
        '{"data":{"accounts_receivable":{"id":"CCCC1111CCCC1111CCCC1111CCCC1111"},"reference_number":"12","number":"N1"}}'
      )
    ).toBe(
      '{"data":{"accounts_receivable":{"id":"CCCC1111CCCC1111CCCC1111CCCC1111"},"reference_number":"12","number":"N1"}}'
    )
    expect(await answer("logisense", "api/v6/Payment/1", '{"instance":{"accountId":3,"identity":-6}}')).toBe(
      '{"instance":{"accountId":7,"identity":-8}}'
    )
  })

  test("Silver document and provider links, only where the rule's request path applies; unpaid rows as shown", async () => {
    expect(
      await answer(
        "silver",
        "customers/7/payments/",
        '[{"id":1000000000009,"invoice":"http://b/silver/invoices/5/","provider":"http://b/silver/providers/2/","url":"http://b/silver/customers/7/payments/1000000000009/"}]'
      )
    ).toBe(
      '[{"id":1000000000009,"invoice":"http://b/silver/invoices/9/","provider":"http://b/silver/providers/4/","url":"http://b/silver/customers/7/payments/1000000000009/"}]'
    )
    expect(await answer("silver", "invoices/9/", '{"id":5,"customer":"http://b/silver/customers/7/"}')).toBe(
      '{"id":9,"customer":"http://b/silver/customers/7/"}'
    )
    // A payment's own id is never a document row.
    expect(await answer("silver", "customers/7/payments/5/", '{"id":5}')).toBe('{"id":5}')
  })

  test("a vendor without id rules maps nothing", async () => {
    const { ids: _ids, ...withoutIds } = vendors.silver.shadow
    const mapping = migratedIdMapping(withoutIds, table)
    expect((await mapping.toPaybridge(request("invoices/9/"))).path).toBe("invoices/9/")
    expect(mapping.fromPaybridge).toBeUndefined()
  })
})
