/**
 * The endpoint registry of a dialect: every endpoint the vendor documents, implemented or not,
 * with its method, vendor path (Hono syntax, `:id`), operation id, summary, request and
 * response wire schemas (Effect schemas) and the names of the tests that prove it. The same
 * declarations drive routing (unimplemented endpoints are routed and answer `NotImplemented`),
 * the OpenAPI document and the compatibility table, so the three cannot drift apart.
 * `endpoint` declares an authenticated endpoint, `publicEndpoint` one that runs without
 * credentials (a vendor's login call).
 */
import type { Authenticator, LedgerError, Principal } from "@paybridge/core"
import type { Effect, Schema } from "effect"
import type { AuthenticationFailure } from "./auth/authentication.ts"
import type { SessionStore } from "./auth/session-store.ts"
import type { DialectServices } from "./runner.ts"

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** Everything a handler gets: the decoded request and who is asking. */
export interface DialectRequest<Params, Query, Body, Who extends Principal | null = Principal> {
  /** Path parameters, decoded with the endpoint's `params` schema. */
  readonly params: Params
  /** Query parameters (last value of each), decoded with the endpoint's `query` schema. */
  readonly query: Query
  /** The body (exact JSON or form), decoded with the endpoint's `body` schema; `undefined` without one. */
  readonly body: Body
  /** A request header (case-insensitive). */
  readonly header: (name: string) => string | undefined
  /** Every value of a repeated query parameter. */
  readonly queryAll: (name: string) => ReadonlyArray<string>
  readonly url: URL
  /** Where the dialect is mounted, e.g. `/backend/api/v1` (for self links). */
  readonly basePath: string
  readonly requestId: string
  readonly idempotencyKey: string | null
  /** The authenticated principal; `null` on public endpoints. */
  readonly principal: Who
  /** The dialect app's session tokens (login endpoints issue them). */
  readonly sessions: SessionStore
  /**
   * Runs a ledger program as `principal` within this request (same origin and request id), e.g.
   * a login that checks what the credentials name (a unit, an organisation) before it answers.
   */
  readonly runAs: <A, E>(
    principal: Principal,
    program: Effect.Effect<A, E, DialectServices>
  ) => Effect.Effect<A, E | LedgerError>
}

/** What a handler answers: a status, a JSON body (written exactly) and extra headers. */
export interface DialectResponse {
  readonly status: number
  /** Any JSON value; `JsonDecimal`s are written verbatim. Omit for an empty body. */
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** `{ status: 200, body }`. */
export const ok = (body: unknown, headers?: Readonly<Record<string, string>>): DialectResponse => ({
  status: 200,
  body,
  headers
})
/** `{ status: 201, body }`. */
export const created = (body: unknown, headers?: Readonly<Record<string, string>>): DialectResponse => ({
  status: 201,
  body,
  headers
})
/** `{ status: 204 }`. */
export const noContent = (headers?: Readonly<Record<string, string>>): DialectResponse => ({ status: 204, headers })

/** Request wire schemas; each defaults to "accept anything" when omitted. */
export interface RequestSchemas<Params, Query, Body> {
  readonly params?: Schema.Decoder<Params> | undefined
  readonly query?: Schema.Decoder<Query> | undefined
  readonly body?: Schema.Decoder<Body> | undefined
  /** `json` (default) reads the body as exact JSON; `form` as `application/x-www-form-urlencoded`. */
  readonly bodyFormat?: "json" | "form" | undefined
  /** Reject a request without a body. Default: `true` when a `body` schema is given. */
  readonly bodyRequired?: boolean | undefined
}

/** A documented response: its description and the wire schema of its body (if any). */
export interface ResponseDoc {
  readonly description: string
  readonly schema?: Schema.Decoder<unknown> | undefined
}

/** What every endpoint declares, implemented or not. */
export interface EndpointDoc<Params, Query, Body> {
  readonly method: HttpMethod
  /** Vendor path relative to the dialect's base path, Hono syntax: `/payments/:id`. */
  readonly path: string
  /** Unique within the dialect; the vendor's own name where it has one. */
  readonly operationId: string
  readonly summary: string
  readonly description?: string | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly request?: RequestSchemas<Params, Query, Body> | undefined
  /** Success responses by status code. */
  readonly responses: Readonly<Record<number, ResponseDoc>>
  /** Names of the tests that prove this endpoint (`file › test name`); may be empty when not implemented. */
  readonly tests: ReadonlyArray<string>
  /**
   * For a login (`publicEndpoint`): the account name its credentials claim (an e-mail, a user name,
   * a client id), read from the raw body or headers before anything runs, so the host's throttle
   * can limit failed logins per account as well as per client address. Default: none.
   */
  readonly loginAccount?: ((request: LoginRequest) => string | null) | undefined
}

/** What {@link EndpointDoc.loginAccount} may read: the body as parsed (JSON or form, not yet decoded) and the headers. */
export interface LoginRequest {
  readonly body: unknown
  readonly header: (name: string) => string | undefined
}

/** `loginAccount` reading a top-level string field of the body (`username`, `client_id`, …), the first one present. */
export const loginAccountField =
  (...names: ReadonlyArray<string>) =>
  ({ body }: LoginRequest): string | null => {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return null
    for (const name of names) {
      const value = (body as Record<string, unknown>)[name]
      if (typeof value === "string" && value.trim() !== "") return value
    }
    return null
  }

/** A handler of an authenticated endpoint: one core program per request. */
export type Handler<Params, Query, Body> = (
  request: DialectRequest<Params, Query, Body>
) => Effect.Effect<DialectResponse, LedgerError, DialectServices>

/** A handler of a public endpoint (no principal yet): may use the `Authenticator` only. */
export type PublicHandler<Params, Query, Body> = (
  request: DialectRequest<Params, Query, Body, null>
) => Effect.Effect<DialectResponse, AuthenticationFailure | LedgerError, Authenticator>

/** An endpoint's declaration: implemented with a handler, or documented only. */
export type EndpointSpec<Params, Query, Body, H> = EndpointDoc<Params, Query, Body> &
  ({ readonly implemented: true; readonly handler: H } | { readonly implemented: false })

type ErasedRequest = DialectRequest<unknown, unknown, unknown, Principal | null>

/** A declared endpoint, as stored in a dialect's registry (schemas and handler type-erased). */
export interface Endpoint extends EndpointDoc<unknown, unknown, unknown> {
  /** `authenticated`: the dialect's authentication runs first; `public`: no credentials needed. */
  readonly access: "authenticated" | "public"
  readonly implemented: boolean
  /** @internal the handler, erased; the kit calls it with a request decoded by this endpoint's schemas. */
  readonly handler:
    | {
        readonly access: "authenticated"
        readonly run: (request: ErasedRequest) => ReturnType<Handler<unknown, unknown, unknown>>
      }
    | {
        readonly access: "public"
        readonly run: (request: ErasedRequest) => ReturnType<PublicHandler<unknown, unknown, unknown>>
      }
    | null
}

const erase = <Params, Query, Body>(spec: EndpointDoc<Params, Query, Body>): EndpointDoc<unknown, unknown, unknown> =>
  spec as EndpointDoc<unknown, unknown, unknown>

/**
 * Declares an endpoint that requires credentials. Give `implemented: true` and a `handler`, or
 * `implemented: false` to route it to a `NotImplemented` answer.
 */
export const endpoint = <
  Params = Readonly<Record<string, string>>,
  Query = Readonly<Record<string, string>>,
  Body = unknown
>(
  spec: EndpointSpec<Params, Query, Body, Handler<Params, Query, Body>>
): Endpoint => ({
  ...erase(spec),
  access: "authenticated",
  implemented: spec.implemented,
  handler: spec.implemented
    ? {
        access: "authenticated",
        run: spec.handler as (request: ErasedRequest) => ReturnType<Handler<unknown, unknown, unknown>>
      }
    : null
})

/** Declares an endpoint reachable without credentials (a vendor's login or token call). */
export const publicEndpoint = <
  Params = Readonly<Record<string, string>>,
  Query = Readonly<Record<string, string>>,
  Body = unknown
>(
  spec: EndpointSpec<Params, Query, Body, PublicHandler<Params, Query, Body>>
): Endpoint => ({
  ...erase(spec),
  access: "public",
  implemented: spec.implemented,
  handler: spec.implemented
    ? {
        access: "public",
        run: spec.handler as (request: ErasedRequest) => ReturnType<PublicHandler<unknown, unknown, unknown>>
      }
    : null
})

const parameterPattern = /:([A-Za-z_][A-Za-z0-9_]*)(\{[^}]*\})?\??/gu

/** Names of a Hono path's parameters: `/customers/:cid/payments/:id` → `["cid", "id"]`. */
export const pathParameterNames = (path: string): ReadonlyArray<string> =>
  Array.from(path.matchAll(parameterPattern), (match) => match[1] as string)

/** Hono path → OpenAPI path: `/payments/:id{[0-9]+}` → `/payments/{id}`. */
export const toOpenApiPath = (path: string): string =>
  path.replace(parameterPattern, (_all, name: string) => `{${name}}`)

/** Fills a Hono path's parameters: `fillPath("/payments/:id", { id: "7" })` → `/payments/7` (missing → `"1"`). */
export const fillPath = (path: string, values: Readonly<Record<string, string>> = {}): string =>
  path.replace(parameterPattern, (_all, name: string) => encodeURIComponent(values[name] ?? "1"))

/** Joins a base path and an endpoint path without doubling or losing slashes. */
export const joinPath = (basePath: string, path: string): string => {
  const base = basePath === "/" ? "" : basePath.replace(/\/+$/u, "")
  if (path === "" || path === "/") return base === "" ? "/" : `${base}${path}`
  return `${base}${path.startsWith("/") ? path : `/${path}`}`
}

/** Problems of a registry: duplicate operation ids, duplicate routes, malformed paths. */
export const registryProblems = (endpoints: ReadonlyArray<Endpoint>): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const operationIds = new Set<string>()
  const routes = new Set<string>()
  for (const e of endpoints) {
    if (operationIds.has(e.operationId)) problems.push(`duplicate operation id ${e.operationId}`)
    operationIds.add(e.operationId)
    const route = `${e.method} ${toOpenApiPath(e.path)
      .replace(/\{[^}]+\}/gu, "{}")
      .replace(/(.)\/+$/u, "$1")}`
    if (routes.has(route)) problems.push(`duplicate route ${e.method} ${e.path}`)
    routes.add(route)
    if (!e.path.startsWith("/")) problems.push(`${e.operationId}: path must start with "/": ${e.path}`)
    if (e.implemented && e.tests.length === 0) problems.push(`${e.operationId}: implemented but names no proving test`)
  }
  return problems
}
