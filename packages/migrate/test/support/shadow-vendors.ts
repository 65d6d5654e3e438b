/**
 * The vendors' clients in the shadow rehearsals on migrated data (`shadow-migrated.test.ts` on a
 * small tenant, `tenant-10k.test.ts` on the ≥ 10,000-payment one): per vendor, how its clients sign
 * in at the source A and the mirror's credentials at B, the reads they usually issue — per-customer
 * lists and their pages, filters (`listReads`, for the customers and pages a test chooses), a
 * payment by the id the client stored and what it reads with it (`readById`) —, the endpoint of a
 * payment read in the proxy's report, the ids a source payment is stored and migrated under, and
 * what a test plants in B to see the proxy report it. `clientAt` is such a client, through the proxy
 * or straight at a server; `startMigratedShadow` starts B's server on the migrated ledger and the
 * proxy in front of A and B; `plantDifference` changes one migrated payment in B only.
 */
import { type ExactJson, isJsonObject } from "../../src/http/exact-json.ts"
import { SourceHttp } from "../../src/http/source-http.ts"
import type { Difference } from "../../src/shadow/json-compare.ts"
import { migratedIdMapping } from "../../src/shadow/migrated-id-mapping.ts"
import type { ShadowIdTable } from "../../src/shadow/shadow-id-table.ts"
import { type ShadowProxy, startShadowProxy } from "../../src/shadow/shadow-proxy.ts"
import type { VendorId } from "../../src/sources/source-model.ts"
import type { Credentials } from "../../src/sources/vendor-auth.ts"
import { vendors } from "../../src/sources/vendors.ts"
import type { LedgerCustomer, LedgerPayment } from "./ledger-truth.ts"
import { sessionFor } from "./read-source.ts"
import { type SourceServer, startSourceServer } from "./source-server.ts"

/** A client of the vendor's API: it signs in as the vendor's clients do (through the proxy when given its URL). */
export type Client = (
  path: string,
  init?: { method?: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string }
) => Promise<{ status: number; json: ExactJson | undefined; text: string }>

export const clientAt = (vendor: VendorId, baseUrl: string, credentials: Credentials): Client => {
  const http = new SourceHttp({ baseUrl, session: sessionFor(vendor, credentials), maxAttempts: 2 })
  return async (path, init = {}) => {
    const response = await http.request({
      method: (init.method ?? "GET") as "GET",
      path,
      ...(init.query === undefined ? {} : { query: init.query }),
      ...(init.headers === undefined ? {} : { headers: init.headers }),
      ...(init.body === undefined ? {} : { body: init.body })
    })
    let json: ExactJson | undefined
    try {
      json = response.json()
    } catch {
      json = undefined
    }
    return { status: response.status, json, text: response.text }
  }
}

export const rowsOf = (
  json: ExactJson | undefined,
  ...keys: ReadonlyArray<string>
): ReadonlyArray<Record<string, ExactJson>> => {
  let value: ExactJson | undefined = json
  for (const key of keys) value = isJsonObject(value) ? value[key] : undefined
  return Array.isArray(value) ? value.filter(isJsonObject) : []
}

export const idsOf = (rows: ReadonlyArray<Record<string, ExactJson>>, field: string) =>
  rows.map((row) => String(row[field])).filter((id) => id !== "undefined" && id !== "null")

/** Which lists a test reads: these customers' (A's), at most `pages` pages of each paged list, every `pageStep`-th page. */
export interface ListScope {
  readonly customers: ReadonlyArray<LedgerCustomer>
  readonly pages: number
  readonly pageStep: number
}

/** Page numbers 1, 1 + step, … (at most `pages`). */
const pageNumbers = (scope: ListScope) => Array.from({ length: scope.pages }, (_, index) => 1 + index * scope.pageStep)

export interface ShadowVendor {
  readonly vendor: VendorId
  /** Credentials of the vendor's clients at A (`apiKey`: a key other than the admin's, e.g. scoped). */
  readonly sourceCredentials: (source: SourceServer, apiKey?: string) => Credentials
  /** The mirror's credentials at B. */
  readonly paybridgeCredentials: (target: SourceServer) => Credentials
  /** The list reads of the vendor's clients; returns the ids the lists showed, as `readById` takes them. */
  readonly listReads: (get: Client, scope: ListScope) => Promise<ReadonlyArray<string>>
  /** What a client reads of one payment by the id it stored (the payment, and what it shows with it). */
  readonly readById: (get: Client, id: string) => Promise<void>
  /** The read of one payment by the id its client stored. */
  readonly readPayment: (get: Client, id: string) => ReturnType<Client>
  /** Its endpoint in the report. */
  readonly paymentEndpoint: string
  /** The vendor's id of a source payment (A's ledger payment), as its clients stored it for `readPayment`. */
  readonly storedId: (payment: LedgerPayment) => string
  /** Its source id in the migration's records. */
  readonly sourceIdOf: (payment: LedgerPayment) => string
  /**
   * What is planted in B: one minor unit of the payment reversed, or (where the vendor shows a reversal
   * only as a row of its own, not on the payment) its description changed; and the field it changes
   * in `readPayment`'s answer.
   */
  readonly plant: "reversal" | "description"
  readonly plantedField: RegExp
}

const byIdOnly = (read: (get: Client, id: string) => ReturnType<Client>) => async (get: Client, id: string) => {
  await read(get, id)
}

export const shadowVendors: Readonly<Record<VendorId, ShadowVendor>> = {
  "billing-platform-uk": {
    vendor: "billing-platform-uk",
    sourceCredentials: (source, apiKey) => ({ "api-key": apiKey ?? source.apiKey }),
    paybridgeCredentials: (target) => ({ "api-key": target.apiKey }),
    listReads: async (get, scope) => {
      const ids: Array<string> = []
      for (const customer of scope.customers) {
        const all = await get(`customers/${customer.id}/payments/`, { query: { includeReversed: "" } })
        ids.push(...idsOf(rowsOf(all.json), "id"))
        await get(`customers/${customer.id}/payments/`)
        await get(`customers/${customer.id}/payments/`, {
          query: { includeReversed: "", updatedSince: "2020-01-01T00:00:00Z" }
        })
      }
      await get("payments/999999")
      return ids.filter((id) => /^\d+$/u.test(id))
    },
    readById: byIdOnly((get, id) => get(`payments/${id}`)),
    readPayment: (get, id) => get(`payments/${id}`),
    paymentEndpoint: "GET payments/{id}",
    storedId: (payment) => String(payment.id),
    sourceIdOf: (payment) => String(payment.id),
    plant: "reversal",
    plantedField: /^paymentAmount$/u
  },
  "crm-com": {
    vendor: "crm-com",
    sourceCredentials: (source) => ({ username: source.email, password: source.password, organisation: "source" }),
    paybridgeCredentials: (target) => ({ username: target.email, password: target.password, organisation: "source" }),
    listReads: async (get, scope) => {
      const ids: Array<string> = []
      for (const customer of scope.customers) {
        const list = await get("payments/list", {
          query: { accounts_receivable_identifier: `number=${customer.number}` }
        })
        const rows = rowsOf(list.json, "data")
        ids.push(...idsOf(rows, "id"))
        for (const number of idsOf(rows, "number").slice(0, 3)) {
          await get("payments/show", { query: { payment_identifier: `number=${number}` } })
        }
        await get("payments/get_latest", { query: { accounts_receivable_identifier: `number=${customer.number}` } })
      }
      return ids
    },
    readById: byIdOnly((get, id) => get("payments/show", { query: { payment_identifier: `id=${id}` } })),
    readPayment: (get, id) => get("payments/show", { query: { payment_identifier: `id=${id}` } }),
    paymentEndpoint: "GET payments/show",
    storedId: (payment) => payment.publicId,
    sourceIdOf: (payment) => payment.publicId,
    plant: "reversal",
    plantedField: /^data\.payment_amount$/u
  },
  logisense: {
    vendor: "logisense",
    sourceCredentials: (source) => ({ "client-id": "migration", username: source.email, password: source.password }),
    paybridgeCredentials: (target) => ({ "client-id": "shadow", "client-secret": target.apiKey }),
    // Not per customer: LogiSense's clients page through every account's payments.
    listReads: async (get, scope) => {
      const ids: Array<string> = []
      for (const pageNumber of pageNumbers(scope)) {
        const page = await get("api/v6/Payment/Paged/Detail", {
          headers: { pagination: JSON.stringify({ pageNumber, pageSize: 10 }) }
        })
        const rows = rowsOf(page.json, "pagedResults", "items")
        ids.push(...idsOf(rows, "identity"))
        if (rows.length < 10) break
      }
      await get("api/v6/Payment/Paged", { headers: { pagination: JSON.stringify({ pageNumber: 2, pageSize: 7 }) } })
      await get("api/v6/Payment/Search", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: { search: [{ name: "identity", operator: "gt", value: 0 }], top: 5 } })
      })
      return ids.filter((id) => !id.startsWith("-"))
    },
    readById: byIdOnly((get, id) => get(`api/v6/Payment/${id}`)),
    readPayment: (get, id) => get(`api/v6/Payment/${id}`),
    paymentEndpoint: "GET api/v6/Payment/{id}",
    storedId: (payment) => String(payment.id),
    sourceIdOf: (payment) => String(payment.id),
    plant: "description",
    plantedField: /^instance\.detail$/u
  },
  elevate: {
    vendor: "elevate",
    sourceCredentials: (source) => ({ brand: "source", username: source.email, password: source.password }),
    paybridgeCredentials: (target) => ({ brand: "source", username: target.email, password: target.password }),
    listReads: async (get, scope) => {
      const ids: Array<string> = []
      await get("customer-credit-status", { query: { page: "1", pageSize: "50" } })
      await get("customer-credit-status", { query: { page: "2", pageSize: "2" } })
      for (const customer of scope.customers.map((entry) => String(entry.id))) {
        await get("customer-balances", { query: { customer_id: customer } })
        for (const page of pageNumbers(scope)) {
          const rows = rowsOf(
            (await get("customer-payments", { query: { customer_id: customer, page: String(page), pageSize: "5" } }))
              .json
          )
          ids.push(...idsOf(rows, "id").filter((id) => Number(id) < 1e12))
          if (rows.length < 5) break
        }
        await get("refunds", { query: { customerId: customer } })
      }
      return ids
    },
    readById: async (get, id) => {
      await get(`customer-payments/${id}`)
      await get("invoice-payments", { query: { customerPaymentId: id, page: "1", pageSize: "50" } })
    },
    readPayment: (get, id) => get(`customer-payments/${id}`),
    paymentEndpoint: "GET customer-payments/{id}",
    storedId: (payment) => String(payment.id),
    sourceIdOf: (payment) => String(payment.id),
    plant: "description",
    plantedField: /^description$/u
  },
  silver: {
    vendor: "silver",
    sourceCredentials: (source, apiKey) => ({ "api-key": apiKey ?? source.apiKey }),
    paybridgeCredentials: (target) => ({ "api-key": target.apiKey }),
    listReads: async (get, scope) => {
      const ids: Array<string> = []
      await get("customers/", { query: { page_size: "100" } })
      await get("customers/", { query: { page: "2", page_size: "1" } })
      const documents = new Set<string>()
      for (const customer of scope.customers.map((entry) => String(entry.id))) {
        await get(`customers/${customer}/`)
        for (const page of pageNumbers(scope)) {
          const response = await get(`customers/${customer}/payments/`, {
            query: { page: String(page), page_size: "5", ordering: "id" }
          })
          const rows = rowsOf(response.json)
          ids.push(...rows.map((row) => `customers/${customer}/payments/${row.id}/`))
          for (const row of rows) {
            for (const link of [row.invoice, row.proforma]) {
              if (typeof link === "string") documents.add(new URL(link).pathname.replace(/^\/silver\//u, ""))
            }
          }
          if (rows.length < 5) break
        }
        await get(`customers/${customer}/payments/`, { query: { status: "paid" } })
      }
      for (const path of documents) await get(path)
      return ids
    },
    readById: byIdOnly((get, path) => get(path)),
    readPayment: (get, path) => get(path),
    paymentEndpoint: "GET customers/{id}/payments/{id}/",
    storedId: (payment) => `customers/${payment.customerId}/payments/${payment.id}/`,
    sourceIdOf: (payment) => String(payment.id),
    plant: "reversal",
    plantedField: /^amount$/u
  }
}

/**
 * B's server on the migrated ledger (closed by the test's process first) and the shadow proxy in
 * front of A (`source`) and B, mirroring with the credentials of B's admin, ids mapped through the
 * migration's records (`table`).
 */
export const startMigratedShadow = async (
  client: ShadowVendor,
  source: SourceServer,
  ledgerUrl: string,
  table: ShadowIdTable,
  onCompared?: (endpoint: string, differences: ReadonlyArray<Difference>) => void
): Promise<{ readonly target: SourceServer; readonly proxy: ShadowProxy }> => {
  const target = await startSourceServer({ databaseUrl: ledgerUrl })
  const proxy = await startShadowProxy({
    vendor: vendors[client.vendor],
    sourceUrl: source.dialectUrl(client.vendor),
    paybridgeUrl: target.dialectUrl(client.vendor),
    paybridge: new SourceHttp({
      baseUrl: target.dialectUrl(client.vendor),
      session: sessionFor(client.vendor, client.paybridgeCredentials(target)),
      maxAttempts: 2
    }),
    idMapping: migratedIdMapping(vendors[client.vendor].shadow, table),
    maxDifferences: 500,
    ...(onCompared === undefined ? {} : { onCompared })
  })
  return { target, proxy }
}

/** Changes the migrated payment `victim` in B only, through B's ledger services (its tRPC API), as `client.plant` says. */
export const plantDifference = async (
  client: ShadowVendor,
  target: SourceServer,
  table: ShadowIdTable,
  victim: LedgerPayment
) => {
  const ledgerId = table.byVendor("payment", { by: "sourceId" }, client.sourceIdOf(victim))?.ledgerIds[0]
  if (ledgerId === undefined) throw new Error(`payment ${victim.id} was not migrated`)
  if (client.plant === "reversal") {
    await target.client.payments.reverse.mutate({ paymentId: ledgerId as never, amount: "1", reason: "planted" })
  } else {
    await target.client.payments.update.mutate({ paymentId: ledgerId as never, description: "PLANTED" })
  }
}
