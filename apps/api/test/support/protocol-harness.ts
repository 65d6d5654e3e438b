/**
 * One real server for the input-hygiene suites, signed in to every protocol as each one's clients
 * are: an admin user with a password (CRM.COM and Elevate logins), LogiSense's client-secret login,
 * API keys for tRPC, Billing Platform (UK) and Silver; CRM.COM's unit and types, and the presets the
 * dialects name. `useProtocolHarness` registers the set-up and tear-down in the calling `describe`.
 */
import { defineCancellationType, defineUnit } from "@paybridge/adapter-crm-com"
import type { Dialect } from "@paybridge/adapter-kit"
import { Authenticator, CommandContext } from "@paybridge/core"
import { Effect, Exit, Schema } from "effect"
import { afterAll, beforeAll } from "vitest"
import { dialects } from "../../src/dialects.ts"
import type { ScenarioDatabase } from "./api-scenarios.ts"
import { startTestServer, type TestServer } from "./test-server.ts"

export const dialectById = (id: string): Dialect => {
  const dialect = dialects.find((candidate) => candidate.id === id)
  if (dialect === undefined) throw new Error(`no dialect ${id}`)
  return dialect
}

export const inErrorShape = (dialectId: string, json: unknown): boolean =>
  Exit.isSuccess(Schema.decodeUnknownExit(dialectById(dialectId).errorSchema)(json))

export const inTrpcShape = (status: number, json: unknown): boolean => {
  // tRPC's envelope: { error: { message, code, data: { code, httpStatus, … } } }
  const error = (json as { error?: { message?: unknown; data?: { code?: unknown; httpStatus?: unknown } } }).error
  return typeof error?.message === "string" && error.data?.code === "BAD_REQUEST" && error.data.httpStatus === status
}

export interface Answer {
  readonly status: number
  readonly text: string
  readonly json: unknown
}

export const answer = async (response: Response): Promise<Answer> => {
  const text = await response.text()
  let json: unknown
  try {
    json = text === "" ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json }
}

/** The server and each protocol's credentials (set once the suite's `beforeAll` ran). */
export interface ProtocolHarness {
  readonly email: string
  readonly password: string
  server: TestServer
  crmToken: string
  elevateToken: string
  logisenseToken: string
  readonly post: (path: string, body: unknown, headers?: Record<string, string>) => Promise<Answer>
  readonly get: (path: string, headers?: Record<string, string>) => Promise<Answer>
}

export const useProtocolHarness = (openDatabase: () => Promise<ScenarioDatabase>): ProtocolHarness => {
  let database: ScenarioDatabase | undefined
  const h: ProtocolHarness = {
    email: "hygiene-clerk@test.paybridge.invalid",
    password: "a long hygiene password",
    server: undefined as unknown as TestServer,
    crmToken: "",
    elevateToken: "",
    logisenseToken: "",
    post: (path, body, headers = {}) =>
      fetch(`${h.server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body)
      }).then(answer),
    get: (path, headers = {}) => fetch(`${h.server.url}${path}`, { headers }).then(answer)
  }
  beforeAll(async () => {
    database = await openDatabase()
    h.server = await startTestServer(database.url)
    const { email, password, server } = h
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
    const crm = await h.post("/crmapi/rest/v4/authentication/token", {
      username: email,
      password,
      organisation: "Paybridge",
      unit: "Admin Unit"
    })
    h.crmToken = (crm.json as { data: { token: string } }).data.token
    const elevate = await h.post("/elevate/v1/authenticate", { brand: "paybridge", username: email, password })
    h.elevateToken = (elevate.json as { token: string }).token
    const login = await fetch(`${server.url}/logisense/AuthorizationServer/api/v6/Access/Login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "password",
        client_id: "hygiene",
        client_secret: server.apiKeys.admin
      }).toString()
    })
    h.logisenseToken = ((await login.json()) as { access_token: string }).access_token
  }, 120_000)
  afterAll(async () => {
    await h.server?.close()
    await database?.dispose()
  })
  return h
}
