/**
 * A dialect testbed: the dialect's app mounted at its base path inside a parent Hono app (as
 * `apps/api` mounts it), over the real ledger services and `Authenticator` on the real store, a fresh
 * in-memory SQLite database from `@paybridge/db/testing`, with helpers to send requests (`app.request()`, no server),
 * run core programs as the system principal, issue API keys and count what the ledger holds.
 * Dialect tests and the shared contract suite both build on it.
 */
import {
  Authenticator,
  authenticatorLayerWith,
  Balances,
  CommandContext,
  type CreateUserInput,
  type CustomerId,
  type LedgerServices,
  type LedgerStore,
  type Page,
  Payments,
  type Role,
  testKdfCost,
  type UserRecord
} from "@paybridge/core"
import { testLedgerLayer } from "@paybridge/db/testing"
import { Cause, Effect, Exit, Layer, ManagedRuntime } from "effect"
import { Hono } from "hono"
import type { Dialect, DialectDeps } from "../dialect.ts"
import { joinPath } from "../endpoint-registry.ts"
import { parseJsonExact, stringifyJsonExact } from "../json/exact-json.ts"
import { runnersFromRuntime } from "../runner.ts"

/** The services a testbed's runtime provides. */
export type TestbedServices = LedgerServices | Authenticator | LedgerStore

/** A request to send to the mounted dialect. */
export interface TestRequest {
  readonly method: string
  /** Path relative to the dialect's base path (`/payments/1`), or absolute when it starts with the base path. */
  readonly path: string
  readonly query?: Readonly<Record<string, string>> | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** A JSON value (written exactly); `JsonDecimal`s keep their digits. */
  readonly body?: unknown
  /** Sent verbatim instead of `body` (malformed JSON, forms). */
  readonly rawBody?: string | undefined
}

/** What came back. `json` is the body read exactly (`undefined` when empty or not JSON). */
export interface TestResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: unknown
}

/** A dialect over a fresh ledger (real store, SQLite in memory); see the module comment. */
export interface DialectTestbed {
  readonly dialect: Dialect
  readonly basePath: string
  /** The parent app with the dialect mounted at `basePath`. */
  readonly app: Hono
  readonly request: (request: TestRequest) => Promise<TestResponse>
  /** Runs a program as the system principal (origin `system`) and returns its value or throws its failure. */
  readonly runAsSystem: <A, E>(program: Effect.Effect<A, E, TestbedServices | CommandContext>) => Promise<A>
  /** A user with the given role and a fresh API key for them. */
  readonly createApiKey: (options?: {
    readonly role?: Role
    readonly customerScope?: ReadonlyArray<CustomerId> | null
  }) => Promise<{ readonly apiKey: string; readonly user: UserRecord }>
  readonly createUser: (input: CreateUserInput) => Promise<UserRecord>
  /** How many events the ledger's event log holds. */
  readonly countEvents: () => Promise<number>
  /** How many payments the ledger holds (every state). */
  readonly countPayments: () => Promise<number>
  readonly dispose: () => Promise<void>
}

/** Options of {@link makeDialectTestbed}. */
export interface TestbedOptions {
  readonly dialect: Dialect
  /** Mount point; default the dialect's `defaultBasePath`. */
  readonly basePath?: string | undefined
  /** The services to run on; default the real ledger services + Authenticator on a fresh in-memory SQLite store. */
  readonly layer?: Layer.Layer<TestbedServices> | undefined
  /** Extra dialect deps (e.g. a session store with a pinned clock). */
  readonly deps?: Partial<Omit<DialectDeps, "runLedger" | "runAuthentication">> | undefined
}

/** The default testbed services: the real ledger services and Authenticator (cheap scrypt) on one real store in memory (SQLite). */
export const inMemoryTestbedLayer = (): Layer.Layer<TestbedServices> =>
  Layer.provideMerge(authenticatorLayerWith({ kdfCost: testKdfCost }), testLedgerLayer)

const countPages = async <A>(next: (cursor: string | null) => Promise<Page<A>>): Promise<number> => {
  let count = 0
  let cursor: string | null = null
  do {
    const page: Page<A> = await next(cursor)
    count += page.items.length
    cursor = page.nextCursor
  } while (cursor !== null)
  return count
}

/** Builds a {@link DialectTestbed}; call `dispose` when done (e.g. in `afterEach`). */
export const makeDialectTestbed = async (options: TestbedOptions): Promise<DialectTestbed> => {
  const { dialect } = options
  const basePath = options.basePath ?? dialect.defaultBasePath
  const runtime = ManagedRuntime.make(options.layer ?? inMemoryTestbedLayer())
  const runners = runnersFromRuntime(runtime)
  const app = new Hono()
  app.route(basePath, dialect.createApp({ ...options.deps, ...runners, basePath }))

  const runAsSystem = async <A, E>(program: Effect.Effect<A, E, TestbedServices | CommandContext>): Promise<A> => {
    const exit = await runtime.runPromiseExit(Effect.provide(program, CommandContext.system()))
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }

  const request = async (spec: TestRequest): Promise<TestResponse> => {
    const path = spec.path.startsWith(basePath) && basePath !== "/" ? spec.path : joinPath(basePath, spec.path)
    const url = new URL(path, "http://paybridge.test")
    for (const [key, value] of Object.entries(spec.query ?? {})) url.searchParams.set(key, value)
    const body = spec.rawBody ?? (spec.body === undefined ? undefined : stringifyJsonExact(spec.body))
    const headers: Record<string, string> = {
      ...(body !== undefined && spec.rawBody === undefined ? { "content-type": "application/json" } : {}),
      ...spec.headers
    }
    const response = await app.request(url.toString(), {
      method: spec.method,
      headers,
      ...(body === undefined ? {} : { body })
    })
    const text = await response.text()
    let json: unknown
    try {
      json = text === "" ? undefined : parseJsonExact(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  }

  let users = 0
  const createUser = (input: CreateUserInput) => runAsSystem(Authenticator.use((auth) => auth.createUser(input)))
  const createApiKey: DialectTestbed["createApiKey"] = async (keyOptions = {}) => {
    users += 1
    const user = await createUser({
      email: `testbed-${users}-${crypto.randomUUID().slice(0, 8)}@paybridge.test`,
      name: `Testbed user ${users}`,
      role: keyOptions.role ?? "admin",
      customerScope: keyOptions.customerScope ?? null
    })
    const issued = await runAsSystem(
      Authenticator.use((auth) => auth.issueApiKey({ userId: user.id, label: "testbed" }))
    )
    return { apiKey: issued.apiKey, user }
  }

  return {
    dialect,
    basePath,
    app,
    request,
    runAsSystem,
    createApiKey,
    createUser,
    countEvents: () =>
      countPages((cursor) => runAsSystem(Balances.use((balances) => balances.listEvents({ cursor, limit: 1000 })))),
    countPayments: () =>
      countPages((cursor) => runAsSystem(Payments.use((payments) => payments.listPayments({ cursor, limit: 1000 })))),
    dispose: () => runtime.dispose()
  }
}
