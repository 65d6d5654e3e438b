/**
 * Shared test fixtures of the Billing Platform (UK) dialect: a GBP customer, a `BACS` method
 * preset, a finance API key, and helpers to send authorised requests and read exact amounts.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import type { DialectTestbed, TestRequest, TestResponse } from "@paybridge/adapter-kit/testing"
import { type CustomerId, Parties } from "@paybridge/core"

export interface BpukSeed {
  readonly apiKey: string
  readonly customerId: CustomerId
  readonly otherCustomerId: CustomerId
}

export const seedBpuk = async (testbed: DialectTestbed): Promise<BpukSeed> => {
  const { apiKey } = await testbed.createApiKey({ role: "finance" })
  const customer = await testbed.runAsSystem(
    Parties.use((parties) => parties.createCustomer({ name: "Acme Widgets Ltd", currency: "GBP" }))
  )
  const other = await testbed.runAsSystem(
    Parties.use((parties) => parties.createCustomer({ name: "Other Trading Ltd", currency: "GBP" }))
  )
  await testbed.runAsSystem(
    Parties.use((parties) => parties.createPreset({ kind: "method", code: "bacs", name: "BACS" }))
  )
  await testbed.runAsSystem(
    Parties.use((parties) => parties.createPreset({ kind: "method", code: "dd", name: "Direct Debit" }))
  )
  return { apiKey, customerId: customer.id, otherCustomerId: other.id }
}

export const authorize = (request: TestRequest, { apiKey }: Pick<BpukSeed, "apiKey">): TestRequest => ({
  ...request,
  headers: { ...request.headers, authorization: `Bearer ${apiKey}` }
})

export const amount = (text: string) => new JsonDecimal(text)

/** A payment object as JSON, amounts as their exact text. */
export interface PaymentJson {
  readonly id: string
  readonly ourReference: string | null
  readonly customerReference: string | null
  readonly paymentDate: string
  readonly paymentReversedDate: string | null
  readonly status: ReadonlyArray<string>
  readonly paymentAmount: JsonDecimal | number
  readonly paymentMethod: string
  readonly invoiceID: string | null
  readonly invoiceIDReversed: string | null
}

export const paymentOf = (response: TestResponse): PaymentJson => response.json as PaymentJson
export const listOf = (response: TestResponse): ReadonlyArray<PaymentJson> => response.json as Array<PaymentJson>
export const idsOf = (response: TestResponse): ReadonlyArray<string> => listOf(response).map((row) => row.id)
/** A payment object with its amount as text and without its id. */
export const comparable = ({ id: _id, paymentAmount, ...rest }: PaymentJson) => ({
  ...rest,
  paymentAmount: String(paymentAmount)
})
