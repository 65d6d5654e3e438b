/**
 * Input hygiene over real HTTP, one suite for every database (`input-hygiene.sqlite.test.ts`,
 * `input-hygiene.postgres.test.ts`). Ill-formed text: a NUL or a lone surrogate in any text field
 * — the unauthenticated login fields of every protocol included — is a 400 in that protocol's own
 * error shape that changes nothing; impossible calendar dates and out-of-range timestamps are 400
 * too. Card numbers: a PAN typed into any free-text field of any protocol is stored, answered,
 * replayed and shown by every dialect only masked (first six / last four), and no table of the
 * database holds it in the clear.
 */
import { defineCancellationType, defineUnit } from "@paybridge/adapter-crm-com"
import type { Dialect } from "@paybridge/adapter-kit"
import { Authenticator, CommandContext } from "@paybridge/core"
import { Database } from "@paybridge/db"
import { Effect, Exit, type ManagedRuntime, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dialects } from "../../src/dialects.ts"
import type { ScenarioDatabase } from "./api-scenarios.ts"
import { renderedByEveryDialect } from "./cross-protocol.ts"
import { ledgerSnapshots } from "./fuzz/ledger-snapshot.ts"
import { startTestServer, type TestServer } from "./test-server.ts"

const dialectById = (id: string): Dialect => {
  const dialect = dialects.find((candidate) => candidate.id === id)
  if (dialect === undefined) throw new Error(`no dialect ${id}`)
  return dialect
}

const inErrorShape = (dialectId: string, json: unknown): boolean =>
  Exit.isSuccess(Schema.decodeUnknownExit(dialectById(dialectId).errorSchema)(json))

const inTrpcShape = (status: number, json: unknown): boolean => {
  // tRPC's envelope: { error: { message, code, data: { code, httpStatus, … } } }
  const error = (json as { error?: { message?: unknown; data?: { code?: unknown; httpStatus?: unknown } } }).error
  return typeof error?.message === "string" && error.data?.code === "BAD_REQUEST" && error.data.httpStatus === status
}

interface Answer {
  readonly status: number
  readonly text: string
  readonly json: unknown
}

const answer = async (response: Response): Promise<Answer> => {
  const text = await response.text()
  let json: unknown
  try {
    json = text === "" ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json }
}

/** The card numbers the card tests type, and how each must come back. */
const pans = {
  visa: { typed: "4111111111111111", masked: "411111******1111" },
  grouped: { typed: "4111 1111 1111 1111", masked: "4111 11** **** 1111" },
  dashed: { typed: "5500-0000-0000-0004", masked: "5500-00**-****-0004" }
} as const

/** True when `text` holds any of the test PANs in the clear (in whatever grouping, JSON-escaped or not). */
const holdsClearPan = (text: string): boolean => {
  const digits = text.replace(/[ -]|\\u002d/gu, "")
  return digits.includes("4111111111111111") || digits.includes("5500000000000004")
}

/** Every table of the ledger's database, for the "no PAN in the clear anywhere" scan. */
const tables = [
  "customers",
  "billing_entities",
  "gateways",
  "payment_presets",
  "documents",
  "payments",
  "allocations",
  "reversals",
  "refunds",
  "collections",
  "balance_entries",
  "ledger_events",
  "dialect_records",
  "idempotency_keys"
] as const

export const registerInputHygieneScenarios = (name: string, openDatabase: () => Promise<ScenarioDatabase>) => {
  describe(name, () => {
    let database: ScenarioDatabase
    let server: TestServer
    const email = "hygiene-clerk@test.paybridge.invalid"
    const password = "a long hygiene password"
    let crmToken: string
    let elevateToken: string
    let logisenseToken: string

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body)
      }).then(answer)

    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { headers }).then(answer)

    beforeAll(async () => {
      database = await openDatabase()
      server = await startTestServer(database.url)
      await server.runtime.runPromise(
        Effect.gen(function* () {
          yield* Authenticator.use((auth) => auth.createUser({ email, name: "Hygiene clerk", role: "admin", password }))
          yield* defineUnit({ name: "Admin Unit", alternativeCode: "MG" })
          yield* defineCancellationType({ name: "Payment Cancellation" })
        }).pipe(Effect.provide(CommandContext.system()))
      )
      const admin = server.clientAs("admin")
      await admin.presets.create.mutate({ kind: "type", code: "INVBALPAY", name: "Invoices Balance Payment" })
      await admin.presets.create.mutate({ kind: "method", code: "BT", name: "Bank Transfer" })
      await admin.presets.create.mutate({ kind: "method", code: "CHEQUE", name: "Cheque" })
      crmToken = (
        (
          await post("/crmapi/rest/v4/authentication/token", {
            username: email,
            password,
            organisation: "Paybridge",
            unit: "Admin Unit"
          })
        ).json as { data: { token: string } }
      ).data.token
      elevateToken = (
        (await post("/elevate/v1/authenticate", { brand: "paybridge", username: email, password })).json as {
          token: string
        }
      ).token
      const login = await fetch(`${server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "password",
          client_id: "hygiene",
          client_secret: server.apiKeys.admin
        }).toString()
      })
      logisenseToken = ((await login.json()) as { access_token: string }).access_token
    }, 120_000)
    afterAll(async () => {
      await server?.close()
      await database?.dispose()
    })

    describe("ill-formed text and impossible dates are a 400 in each protocol's shape and change nothing", () => {
      const basic = (user: string, secret: string) =>
        `Basic ${Buffer.from(`${user}:${secret}`, "utf8").toString("base64")}`

      const cases: ReadonlyArray<{
        readonly protocol: string
        readonly what: string
        readonly send: () => Promise<Answer>
      }> = [
        {
          protocol: "trpc",
          what: "session.signIn e-mail with a NUL (unauthenticated)",
          send: () =>
            post("/trpc/session.signIn", { email: "ops\u0000@example.com", password: "x" }, { origin: server.url })
        },
        {
          protocol: "trpc",
          what: "customers.create name with a lone surrogate",
          send: () =>
            post(
              "/trpc/customers.create",
              { name: "Bad \ud800", currency: "EUR" },
              { authorization: `Bearer ${server.apiKeys.admin}` }
            )
        },
        {
          protocol: "trpc",
          what: "customers.create custom field name with a NUL",
          send: () =>
            post(
              "/trpc/customers.create",
              { name: "Ok", currency: "EUR", customFields: { "k\u0000": "v" } },
              { authorization: `Bearer ${server.apiKeys.admin}` }
            )
        },
        {
          protocol: "trpc",
          what: "documents.issue on 2026-02-30",
          send: () =>
            post(
              "/trpc/documents.issue",
              { kind: "invoice", customerId: 1, total: "1.00", issueDate: "2026-02-30" },
              { authorization: `Bearer ${server.apiKeys.admin}` }
            )
        },
        {
          protocol: "trpc",
          what: "events.feed since 99999-01-01",
          send: () =>
            get(`/trpc/events.feed?input=${encodeURIComponent(JSON.stringify({ since: "99999-01-01" }))}`, {
              authorization: `Bearer ${server.apiKeys.admin}`
            })
        },
        {
          protocol: "crm-com",
          what: "authentication/token username with a NUL (unauthenticated)",
          send: () =>
            post("/crmapi/rest/v4/authentication/token", {
              username: "clerk\u0000",
              password,
              organisation: "Paybridge",
              unit: "Admin Unit"
            })
        },
        {
          protocol: "crm-com",
          what: "payments/create notes with a lone surrogate",
          send: () => post("/crmapi/rest/v4/payments/create", { token: crmToken, notes: "\udc00", payment_amount: "1" })
        },
        {
          protocol: "elevate",
          what: "/authenticate username with a lone surrogate (unauthenticated)",
          send: () => post("/elevate/v1/authenticate", { brand: "paybridge", username: "\ud83d", password })
        },
        {
          protocol: "elevate",
          what: "customer-payments query with a NUL",
          send: () => get("/elevate/v1/customer-payments?customer_id=%00", { authorization: `Bearer ${elevateToken}` })
        },
        {
          protocol: "logisense",
          what: "Access/Login client_id with a NUL (unauthenticated, form-encoded)",
          send: () =>
            fetch(`${server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded" },
              body: "grant_type=password&client_id=%00&client_secret=x"
            }).then(answer)
        },
        {
          protocol: "logisense",
          what: "Payment/ detail with a NUL",
          send: () =>
            post("/logisense/api/v6/Payment/", '{"accountId":1,"amount":1,"detail":"a\\u0000b"}', {
              authorization: `Bearer ${logisenseToken}`
            })
        },
        {
          protocol: "silver",
          what: "HTTP Basic user name with a NUL",
          send: () => get("/silver/customers/", { authorization: basic("ops\u0000@example.com", "x") })
        },
        {
          protocol: "silver",
          what: "customers/ name with a lone surrogate",
          send: () =>
            post(
              "/silver/customers/",
              { name: "\udfff", address_1: "a", city: "b", country: "RO" },
              { authorization: `Token ${server.apiKeys.admin}` }
            )
        },
        {
          protocol: "billing-platform-uk",
          what: "payment body field name with a NUL",
          send: () =>
            post("/backend/api/v1/customers/1/payments/", '{"paymentAmount": 1.00, "\\u0000": 1}', {
              authorization: `Bearer ${server.apiKeys.admin}`
            })
        },
        {
          protocol: "billing-platform-uk",
          what: "payment ourReference with a lone surrogate",
          send: () =>
            post("/backend/api/v1/customers/1/payments/", '{"paymentAmount": 1.00, "ourReference": "\\ud800"}', {
              authorization: `Bearer ${server.apiKeys.admin}`
            })
        }
      ]

      for (const { protocol, what, send } of cases) {
        it(`${protocol}: ${what}`, async () => {
          const snapshot = ledgerSnapshots(server.runtime)
          const before = await snapshot()
          const refused = await send()
          // The status each protocol gives a validation failure (400; CRM.COM answers 200 with an error envelope).
          const status = protocol === "trpc" ? 400 : dialectById(protocol).renderError.ValidationFailed.status
          expect(refused.status, refused.text).toBe(status)
          expect(
            protocol === "trpc" ? inTrpcShape(refused.status, refused.json) : inErrorShape(protocol, refused.json),
            refused.text
          ).toBe(true)
          expect(await snapshot()).toEqual(before)
        })
      }
    })

    describe("card numbers typed into free text are masked before anything is stored", () => {
      const writes: Array<{ readonly protocol: string; readonly fields: string; readonly paymentId: number | null }> =
        []

      it("every protocol's free-text fields answer the masked form", async () => {
        const admin = server.clientAs("admin")
        const trpcHeaders = { authorization: `Bearer ${server.apiKeys.admin}` }
        const customer = await admin.customers.create.mutate({
          name: `Card holder ${pans.grouped.typed}`,
          currency: "GBP",
          customFields: { card: pans.visa.typed }
        })
        expect(customer.name).toBe(`Card holder ${pans.grouped.masked}`)
        expect(customer.customFields).toEqual({ card: pans.visa.masked })
        const invoice = await admin.documents.issue.mutate({
          kind: "invoice",
          customerId: customer.id,
          total: "500.00"
        })

        // tRPC: every payment reference and custom field, with an idempotency key (its stored answer is checked below).
        const viaTrpc = await post(
          "/trpc/payments.create",
          {
            customerId: customer.id,
            amount: "10.00",
            description: `desc ${pans.visa.typed}`,
            notes: `notes ${pans.grouped.typed}`,
            reference: pans.dashed.typed,
            customerReference: `cust ${pans.visa.typed}`,
            checkNumber: pans.visa.typed,
            thirdPartyReference: `3p ${pans.dashed.typed}`,
            customFields: { note: `pan ${pans.visa.typed}` }
          },
          { ...trpcHeaders, "idempotency-key": "pan-trpc-1" }
        )
        expect(viaTrpc.status, viaTrpc.text).toBe(200)
        expect(holdsClearPan(viaTrpc.text), viaTrpc.text).toBe(false)
        const trpcPayment = (
          viaTrpc.json as { result: { data: { payment: { id: number; references: Record<string, string> } } } }
        ).result.data.payment
        expect(trpcPayment.references).toMatchObject({
          description: `desc ${pans.visa.masked}`,
          notes: `notes ${pans.grouped.masked}`,
          reference: pans.dashed.masked,
          checkNumber: pans.visa.masked
        })
        writes.push({
          protocol: "trpc",
          fields: "payment references, custom fields, customer name",
          paymentId: trpcPayment.id
        })
        const replay = await post(
          "/trpc/payments.create",
          {
            customerId: customer.id,
            amount: "10.00",
            description: `desc ${pans.visa.typed}`,
            notes: `notes ${pans.grouped.typed}`,
            reference: pans.dashed.typed,
            customerReference: `cust ${pans.visa.typed}`,
            checkNumber: pans.visa.typed,
            thirdPartyReference: `3p ${pans.dashed.typed}`,
            customFields: { note: `pan ${pans.visa.typed}` }
          },
          { ...trpcHeaders, "idempotency-key": "pan-trpc-1" }
        )
        expect(replay.status, replay.text).toBe(200)
        expect(holdsClearPan(replay.text)).toBe(false)
        const adjusted = await post(
          "/trpc/balances.adjust",
          { customerId: customer.id, amount: "1.00", description: `goodwill ${pans.visa.typed}` },
          trpcHeaders
        )
        expect(adjusted.status, adjusted.text).toBe(200)
        const draft = await admin.payments.create.mutate({
          customerId: customer.id,
          amount: "3.00",
          initialState: "draft"
        })
        const rejected = await post(
          "/trpc/payments.reject",
          { paymentId: draft.payment.id, reason: `declined ${pans.visa.typed}` },
          trpcHeaders
        )
        expect(rejected.status, rejected.text).toBe(200)
        expect(holdsClearPan(rejected.text)).toBe(false)
        writes.push({ protocol: "trpc", fields: "rejection reason", paymentId: draft.payment.id, rejected: true })

        // Billing Platform (UK): ourReference, customerReference.
        const bpuk = await post(
          `/backend/api/v1/customers/${customer.id}/payments/`,
          `{"paymentAmount": 20.00, "ourReference": "${pans.visa.typed}", "customerReference": "remit ${pans.grouped.typed}"}`,
          { authorization: `Bearer ${server.apiKeys.admin}`, "idempotency-key": "pan-bpuk-1" }
        )
        expect(bpuk.status, bpuk.text).toBe(201)
        expect(holdsClearPan(bpuk.text), bpuk.text).toBe(false)
        writes.push({
          protocol: "billing-platform-uk",
          fields: "ourReference, customerReference",
          paymentId: Number((bpuk.json as { id: string }).id)
        })

        // CRM.COM: notes, description and a UDF.
        const crm = await post("/crmapi/rest/v4/payments/create", {
          token: crmToken,
          accounts_receivable_identifier: { number: customer.number },
          type_identifier: { name: "Invoices Balance Payment" },
          payment_method_identifier: { alternative_code: "BT" },
          life_cycle_state: "POSTED",
          payment_amount: "30",
          notes: `notes ${pans.visa.typed}`,
          description: `desc ${pans.dashed.typed}`,
          udf_string_1: pans.grouped.typed
        })
        expect((crm.json as { status: { code: string } }).status.code, crm.text).toBe("OK")
        expect(holdsClearPan(crm.text), crm.text).toBe(false)
        const crmPublicId = (crm.json as { data: { id: string } }).data.id
        const crmPayment = await admin.payments.get.query({ publicId: crmPublicId })
        writes.push({
          protocol: "crm-com",
          fields: "notes, description, udf_string_1",
          paymentId: crmPayment.payment.id
        })

        // Elevate: description, reference.
        const elevate = await post(
          "/elevate/v1/customer-payments",
          {
            customerId: customer.id,
            amountInMajorCurrency: 40,
            description: `desc ${pans.visa.typed}`,
            reference: pans.dashed.typed,
            type: "CHEQUE"
          },
          { authorization: `Bearer ${elevateToken}` }
        )
        expect(elevate.status, elevate.text).toBe(201)
        expect(holdsClearPan(elevate.text), elevate.text).toBe(false)
        writes.push({
          protocol: "elevate",
          fields: "description, reference",
          paymentId: (elevate.json as { id: number }).id
        })

        // LogiSense: detail, checkNumber.
        const logisense = await post(
          "/logisense/api/v6/Payment/",
          `{"accountId":${customer.id},"amount":50.00,"invoiceId":${invoice.id},"detail":"paid by ${pans.grouped.typed}","checkNumber":"${pans.visa.typed}"}`,
          { authorization: `Bearer ${logisenseToken}` }
        )
        expect(logisense.status, logisense.text).toBe(200)
        expect(holdsClearPan(logisense.text), logisense.text).toBe(false)
        const logisenseId = (logisense.json as { results: { items: Array<{ identity: number }> } }).results.items[0]
          ?.identity
        writes.push({ protocol: "logisense", fields: "detail, checkNumber", paymentId: logisenseId ?? null })

        // Silver: a customer's text details (a dialect record) and its name.
        const silver = await post(
          "/silver/customers/",
          {
            name: `Silver ${pans.visa.typed}`,
            address_1: `card ${pans.grouped.typed}`,
            city: "Cluj",
            country: "RO",
            customer_reference: pans.dashed.typed,
            extra: `x ${pans.visa.typed}`,
            currency: "GBP"
          },
          { authorization: `Token ${server.apiKeys.admin}` }
        )
        expect(silver.status, silver.text).toBe(201)
        expect(holdsClearPan(silver.text), silver.text).toBe(false)
        const silverShown = await get(new URL((silver.json as { url: string }).url).pathname, {
          authorization: `Token ${server.apiKeys.admin}`
        })
        expect(silverShown.status).toBe(200)
        expect(holdsClearPan(silverShown.text), silverShown.text).toBe(false)
        expect(silverShown.json).toMatchObject({
          customer_reference: pans.dashed.masked,
          extra: `x ${pans.visa.masked}`
        })
        writes.push({ protocol: "silver", fields: "name, address, customer_reference, extra", paymentId: null })
      })

      it("every payment written reads back masked through tRPC and every dialect's view", async () => {
        const admin = server.clientAs("admin")
        const payments = writes.flatMap((write) => (write.paymentId === null ? [] : [write]))
        expect(payments.map((write) => write.protocol)).toEqual([
          "trpc",
          "trpc",
          "billing-platform-uk",
          "crm-com",
          "elevate",
          "logisense"
        ])
        for (const write of payments) {
          const id = write.paymentId as number
          const viaTrpc = await admin.payments.get.query({ id })
          expect(holdsClearPan(JSON.stringify(viaTrpc)), `${write.protocol} via tRPC`).toBe(false)
          if (write.rejected) continue
          for (const { dialectId, rendered } of await renderedByEveryDialect(server, id)) {
            expect(holdsClearPan(JSON.stringify(rendered)), `${write.protocol} shown by ${dialectId}`).toBe(false)
          }
        }
        const events = await admin.events.feed.query({ limit: 1000 })
        expect(holdsClearPan(JSON.stringify(events))).toBe(false)
      })

      it("no table of the database holds a card number in the clear (records, events, idempotency answers, dialect records)", async () => {
        const withDatabase = server.runtime as unknown as ManagedRuntime.ManagedRuntime<Database, never>
        for (const table of tables) {
          const rows = (await withDatabase.runPromise(
            Effect.flatMap(Effect.service(Database), (db) =>
              Effect.promise(() => db.orm.em.fork().execute(`select * from ${table}`))
            )
          )) as ReadonlyArray<unknown>
          const text = JSON.stringify(rows, (_key, value: unknown) =>
            typeof value === "bigint" ? value.toString() : value
          )
          expect(holdsClearPan(text), `${table}: ${text.slice(0, 400)}`).toBe(false)
        }
      })
    })
  })
}
