/**
 * Shared setup of the Silver dialect tests: a testbed over the real Ledger on an in-memory store,
 * a password user (HTTP Basic) and an API key (`Token`), one provider (billing entity) with a
 * customer, a proforma and the invoice issued from it, plus helpers to send Silver requests and
 * to normalise hyperlinks (ids and host) for field-by-field comparisons.
 */
import {
  type DialectTestbed,
  makeDialectTestbed,
  type TestbedOptions,
  type TestRequest,
  type TestResponse
} from "@paybridge/adapter-kit/testing"
import { type BillingEntity, type Customer, type Document, Documents, Parties } from "@paybridge/core"
import { silverDialect } from "../src/index.ts"

export interface SilverSeed {
  readonly basic: string
  readonly token: string
  readonly email: string
  readonly password: string
  readonly provider: BillingEntity
  readonly customer: Customer
  readonly proforma: Document
  readonly invoice: Document
}

/** Where the testbed serves the dialect: links start with this. */
export const root = "http://paybridge.test/silver"

export const seedSilver = async (testbed: DialectTestbed): Promise<SilverSeed> => {
  const email = `ops-${crypto.randomUUID().slice(0, 8)}@silver.test`
  const password = "correct horse battery staple"
  await testbed.createUser({ email, name: "Silver ops", role: "admin", password })
  const { apiKey } = await testbed.createApiKey({ role: "finance" })
  const provider = await testbed.runAsSystem(
    Parties.use((parties) =>
      parties.createBillingEntity({ name: "Presslabs", flow: "invoice", defaultCurrency: "USD" })
    )
  )
  const customer = await testbed.runAsSystem(
    Parties.use((parties) =>
      parties.createCustomer({ name: "Ada Customer", currency: "USD", billingEntityId: provider.id })
    )
  )
  const proforma = await testbed.runAsSystem(
    Documents.use((documents) =>
      documents.issueDocument({
        kind: "proforma",
        customerId: customer.id,
        total: "200.00",
        billingEntityId: provider.id
      })
    )
  )
  const invoice = await testbed.runAsSystem(
    Documents.use((documents) =>
      documents.issueDocument({
        kind: "invoice",
        customerId: customer.id,
        total: "200.00",
        billingEntityId: provider.id,
        relatedDocumentId: proforma.id,
        dueDate: "2016-12-01"
      })
    )
  )
  return {
    basic: `Basic ${Buffer.from(`${email}:${password}`).toString("base64")}`,
    token: `Token ${apiKey}`,
    email,
    password,
    provider,
    customer,
    proforma,
    invoice
  }
}

export const withAuth = (request: TestRequest, authorization: string): TestRequest => ({
  ...request,
  headers: { ...request.headers, authorization }
})

/** A testbed with the Silver dialect and its seed; `send` authenticates with HTTP Basic. `layer` replaces the services. */
export const silverBench = async (options: Pick<TestbedOptions, "layer"> = {}) => {
  const testbed = await makeDialectTestbed({ dialect: silverDialect, ...options })
  const seed = await seedSilver(testbed)
  const send = (request: TestRequest): Promise<TestResponse> => testbed.request(withAuth(request, seed.basic))
  const paymentsPath = (customerId: number = seed.customer.id) => `/customers/${customerId}/payments/`
  const create = (body: Record<string, unknown>, customerId: number = seed.customer.id) =>
    send({ method: "POST", path: paymentsPath(customerId), body })
  const patch = (paymentId: number, body: unknown, customerId: number = seed.customer.id) =>
    send({ method: "PATCH", path: `/customers/${customerId}/payments/${paymentId}/`, body })
  const links = {
    customer: `${root}/customers/${seed.customer.id}/`,
    provider: `${root}/providers/${seed.provider.id}/`,
    proforma: `${root}/proformas/${seed.proforma.id}/`,
    invoice: `${root}/invoices/${seed.invoice.id}/`
  }
  return { testbed, seed, send, create, patch, links, paymentsPath, dispose: () => testbed.dispose() }
}
export type SilverBench = Awaited<ReturnType<typeof silverBench>>

/** Replaces every id in a URL path and the origin, so Silver's doc examples compare with ours. */
export const normaliseLinks = (value: unknown): unknown => {
  if (typeof value === "string" && /^https?:\/\//u.test(value)) {
    return value.replace(/^https?:\/\/[^/]+(\/silver)?/u, "<root>").replace(/\/\d+\//gu, "/<id>/")
  }
  if (Array.isArray(value)) return value.map(normaliseLinks)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "id")
        .map(([key, member]) => [key, normaliseLinks(member)])
    )
  }
  return value
}
