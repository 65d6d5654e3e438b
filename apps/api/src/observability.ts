/**
 * Telemetry of the server, all through Effect: the JSON logger (`logger.ts`), the tracer and the
 * metrics. Every request gets a server span (`POST /trpc/payments.create`, with its request id and
 * status); the `Effect.fn` spans of the services it calls (`Ledger.createPayment`,
 * `Authenticator.authenticateApiKey`, …) become its children — the request span rides along in an
 * `AsyncLocalStorage`, so even code that runs the runtime without knowing the request (tRPC's
 * ledger calls) lands in the right trace. With `OTEL_EXPORTER_OTLP_ENDPOINT` set the spans are
 * exported as OpenTelemetry traces over OTLP/HTTP (JSON, `effect/observability`'s `OtlpTracer`,
 * flushed when the runtime closes); without it they stay in memory. The tracer also meters the
 * outermost service-method span of each call as a ledger command. Metrics live in Effect's metric
 * registry and are served in the Prometheus text format by {@link metricsDocument}: requests,
 * errors and latency per protocol and endpoint, requests in flight, ledger commands by command
 * and outcome, idempotent replays (counted by the ledger itself) and the PostgreSQL pool.
 */
import { AsyncLocalStorage } from "node:async_hooks"
import { Database } from "@paybridge/db"
import { type Clock, Context, Effect, Exit, Layer, type ManagedRuntime, Metric, Option, Tracer } from "effect"
import { FetchHttpClient } from "effect/http"
import { OtlpExporter, OtlpSerialization, OtlpTracer, PrometheusMetrics } from "effect/observability"
import type { AppConfig } from "./config.ts"
import { loggerLayer, type StructuredLogger } from "./logger.ts"

// ---------------------------------------------------------------------------------------------
// Metrics

const latencyBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const httpRequests = Metric.counter("paybridge_http_requests_total", {
  description: "HTTP requests answered, by protocol, endpoint, method and status",
  incremental: true
})
const httpErrors = Metric.counter("paybridge_http_errors_total", {
  description: "HTTP requests answered with a 4xx or 5xx status, by protocol, endpoint and status",
  incremental: true
})
const httpLatency = Metric.histogram("paybridge_http_request_duration_seconds", {
  description: "Time from receiving a request to its answer, by protocol and endpoint",
  boundaries: latencyBoundaries
})
const httpInFlight = Metric.gauge("paybridge_http_requests_in_flight", {
  description: "Requests being handled now"
})
const ledgerCommands = Metric.counter("paybridge_ledger_commands_total", {
  description: "Ledger service calls (outermost service-method spans), by command and outcome",
  incremental: true
})
const ledgerLatency = Metric.histogram("paybridge_ledger_command_duration_seconds", {
  description: "Duration of ledger service calls, by command",
  boundaries: latencyBoundaries
})
const poolConnections = Metric.gauge("paybridge_db_pool_connections", {
  description: "PostgreSQL pool connections by state (total, idle, waiting clients)"
})

const registry = Context.empty()
let inFlight = 0

/** Bounds each cache of labelled metrics (the labels are bounded already: endpoints, statuses, commands). */
const maxLabelledMetrics = 10_000

/**
 * `Metric.withAttributes(metric, attributes)`, made once per distinct label set (`key`) and reused:
 * building a labelled metric hashes its attributes, which every request would otherwise pay for.
 */
const labelled = <In, Out>(metric: Metric.Metric<In, Out>) => {
  const made = new Map<string, Metric.Metric<In, Out>>()
  return (key: string, attributes: () => Record<string, string>): Metric.Metric<In, Out> => {
    let found = made.get(key)
    if (found === undefined) {
      if (made.size >= maxLabelledMetrics) made.clear()
      found = Metric.withAttributes(metric, attributes())
      made.set(key, found)
    }
    return found
  }
}
const requestsBy = labelled(httpRequests)
const errorsBy = labelled(httpErrors)
const latencyBy = labelled(httpLatency)
const commandsBy = labelled(ledgerCommands)
const commandLatencyBy = labelled(ledgerLatency)

/** One request started (the in-flight gauge). */
export const requestStarted = (): void => {
  inFlight += 1
  httpInFlight.updateUnsafe(inFlight, registry)
}

/** What one answered request is counted as. */
export interface RequestOutcome {
  readonly protocol: string
  readonly endpoint: string
  readonly method: string
  readonly status: number
  readonly seconds: number
}

/** One request answered: counted, timed, and (4xx/5xx) counted as an error. */
export const requestFinished = (outcome: RequestOutcome): void => {
  inFlight = Math.max(0, inFlight - 1)
  httpInFlight.updateUnsafe(inFlight, registry)
  const { protocol, endpoint, method } = outcome
  const status = String(outcome.status)
  const route = `${protocol}\u0000${endpoint}`
  requestsBy(`${route}\u0000${method}\u0000${status}`, () => ({ protocol, endpoint, method, status })).updateUnsafe(
    1,
    registry
  )
  if (outcome.status >= 400) {
    errorsBy(`${route}\u0000${status}`, () => ({ protocol, endpoint, status })).updateUnsafe(1, registry)
  }
  latencyBy(route, () => ({ protocol, endpoint })).updateUnsafe(outcome.seconds, registry)
}

/** The pool figures of a PostgreSQL database (`pg`'s Pool), or `null` for SQLite (one connection, no pool). */
const poolFigures = async (database: Database["Service"]) => {
  if (database.driver !== "postgresql") return null
  const connection = database.orm.em.getConnection() as unknown as { getNativeClient: () => Promise<unknown> }
  const pool = (await connection.getNativeClient()) as {
    readonly totalCount?: number
    readonly idleCount?: number
    readonly waitingCount?: number
  }
  return { total: pool.totalCount ?? 0, idle: pool.idleCount ?? 0, waiting: pool.waitingCount ?? 0 }
}

/** Every metric in the Prometheus text exposition format, the pool gauges read just now. */
export const metricsDocument: Effect.Effect<string> = Effect.gen(function* () {
  const database = yield* Effect.serviceOption(Database)
  if (Option.isSome(database)) {
    const figures = yield* Effect.promise(() => poolFigures(database.value).catch(() => null))
    if (figures !== null) {
      for (const [state, value] of Object.entries(figures)) {
        Metric.withAttributes(poolConnections, { state }).updateUnsafe(value, registry)
      }
    }
  }
  return PrometheusMetrics.formatUnsafe(registry)
})

// ---------------------------------------------------------------------------------------------
// Tracing

const requestSpans = new AsyncLocalStorage<Tracer.Span>()

/** Runs `handle` with `span` as the parent of every root span the runtime opens meanwhile. */
export const withRequestSpan = <A>(span: Tracer.Span, handle: () => Promise<A>): Promise<A> =>
  requestSpans.run(span, handle)

/** A request's server span: `run` handles the request inside it, `end` records the answer. */
export interface RequestSpan {
  readonly run: <A>(handle: () => Promise<A>) => Promise<A>
  readonly end: (status: number, route: string) => void
}

/** Opens the server span of one request on `runtime`'s tracer (none while the runtime is still being built). */
export const startRequestSpan = <R, ER>(
  runtime: ManagedRuntime.ManagedRuntime<R, ER>,
  request: { readonly method: string; readonly path: string; readonly requestId: string }
): RequestSpan => {
  let span: Tracer.Span | null = null
  let clock: Clock.Clock | null = null
  try {
    // The span and the runtime's clock (which times its end) in one run.
    ;[span, clock] = runtime.runSync(
      Effect.zip(
        Effect.makeSpan(`${request.method} ${request.path.slice(0, 200)}`, {
          kind: "server",
          root: true,
          attributes: {
            "http.request.method": request.method,
            "url.path": request.path,
            "paybridge.request_id": request.requestId
          }
        }),
        Effect.clockWith(Effect.succeed)
      )
    )
  } catch {
    span = null
  }
  return {
    run: (handle) => (span === null ? handle() : withRequestSpan(span, handle)),
    end: (status, route) => {
      if (span === null) return
      span.attribute("http.response.status_code", status)
      span.attribute("http.route", route)
      const now = clock === null ? BigInt(Date.now()) * 1_000_000n : clock.currentTimeNanosUnsafe()
      span.end(now, status >= 500 ? Exit.fail(status) : Exit.void)
    }
  }
}

/** `Payments.createPayment`, `Parties.getCustomer`…: the span name `Effect.fn` gives a service method. */
const serviceMethod = /^[A-Z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/u
const isCommand = (name: string) => serviceMethod.test(name) && !name.startsWith("Authenticator.")

const insideCommand = (parent: Option.Option<Tracer.AnySpan>): boolean => {
  let current = parent
  while (Option.isSome(current) && current.value._tag === "Span") {
    if (isCommand(current.value.name)) return true
    current = current.value.parent
  }
  return false
}

const outcomeOf = (exit: Exit.Exit<unknown, unknown>): string =>
  Exit.isSuccess(exit) ? "success" : Exit.hasInterrupts(exit) ? "interrupted" : "failure"

/**
 * `inner` with two additions: a root span opened while a request is handled becomes a child of
 * the request's span, and the outermost ledger command span is counted and timed when it ends.
 */
export const meteredTracer = (inner: Tracer.Tracer): Tracer.Tracer =>
  Tracer.make({
    span(options) {
      const requestSpan = Option.isNone(options.parent) && !options.root ? requestSpans.getStore() : undefined
      const effective = requestSpan === undefined ? options : { ...options, parent: Option.some(requestSpan) }
      const span = inner.span(effective)
      if (isCommand(options.name) && !insideCommand(effective.parent)) {
        const end = span.end.bind(span)
        span.end = (endTime, exit) => {
          end(endTime, exit)
          const command = options.name
          const outcome = outcomeOf(exit)
          commandsBy(`${command}\u0000${outcome}`, () => ({ command, outcome })).updateUnsafe(1, registry)
          const seconds = Number(endTime - options.startTime) / 1e9
          commandLatencyBy(command, () => ({ command })).updateUnsafe(seconds, registry)
        }
      }
      return span
    },
    ...(inner.context === undefined ? {} : { context: inner.context })
  })

/** The OTLP/HTTP tracer (JSON) for `endpoint`, metered; spans are batched every second and flushed on close. */
const otlpTracer = (endpoint: string, serviceName: string) =>
  Layer.effect(
    Tracer.Tracer,
    Effect.map(
      OtlpTracer.make({
        url: `${endpoint}/v1/traces`,
        resource: { serviceName },
        exportInterval: "1 second"
      }),
      meteredTracer
    )
  ).pipe(
    Layer.provide(OtlpExporter.layerFlusher),
    Layer.provide(OtlpSerialization.layerJson),
    Layer.provide(FetchHttpClient.layer)
  )

/** Options of {@link telemetryLayer}. */
export interface TelemetryOptions {
  /** Where log entries go instead of stdout (tests). */
  readonly logger?: StructuredLogger | undefined
}

/** The logger, and the metered tracer exporting over OTLP when `config.otlpEndpoint` is set. */
export const telemetryLayer = (config: AppConfig, options: TelemetryOptions = {}): Layer.Layer<never> =>
  Layer.mergeAll(
    loggerLayer(config.logLevel, options.logger),
    config.otlpEndpoint === null
      ? Layer.succeed(Tracer.Tracer, meteredTracer(Tracer.nativeTracer))
      : otlpTracer(config.otlpEndpoint, config.serviceName)
  )
