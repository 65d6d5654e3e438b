/**
 * The app and fixtures the query budgets (`query-budgets.test.ts`) are measured on: the production app
 * (`createApp`, every dialect mounted) over the real ledger on a fresh SQLite or PostgreSQL database, its
 * `StatementLog`, the customers and payments each budgeted request reads or writes (a customer with more
 * payments than a page, one with reversals, one with every Billing Platform (UK) list filter's activity…),
 * a login on every dialect, and `measure`: a warm-up request, then the counted one.
 */

import { defineUnit } from "@paybridge/adapter-crm-com"
import {
  Authenticator,
  authenticatorLayerWith,
  CommandContext,
  DialectRecords,
  ledgerLayer,
  PaymentGateways,
  testKdfCost
} from "@paybridge/core"
import { Database, openDatabase } from "@paybridge/db"
import { attachStatementLog, createPostgresTestDatabase, StatementLog, testLedgerLayer } from "@paybridge/db/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import { vi } from "vitest"
import { createApp } from "../../src/app.ts"
import { loadConfig } from "../../src/config.ts"

type Services = Layer.Success<typeof testLedgerLayer> | Authenticator
let runtime: ManagedRuntime.ManagedRuntime<Services, never>
let dropDatabase: () => Promise<void> = async () => {}
let app: ReturnType<typeof createApp>
let log: StatementLog["Service"]

const email = "budget@paybridge.test"
const password = "a long budget password"
export const sessions = { apiKey: "", crmComToken: "", crmComUnitToken: "", logisenseToken: "", elevateToken: "" }
/** The customer whose list is read: more payments than one page. */
export const bigCustomer = { id: 0, number: "" }
/** A customer with reversed payments: LogiSense lists show each active reversal as a row of its own. */
export const reversedCustomer = { id: 0 }
/**
 * A customer with what every Billing Platform (UK) list filter asks about: a payment reversed, one
 * reversed and reinstated, one collected, one whose collection was cancelled, one partly refunded.
 */
export const activityCustomer = { id: 0, firstPayment: 0 }
/** A customer whose last payment is wholly reversed: a list after it reads no payment that brings the customer along. */
export const reversedLastCustomer = { id: 0, lastPayment: 0 }
/** Customers that payments are created for. */
const others: Array<{ id: number; number: string }> = []
/** A customer with invoices open for far more than the creates that name them pay. */
export const invoiced = { id: 0, invoiceId: 0, invoiceIds: [] as Array<number> }
/** A EUR customer billed by a USD billing entity: LogiSense keeps a `baseAmount` in USD. */
export const foreignOwned = { id: 0 }
/** A EUR customer billed by a GBP billing entity (a second owner for LogiSense's unpaged list). */
export const otherForeignOwned = { id: 0 }
export let samplePayment = { id: 0, publicId: "", customerId: 0 }
export let silverProvider = 0
let counter = 0

interface Answer {
  readonly status: number
  readonly body: string
}

const send = async (
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {}
): Promise<Answer> => {
  const response = await app.request(`http://paybridge.test${path}`, {
    method,
    headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body })
  })
  return { status: response.status, body: await response.text() }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
export const trpcPath = (procedure: string, input: unknown) =>
  `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`
export const crm = (path: string, params: Record<string, string>) =>
  `/crmapi/rest/v4/${path}?${new URLSearchParams({ ...params, token: sessions.crmComToken }).toString()}`
const trpc = async (procedure: string, input: unknown) => {
  const answer = await send("POST", `/trpc/${procedure}`, {
    headers: bearer(sessions.apiKey),
    body: JSON.stringify(input)
  })
  if (answer.status !== 200) throw new Error(`${procedure}: ${answer.status} ${answer.body}`)
  return (JSON.parse(answer.body) as { result: { data: unknown } }).result.data
}

/**
 * Counted after a warm-up, so the principal read at login is cached as in production; on a loaded
 * machine more than the production 5 s can pass between the warm-up and the counted request, which
 * would add the session read once — the budgets are for the warm path, so the cache outlives the test.
 */
const authenticatorOptions = { kdfCost: testKdfCost, principalCacheTtlMillis: 10 * 60_000 }

/** The production app over the real ledger on a fresh database of `driver`, its statement log, and the fixtures. */
export const setUp = async (driver: "sqlite" | "postgresql") => {
  others.length = 0
  if (driver === "sqlite") {
    runtime = ManagedRuntime.make(Layer.provideMerge(authenticatorLayerWith(authenticatorOptions), testLedgerLayer))
    log = await runtime.runPromise(Effect.service(StatementLog))
  } else {
    const database = await createPostgresTestDatabase()
    dropDatabase = database.drop
    const stores = Layer.merge(openDatabase({ url: database.url }), PaymentGateways.layerTest)
    const ledger = ledgerLayer.pipe(Layer.provideMerge(stores))
    const pgRuntime = ManagedRuntime.make(Layer.provideMerge(authenticatorLayerWith(authenticatorOptions), ledger))
    log = attachStatementLog((await pgRuntime.runPromise(Effect.service(Database))).orm)
    runtime = pgRuntime as unknown as typeof runtime
  }
  app = createApp({ runtime, config: await Effect.runPromise(loadConfig({})) })
  const admin = await runtime.runPromise(
    Effect.gen(function* () {
      const auth = yield* Authenticator
      const user = yield* auth.createUser({ email, name: "Budget", role: "admin", password })
      return yield* auth.issueApiKey({ userId: user.id, label: "budget" })
    }).pipe(Effect.provide(CommandContext.system()))
  )
  sessions.apiKey = admin.apiKey

  await trpc("presets.create", { kind: "type", code: "PAY", name: "Payment" })
  await trpc("presets.create", { kind: "method", code: "CASH", name: "Cash" })
  silverProvider = (
    (await trpc("billingEntities.create", { name: "Provider", flow: "invoice", defaultCurrency: "EUR" })) as {
      id: number
    }
  ).id
  // Created before the big customer's payments, so lists after a payment id (idAfter) do not reach them.
  reversedCustomer.id = (
    (await trpc("customers.create", { name: "Reversed", number: "3001", currency: "EUR" })) as { id: number }
  ).id
  const toReverse: Array<number> = []
  for (let i = 0; i < 36; i++) {
    const payment = (await trpc("payments.create", {
      customerId: reversedCustomer.id,
      amount: `${20 + i}.00`,
      reference: `reversed ${i}`
    })) as { payment: { id: number } }
    if ([3, 9, 17, 25, 30, 33].includes(i)) toReverse.push(payment.payment.id)
  }
  // Seven reversal rows (one payment reversed twice), after every payment of the customer in creation order.
  for (const paymentId of [...toReverse, toReverse[1]]) {
    await trpc("payments.reverse", { paymentId, amount: "1.00", reason: "budget" })
  }
  activityCustomer.id = (
    (await trpc("customers.create", { name: "Activity", number: "6001", currency: "EUR" })) as { id: number }
  ).id
  const activity: Array<number> = []
  for (let i = 0; i < 12; i++) {
    const payment = (await trpc("payments.create", {
      customerId: activityCustomer.id,
      amount: `${30 + i}.00`,
      reference: `activity ${i}`,
      ...(i === 1 || i === 2 ? { initialState: "draft" } : {})
    })) as { payment: { id: number } }
    activity.push(payment.payment.id)
  }
  activityCustomer.firstPayment = activity[0] ?? 0
  await trpc("payments.requestCollection", { paymentId: activity[1], method: "direct-debit" })
  await trpc("payments.markCollected", { paymentId: activity[1] })
  await trpc("payments.requestCollection", { paymentId: activity[2], method: "direct-debit" })
  await trpc("payments.cancelCollection", { paymentId: activity[2] })
  await trpc("payments.reverse", { paymentId: activity[3], reason: "budget" })
  await trpc("payments.reverse", { paymentId: activity[4], reason: "budget" })
  await trpc("payments.reinstate", { paymentId: activity[4] })
  await trpc("payments.refund", { paymentId: activity[5], amount: "5.00" })
  reversedLastCustomer.id = (
    (await trpc("customers.create", { name: "Reversed last", number: "7001", currency: "EUR" })) as { id: number }
  ).id
  for (let i = 0; i < 2; i++) {
    const payment = (await trpc("payments.create", {
      customerId: reversedLastCustomer.id,
      amount: `${40 + i}.00`,
      reference: `reversed last ${i}`
    })) as { payment: { id: number } }
    reversedLastCustomer.lastPayment = payment.payment.id
  }
  await trpc("payments.reverse", { paymentId: reversedLastCustomer.lastPayment, reason: "budget" })
  // More providers than one page of the provider list measured below (a page of one).
  for (let i = 0; i < 3; i++) {
    await trpc("billingEntities.create", { name: `Provider ${i}`, flow: "invoice", defaultCurrency: "EUR" })
  }
  const big = (await trpc("customers.create", { name: "Big", number: "1001", currency: "EUR" })) as {
    id: number
    number: string
  }
  Object.assign(bigCustomer, { id: big.id, number: big.number })
  for (let i = 0; i < 3; i++) {
    const customer = (await trpc("customers.create", { name: `Other ${i}`, number: `200${i}`, currency: "EUR" })) as {
      id: number
      number: string
    }
    others.push({ id: customer.id, number: customer.number })
  }
  invoiced.id = (
    (await trpc("customers.create", { name: "Invoiced", number: "4001", currency: "EUR" })) as { id: number }
  ).id
  invoiced.invoiceIds = []
  for (let i = 0; i < 3; i++) {
    const invoice = (await trpc("documents.issue", {
      kind: "invoice",
      customerId: invoiced.id,
      total: "100000.00"
    })) as { id: number }
    invoiced.invoiceIds.push(invoice.id)
  }
  invoiced.invoiceId = invoiced.invoiceIds[0] ?? 0
  const usdOwner = (
    (await trpc("billingEntities.create", { name: "USD Owner", flow: "invoice", defaultCurrency: "USD" })) as {
      id: number
    }
  ).id
  foreignOwned.id = (
    (await trpc("customers.create", {
      name: "Foreign owned",
      number: "5001",
      currency: "EUR",
      billingEntityId: usdOwner
    })) as { id: number }
  ).id
  const gbpOwner = (
    (await trpc("billingEntities.create", { name: "GBP Owner", flow: "invoice", defaultCurrency: "GBP" })) as {
      id: number
    }
  ).id
  otherForeignOwned.id = (
    (await trpc("customers.create", {
      name: "Other foreign owned",
      number: "5002",
      currency: "EUR",
      billingEntityId: gbpOwner
    })) as { id: number }
  ).id
  // Names of LogiSense vendor references (card types and a bill run; bill run 9 and pre-authorization 11,
  // named below, have none registered).
  for (const [kind, key, name] of [
    ["card-type", "7", "Visa"],
    ["card-type", "8", "Mastercard"],
    ["bill-run-history", "4", "Run 4"]
  ] as const) {
    await runtime.runPromise(
      DialectRecords.use((records) =>
        records.saveDialectRecord({ dialect: "logisense", kind, key, data: { name } })
      ).pipe(Effect.provide(CommandContext.system()))
    )
  }
  for (let i = 0; i < 70; i++) {
    const payment = (await trpc("payments.create", {
      customerId: big.id,
      amount: `${10 + i}.00`,
      reference: `seed ${i}`,
      paymentDate: `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, "0")}`
    })) as { payment: { id: number; publicId: string; customerId: number } }
    samplePayment = {
      id: payment.payment.id,
      publicId: payment.payment.publicId,
      customerId: payment.payment.customerId
    }
  }

  const crmLogin = await send("POST", "/crmapi/rest/v4/authentication/web_api_key/token", {
    headers: { authorization: `Basic ${Buffer.from(`${sessions.apiKey}:`).toString("base64")}` },
    body: "{}"
  })
  sessions.crmComToken = (JSON.parse(crmLogin.body) as { data: { token: string } }).data.token
  // A login with a business unit: what it writes keeps CRM.COM attributes (created/updated by unit).
  await runtime.runPromise(defineUnit({ name: "Budget Unit" }).pipe(Effect.provide(CommandContext.system())))
  const crmUnitLogin = await send("POST", "/crmapi/rest/v4/authentication/web_api_key/token", {
    headers: { authorization: `Basic ${Buffer.from(`${sessions.apiKey}:`).toString("base64")}` },
    body: '{"unit":"Budget Unit"}'
  })
  sessions.crmComUnitToken = (JSON.parse(crmUnitLogin.body) as { data: { token: string } }).data.token
  const logisenseLogin = await app.request("http://paybridge.test/logisense/AuthorizationServer/api/v6/Access/Login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "password",
      client_id: "budget",
      client_secret: sessions.apiKey
    }).toString()
  })
  sessions.logisenseToken = ((await logisenseLogin.json()) as { access_token: string }).access_token
  const elevateLogin = await send("POST", "/elevate/v1/authenticate", {
    body: JSON.stringify({ brand: "budget", username: email, password })
  })
  sessions.elevateToken = (JSON.parse(elevateLogin.body) as { token: string }).token
}

export const tearDown = async () => {
  await runtime?.dispose()
  await dropDatabase()
  dropDatabase = async () => {}
}

export type Request = () => { method: string; path: string; headers?: Record<string, string>; body?: string }

/**
 * A warm-up request, then the measured one, both at one instant of the wall clock (only `Date` is
 * frozen; timers run): the in-process caches (principals, sessions, presets — 5 seconds) that the
 * warm-up found fresh or filled are still fresh for the measured request, however slow the machine.
 * Without it an entry the warm-up hit just before it expired made the measured request read it again.
 */
export const measure = async (request: Request) => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() })
  try {
    const warm = request()
    await send(warm.method, warm.path, warm)
    const next = request()
    const { result, tally } = await log.measure(() => send(next.method, next.path, next))
    return { answer: result, tally }
  } finally {
    vi.useRealTimers()
  }
}

export const nextOther = () => others[counter++ % others.length] ?? { id: 0, number: "" }
export const key = () => ({ "idempotency-key": `budget-${counter++}-${Math.random()}` })
export const today = () => new Date().toISOString().slice(0, 10)

export const pageSize = 20
