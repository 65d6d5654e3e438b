/**
 * The edge fuzz suite, registered once per database (`fuzz.sqlite.test.ts`, `fuzz.postgres.test.ts`).
 * A real server over a seeded ledger (customers in two-, three- and zero-decimal currencies,
 * documents, posted, allocated and draft payments, presets, a gateway); then, for every implemented
 * operation of every dialect's OpenAPI document (read from `/docs/<id>/openapi.json`) and every tRPC
 * procedure (its input schema as JSON Schema), a fixed number of requests drawn by fast-check from the
 * route's schemas — mostly spoiled by a mutation (wrong types, huge/negative/exponent numbers, NUL and
 * lone surrogates, overlong strings, impossible dates, missing and unknown fields, bad ids). Every
 * answer must be below 500; every refusal (a 4xx, or an error body under a 2xx status as CRM.COM
 * sends them) must be in the protocol's error shape (the dialect's error schema; tRPC's error envelope
 * with the status in `data.httpStatus`) and must leave the ledger as it was (a snapshot of counts, balances, versions and the event log before and after). All
 * problems are collected and reported together, each with the request that caused it.
 */
import type { Dialect } from "@paybridge/adapter-kit"
import { stringifyJsonExact } from "@paybridge/adapter-kit"
import { Authenticator, CommandContext } from "@paybridge/core"
import { appRouter } from "@paybridge/trpc"
import { Effect, Exit, Schema } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dialects } from "../../../src/dialects.ts"
import type { ScenarioDatabase } from "../api-scenarios.ts"
import { type Answer, answer } from "../protocol-harness.ts"
import { startTestServer, type TestServer } from "../test-server.ts"
import { type LedgerSnapshot, ledgerSnapshots, snapshotChanges } from "./ledger-snapshot.ts"
import { type JsonSchema, requestValueFor, type ValuePool } from "./schema-arbitraries.ts"

export interface FuzzOptions {
  /** Requests per dialect operation and per tRPC procedure. */
  readonly runsPerRoute: number
  /** fast-check seed, so a failure can be replayed (`FUZZ_SEED`). */
  readonly seed: number
}

/** `FUZZ_RUNS` / `FUZZ_SEED` override the defaults (e.g. a long local run). */
export const fuzzOptions = (defaultRuns: number): FuzzOptions => ({
  runsPerRoute: Number(process.env.FUZZ_RUNS ?? defaultRuns),
  seed: Number(process.env.FUZZ_SEED ?? 20261203)
})

interface Credentials {
  readonly headers: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string>>
}

interface FuzzRequest {
  readonly method: string
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

interface Problem {
  readonly route: string
  readonly request: string
  readonly problem: string
}

/** `encodeURIComponent` that also writes lone surrogates (as the WTF-8 bytes a careless client sends). */
const encodeLoose = (text: string): string =>
  Array.from(text)
    .map((char) => {
      try {
        return encodeURIComponent(char)
      } catch {
        const code = char.charCodeAt(0)
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase()
      }
    })
    .join("")

const asText = (value: unknown): string =>
  typeof value === "string"
    ? value
    : value === undefined
      ? ""
      : (stringifyJsonExact(value) ?? "").replace(/^"|"$/gu, "")

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

const describeRequest = (request: FuzzRequest): string => {
  const query = request.query.map(([key, value]) => `${encodeLoose(key)}=${encodeLoose(value)}`).join("&")
  const body =
    request.body === undefined ? "" : ` ${request.body.length > 300 ? `${request.body.slice(0, 300)}…` : request.body}`
  return `${request.method} ${request.path}${query === "" ? "" : `?${query}`}${body}`
}

const send = async (baseUrl: string, request: FuzzRequest): Promise<Answer> => {
  const query = request.query.map(([key, value]) => `${encodeLoose(key)}=${encodeLoose(value)}`).join("&")
  const response = await fetch(`${baseUrl}${request.path}${query === "" ? "" : `?${query}`}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body })
  })
  return answer(response)
}

/** Seeds the ledger the fuzzed requests work on and returns the values worth drawing from. */
const seedLedger = async (server: TestServer): Promise<ValuePool> => {
  const admin = server.clientAs("admin")
  const strings = new Set<string>([
    "EUR",
    "BHD",
    "JPY",
    "GBP",
    "USD",
    "10.00",
    "0.001",
    "12.345",
    "5",
    "2026-01-15",
    "2026-01-15T10:00:00Z",
    "2026-01-15T10:00:00.000Z",
    "2026-01-15T10:00:00",
    "posted",
    "draft",
    "invoice",
    "bill",
    "card",
    "cash"
  ])
  const integers = new Set<number>([1, 2, 3, 4, 5, 0, -1])
  const note = (record: { readonly id: number; readonly publicId?: string; readonly number?: string | null }) => {
    integers.add(record.id)
    strings.add(String(record.id))
    if (record.publicId !== undefined) strings.add(record.publicId)
    if (typeof record.number === "string") strings.add(record.number)
  }
  const entity = await admin.billingEntities.create.mutate({ name: "Fuzz Ltd", defaultCurrency: "EUR" })
  note(entity)
  const method = await admin.presets.create.mutate({ kind: "method", code: "CASH", name: "Cash" })
  const type = await admin.presets.create.mutate({ kind: "type", code: "STD", name: "Standard" })
  note(method)
  note(type)
  const gateway = await admin.gateways.create.mutate({ code: "fuzzpay", name: "Fuzz gateway", driver: "test" })
  note(gateway)
  for (const [currency, total, amount] of [
    ["EUR", "100.00", "40.00"],
    ["BHD", "10.125", "2.125"],
    ["JPY", "5000", "1200"]
  ] as const) {
    const customer = await admin.customers.create.mutate({ name: `Fuzz ${currency}`, currency })
    note(customer)
    const invoice = await admin.documents.issue.mutate({
      kind: "invoice",
      customerId: customer.id,
      total,
      issueDate: "2026-01-10"
    })
    note(invoice)
    const posted = await admin.payments.create.mutate({
      customerId: customer.id,
      amount,
      paymentDate: "2026-01-12",
      methodId: method.id,
      allocations: [{ documentId: invoice.id, amount }],
      reference: `fuzz ${currency}`
    })
    note(posted.payment)
    strings.add(posted.payment.referenceNumber)
    const draft = await admin.payments.create.mutate({ customerId: customer.id, amount, initialState: "draft" })
    note(draft.payment)
  }
  // Hyperlinks in the style of the link-based dialects, for every id seeded.
  for (const dialect of dialects) {
    for (const collection of ["customers", "payments", "providers", "proformas", "invoices", "documents"]) {
      for (const id of [1, 2, 3]) strings.add(`${server.url}${dialect.defaultBasePath}/${collection}/${id}/`)
    }
  }
  return { strings: [...strings], integers: [...integers] }
}

/** How the fuzz authenticates to each dialect (as each vendor's clients do). */
const dialectCredentials = async (
  server: TestServer,
  dialect: Dialect,
  userPassword: string,
  userEmail: string
): Promise<Credentials> => {
  const base = `${server.url}${dialect.defaultBasePath}`
  const apiKey = server.apiKeys.admin
  switch (dialect.id) {
    case "crm-com": {
      const login = await fetch(`${base}/authentication/web_api_key/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`,
          "content-type": "application/json"
        },
        body: "{}"
      })
      const token = ((await login.json()) as { data: { token: string } }).data.token
      return { headers: {}, query: { token } }
    }
    case "elevate": {
      const login = await fetch(`${base}/authenticate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ brand: "paybridge", username: userEmail, password: userPassword })
      })
      return { headers: { authorization: `Bearer ${((await login.json()) as { token: string }).token}` }, query: {} }
    }
    case "logisense": {
      const login = await fetch(`${base}/AuthorizationServer/api/v6/Access/Login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "password", client_id: "fuzz", client_secret: apiKey }).toString()
      })
      return {
        headers: { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` },
        query: {}
      }
    }
    case "silver":
      return { headers: { authorization: `Token ${apiKey}` }, query: {} }
    default:
      return { headers: { authorization: `Bearer ${apiKey}` }, query: {} }
  }
}

interface Operation {
  readonly method: string
  readonly path: string
  readonly operation: JsonSchema
}

const implementedOperations = (document: JsonSchema): ReadonlyArray<Operation> => {
  const operations: Array<Operation> = []
  for (const [path, methods] of Object.entries(asObject(document.paths))) {
    for (const [method, operation] of Object.entries(asObject(methods))) {
      const op = asObject(operation)
      if (op["x-paybridge-implemented"] === true) operations.push({ method: method.toUpperCase(), path, operation: op })
    }
  }
  return operations
}

/** The object schema of an operation's parameters in one location. */
const parameterSchema = (operation: JsonSchema, location: "path" | "query"): JsonSchema => {
  const parameters = (Array.isArray(operation.parameters) ? operation.parameters : []).map(asObject)
  const mine = parameters.filter((parameter) => parameter.in === location)
  return {
    type: "object",
    properties: Object.fromEntries(mine.map((parameter) => [parameter.name, parameter.schema ?? { type: "string" }])),
    required: mine.filter((parameter) => parameter.required === true).map((parameter) => parameter.name)
  }
}

const dialectRequests = (
  dialect: Dialect,
  document: JsonSchema,
  op: Operation,
  pool: ValuePool,
  options: FuzzOptions
): ReadonlyArray<(credentials: Credentials) => FuzzRequest> => {
  // Path ids mostly name seeded records, so requests reach the handlers' reads and writes.
  const pathNames = Object.keys(asObject(parameterSchema(op.operation, "path").properties))
  const seededIds = fc.record(
    Object.fromEntries(pathNames.map((name) => [name, fc.integer({ min: 1, max: 6 }).map(String)]))
  )
  const pathArb = fc.oneof(
    { weight: 2, arbitrary: seededIds },
    { weight: 1, arbitrary: requestValueFor(parameterSchema(op.operation, "path"), document, pool) }
  )
  const queryArb = requestValueFor(parameterSchema(op.operation, "query"), document, pool)
  const content = asObject(asObject(op.operation.requestBody).content)
  const form = content["application/x-www-form-urlencoded"] !== undefined
  const bodySchema = asObject(
    asObject(content["application/json"] ?? content["application/x-www-form-urlencoded"]).schema
  )
  const bodyArb =
    op.operation.requestBody === undefined ? fc.constant(undefined) : requestValueFor(bodySchema, document, pool)
  const samples = fc.sample(fc.tuple(pathArb, queryArb, bodyArb), { numRuns: options.runsPerRoute, seed: options.seed })
  return samples.map(([pathValues, queryValues, body]) => (credentials: Credentials) => {
    const params = asObject(pathValues)
    const path = op.path.replace(/\{([^}]+)\}/gu, (_, name: string) =>
      encodeLoose(name in params ? asText(params[name]) || "1" : "1")
    )
    const query: Array<readonly [string, string]> = Object.entries(asObject(queryValues)).map(([key, value]) => [
      key,
      asText(value)
    ])
    const isPublic = Array.isArray(op.operation.security) && op.operation.security.length === 0
    if (!isPublic) for (const [key, value] of Object.entries(credentials.query)) query.push([key, value])
    const headers: Record<string, string> = isPublic ? {} : { ...credentials.headers }
    let text: string | undefined
    if (body !== undefined) {
      if (form) {
        text = Object.entries(asObject(body))
          .map(([key, value]) => `${encodeLoose(key)}=${encodeLoose(asText(value))}`)
          .join("&")
        headers["content-type"] = "application/x-www-form-urlencoded"
      } else {
        text = stringifyJsonExact(body)
        headers["content-type"] = "application/json"
      }
    }
    return {
      method: op.method,
      path: `${dialect.defaultBasePath}${op.path.startsWith("/") ? "" : "/"}${path}`,
      query,
      headers,
      body: text
    }
  })
}

interface TrpcProcedure {
  readonly _def: { readonly type: "query" | "mutation" | "subscription"; readonly inputs: ReadonlyArray<unknown> }
}

/** The tRPC procedures worth fuzzing: all but the user and API-key administration (it would revoke the fuzz's own key). */
const trpcProcedures = (): ReadonlyArray<readonly [string, TrpcProcedure]> =>
  Object.entries(
    (appRouter as unknown as { _def: { procedures: Record<string, TrpcProcedure> } })._def.procedures
  ).filter(
    ([path, procedure]) =>
      !(path.startsWith("access.") && procedure._def.type === "mutation") && procedure._def.type !== "subscription"
  )

const trpcInputSchema = (procedure: TrpcProcedure): { schema: JsonSchema; root: JsonSchema } => {
  const input = procedure._def.inputs[0] as { readonly inputSchema?: Schema.Top } | undefined
  if (input?.inputSchema === undefined) return { schema: {}, root: {} }
  const document = Schema.toJsonSchemaDocument(Schema.toCodecJson(input.inputSchema as Schema.Codec<unknown, unknown>))
  return { schema: document.schema as JsonSchema, root: { $defs: document.definitions } }
}

const trpcRequests = (
  path: string,
  procedure: TrpcProcedure,
  pool: ValuePool,
  options: FuzzOptions,
  apiKey: string
): ReadonlyArray<FuzzRequest> => {
  const { schema, root } = trpcInputSchema(procedure)
  const samples = fc.sample(requestValueFor(schema, root, pool), { numRuns: options.runsPerRoute, seed: options.seed })
  const headers = { authorization: `Bearer ${apiKey}` }
  return samples.map((input) =>
    procedure._def.type === "query"
      ? {
          method: "GET",
          path: `/trpc/${path}`,
          query: [["input", stringifyJsonExact(input ?? null)] as const],
          headers,
          body: undefined
        }
      : {
          method: "POST",
          path: `/trpc/${path}`,
          query: [],
          headers: { ...headers, "content-type": "application/json" },
          body: stringifyJsonExact(input ?? null)
        }
  )
}

const isTrpcError = (status: number, json: unknown): boolean => {
  const error = asObject(asObject(json).error)
  const data = asObject(error.data)
  return typeof error.message === "string" && typeof data.code === "string" && data.httpStatus === status
}

export const registerFuzzSuite = (
  name: string,
  openDatabase: () => Promise<ScenarioDatabase>,
  options: FuzzOptions
) => {
  describe(name, () => {
    let database: ScenarioDatabase
    let server: TestServer
    let pool: ValuePool
    let snapshot: () => Promise<LedgerSnapshot>
    const userEmail = "fuzz-clerk@test.paybridge.invalid"
    const userPassword = "a long fuzz password"

    beforeAll(async () => {
      database = await openDatabase()
      server = await startTestServer(database.url, {
        env: { LOGIN_RATE_LIMIT: "1000000", AUTH_FAILURE_LIMIT: "1000000", ACCOUNT_FAILURE_LIMIT: "1000000" }
      })
      await server.runtime.runPromise(
        Authenticator.use((auth) =>
          auth.createUser({ email: userEmail, name: "Fuzz clerk", role: "admin", password: userPassword })
        ).pipe(Effect.provide(CommandContext.system()))
      )
      pool = await seedLedger(server)
      snapshot = ledgerSnapshots(server.runtime)
    }, 120_000)
    const statuses = new Map<string, Array<number>>()
    afterAll(async () => {
      if (process.env.FUZZ_TRACE !== undefined) for (const [route, list] of statuses) console.log(route, list.join(" "))
      await server?.close()
      await database?.dispose()
    })

    /** Sends each request, collecting every 5xx, malformed refusal and refusal that changed the ledger. */
    const exercise = async (
      route: string,
      requests: ReadonlyArray<() => Promise<FuzzRequest>>,
      isErrorShape: (status: number, json: unknown) => boolean,
      onUnauthorized: () => void
    ): Promise<ReadonlyArray<Problem>> => {
      const problems: Array<Problem> = []
      for (const next of requests) {
        if (process.env.FUZZ_TRACE !== undefined) statuses.set(route, [...(statuses.get(route) ?? []), 0])
        const request = await next()
        const before = await snapshot()
        const response = await send(server.url, request)
        const after = await snapshot()
        if (process.env.FUZZ_TRACE !== undefined) {
          const list = statuses.get(route) ?? []
          list[list.length - 1] = response.status
          if (response.status === 500 || process.env.FUZZ_TRACE === "all")
            console.log(response.status, describeRequest(request).slice(0, 200), response.text.slice(0, 200))
        }
        const report = (problem: string) => problems.push({ route, request: describeRequest(request), problem })
        if (response.status >= 500) report(`answered ${response.status}: ${response.text.slice(0, 300)}`)
        // A refusal: any 4xx, or an error body with a 2xx status (CRM.COM answers its errors with 200).
        const errorShaped = isErrorShape(response.status, response.json)
        if (response.status >= 400 && !errorShaped) {
          report(`refusal ${response.status} not in the protocol's error shape: ${response.text.slice(0, 300)}`)
        }
        if (response.status >= 400 || errorShaped) {
          const changes = snapshotChanges(before, after)
          if (changes.length > 0) report(`refusal ${response.status} changed the ledger: ${changes.join(", ")}`)
        }
        if (response.status === 401) onUnauthorized()
      }
      return problems
    }

    for (const dialect of dialects) {
      it(`${dialect.id}: every implemented operation of its OpenAPI document answers below 500, refusals in its error shape and without effect`, async () => {
        const document = (await (await fetch(`${server.url}/docs/${dialect.id}/openapi.json`)).json()) as JsonSchema
        const isErrorShape = (_status: number, json: unknown) =>
          Exit.isSuccess(Schema.decodeUnknownExit(dialect.errorSchema)(json))
        let credentials: Credentials | null = null
        const current = async () => {
          credentials ??= await dialectCredentials(server, dialect, userPassword, userEmail)
          return credentials
        }
        const problems: Array<Problem> = []
        const operations = implementedOperations(document)
        expect(operations.length).toBeGreaterThan(0)
        for (const op of operations) {
          const requests = dialectRequests(dialect, document, op, pool, options).map(
            (make) => async () => make(await current())
          )
          problems.push(
            ...(await exercise(`${dialect.id} ${op.method} ${op.path}`, requests, isErrorShape, () => {
              credentials = null
            }))
          )
        }
        expect(problems, JSON.stringify(problems.slice(0, 20), null, 2)).toEqual([])
      }, 600_000)
    }

    it("tRPC: every procedure's input schema, fuzzed, answers below 500, refusals in tRPC's error shape and without effect", async () => {
      const problems: Array<Problem> = []
      const procedures = trpcProcedures()
      expect(procedures.length).toBeGreaterThan(20)
      for (const [path, procedure] of procedures) {
        const requests = trpcRequests(path, procedure, pool, options, server.apiKeys.admin).map(
          (request) => async () => request
        )
        problems.push(...(await exercise(`trpc ${path}`, requests, isTrpcError, () => undefined)))
      }
      expect(problems, JSON.stringify(problems.slice(0, 20), null, 2)).toEqual([])
    }, 600_000)
  })
}
