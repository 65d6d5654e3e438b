/**
 * What the targets need to know before the load starts, learnt from Paybridge over HTTP (plus the
 * admin CLI for the first credential): an admin with a password and an API key, each dialect's
 * session (CRM.COM API-key token, LogiSense client-secret login, Elevate JWT — renewed before
 * every measurement, since some expire within 15–30 minutes), the presets and Silver provider the
 * dialects' creates name, a deterministic sample of posted payments (id, public id, customer), and
 * the position of the deep page of the big customer's list (tRPC cursor and keyset row).
 */
import { randomBytes } from "node:crypto"
import type { SeedPlan } from "./seed-cache.ts"
import { runScript } from "./server-process.ts"

export interface SamplePayment {
  readonly id: number
  readonly publicId: string
  readonly customerId: number
}

export interface Sessions {
  apiKey: string
  crmComToken: string
  logisenseToken: string
  elevateToken: string
}

export interface Fixtures {
  readonly runId: string
  readonly plan: SeedPlan
  readonly email: string
  readonly password: string
  /** Mutable: `refreshSessions` renews the tokens in place, factories read them per request. */
  readonly sessions: Sessions
  readonly samples: ReadonlyArray<SamplePayment>
  readonly bigCustomerId: number
  /** The deep page's number (page 90, fewer when the big customer has under 5,000 payments). */
  readonly deepPage: number
  /** tRPC cursor that answers `deepPage`. */
  readonly deepCursor: string
  /** The last row of the page before `deepPage` (the floor's keyset position). */
  readonly deepAfter: { readonly paymentDate: string; readonly id: number }
  readonly silverProviderId: number
  /** The n-th typical customer (ids 2…customers, round robin). */
  readonly typicalCustomer: (n: number) => number
  /** Logs in again on the Paybridge server at `baseUrl` (a restarted server has forgotten its sessions). */
  readonly refreshSessions: (baseUrl: string) => Promise<void>
}

export const pageSize = 50
/** Page 90: rows 4,451–4,500, inside the big customer's list also where only posted payments (97%) are shown. */
const maxDeepPage = 90
const sampleSize = 200

interface Answer {
  readonly status: number
  readonly text: string
}

export const call = async (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<Answer> => {
  const response = await fetch(url, init)
  return { status: response.status, text: await response.text() }
}

const json = (answer: Answer, what: string): unknown => {
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 500)}`)
  }
  return JSON.parse(answer.text) as unknown
}

/** tRPC over plain HTTP (no transformer): GET for queries, POST for mutations, `result.data` back. */
export const trpcPath = (procedure: string, input: unknown): string =>
  `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`

const trpc = async (baseUrl: string, apiKey: string, kind: "query" | "mutation", procedure: string, input: unknown) => {
  const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }
  const answer =
    kind === "query"
      ? await call(`${baseUrl}${trpcPath(procedure, input)}`, { headers })
      : await call(`${baseUrl}/trpc/${procedure}`, { method: "POST", headers, body: JSON.stringify(input) })
  return (json(answer, `tRPC ${procedure}`) as { result: { data: unknown } }).result.data
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run samples the same payments. */
const randomSource = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Creates the benchmark's admin (password + API key) with Paybridge's own CLI on the working database. */
export const createAdmin = async (env: Readonly<Record<string, string>>) => {
  const email = "bench@paybridge.test"
  const password = randomBytes(12).toString("base64url")
  const output = await runScript(
    "apps/api/src/cli/create-admin.ts",
    ["--email", email, "--name", "HTTP benchmark", "--role", "admin", `--password=${password}`],
    env
  )
  const apiKey = /API key[^:]*:\s*(\S+)/.exec(output)?.[1]
  if (apiKey === undefined) throw new Error(`admin:create printed no API key:\n${output}`)
  return { email, password, apiKey }
}

const logins = (email: string, password: string, sessions: Sessions) => async (baseUrl: string) => {
  const crm = json(
    await call(`${baseUrl}/crmapi/rest/v4/authentication/web_api_key/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${sessions.apiKey}:`).toString("base64")}`,
        "content-type": "application/json"
      },
      body: "{}"
    }),
    "CRM.COM authentication/web_api_key/token"
  ) as { status: { code: string }; data: { token: string } | null }
  if (crm.status.code !== "OK" || crm.data === null) throw new Error(`CRM.COM login: ${JSON.stringify(crm.status)}`)
  sessions.crmComToken = crm.data.token

  const logisense = json(
    await call(`${baseUrl}/logisense/AuthorizationServer/api/v6/Access/Login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "password",
        client_id: "bench",
        client_secret: sessions.apiKey
      }).toString()
    }),
    "LogiSense Access/Login"
  ) as { access_token: string }
  sessions.logisenseToken = logisense.access_token

  const elevate = json(
    await call(`${baseUrl}/elevate/v1/authenticate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ brand: "bench", username: email, password })
    }),
    "Elevate /authenticate"
  ) as { token: string }
  sessions.elevateToken = elevate.token
}

interface ListedPayment {
  readonly id: number
  readonly paymentDate: string
}

export const prepareFixtures = async (
  baseUrl: string,
  plan: SeedPlan,
  admin: { email: string; password: string; apiKey: string },
  log: (line: string) => void
): Promise<Fixtures> => {
  const sessions: Sessions = { apiKey: admin.apiKey, crmComToken: "", logisenseToken: "", elevateToken: "" }
  const refreshSessions = logins(admin.email, admin.password, sessions)
  await refreshSessions(baseUrl)
  const query = (procedure: string, input: unknown) => trpc(baseUrl, admin.apiKey, "query", procedure, input)
  const mutate = (procedure: string, input: unknown) => trpc(baseUrl, admin.apiKey, "mutation", procedure, input)

  // What the dialects' creates name: CRM.COM a payment type and method, Silver a provider (billing entity).
  await mutate("presets.create", { kind: "type", code: "PAY", name: "Payment" })
  await mutate("presets.create", { kind: "method", code: "CASH", name: "Cash" })
  const provider = (await mutate("billingEntities.create", {
    name: "Bench provider",
    flow: "invoice",
    defaultCurrency: "EUR"
  })) as { id: number }

  // A fixed sample of posted payments (every dialect shows those).
  const random = randomSource(20_261_203)
  const samples: Array<SamplePayment> = []
  for (let attempt = 0; samples.length < sampleSize && attempt < sampleSize * 3; attempt++) {
    const id = 1 + Math.floor(random() * plan.payments)
    const detail = (await query("payments.get", { id })) as {
      payment: { id: number; publicId: string; customerId: number; state: string }
    }
    if (detail.payment.state === "posted" && !samples.some((sample) => sample.id === id)) {
      samples.push({ id, publicId: detail.payment.publicId, customerId: detail.payment.customerId })
    }
  }
  if (samples.length === 0) throw new Error("no posted payment found in the seeded database")

  // Follow the big customer's list (newest first) to the page before the deep page.
  const bigCustomerId = 1
  const deepPage = Math.max(2, Math.min(maxDeepPage, Math.floor((0.9 * plan.bigCustomerPayments) / pageSize)))
  let cursor: string | null = null
  let last: ListedPayment | null = null
  for (let page = 1; page < deepPage; page++) {
    const listed = (await query("payments.list", {
      customerId: bigCustomerId,
      limit: pageSize,
      ...(cursor === null ? {} : { cursor })
    })) as { items: ReadonlyArray<ListedPayment>; nextCursor: string | null }
    last = listed.items.at(-1) ?? null
    cursor = listed.nextCursor
    if (cursor === null || last === null) throw new Error(`the big customer's list ends before page ${deepPage}`)
  }
  if (cursor === null || last === null) throw new Error("no deep page cursor")
  log(`  fixtures: ${samples.length} sampled posted payments, deep page ${deepPage} of customer ${bigCustomerId}`)

  const typical = Math.max(1, plan.customers - 1)
  return {
    runId: randomBytes(4).toString("hex"),
    plan,
    email: admin.email,
    password: admin.password,
    sessions,
    samples,
    bigCustomerId,
    deepPage,
    deepCursor: cursor,
    deepAfter: { paymentDate: last.paymentDate, id: last.id },
    silverProviderId: provider.id,
    typicalCustomer: (n) => 2 + (n % typical),
    refreshSessions
  }
}
