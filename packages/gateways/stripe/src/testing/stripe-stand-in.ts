/**
 * A local stand-in for Stripe's HTTP API, started by the test suite (no network here): the subset
 * the driver uses, form-encoded like Stripe, answering with Stripe's object and error JSON shapes
 * (`stripe-stand-in.state.ts`). It records every request; applies Stripe's `Idempotency-Key`
 * semantics (same key + same parameters → the first answer replayed with `Idempotent-Replayed:
 * true`, 500s included; same key + other parameters → 400 `idempotency_error`; same key while the
 * first is in flight → 409; keys forgotten after 24 hours, which a test can fast-forward); and is
 * scriptable per route for the next requests: a decline, a 500, a rate limit, a hang past the
 * client's timeout (optionally after doing the work — "charged but we never heard"), a slow answer.
 * It signs and delivers webhook events to a URL (in order, reversed, duplicated) with the
 * endpoint's signing secret, as Stripe does.
 */
import { createHmac } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { canonicalForm, type FormObject, parseForm } from "./stripe-form.ts"
import {
  type ForcedDecline,
  type StandInResult,
  StandInState,
  type StripeEventRecord,
  stripeError
} from "./stripe-stand-in.state.ts"

export type Route =
  | "POST /v1/payment_intents"
  | "GET /v1/payment_intents/search"
  | "GET /v1/payment_intents/:id"
  | "POST /v1/payment_intents/:id/cancel"
  | "POST /v1/refunds"
  | "GET /v1/refunds"
  | "GET /v1/refunds/:id"
  | "POST /v1/setup_intents"
  | "GET /v1/mandates/:id"
  | "POST /v1/checkout/sessions"

export type Behaviour =
  /** The card is declined whatever the payment method (refunds: the refund fails). */
  | ({ readonly kind: "decline" } & ForcedDecline)
  /** Stripe answers 500 (`commit`: after doing the work). Like Stripe, the 500 is kept for the key. */
  | { readonly kind: "server-error"; readonly commit?: boolean }
  /** Never answers (`commit`: after doing the work, so the charge exists). */
  | { readonly kind: "hang"; readonly commit?: boolean }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "rate-limit" }

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly route: Route | null
  readonly query: FormObject
  readonly params: FormObject
  readonly idempotencyKey: string | null
  readonly authorization: string | null
  readonly at: number
}

interface IdempotencyEntry {
  readonly fingerprint: string
  readonly createdAt: number
  result: StandInResult | null
}

const routes: ReadonlyArray<readonly [Route, string, RegExp]> = [
  ["GET /v1/payment_intents/search", "GET", /^\/v1\/payment_intents\/search$/],
  ["POST /v1/payment_intents", "POST", /^\/v1\/payment_intents$/],
  ["GET /v1/payment_intents/:id", "GET", /^\/v1\/payment_intents\/([^/]+)$/],
  ["POST /v1/payment_intents/:id/cancel", "POST", /^\/v1\/payment_intents\/([^/]+)\/cancel$/],
  ["POST /v1/refunds", "POST", /^\/v1\/refunds$/],
  ["GET /v1/refunds", "GET", /^\/v1\/refunds$/],
  ["GET /v1/refunds/:id", "GET", /^\/v1\/refunds\/([^/]+)$/],
  ["POST /v1/setup_intents", "POST", /^\/v1\/setup_intents$/],
  ["GET /v1/mandates/:id", "GET", /^\/v1\/mandates\/([^/]+)$/],
  ["POST /v1/checkout/sessions", "POST", /^\/v1\/checkout\/sessions$/]
]

const dayMs = 24 * 60 * 60 * 1000

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve())

export interface StandInOptions {
  readonly secretKey?: string
  readonly webhookSecret?: string
  /** How long a new PaymentIntent stays invisible to search (Stripe's index lag). */
  readonly searchLagSeconds?: number
}

export class StripeStandIn {
  readonly requests: Array<RecordedRequest> = []
  readonly state: StandInState
  readonly secretKey: string
  readonly webhookSecret: string
  searchLagSeconds: number
  private readonly scripts = new Map<Route, Array<Behaviour>>()
  private readonly idempotency = new Map<string, IdempotencyEntry>()
  private readonly hanging = new Set<ServerResponse>()
  private clockOffsetMs = 0
  private readonly server = createServer((request, response) => void this.handle(request, response))

  private constructor(options: StandInOptions) {
    this.secretKey = options.secretKey ?? "sk_test_standin_4eC39HqLyjWDarjtT1zdp7dc"
    this.webhookSecret = options.webhookSecret ?? "whsec_standin_webhook_secret_0123456789"
    this.searchLagSeconds = options.searchLagSeconds ?? 0
    this.state = new StandInState(() => this.url.origin)
  }

  static async start(options: StandInOptions = {}): Promise<StripeStandIn> {
    const standIn = new StripeStandIn(options)
    await new Promise<void>((resolve) => standIn.server.listen(0, "127.0.0.1", resolve))
    return standIn
  }

  get url(): URL {
    const address = this.server.address() as AddressInfo
    return new URL(`http://127.0.0.1:${address.port}`)
  }

  /** The next requests on `route` behave as listed, one behaviour per request. */
  script(route: Route, ...behaviours: ReadonlyArray<Behaviour>): void {
    this.scripts.set(route, [...(this.scripts.get(route) ?? []), ...behaviours])
  }

  /** Requests on one route, in arrival order. */
  requestsTo(route: Route): ReadonlyArray<RecordedRequest> {
    return this.requests.filter((request) => request.route === route)
  }

  /** How many PaymentIntents exist: each one is a charge attempt Stripe made. */
  get paymentIntentCount(): number {
    return this.state.paymentIntents.size
  }

  /** Stripe forgets idempotency keys after 24 hours: jump past that. */
  passIdempotencyWindow(): void {
    this.clockOffsetMs += dayMs + 1000
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Array<Buffer> = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const url = new URL(request.url ?? "/", this.url)
    const method = request.method ?? "GET"
    const matched = routes.find(([, routeMethod, pattern]) => routeMethod === method && pattern.test(url.pathname))
    const params = parseForm(Buffer.concat(chunks).toString("utf8"))
    const query = parseForm(url.search.slice(1))
    const header = (name: string) => {
      const value = request.headers[name]
      return typeof value === "string" ? value : null
    }
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      route: matched?.[0] ?? null,
      query,
      params,
      idempotencyKey: header("idempotency-key"),
      authorization: header("authorization"),
      at: Date.now()
    }
    this.requests.push(recorded)
    if (recorded.authorization !== `Bearer ${this.secretKey}`) {
      const key = recorded.authorization?.replace(/^Bearer /, "") ?? ""
      return this.send(
        response,
        stripeError(401, {
          type: "invalid_request_error",
          message: `Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`
        })
      )
    }
    if (matched === undefined) {
      return this.send(
        response,
        stripeError(404, {
          type: "invalid_request_error",
          message: `Unrecognized request URL (${method}: ${url.pathname}).`
        })
      )
    }
    const [route, , pattern] = matched
    const id = decodeURIComponent(pattern.exec(url.pathname)?.[1] ?? "")
    const behaviour = this.scripts.get(route)?.shift()
    const delayMs = behaviour?.kind === "delay" ? behaviour.ms : 0
    if (behaviour?.kind === "rate-limit") {
      return this.send(
        response,
        stripeError(429, {
          type: "invalid_request_error",
          code: "rate_limit",
          message: "Too many requests hit the API too quickly."
        })
      )
    }
    const execute = () => this.execute(route, id, params, query, recorded.idempotencyKey, behaviour)
    const key = recorded.idempotencyKey
    if (method !== "POST" || key === null) {
      await sleep(delayMs)
      return this.answer(response, this.perform(behaviour, execute).sent)
    }
    this.answer(
      response,
      await this.idempotentResult(key, `${route} ${canonicalForm(params)}`, behaviour, execute, delayMs)
    )
  }

  /** Stripe's idempotency layer around one POST; a slow request holds its key while it runs. */
  private async idempotentResult(
    key: string,
    fingerprint: string,
    behaviour: Behaviour | undefined,
    execute: () => StandInResult,
    delayMs: number
  ): Promise<StandInResult | null> {
    const now = Date.now() + this.clockOffsetMs
    const entry = this.idempotency.get(key)
    if (entry !== undefined && now - entry.createdAt < dayMs) {
      if (entry.fingerprint !== fingerprint) {
        return stripeError(400, {
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
        })
      }
      if (entry.result === null) {
        return stripeError(409, {
          type: "invalid_request_error",
          code: "idempotency_key_in_use",
          message: "There is currently another in-progress request using this Idempotent Key. Please try again later."
        })
      }
      return { ...entry.result, replayed: true }
    }
    const fresh: IdempotencyEntry = { fingerprint, createdAt: now, result: null }
    this.idempotency.set(key, fresh)
    await sleep(delayMs)
    const { sent, kept } = this.perform(behaviour, execute)
    // Like Stripe: a request that failed validation (400/404) or never ran keeps nothing for its key.
    if (kept === null || kept.status === 400 || kept.status === 404) this.idempotency.delete(key)
    else fresh.result = kept
    return sent
  }

  /** Runs the request as scripted: what is answered (null: nothing, ever) and what Stripe keeps. */
  private perform(
    behaviour: Behaviour | undefined,
    execute: () => StandInResult
  ): { readonly sent: StandInResult | null; readonly kept: StandInResult | null } {
    if (behaviour?.kind === "hang") return { sent: null, kept: behaviour.commit === true ? execute() : null }
    if (behaviour?.kind === "server-error") {
      if (behaviour.commit === true) execute()
      const failure = stripeError(500, { type: "api_error", message: "An unknown error occurred" })
      return { sent: failure, kept: failure }
    }
    const result = execute()
    return { sent: result, kept: result }
  }

  private answer(response: ServerResponse, result: StandInResult | null): void {
    if (result === null) {
      this.hanging.add(response)
      response.on("close", () => this.hanging.delete(response))
    } else {
      this.send(response, result)
    }
  }

  private execute(
    route: Route,
    id: string,
    params: FormObject,
    query: FormObject,
    key: string | null,
    behaviour: Behaviour | undefined
  ): StandInResult {
    const forced = behaviour?.kind === "decline" ? behaviour : undefined
    switch (route) {
      case "POST /v1/payment_intents":
        return this.state.createPaymentIntent(params, key, forced)
      case "GET /v1/payment_intents/search":
        return this.state.searchPaymentIntents(
          typeof query.query === "string" ? query.query : "",
          Number(typeof query.limit === "string" ? query.limit : 10),
          this.searchLagSeconds
        )
      case "GET /v1/payment_intents/:id":
        return this.state.retrievePaymentIntent(id)
      case "POST /v1/payment_intents/:id/cancel":
        return this.state.cancelPaymentIntent(id, params)
      case "POST /v1/refunds":
        return this.state.createRefund(params, key, forced)
      case "GET /v1/refunds":
        return this.state.listRefunds(query)
      case "GET /v1/refunds/:id":
        return this.state.retrieveRefund(id)
      case "POST /v1/setup_intents":
        return this.state.createSetupIntent(params, key)
      case "GET /v1/mandates/:id":
        return this.state.retrieveMandate(id, Array.isArray(query.expand) ? query.expand.map(String) : [])
      case "POST /v1/checkout/sessions":
        return this.state.createCheckoutSession(params)
    }
  }

  private send(response: ServerResponse, result: StandInResult): void {
    const headers =
      result.replayed === true ? { "idempotent-replayed": "true", "original-request": "req_original" } : {}
    // Stripe tells clients not to retry a 500 under the same key (the 500 itself is what is kept).
    const retry = result.status === 500 ? { "stripe-should-retry": "false" } : {}
    response.writeHead(result.status, {
      "content-type": "application/json",
      "request-id": this.state.nextId("req"),
      ...retry,
      ...headers
    })
    response.end(JSON.stringify(result.body))
  }

  /** The `Stripe-Signature` header Stripe would send for `payload` at `timestamp` (seconds). */
  sign(payload: string, timestamp = Math.floor(Date.now() / 1000), secret = this.webhookSecret): string {
    const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex")
    return `t=${timestamp},v1=${signature}`
  }

  /** Delivers one event to a webhook endpoint, signed; returns the endpoint's HTTP status. */
  async deliver(
    endpoint: URL,
    event: StripeEventRecord,
    options: { readonly timestamp?: number; readonly secret?: string } = {}
  ): Promise<number> {
    const payload = JSON.stringify(event, null, 2)
    const answer = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "stripe-signature": this.sign(payload, options.timestamp, options.secret)
      },
      body: payload
    })
    await answer.arrayBuffer()
    return answer.status
  }

  /** Delivers events one after the other: as recorded, reversed, and/or each twice. */
  async deliverAll(
    endpoint: URL,
    events: ReadonlyArray<StripeEventRecord>,
    options: { readonly order?: "recorded" | "reversed"; readonly duplicates?: boolean } = {}
  ): Promise<ReadonlyArray<number>> {
    const ordered = options.order === "reversed" ? [...events].reverse() : [...events]
    const deliveries = options.duplicates === true ? ordered.flatMap((event) => [event, event]) : ordered
    const statuses: Array<number> = []
    for (const event of deliveries) statuses.push(await this.deliver(endpoint, event))
    return statuses
  }
}
