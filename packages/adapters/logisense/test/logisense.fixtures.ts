/**
 * Shared fixtures of the LogiSense tests: a testbed over the in-memory ledger, a user who logs in
 * through the form-encoded `Access/Login`, an account (customer), and helpers to send LogiSense
 * requests with the bearer token and to seed ledger objects as the system.
 */
import { type DialectTestbed, makeDialectTestbed, type TestRequest } from "@paybridge/adapter-kit/testing"
import { type CustomerId, Parties, type Role } from "@paybridge/core"
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
