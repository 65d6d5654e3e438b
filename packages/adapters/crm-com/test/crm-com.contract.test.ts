/**
 * The kit's shared contract suite for the CRM.COM dialect: every method refuses a missing or
 * wrong token in CRM.COM's error envelope, unknown routes and malformed JSON are answered in it,
 * a rejected create changes nothing, a valid create matches its declared schema, and a create
 * retried with the same Idempotency-Key answers the same and creates one payment.
 */
import { JsonDecimal } from "@paybridge/adapter-kit"
import { type DialectTestbed, dialectContractSuite, type TestRequest } from "@paybridge/adapter-kit/testing"
import { Parties } from "@paybridge/core"
import { Effect } from "effect"
import { crmComDialect } from "../src/index.ts"

interface Seed {
  readonly token: string
}

const seed = async (testbed: DialectTestbed): Promise<Seed> => {
  await testbed.createUser({ email: "clerk@crm.example", name: "Clerk", role: "finance", password: "clerk-secret-1" })
  await testbed.runAsSystem(
    Effect.gen(function* () {
      const parties = yield* Parties
      yield* parties.createCustomer({ name: "Contract Account", number: "500", currency: "EUR" })
      yield* parties.createPreset({ kind: "type", code: "PAY", name: "Payment" })
      yield* parties.createPreset({ kind: "method", code: "CASH", name: "Cash" })
    })
  )
  const login = await testbed.request({
    method: "POST",
    path: "/authentication/token",
    body: { username: "clerk@crm.example", password: "clerk-secret-1", organisation: "Contract" }
  })
  return { token: (login.json as { data: { token: string } }).data.token }
}

const withToken = (request: TestRequest, token: string): TestRequest =>
  request.method === "GET"
    ? { ...request, query: { ...request.query, token } }
    : { ...request, body: { ...(request.body as Record<string, unknown> | undefined), token } }

const create = (amount: string) => ({
  method: "POST",
  path: "/payments/create",
  body: {
    accounts_receivable_identifier: { number: "500" },
    type_identifier: { name: "Payment" },
    payment_method_identifier: { alternative_code: "CASH" },
    life_cycle_state: "POSTED",
    payment_amount: new JsonDecimal(amount)
  }
})

dialectContractSuite<Seed>({
  dialect: crmComDialect,
  expectations: {
    seed,
    authorize: (request, { token }) => withToken(request, token),
    authorizeWrongly: (request) => withToken(request, "not-a-token-we-issued"),
    create: {
      operationId: "payments/create",
      valid: () => create("12.50"),
      variant: () => create("99.99"),
      invalid: () => ({ ...create("12.50"), body: { ...create("12.50").body, payment_amount: "twelve" } })
    }
  }
})
