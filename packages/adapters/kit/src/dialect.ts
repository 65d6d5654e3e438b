/**
 * `defineDialect`: one vendor-compatible REST dialect as data plus a Hono sub-app factory. A
 * dialect declares its identity (id, title, vendor docs, default base path), its endpoint
 * registry, its authentication method, its error table and error body schema; `createApp(deps)`
 * turns that into a Hono app that `apps/api` mounts under a base path (default: the vendor's
 * prefix). For every request the app takes the request id from `X-Request-Id` (or makes one),
 * refuses a query or body over the limits (`limits.ts`), reads the body as exact JSON, asks the
 * host's throttle, authenticates (unless the endpoint is public), answers
 * `NotImplemented` for documented-only endpoints, decodes the wire schemas, runs the handler's
 * core program through the `LedgerRunner` as `dialect:<id>`, and renders every failure — ledger
 * errors, malformed JSON, unknown routes, defects — through the dialect's error table.
 */
import type { CommandContextShape, Origin, PaymentDetail, Principal } from "@paybridge/core"
import { Cause, Effect, Exit, Schema } from "effect"
import { type Context, Hono } from "hono"
import type { AuthenticationMethod, CredentialSource } from "./auth/authentication.ts"
import { makeSessionStore, type SessionStore } from "./auth/session-store.ts"
import type { AuthAttempt, AuthThrottle } from "./auth/throttle.ts"
import type { Endpoint } from "./endpoint-registry.ts"
import { joinPath, registryProblems } from "./endpoint-registry.ts"
import {
  type DialectError,
  type ErrorContext,
  type ErrorTable,
  endpointNotImplemented,
  InternalError,
  internalErrorMessage,
  isDialectError,
  malformedJson,
  missingBody,
  missingCredentials,
  payloadTooLarge,
  renderDialectError,
  routeNotFound,
  tooManyRequests,
  validationFailedFromSchema
} from "./errors.ts"
import { type JsonBody, jsonExactResponse, parseJsonExact } from "./json/exact-json.ts"
import {
  defaultRequestLimits,
  idempotencyKeyProblem,
  queryLimitProblem,
  type RequestLimits,
  readBodyLimited,
  requestTextProblem
} from "./limits.ts"
import type { DialectPresetKind } from "./presets.ts"
import type { DialectRunners, DialectServices } from "./runner.ts"

/** A link to the vendor's own documentation. */
export interface VendorDocLink {
  readonly title: string
  readonly url: string
}

/** What the kit passes to a dialect's idempotency-key reader. */
export type IdempotencySource = Pick<CredentialSource, "header" | "query" | "bodyField">

/** Everything a dialect declares. */
export interface DialectDefinition {
  /** Lower-case kebab id; the command origin is `dialect:<id>`, docs live at `/docs/<id>`. */
  readonly id: string
  /** Human name, e.g. `Billing Platform UK (backend API v1)`. */
  readonly title: string
  /** The vendor documentation this dialect follows. */
  readonly vendorDocs: string | ReadonlyArray<VendorDocLink>
  /** One paragraph about the dialect (auth, formats, deviations); shown in its OpenAPI document. */
  readonly description?: string | undefined
  /** The vendor API's version, shown as the OpenAPI `info.version`. */
  readonly version?: string | undefined
  /** Where the vendor serves the API, e.g. `/backend/api/v1`; `apps/api` may mount elsewhere. */
  readonly defaultBasePath: string
  /** Every endpoint the vendor documents (see `endpoint-registry.ts`). */
  readonly endpoints: ReadonlyArray<Endpoint>
  /** How credentials become a principal; runs before every non-public endpoint. */
  readonly authenticate: AuthenticationMethod
  /** One rendering per error tag: status and vendor-shaped body. */
  readonly renderError: ErrorTable
  /** Wire schema of every error body the table renders (documents it, and the contract suite checks it). */
  readonly errorSchema: Schema.Decoder<unknown>
  /** Reads the idempotency key; default: the `Idempotency-Key` header. */
  readonly idempotencyKey?: ((request: IdempotencySource) => string | null) | undefined
  /**
   * Session tokens for login-style vendors: lifetime, whether use renews it, and the lifetime of
   * refresh tokens (issued only when given).
   */
  readonly sessions?:
    | {
        readonly ttlSeconds: number
        readonly sliding?: boolean | undefined
        readonly refreshTtlSeconds?: number | undefined
      }
    | undefined
  /** `either` (default): `/payments` and `/payments/` reach the same endpoint; `strict`: only as declared. */
  readonly trailingSlash?: "either" | "strict" | undefined
  /**
   * Optional: renders a ledger payment exactly as this vendor's API returns it (the body of its
   * "get payment" endpoint). The admin console shows these side by side ("what does the old client
   * see?"); a dialect without it is listed as not offering a view.
   */
  readonly renderPayment?: PaymentRenderer | undefined
  /**
   * Every deliberate difference from the vendor's documented behaviour, each with its reason
   * (listed in `docs/compatibility.md` so a migrating team can judge them before cutover).
   */
  readonly deviations?: ReadonlyArray<DialectDeviation> | undefined
  /**
   * The configuration this dialect resolves by name (CRM.COM's units, categories…), kept as its
   * dialect records: one entry per kind. The admin console lists, creates, renames and retires
   * them; the dialect refuses a retired one by name in new writes (see {@link DialectPresetKind}).
   */
  readonly presets?: ReadonlyArray<DialectPresetKind> | undefined
}

/** One deliberate difference from the vendor: what differs and why Paybridge does it this way. */
export interface DialectDeviation {
  readonly what: string
  readonly why: string
}

/** Renders one payment (with its allocations, reversals, collections, refunds) as the vendor's JSON. */
export type PaymentRenderer = (
  detail: PaymentDetail,
  context: { readonly basePath: string }
) => Effect.Effect<unknown, unknown, DialectServices>

/** The payment as `dialect` would return it, or `null` when the dialect does not implement {@link PaymentRenderer}. */
export const renderPaymentAs = (
  dialect: Pick<DialectDefinition, "renderPayment" | "defaultBasePath">,
  detail: PaymentDetail,
  basePath: string = dialect.defaultBasePath
): Effect.Effect<unknown, unknown, DialectServices> | null =>
  dialect.renderPayment === undefined ? null : dialect.renderPayment(detail, { basePath })

/** A server-side report of an unexpected failure (never sent to the client). */
export interface DefectReport {
  readonly dialect: string
  readonly requestId: string
  readonly operationId: string | null
  readonly cause: unknown
}

/** What `apps/api` (or a test) gives a dialect app. */
export interface DialectDeps extends DialectRunners {
  /**
   * Where the app is mounted; default: the dialect's `defaultBasePath`. Never `/`: the app answers
   * every unknown path under its base path in the vendor's shape, so at the root it would shadow
   * the host's other routes.
   */
  readonly basePath?: string | undefined
  /** Session tokens to use instead of a fresh in-memory store. */
  readonly sessions?: SessionStore | undefined
  /** Request ids for requests without a usable `X-Request-Id`; default `crypto.randomUUID`. */
  readonly generateRequestId?: (() => string) | undefined
  /** Where defects are reported; default: one JSON line on stderr. */
  readonly reportDefect?: ((report: DefectReport) => void) | undefined
  /** Body, query and idempotency-key bounds; each defaults to {@link defaultRequestLimits}. */
  readonly limits?: Partial<RequestLimits> | undefined
  /**
   * The host's throttle on logins and failed authentications (one shared by every protocol);
   * default none. A refusal is answered `TooManyRequests` with `Retry-After`.
   */
  readonly throttle?: AuthThrottle | undefined
  /** The client's address for the throttle (the host knows its sockets and proxies); default unknown. */
  readonly clientAddress?: ((c: Context) => string | null) | undefined
}

const DialectTypeId = Symbol.for("@paybridge/adapter-kit/Dialect")

/** A defined dialect: its declaration plus the app factory. */
export interface Dialect extends DialectDefinition {
  readonly [DialectTypeId]: true
  /** The origin its commands carry: `dialect:<id>`. */
  readonly origin: Origin
  readonly vendorDocLinks: ReadonlyArray<VendorDocLink>
  /** A Hono app with every endpoint at its path relative to the base path. */
  readonly createApp: (deps: DialectDeps) => Hono
}

/** True for a value made by {@link defineDialect}. */
export const isDialect = (value: unknown): value is Dialect =>
  typeof value === "object" && value !== null && DialectTypeId in value

const requestIdPattern = /^[A-Za-z0-9._:@/+=-]{1,128}$/u

/**
 * The client's `X-Request-Id` when it is safe to adopt and echo (1-128 characters of
 * `A-Za-z0-9._:@/+=-`), else `null`: the caller generates one instead, so no header value is
 * ever repeated unbounded or with odd characters.
 */
export const wellFormedRequestId = (header: string | undefined): string | null => {
  const given = header?.trim()
  return given !== undefined && requestIdPattern.test(given) ? given : null
}

const defaultReportDefect = (report: DefectReport): void => {
  const cause = report.cause
  const detail = Cause.isCause(cause) ? Cause.pretty(cause) : cause instanceof Error ? cause.stack : String(cause)
  console.error(
    JSON.stringify({
      level: "error",
      msg: "dialect defect",
      dialect: report.dialect,
      requestId: report.requestId,
      operationId: report.operationId,
      detail
    })
  )
}

const defaultIdempotencyKey = (request: IdempotencySource): string | null => {
  const key = request.header("idempotency-key")?.trim()
  return key === undefined || key === "" ? null : key
}

type ReadBody =
  | JsonBody
  | { readonly _tag: "Form"; readonly value: Readonly<Record<string, string>> }
  | { readonly _tag: "TooLarge" }

const parseJsonBody = (text: string): ReadBody => {
  if (text.trim() === "") return { _tag: "Empty" }
  try {
    return { _tag: "Json", value: parseJsonExact(text) }
  } catch (error) {
    return { _tag: "Malformed", message: error instanceof Error ? error.message : "malformed JSON" }
  }
}

/** A form body (URL-encoded or multipart; any other content type reads as empty), last value of each name. */
const parseFormBody = async (bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<ReadBody> => {
  const type = contentType.toLowerCase()
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    return { _tag: "Empty" }
  }
  let form: FormData
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData()
  } catch (error) {
    return { _tag: "Malformed", message: error instanceof Error ? error.message : "malformed form body" }
  }
  const value: Record<string, string> = {}
  for (const [key, item] of form.entries()) if (typeof item === "string") value[key] = item
  return Object.keys(value).length === 0 ? { _tag: "Empty" } : { _tag: "Form", value }
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** The body as JSON or form, read no further than `maxBytes`. */
const readBody = async (c: Context, format: "json" | "form", maxBytes: number): Promise<ReadBody> => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return { _tag: "Empty" }
  const read = await readBodyLimited(c.req.raw, maxBytes)
  if (read._tag === "TooLarge") return read
  if (format === "json") {
    let text: string
    try {
      text = utf8.decode(read.bytes)
    } catch {
      return { _tag: "Malformed", message: "the body is not valid UTF-8" }
    }
    return parseJsonBody(text)
  }
  return parseFormBody(read.bytes, c.req.header("content-type") ?? "")
}

const bodyValue = (body: ReadBody): unknown => (body._tag === "Json" || body._tag === "Form" ? body.value : undefined)

const fieldOf = (body: ReadBody, name: string): unknown => {
  const value = bodyValue(body)
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined
}

const alternatePath = (path: string): string | null => {
  if (path === "/" || path === "") return null
  return path.endsWith("/") ? path.replace(/\/+$/u, "") || null : `${path}/`
}

/**
 * Defines a dialect. Checks the registry (unique operation ids and routes, a proving test for
 * every implemented endpoint) and the id, and throws on a mistake: these are programming errors.
 */
export const defineDialect = (definition: DialectDefinition): Dialect => {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/u.test(definition.id)) {
    throw new Error(`dialect id must be lower-case kebab: ${definition.id}`)
  }
  if (!definition.defaultBasePath.startsWith("/") || definition.defaultBasePath.replace(/\/+$/u, "") === "") {
    throw new Error(
      `${definition.id}: defaultBasePath must be a non-root path starting with "/": ${definition.defaultBasePath}`
    )
  }
  const problems = registryProblems(definition.endpoints)
  if (problems.length > 0) throw new Error(`${definition.id}: ${problems.join("; ")}`)
  const presetIds = (definition.presets ?? []).map((kind) => kind.id)
  if (new Set(presetIds).size !== presetIds.length || presetIds.some((id) => !/^[a-z0-9]+(-[a-z0-9]+)*$/u.test(id))) {
    throw new Error(`${definition.id}: preset kind ids must be unique lower-case kebab: ${presetIds.join(", ")}`)
  }
  const origin: Origin = `dialect:${definition.id}`
  const vendorDocLinks =
    typeof definition.vendorDocs === "string"
      ? [{ title: `${definition.title} documentation`, url: definition.vendorDocs }]
      : definition.vendorDocs

  const createApp = (deps: DialectDeps): Hono => {
    const basePath = deps.basePath ?? definition.defaultBasePath
    if (!basePath.startsWith("/") || basePath.replace(/\/+$/u, "") === "") {
      throw new Error(`${definition.id}: a dialect must be mounted under a non-root base path, got "${basePath}"`)
    }
    const sessions =
      deps.sessions ??
      makeSessionStore({
        scope: definition.id,
        ttlSeconds: definition.sessions?.ttlSeconds ?? 3600,
        sliding: definition.sessions?.sliding,
        refreshTtlSeconds: definition.sessions?.refreshTtlSeconds
      })
    const generateRequestId = deps.generateRequestId ?? (() => crypto.randomUUID())
    const reportDefect = deps.reportDefect ?? defaultReportDefect
    const readIdempotencyKey = definition.idempotencyKey ?? defaultIdempotencyKey
    const limits: RequestLimits = { ...defaultRequestLimits, ...deps.limits }
    const throttle = deps.throttle ?? null
    const clientAddressOf = deps.clientAddress ?? (() => null)
    const app = new Hono()

    const requestIdOf = (c: Context): string => wellFormedRequestId(c.req.header("x-request-id")) ?? generateRequestId()

    const render = (error: DialectError, context: ErrorContext): Response =>
      renderDialectError(definition.renderError, error, context)

    const renderDefect = (cause: unknown, context: ErrorContext): Response => {
      try {
        reportDefect({ dialect: definition.id, requestId: context.requestId, operationId: context.operationId, cause })
      } catch {
        // A failing reporter must not turn a 500 into a crash.
      }
      try {
        return render(new InternalError({ message: internalErrorMessage }), context)
      } catch {
        return new Response(null, { status: 500, headers: { "x-request-id": context.requestId } })
      }
    }

    /** Renders a failed `Exit`: a typed dialect error through the table, anything else as a defect. */
    const renderFailure = (cause: Cause.Cause<unknown>, context: ErrorContext): Response => {
      const failure = Cause.findErrorOption(cause)
      if (failure._tag === "Some" && isDialectError(failure.value)) return render(failure.value, context)
      return renderDefect(cause, context)
    }

    /** Tells the throttle when presented credentials were refused. */
    const noteRefusal = (exit: Exit.Exit<unknown, unknown>, attempt: AuthAttempt) => {
      if (throttle === null || Exit.isSuccess(exit)) return
      const failure = Cause.findErrorOption(exit.cause)
      if (failure._tag === "Some" && isDialectError(failure.value) && failure.value._tag === "Unauthorized") {
        throttle.recordFailure(attempt)
      }
    }

    // Before any route: a query over the limits is refused in the vendor's shape (nothing echoes it).
    app.use("*", async (c, next) => {
      const problem = queryLimitProblem(c.req.url, limits)
      if (problem === null) return next()
      return render(problem, {
        requestId: requestIdOf(c),
        operationId: null,
        method: c.req.method,
        path: c.req.path
      })
    })

    /** A wire-schema decoder, built once per route (not per request): its failures as the dialect's validation error. */
    const decoderOf = (schema: Schema.Decoder<unknown> | undefined, location: "body" | "query" | "path") => {
      if (schema === undefined) return (input: unknown) => Exit.succeed(input)
      const decodeExit = Schema.decodeUnknownExit(schema)
      return (input: unknown) =>
        Exit.mapError(decodeExit(input, { errors: "all" }), (error) => validationFailedFromSchema(error, location))
    }

    const handle = (route: Endpoint) => {
      const decodeParams = decoderOf(route.request?.params, "path")
      const decodeQuery = decoderOf(route.request?.query, "query")
      const decodeBody = decoderOf(route.request?.body, "body")
      return async (c: Context): Promise<Response> => {
        const requestId = requestIdOf(c)
        const context: ErrorContext = {
          requestId,
          operationId: route.operationId,
          method: c.req.method,
          path: c.req.path
        }
        try {
          const body = await readBody(c, route.request?.bodyFormat ?? "json", limits.maxBodyBytes)
          if (body._tag === "TooLarge") return render(payloadTooLarge(limits.maxBodyBytes), context)
          const textProblem = requestTextProblem({
            params: c.req.param(),
            query: c.req.queries(),
            body: bodyValue(body)
          })
          if (textProblem !== null) return render(textProblem, context)
          const clientAddress = clientAddressOf(c)
          const source: CredentialSource = {
            header: (name) => c.req.header(name),
            query: (name) => c.req.query(name),
            bodyField: (name) => fieldOf(body, name),
            sessions
          }

          let principal: Principal | null = null
          if (route.access === "authenticated") {
            const program = definition.authenticate.authenticate(source)
            if (program === undefined) return render(missingCredentials(), context)
            const attempt = { clientAddress, account: definition.authenticate.account?.(source) ?? null }
            const wait = throttle?.admitCheck(attempt) ?? null
            if (wait !== null) return render(tooManyRequests(wait), context)
            const exit = await deps.runAuthentication(program)
            noteRefusal(exit, attempt)
            if (Exit.isFailure(exit)) return renderFailure(exit.cause, context)
            principal = exit.value
          }

          if (route.handler === null) return render(endpointNotImplemented(route.operationId), context)
          if (body._tag === "Malformed") return render(malformedJson(body.message), context)
          const bodyRequired = route.request?.bodyRequired ?? route.request?.body !== undefined
          if (bodyRequired && body._tag === "Empty") return render(missingBody(), context)

          const params = decodeParams(c.req.param())
          if (Exit.isFailure(params)) return renderFailure(params.cause, context)
          const query = decodeQuery(c.req.query())
          if (Exit.isFailure(query)) return renderFailure(query.cause, context)
          const decodedBody = decodeBody(bodyValue(body))
          if (Exit.isFailure(decodedBody)) return renderFailure(decodedBody.cause, context)

          const idempotencyKey = readIdempotencyKey(source)
          const keyProblem = idempotencyKeyProblem(idempotencyKey, limits)
          if (keyProblem !== null) return render(keyProblem, context)
          const request = {
            params: params.value,
            query: query.value,
            body: decodedBody.value,
            header: (name: string) => c.req.header(name),
            queryAll: (name: string) => c.req.queries(name) ?? [],
            url: new URL(c.req.url),
            basePath,
            requestId,
            idempotencyKey,
            principal,
            sessions,
            runAs: <A, E>(as: Principal, program: Effect.Effect<A, E, DialectServices>) =>
              Effect.flatMap(
                Effect.promise(() => deps.runLedger(program, { principal: as, origin, requestId, idempotencyKey })),
                (exit): Effect.Effect<A, E> =>
                  Exit.isSuccess(exit) ? Effect.succeed(exit.value) : Effect.failCause(exit.cause)
              )
          }
          const login: AuthAttempt | null =
            route.handler.access === "public"
              ? {
                  clientAddress,
                  account: route.loginAccount?.({ body: bodyValue(body), header: (name) => c.req.header(name) }) ?? null
                }
              : null
          if (login !== null) {
            const wait = throttle?.admitLogin(login) ?? null
            if (wait !== null) return render(tooManyRequests(wait), context)
          }
          const exit =
            route.handler.access === "public"
              ? await deps.runAuthentication(route.handler.run(request))
              : principal === null
                ? Exit.fail(missingCredentials())
                : await deps.runLedger(route.handler.run(request), {
                    principal,
                    origin,
                    requestId,
                    idempotencyKey
                  } satisfies CommandContextShape)
          if (login !== null) noteRefusal(exit, login)
          if (Exit.isFailure(exit)) return renderFailure(exit.cause, context)
          return jsonExactResponse(exit.value.body, exit.value.status, {
            "x-request-id": requestId,
            ...exit.value.headers
          })
        } catch (cause) {
          return renderDefect(cause, context)
        }
      }
    }

    for (const route of definition.endpoints) {
      const handler = handle(route)
      app.on(route.method, route.path, handler)
      const alternate = definition.trailingSlash === "strict" ? null : alternatePath(route.path)
      if (alternate !== null) app.on(route.method, alternate, handler)
    }

    // Anything else under the base path is an unknown route, in the vendor's shape.
    app.all("*", (c) => {
      const requestId = requestIdOf(c)
      return render(routeNotFound(c.req.method, c.req.path), {
        requestId,
        operationId: null,
        method: c.req.method,
        path: c.req.path
      })
    })
    // Last line of defence: anything thrown outside a handler's own guard.
    app.onError((error, c) =>
      renderDefect(error, { requestId: requestIdOf(c), operationId: null, method: c.req.method, path: c.req.path })
    )
    return app
  }

  return { ...definition, [DialectTypeId]: true, origin, vendorDocLinks, createApp }
}

/**
 * Mounts a dialect's app on `parent` at `deps.basePath` (default: the dialect's prefix) and
 * returns the base path used.
 */
export const mountDialect = (parent: Hono, dialect: Dialect, deps: DialectDeps): string => {
  const basePath = deps.basePath ?? dialect.defaultBasePath
  parent.route(basePath, dialect.createApp({ ...deps, basePath }))
  return basePath
}

/** The full path of an endpoint under a base path: `endpointUrlPath("/v1", e)` → `/v1/payments/:id`. */
export const endpointUrlPath = (basePath: string, route: Pick<Endpoint, "path">): string =>
  joinPath(basePath, route.path)
