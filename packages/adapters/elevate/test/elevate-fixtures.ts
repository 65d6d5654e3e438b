/**
 * Shared fixtures of the Elevate tests: a testbed with the dialect over the real Ledger on an
 * in-memory store, a finance user with a password who logs in through `POST /authenticate`, a
 * GBP customer, and helpers that send requests with the JWT and issue documents as the system.
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
