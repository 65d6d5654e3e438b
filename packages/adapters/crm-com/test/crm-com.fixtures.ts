/**
 * A CRM.COM tenant for the dialect's tests, shaped after the vendor's examples: the accounts
 * receivable "Peter Johnson Premium" (number 192) with its account owner, the payment types and
 * methods (one linked with a test gateway as "Stripe Payment Gateway"), the Admin Unit, categories,
 * a rejection reason, a payment cancellation type, user JackH with a password, and a login.
 */
import { makeSessionStore } from "@paybridge/adapter-kit"
import { type DialectTestbed, makeDialectTestbed, type TestRequest } from "@paybridge/adapter-kit/testing"
import {
  authenticatorLayerWith,
  type CommandContext,
  type CustomerId,
  type LedgerServices,
  Parties,
  testKdfCost
} from "@paybridge/core"
import { testLedgerLayerWith } from "@paybridge/db/testing"
import { Effect, Layer } from "effect"
import {
  crmComDialect,
  defineAccountOwner,
  defineCancellationType,
  defineCategory,
  defineRejectionReason,
  defineUnit,
  describePreset
} from "../src/index.ts"

export const jack = { email: "j_hadjicosti@crm.com", name: "JackH", password: "JackH-secret-1" }

export const exampleOwner = {
  last_name: "Johnson",
  middle_name: null,
  company_profile: null,
  type: "PERSON",
  first_name: "Peter",
  name: "Peter Johnson",
  company_name: null,
  demographics: {
    gender: "MALE",
    passport_issued_by_country: null,
    passport_number: "7839023",
    social_security_number: "98374",
    country_of_residence: { name: "CYPRUS", id: "181" },
    industry_sector: { name: "GOVERNMENTAL", id: "A9BDEBD4D8FAEDB0BACE40C041156D12" },
    date_of_birth: { month: 4, day: 6, year: 1985 },
    name_day: { month: 6, day: 29 },
    id_number: "984783",
    id_issued_by_country: { name: "CYPRUS", id: "181" },
    industry: null
  }
}

export interface Tenant {
  readonly testbed: DialectTestbed
  /** The pinned clock of the session store (milliseconds). */
  readonly clock: { now: number }
  readonly token: string
  readonly customer: { readonly id: CustomerId; readonly publicId: string; readonly number: string }
  readonly otherCustomer: { readonly id: CustomerId; readonly number: string }
  readonly jackId: number
  readonly unitId: string
  readonly send: (request: TestRequest) => Promise<{ status: number; json: unknown; text: string }>
  readonly get: (
    path: string,
    query: Record<string, string>
  ) => Promise<{ status: number; json: unknown; text: string }>
  readonly post: (
    path: string,
    body: Record<string, unknown>
  ) => Promise<{ status: number; json: unknown; text: string }>
  readonly dispose: () => Promise<void>
}

/** Options of {@link makeTenant}. */
export interface TenantOptions {
  /** Store operations (e.g. `dialectRecords.insert`) that fail with `StorageUnavailable` while it says so. */
  readonly faults?: ((operation: string) => boolean) | undefined
}

/** Builds the tenant and logs JackH in (unit "Admin Unit"). */
export const makeTenant = async (options: TenantOptions = {}): Promise<Tenant> => {
  const clock = { now: Date.UTC(2014, 6, 14, 10, 0, 0) }
  const faults = options.faults
  const testbed = await makeDialectTestbed({
    dialect: crmComDialect,
    deps: { sessions: makeSessionStore({ ttlSeconds: 2 * 60 * 60, now: () => clock.now }) },
    ...(faults === undefined
      ? {}
      : {
          layer: Layer.provideMerge(authenticatorLayerWith({ kdfCost: testKdfCost }), testLedgerLayerWith({ faults }))
        })
  })
  const user = await testbed.createUser({ ...jack, role: "finance" })
  const setup = await testbed.runAsSystem(
    Effect.gen(function* () {
      const parties = yield* Parties
      const customer = yield* parties.createCustomer({ name: "Peter Johnson Premium", number: "192", currency: "EUR" })
      const otherCustomer = yield* parties.createCustomer({ name: "Other Account", number: "186", currency: "EUR" })
      yield* defineAccountOwner(customer, exampleOwner)
      yield* parties.createPreset({ kind: "type", code: "INVBALPAY", name: "Invoices Balance Payment" })
      yield* parties.createPreset({ kind: "type", code: "PAY1", name: "Payment 1" })
      const bank = yield* parties.createPreset({ kind: "method", code: "BT", name: "Bank Transfer" })
      yield* describePreset(bank.publicId, "Bank Transfer")
      yield* parties.createPreset({ kind: "method", code: "DD", name: "Direct Debit" })
      const gateway = yield* parties.createGateway({ code: "STRIPE", name: "Stripe", driver: "test" })
      yield* parties.createPreset({
        kind: "method",
        code: "STRIPE",
        name: "Stripe Payment Gateway",
        gatewayId: gateway.id
      })
      const unitId = yield* defineUnit({
        name: "Admin Unit",
        alternativeCode: "MG",
        description: "r1",
        communityName: "Main Community",
        groupName: "Main Group"
      })
      yield* defineCategory({ name: "Invoice Payments", alternativeCode: "INVPAY" })
      yield* defineCategory({ name: "Bill Payments", alternativeCode: "BILLPAY" })
      yield* defineCategory({ name: "Cancellation Because of Mistake", alternativeCode: "MISTAKE" })
      yield* defineRejectionReason({ name: "Reject Due to Business Request", alternativeCode: "BUSREQ" })
      yield* defineCancellationType({ name: "Payment Cancellation", alternativeCode: "PAYCANC" })
      return { customer, otherCustomer, unitId }
    })
  )
  const login = await testbed.request({
    method: "POST",
    path: "/authentication/token",
    body: { username: jack.email, password: jack.password, organisation: "CRM.COM", unit: "Admin Unit" }
  })
  const token = (login.json as { data: { token: string } }).data.token
  const send = (request: TestRequest) => testbed.request(request)
  return {
    testbed,
    clock,
    token,
    customer: setup.customer,
    otherCustomer: setup.otherCustomer,
    jackId: user.id,
    unitId: setup.unitId,
    send,
    get: (path, query) => send({ method: "GET", path, query: { token, ...query } }),
    post: (path, body) => send({ method: "POST", path, body: { token, ...body } }),
    dispose: () => testbed.dispose()
  }
}

/** Runs a ledger program as the system. */
export const asSystem = <A, E>(tenant: Tenant, program: Effect.Effect<A, E, LedgerServices | CommandContext>) =>
  tenant.testbed.runAsSystem(program)

/** The `data` of a successful CRM.COM answer (fails the test on an error envelope). */
export const dataOf = <A = Record<string, unknown>>(response: { json: unknown; text: string }): A => {
  const body = response.json as { status: { code: string }; data: A }
  if (body?.status?.code !== "OK") throw new Error(`expected status OK, got ${response.text}`)
  return body.data
}

/** A JSON value with every `JsonDecimal` turned into its text and numbers into text, for comparisons. */
export const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
