/**
 * The stand-in's Stripe account: PaymentIntents, Refunds, SetupIntents, Mandates, payment methods
 * and Checkout Sessions, in memory, answering the way Stripe's API does for the subset the driver
 * uses (object shapes, statuses, card-error and invalid-request JSON), and recording the events
 * Stripe would send. Decisions follow Stripe's test payment methods: `tok_visa` / `pm_card_visa`
 * succeed, `…chargeDeclined` is `card_declined` / `generic_decline`, `…InsufficientFunds` is
 * `insufficient_funds`, `pm_card_authenticationRequired` needs 3-D Secure (an off-session charge
 * fails with `authentication_required`), `pm_sepa_debit…` / `pm_bacs_debit…` and mandate charges
 * are `processing` until a test settles them. Tests can also force a decline for the next request.
 */
import { type FormObject, object, stringMap, text } from "./stripe-form.ts"

export interface StandInResult {
  readonly status: number
  readonly body: unknown
  /** An idempotent replay of an earlier answer (sent with `Idempotent-Replayed: true`). */
  readonly replayed?: boolean
}

export interface StripeEventRecord {
  readonly id: string
  readonly object: "event"
  readonly api_version: string
  readonly created: number
  readonly livemode: false
  readonly pending_webhooks: number
  readonly request: { readonly id: string | null; readonly idempotency_key: string | null }
  readonly type: string
  readonly data: { readonly object: unknown }
}

export interface ForcedDecline {
  readonly code?: string
  readonly declineCode?: string
  readonly message?: string
}

type Json = Record<string, unknown>

const declines: Record<string, { code: string; decline_code: string; message: string }> = {
  generic: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
  insufficient: {
    code: "card_declined",
    decline_code: "insufficient_funds",
    message: "Your card has insufficient funds."
  },
  expired: { code: "expired_card", decline_code: "expired_card", message: "Your card has expired." }
}

const declineFor = (method: string): (typeof declines)[string] | undefined =>
  /InsufficientFunds/.test(method)
    ? declines.insufficient
    : /ExpiredCard/.test(method)
      ? declines.expired
      : /chargeDeclined/.test(method)
        ? declines.generic
        : undefined

const isBankDebit = (method: string) => /^pm_(sepa|bacs)_debit/.test(method)

export const stripeError = (status: number, error: Json): StandInResult => ({ status, body: { error } })

const missing = (kind: string, id: string, param?: string): StandInResult =>
  stripeError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${kind}: '${id}'`,
    ...(param === undefined ? {} : { param })
  })

const invalid = (param: string, message: string, code = "parameter_invalid"): StandInResult =>
  stripeError(400, { type: "invalid_request_error", code, param, message })

export class StandInState {
  readonly paymentIntents = new Map<string, Json>()
  readonly refunds = new Map<string, Json>()
  readonly setupIntents = new Map<string, Json>()
  readonly mandates = new Map<string, Json>()
  readonly paymentMethods = new Map<string, Json>()
  readonly checkoutSessions = new Map<string, Json>()
  readonly events: Array<StripeEventRecord> = []
  private readonly counters = new Map<string, number>()

  private readonly baseUrl: () => string
  private readonly now: () => number

  constructor(baseUrl: () => string, now: () => number = () => Math.floor(Date.now() / 1000)) {
    this.baseUrl = baseUrl
    this.now = now
  }

  /** Ids numbered per kind (`pi_standin00000001`, `re_standin00000001`…), so tests can name them. */
  nextId(prefix: string): string {
    const next = (this.counters.get(prefix) ?? 0) + 1
    this.counters.set(prefix, next)
    return `${prefix}_standin${next.toString().padStart(8, "0")}`
  }

  private emit(type: string, snapshot: Json, idempotencyKey: string | null = null): void {
    this.events.push({
      id: this.nextId("evt"),
      object: "event",
      api_version: "2026-10-28.endive",
      created: this.now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: idempotencyKey },
      type,
      data: { object: structuredClone(snapshot) }
    })
  }

  private paymentMethod(id: string, customer: string | null = null): Json {
    const existing = this.paymentMethods.get(id)
    if (existing !== undefined) return existing
    const type = id.startsWith("pm_sepa_debit") ? "sepa_debit" : id.startsWith("pm_bacs_debit") ? "bacs_debit" : "card"
    const created = { id, object: "payment_method", type, customer }
    this.paymentMethods.set(id, created)
    return created
  }

  createPaymentIntent(params: FormObject, key: string | null, forced?: ForcedDecline): StandInResult {
    const amount = text(params, "amount")
    const currency = text(params, "currency")
    if (amount === undefined || !/^[1-9]\d*$/.test(amount)) {
      return invalid("amount", "This value must be greater than or equal to 1.", "parameter_invalid_integer")
    }
    if (currency === undefined || !/^[a-z]{3}$/.test(currency)) return invalid("currency", "Invalid currency.")
    const mandateId = text(params, "mandate")
    const token = text(object(object(params, "payment_method_data") ?? {}, "card") ?? {}, "token")
    const method = text(params, "payment_method") ?? token
    if (method !== undefined && !/^(pm|tok|card)_/.test(method)) {
      return missing("PaymentMethod", method, "payment_method")
    }
    if (mandateId !== undefined && !this.mandates.has(mandateId)) return missing("mandate", mandateId, "mandate")
    const offSession = text(params, "off_session") === "true"
    const id = this.nextId("pi")
    const intent: Json = {
      id,
      object: "payment_intent",
      amount: Number(amount),
      amount_received: 0,
      currency,
      status: "requires_payment_method",
      created: this.now(),
      livemode: false,
      client_secret: `${id}_secret_standin`,
      description: text(params, "description") ?? null,
      customer: text(params, "customer") ?? null,
      payment_method: method === undefined ? null : token === undefined ? method : this.nextId("pm"),
      mandate: mandateId ?? null,
      metadata: stringMap(object(params, "metadata")),
      last_payment_error: null,
      cancellation_reason: null,
      latest_charge: null
    }
    this.paymentIntents.set(id, intent)
    if (text(params, "confirm") !== "true" || method === undefined) return { status: 200, body: intent }
    const decline = forced === undefined ? declineFor(method) : { ...declines.generic, ...toRaw(forced) }
    const needsAuthentication = /authenticationRequired/.test(method)
    if (decline !== undefined || (needsAuthentication && offSession)) {
      const error = decline ?? {
        code: "authentication_required",
        decline_code: "authentication_required",
        message: "Your card was declined. This transaction requires authentication."
      }
      intent.last_payment_error = { type: "card_error", ...error, payment_method: { id: intent.payment_method } }
      intent.latest_charge = this.nextId("ch")
      this.emit("payment_intent.payment_failed", intent, key)
      return stripeError(402, { type: "card_error", ...error, charge: intent.latest_charge, payment_intent: intent })
    }
    if (needsAuthentication) {
      intent.status = "requires_action"
      intent.next_action = { type: "use_stripe_sdk" }
      this.emit("payment_intent.requires_action", intent, key)
    } else if (mandateId !== undefined || isBankDebit(method)) {
      intent.status = "processing"
      intent.latest_charge = this.nextId("py")
      this.emit("payment_intent.processing", intent, key)
    } else {
      this.succeed(intent, key)
    }
    return { status: 200, body: intent }
  }

  private succeed(intent: Json, key: string | null): void {
    intent.status = "succeeded"
    intent.amount_received = intent.amount
    intent.latest_charge ??= this.nextId("ch")
    this.emit("payment_intent.succeeded", intent, key)
  }

  /** A processing PaymentIntent settles (bank debit collected or returned). */
  settlePaymentIntent(id: string, outcome: "succeeded" | "failed"): Json {
    const intent = this.paymentIntents.get(id)
    if (intent === undefined) throw new Error(`no PaymentIntent ${id}`)
    if (outcome === "succeeded") {
      this.succeed(intent, null)
    } else {
      intent.status = "requires_payment_method"
      intent.last_payment_error = {
        type: "card_error",
        code: "payment_method_provider_decline",
        decline_code: "insufficient_funds",
        message: "The customer's bank account has insufficient funds."
      }
      this.emit("payment_intent.payment_failed", intent)
    }
    return intent
  }

  /** Stripe search: `metadata['k']:'v'` clauses joined by AND, over PaymentIntents older than `lagSeconds`. */
  searchPaymentIntents(query: string, limit: number, lagSeconds: number): StandInResult {
    const clauses = query.split(/\s+AND\s+/)
    const filters: Array<[string, string]> = []
    for (const clause of clauses) {
      const match = /^metadata\['((?:[^'\\]|\\.)*)'\]:'((?:[^'\\]|\\.)*)'$/.exec(clause.trim())
      if (match === null) return invalid("query", `Unsupported search query: ${clause}`)
      filters.push([unquote(match[1] ?? ""), unquote(match[2] ?? "")])
    }
    const indexedBefore = this.now() - lagSeconds
    const data = [...this.paymentIntents.values()]
      .filter((intent) => (intent.created as number) <= indexedBefore)
      .filter((intent) => filters.every(([key, value]) => (intent.metadata as Record<string, string>)[key] === value))
      .reverse()
      .slice(0, limit)
    return {
      status: 200,
      body: { object: "search_result", data, has_more: false, next_page: null, url: "/v1/payment_intents/search" }
    }
  }

  retrievePaymentIntent(id: string): StandInResult {
    const intent = this.paymentIntents.get(id)
    return intent === undefined ? missing("payment_intent", id) : { status: 200, body: intent }
  }

  /** Stripe cancels a PaymentIntent not yet captured or settled (`requires_*`); otherwise 400. */
  cancelPaymentIntent(id: string, params: FormObject): StandInResult {
    const intent = this.paymentIntents.get(id)
    if (intent === undefined) return missing("payment_intent", id)
    const cancellable = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"]
    if (!cancellable.includes(String(intent.status))) {
      return stripeError(400, {
        type: "invalid_request_error",
        code: "payment_intent_unexpected_state",
        message: `You cannot cancel this PaymentIntent because it has a status of ${String(intent.status)}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancellable.join(", ")}.`,
        payment_intent: intent
      })
    }
    intent.status = "canceled"
    intent.cancellation_reason = text(params, "cancellation_reason") ?? null
    intent.canceled_at = this.now()
    this.emit("payment_intent.canceled", intent)
    return { status: 200, body: intent }
  }

  createRefund(params: FormObject, key: string | null, forced?: ForcedDecline): StandInResult {
    const reference = text(params, "payment_intent") ?? text(params, "charge")
    const intent = [...this.paymentIntents.values()].find(
      (candidate) => candidate.id === reference || candidate.latest_charge === reference
    )
    if (reference === undefined || intent === undefined)
      return missing("payment_intent", reference ?? "", "payment_intent")
    if (intent.status !== "succeeded") {
      return invalid("payment_intent", `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`)
    }
    const refunded = [...this.refunds.values()]
      .filter((refund) => refund.payment_intent === intent.id && refund.status !== "failed")
      .reduce((sum, refund) => sum + (refund.amount as number), 0)
    const remaining = (intent.amount as number) - refunded
    const amount = Number(text(params, "amount") ?? remaining)
    if (remaining === 0)
      return invalid("amount", `Charge ${intent.latest_charge} has already been refunded.`, "charge_already_refunded")
    if (!Number.isInteger(amount) || amount < 1 || amount > remaining) {
      return invalid(
        "amount",
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        "amount_too_large"
      )
    }
    const failed = forced !== undefined
    const refund: Json = {
      id: this.nextId("re"),
      object: "refund",
      amount,
      currency: intent.currency,
      charge: intent.latest_charge,
      payment_intent: intent.id,
      created: this.now(),
      metadata: stringMap(object(params, "metadata")),
      reason: text(params, "reason") ?? null,
      status: failed ? "failed" : intent.mandate === null ? "succeeded" : "pending",
      failure_reason: failed ? (forced.code ?? "expired_or_canceled_card") : null
    }
    this.refunds.set(refund.id as string, refund)
    this.emit("refund.created", refund, key)
    if (refund.status === "succeeded") {
      this.emit("charge.refunded", {
        id: intent.latest_charge,
        object: "charge",
        payment_intent: intent.id,
        amount: intent.amount,
        amount_refunded: refunded + amount,
        currency: intent.currency,
        refunded: refunded + amount === intent.amount
      })
    }
    return { status: 200, body: refund }
  }

  retrieveRefund(id: string): StandInResult {
    const refund = this.refunds.get(id)
    return refund === undefined ? missing("refund", id) : { status: 200, body: refund }
  }

  listRefunds(query: FormObject): StandInResult {
    const reference = text(query, "payment_intent") ?? text(query, "charge")
    const limit = Number(text(query, "limit") ?? 10)
    const after = text(query, "starting_after")
    if (
      reference !== undefined &&
      ![...this.paymentIntents.values()].some((i) => i.id === reference || i.latest_charge === reference)
    ) {
      return missing("payment_intent", reference, "payment_intent")
    }
    const all = [...this.refunds.values()]
      .filter((refund) => reference === undefined || refund.payment_intent === reference || refund.charge === reference)
      .reverse()
    const start = after === undefined ? 0 : all.findIndex((refund) => refund.id === after) + 1
    const data = all.slice(start, start + limit)
    return { status: 200, body: { object: "list", data, has_more: start + limit < all.length, url: "/v1/refunds" } }
  }

  createSetupIntent(params: FormObject, key: string | null): StandInResult {
    const method = text(params, "payment_method")
    if (method === undefined) return invalid("payment_method", "A payment method is required to confirm.")
    if (!method.startsWith("pm_")) return missing("PaymentMethod", method, "payment_method")
    const customer = text(params, "customer") ?? null
    const acceptance = object(object(params, "mandate_data") ?? {}, "customer_acceptance")
    if (isBankDebit(method) && acceptance === undefined) {
      return invalid("mandate_data", "mandate_data is required to confirm a SetupIntent for a bank debit.")
    }
    this.paymentMethod(method, customer)
    const id = this.nextId("seti")
    const intent: Json = {
      id,
      object: "setup_intent",
      status: "succeeded",
      created: this.now(),
      customer,
      payment_method: method,
      usage: text(params, "usage") ?? "off_session",
      mandate: null,
      metadata: stringMap(object(params, "metadata")),
      last_setup_error: null
    }
    const decline = declineFor(method)
    if (decline !== undefined) {
      intent.status = "requires_payment_method"
      intent.last_setup_error = { type: "card_error", ...decline }
      this.setupIntents.set(id, intent)
      this.emit("setup_intent.setup_failed", intent, key)
      return stripeError(402, { type: "card_error", ...decline, setup_intent: intent })
    }
    if (isBankDebit(method)) {
      const bacs = method.startsWith("pm_bacs_debit")
      const mandate: Json = {
        id: this.nextId("mandate"),
        object: "mandate",
        status: bacs ? "pending" : "active",
        type: "multi_use",
        payment_method: method,
        customer_acceptance: { type: text(acceptance ?? {}, "type") ?? "offline", accepted_at: this.now() },
        multi_use: {}
      }
      this.mandates.set(mandate.id as string, mandate)
      intent.mandate = mandate.id
      if (bacs) intent.status = "processing"
    }
    this.setupIntents.set(id, intent)
    this.emit(intent.status === "succeeded" ? "setup_intent.succeeded" : "setup_intent.processing", intent, key)
    return { status: 200, body: intent }
  }

  /** A mandate changes status (BACS approved, payer revoked it…). */
  updateMandate(id: string, status: "active" | "inactive" | "pending"): Json {
    const mandate = this.mandates.get(id)
    if (mandate === undefined) throw new Error(`no mandate ${id}`)
    mandate.status = status
    this.emit("mandate.updated", mandate)
    return mandate
  }

  retrieveMandate(id: string, expand: ReadonlyArray<string>): StandInResult {
    const mandate = this.mandates.get(id)
    if (mandate === undefined) return missing("mandate", id)
    const method = mandate.payment_method as string
    return {
      status: 200,
      body: expand.includes("payment_method") ? { ...mandate, payment_method: this.paymentMethod(method) } : mandate
    }
  }

  createCheckoutSession(params: FormObject): StandInResult {
    const items = params.line_items
    const item = Array.isArray(items) ? items[0] : undefined
    const price = typeof item === "object" && !Array.isArray(item) ? object(item, "price_data") : undefined
    const unitAmount = price === undefined ? undefined : text(price, "unit_amount")
    const currency = price === undefined ? undefined : text(price, "currency")
    if (unitAmount === undefined || currency === undefined) {
      return invalid("line_items", "line_items[0][price_data] needs unit_amount and currency.")
    }
    if (text(params, "mode") !== "payment") return invalid("mode", "Only mode=payment is supported by the stand-in.")
    const id = this.nextId("cs_test")
    const session: Json = {
      id,
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: Number(unitAmount),
      currency,
      created: this.now(),
      expires_at: this.now() + 24 * 60 * 60,
      url: `${this.baseUrl()}/c/pay/${id}`,
      success_url: text(params, "success_url") ?? null,
      metadata: stringMap(object(params, "metadata")),
      payment_intent: null,
      payment_intent_data: object(params, "payment_intent_data") ?? {}
    }
    this.checkoutSessions.set(id, session)
    return { status: 200, body: session }
  }

  /** The payer pays on the hosted page: a succeeded PaymentIntent with the session's metadata. */
  payCheckoutSession(id: string): Json {
    const session = this.checkoutSessions.get(id)
    if (session === undefined) throw new Error(`no checkout session ${id}`)
    const data = session.payment_intent_data as FormObject
    const intentId = this.nextId("pi")
    const intent: Json = {
      id: intentId,
      object: "payment_intent",
      amount: session.amount_total,
      currency: session.currency,
      status: "requires_payment_method",
      created: this.now(),
      description: text(data, "description") ?? null,
      metadata: stringMap(object(data, "metadata")),
      last_payment_error: null,
      cancellation_reason: null,
      latest_charge: null
    }
    this.paymentIntents.set(intentId, intent)
    this.succeed(intent, null)
    Object.assign(session, { status: "complete", payment_status: "paid", payment_intent: intentId })
    this.emit("checkout.session.completed", session)
    return intent
  }
}

const unquote = (quoted: string) => quoted.replace(/\\(.)/g, "$1")

const toRaw = (forced: ForcedDecline) => ({
  ...(forced.code === undefined ? {} : { code: forced.code }),
  ...(forced.declineCode === undefined ? {} : { decline_code: forced.declineCode }),
  ...(forced.message === undefined ? {} : { message: forced.message })
})
