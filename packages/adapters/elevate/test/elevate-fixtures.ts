/**
 * Shared fixtures of the Elevate tests: a testbed with the dialect over the real Ledger on an
 * in-memory store, a finance user with a password who logs in through `POST /authenticate`, a
 * GBP customer, and helpers that send requests with the JWT (`elevateClient`: send, get, post, a
 * customer payment, the customer's payment list, a customer's ledger balance) and issue documents
 * as the system.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import {
  type DialectTestbed,
  makeDialectTestbed,
  type TestRequest,
  type TestResponse
} from "@paybridge/adapter-kit/testing"
import { type CustomerId, Documents, Parties, type Role } from "@paybridge/core"
import { expect } from "vitest"
import { elevateDialect } from "../src/index.ts"

export interface ElevateSeed {
  readonly token: string
  readonly customerId: CustomerId
  readonly username: string
  readonly password: string
}

export const password = "correct horse battery staple"

/** Logs a user in through the dialect and returns the JWT. */
export const login = async (testbed: DialectTestbed, username: string, secret = password): Promise<string> => {
  const response = await testbed.request({
    method: "POST",
    path: "/authenticate",
    body: { brand: "paybridge", username, password: secret }
  })
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`)
  return (response.json as { token: string }).token
}

let users = 0

/** A user of `role` with a password, logged in, and a GBP customer. */
export const seed = async (testbed: DialectTestbed, role: Role = "finance"): Promise<ElevateSeed> => {
  users += 1
  const username = `elevate-${role}-${users}-${crypto.randomUUID().slice(0, 6)}@paybridge.test`
  await testbed.createUser({ email: username, name: `Elevate ${role}`, role, password })
  const customer = await testbed.runAsSystem(
    Parties.use((parties) => parties.createCustomer({ name: "Ada Customer", currency: "GBP" }))
  )
  return { token: await login(testbed, username), customerId: customer.id, username, password }
}

export const authorize = (request: TestRequest, { token }: Pick<ElevateSeed, "token">): TestRequest => ({
  ...request,
  headers: { ...request.headers, authorization: `Bearer ${token}` }
})

export const newTestbed = () => makeDialectTestbed({ dialect: elevateDialect })

/** Issues an invoice (or a bill = adhoc invoice) as the system. */
export const issue = (
  testbed: DialectTestbed,
  customerId: CustomerId,
  total: string,
  options: { readonly issueDate?: string; readonly kind?: "invoice" | "bill" } = {}
) =>
  testbed.runAsSystem(
    Documents.use((documents) =>
      documents.issueDocument({
        kind: options.kind ?? "invoice",
        customerId,
        total,
        ...(options.issueDate === undefined ? {} : { issueDate: options.issueDate })
      })
    )
  )

export const money = (text: string) => new JsonDecimal(text)

/** The body as JSON with exact numbers turned into their text (for field-by-field comparison). */
export const plain = (response: TestResponse): unknown => JSON.parse(response.text, (_key, value: unknown) => value)

/** Asserts an Elevate error body: status, reason, a message containing `mentions`, the path and request id. */
export const expectError = (response: TestResponse, status: number, mentions?: string) => {
  expect(response.status, response.text).toBe(status)
  const body = plain(response) as Record<string, unknown>
  expect(body).toMatchObject({
    status,
    error: expect.any(String),
    message: expect.any(String),
    path: expect.any(String)
  })
  expect(body.requestId).toBe(response.headers.get("x-request-id"))
  if (mentions !== undefined) expect(String(body.message)).toContain(mentions)
}

/** The rows of a list response, as plain JSON objects. */
export const rows = (response: TestResponse) => plain(response) as Array<Record<string, unknown>>

/**
 * The request helpers of a test file, over its current testbed and seed (read at each call, so a
 * file's `beforeEach` can replace them): requests with the seed's JWT, a customer payment of the
 * seeded customer (`pay`, a cheque unless `extra` says otherwise), one page of their customer
 * payments (`list`) and a customer's balance as the ledger keeps it.
 */
export const elevateClient = (current: () => { readonly testbed: DialectTestbed; readonly elevate: ElevateSeed }) => {
  const send = (request: TestRequest) => current().testbed.request(authorize(request, current().elevate))
  const get = (path: string, query: Record<string, string> = {}) => send({ method: "GET", path, query })
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    send({ method: "POST", path, body, headers })
  const pay = (amount: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    post(
      "/customer-payments",
      {
        customerId: current().elevate.customerId,
        amountInMajorCurrency: money(amount),
        type: "CHEQUE",
        ...extra
      },
      headers
    )
  const list = (query: Record<string, string> = {}) =>
    get("/customer-payments", {
      customer_id: String(current().elevate.customerId),
      page: "1",
      pageSize: "100",
      ...query
    })
  const balanceOf = async (customerId: CustomerId) =>
    (await current().testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(customerId)))).balance
  return { send, get, post, pay, list, balanceOf }
}
