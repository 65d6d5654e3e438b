/**
 * Shared fixtures of the LogiSense tests: a testbed over the in-memory ledger, a user who logs in
 * through the form-encoded `Access/Login`, an account (customer), and helpers to send LogiSense
 * requests with the bearer token and to seed ledger objects as the system (`logisenseClient`), and
 * the shapes of the bodies the behaviour tests read.
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
import { logisenseDialect } from "../src/index.ts"

export const loginPath = "/AuthorizationServer/api/v6/Access/Login"
export const v6 = "/api/v6/Payment"

export interface LogisenseSeed {
  readonly token: string
  readonly accountId: CustomerId
  readonly userName: string
}

export const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

/** Logs in with user name and password (form-encoded) and returns the response. */
export const loginRequest = (testbed: DialectTestbed, fields: Record<string, string>) =>
  testbed.request({
    method: "POST",
    path: loginPath,
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    rawBody: formBody(fields)
  })

let users = 0

/** A user of `role` named `name` who logs in; returns the bearer token. */
export const loginAs = async (testbed: DialectTestbed, role: Role = "finance", name = "Lou Logisense") => {
  users += 1
  const email = `logisense-${users}-${crypto.randomUUID().slice(0, 6)}@paybridge.test`
  await testbed.createUser({ email, name, role, customerScope: null, password: "correct horse battery" })
  const response = await loginRequest(testbed, {
    username: email,
    password: "correct horse battery",
    grant_type: "password",
    client_id: "billing-app"
  })
  if (response.status !== 200) throw new Error(`login failed: ${response.text}`)
  return (response.json as { access_token: string }).access_token
}

export const seed = async (testbed: DialectTestbed, name = "Lou Logisense"): Promise<LogisenseSeed> => {
  const token = await loginAs(testbed, "finance", name)
  const customer = await testbed.runAsSystem(
    Parties.use((parties) => parties.createCustomer({ name: "Ada Account", currency: "USD" }))
  )
  return { token, accountId: customer.id, userName: name }
}

export const authorize = (request: TestRequest, { token }: Pick<LogisenseSeed, "token">): TestRequest => ({
  ...request,
  headers: { ...request.headers, authorization: `Bearer ${token}` }
})

export const newTestbed = () => makeDialectTestbed({ dialect: logisenseDialect })

/** A payment row as LogiSense answers it. */
export type Row = Record<string, unknown> & { identity: number }
/** The answer of a create or update: the changed rows. */
export type Change = { trackingId: string; type: string; results: { totalCount: number; items: Array<Row> } }
/** The answer of `Access/Login`. */
export type Token = { access_token: string; refresh_token: string; ".expires": string }
/** LogiSense's error shape: every validation error at once, with LogiSense codes. */
export type ErrorBody = { trackingId: string; type: string; errors: Array<{ code: number; message: string }> }

/**
 * The request helpers of the behaviour tests, over a file's current testbed and seed (read at each
 * call, so its `beforeEach` can replace them): a request with the seed's bearer token, the row a
 * create answered (asserting a 200), an offline payment recorded on the seeded account, an invoice
 * issued to it as the system, its ledger balance, and a test gateway created as the system.
 */
export const logisenseClient = (current: () => { readonly testbed: DialectTestbed; readonly world: LogisenseSeed }) => {
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    current().testbed.request(
      authorize({ method, path, headers, ...(body === undefined ? {} : { body }) }, current().world)
    )
  const created = (response: TestResponse): Row => {
    expect(response.status, response.text).toBe(200)
    return (response.json as Change).results.items[0] as Row
  }
  const record = async (amount: string, extra: Record<string, unknown> = {}) =>
    created(
      await send("POST", `${v6}/`, { accountId: current().world.accountId, amount: new JsonDecimal(amount), ...extra })
    )
  const invoice = async (total: string) =>
    current().testbed.runAsSystem(
      Documents.use((documents) =>
        documents.issueDocument({ kind: "invoice", customerId: current().world.accountId, total })
      )
    )
  const balance = async () =>
    (await current().testbed.runAsSystem(Parties.use((parties) => parties.getCustomer(current().world.accountId))))
      .balance
  const gateway = async () =>
    current().testbed.runAsSystem(
      Parties.use((parties) => parties.createGateway({ code: "tgw", name: "Test gateway" }))
    )
  return { send, created, record, invoice, balance, gateway }
}
