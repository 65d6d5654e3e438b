/**
 * Operability over real HTTP: `/metrics` answers only an admin API key and shows requests, errors
 * and latency per protocol and endpoint, ledger commands and idempotent replays in the Prometheus
 * text format; with `OTEL_EXPORTER_OTLP_ENDPOINT` set, each request's server span and the
 * `Effect.fn` spans it caused arrive as one OpenTelemetry trace at a tiny OTLP/HTTP receiver the
 * test runs; and every request writes one access-log entry through Effect's logger.
 */
import { once } from "node:events"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { withIdempotencyKey } from "@paybridge/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startSqliteTestServer } from "./support/cross-protocol.ts"
import type { TestServer } from "./support/test-server.ts"

interface OtlpValue {
  readonly stringValue?: string
  readonly intValue?: string | number
}
interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: OtlpValue }>
}
interface OtlpExport {
  readonly resourceSpans: ReadonlyArray<{
    readonly resource: { readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: OtlpValue }> }
    readonly scopeSpans: ReadonlyArray<{ readonly spans: ReadonlyArray<OtlpSpan> }>
  }>
}

const exports: Array<{ readonly path: string; readonly body: OtlpExport }> = []
let receiver: Server
let server: TestServer

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString()
    })
    request.on("end", () => {
      exports.push({ path: request.url ?? "", body: JSON.parse(body) as OtlpExport })
      response.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  receiver.listen(0, "127.0.0.1")
  await once(receiver, "listening")
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  server = await startSqliteTestServer("paybridge-observability-", {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "paybridge-test" }
  })
})
afterAll(async () => {
  await server?.close()
  receiver?.close()
})

const metrics = async (apiKey: string | null) => {
  const response = await fetch(`${server.url}/metrics`, {
    headers: apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }
  })
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() }
}

/** The value of the sample `name{labels…}` where every given label matches, or `null`. */
const sample = (text: string, name: string, labels: Readonly<Record<string, string>>): number | null => {
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line)
    if (match === null || match[1] !== name) continue
    const found = Object.fromEntries(Array.from((match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g), (m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3])
  }
  return null
}

describe("metrics", () => {
  it("serves Prometheus metrics to an admin API key only", async () => {
    expect((await metrics(null)).status).toBe(401)
    expect((await metrics(server.apiKeys.finance)).status).toBe(403)
    const allowed = await metrics(server.apiKeys.admin)
    expect(allowed.status).toBe(200)
    expect(allowed.type).toContain("text/plain; version=0.0.4")
    expect(allowed.text).toContain("# TYPE paybridge_http_requests_total counter")
  })

  it("counts requests, errors and latency per protocol and endpoint, ledger commands and idempotent replays", async () => {
    const finance = server.clientAs("finance")
    const customer = await finance.customers.create.mutate({ name: "Metered Ltd", currency: "EUR" })
    const create = () =>
      finance.payments.create.mutate(
        { customerId: customer.id, amount: "12.50", reference: "METER-1", paymentDate: "2026-03-01" },
        withIdempotencyKey("metrics-replay-1")
      )
    const first = await create()
    expect((await create()).payment.id).toBe(first.payment.id)
    const bpuk = await fetch(`${server.url}/backend/api/v1/payments/${first.payment.id}`, {
      headers: { authorization: `Bearer ${server.apiKeys.finance}` }
    })
    expect(bpuk.status).toBe(200)
    expect((await fetch(`${server.url}/backend/api/v1/payments/1`)).status).toBe(401)

    const { text } = await metrics(server.apiKeys.admin)
    const trpcCreate = { protocol: "trpc", endpoint: "payments.create", method: "POST", status: "200" }
    expect(sample(text, "paybridge_http_requests_total", trpcCreate)).toBe(2)
    const bpukRoute = { protocol: "billing-platform-uk", endpoint: "/backend/api/v1/payments/:id" }
    expect(sample(text, "paybridge_http_requests_total", { ...bpukRoute, status: "200" })).toBe(1)
    expect(sample(text, "paybridge_http_errors_total", { ...bpukRoute, status: "401" })).toBe(1)
    expect(sample(text, "paybridge_http_request_duration_seconds_count", bpukRoute)).toBe(2)
    expect(sample(text, "paybridge_http_request_duration_seconds_bucket", { ...bpukRoute, le: "+Inf" })).toBe(2)
    expect(sample(text, "paybridge_http_errors_total", { protocol: "metrics", status: "403" })).toBeGreaterThan(0)
    expect(
      sample(text, "paybridge_http_requests_in_flight", {}) ??
        Number(/^paybridge_http_requests_in_flight (\S+)$/m.exec(text)?.[1])
    ).toBe(1)
    // The replay ran nothing: one payment command succeeded twice (the second answered from the key).
    expect(sample(text, "paybridge_idempotent_replays_total", {})).toBeGreaterThanOrEqual(1)
    const commands = Array.from(text.matchAll(/^paybridge_ledger_commands_total\{(.*)\} (\S+)$/gm), (m) => m[1] ?? "")
    expect(
      commands.some(
        (labels) => /command="[A-Za-z]+\.\w*[Pp]ayment\w*"/.test(labels) && /outcome="success"/.test(labels)
      )
    ).toBe(true)
    expect(text).toMatch(/^paybridge_ledger_command_duration_seconds_count\{command="[A-Za-z]+\.\w+"\} \d+$/m)
  })
})

describe("traces over OTLP", () => {
  it("exports a request's server span and the service spans it caused as one trace", async () => {
    const finance = server.clientAs("finance")
    const response = await fetch(`${server.url}/trpc/customers.create`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.apiKeys.finance}`,
        "content-type": "application/json",
        "x-request-id": "trace-me-1"
      },
      body: JSON.stringify({ name: "Traced Ltd", currency: "EUR" })
    })
    expect(response.status).toBe(200)
    await finance.session.whoami.query()

    const attribute = (span: OtlpSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value
    const spans = () =>
      exports.flatMap((exported) =>
        exported.body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans))
      )
    const deadline = Date.now() + 10_000
    let root: OtlpSpan | undefined
    while (Date.now() < deadline) {
      root = spans().find((span) => attribute(span, "paybridge.request_id")?.stringValue === "trace-me-1")
      if (root !== undefined && spans().some((span) => span.parentSpanId === root?.spanId)) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(root?.name).toBe("POST /trpc/customers.create")
    expect(attribute(root as OtlpSpan, "http.response.status_code")?.intValue?.toString()).toBe("200")
    expect(exports.every((exported) => exported.path === "/v1/traces")).toBe(true)
    const service = exports[0]?.body.resourceSpans[0]?.resource.attributes.find((entry) => entry.key === "service.name")
    expect(service?.value.stringValue).toBe("paybridge-test")

    // Every span of the trace descends from the server span; the ledger's Effect.fn span is among them.
    const trace = spans().filter((span) => span.traceId === root?.traceId)
    const byId = new Map(trace.map((span) => [span.spanId, span]))
    for (const span of trace) {
      let current: OtlpSpan | undefined = span
      while (current?.parentSpanId !== undefined && current.parentSpanId !== "")
        current = byId.get(current.parentSpanId)
      expect(current?.spanId, `${span.name} is not under the request span`).toBe(root?.spanId)
    }
    const names = trace.map((span) => span.name)
    expect(names).toContain("Authenticator.authenticateApiKey")
    expect(names.some((name) => /^[A-Za-z]+\.create\w*$/.test(name) && !name.startsWith("Authenticator."))).toBe(true)
  })
})

describe("access log", () => {
  it("writes one entry per request through Effect's logger, with the request id as an annotation", async () => {
    await fetch(`${server.url}/health/live`, { headers: { "x-request-id": "logged-1" } })
    const entries = server.logs.filter((entry) => entry.requestId === "logged-1")
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      msg: "request",
      level: "info",
      method: "GET",
      path: "/health/live",
      status: 200
    })
  })
})
