/**
 * The Stripe driver: one configured Stripe account as a `GatewayDriver`, through the official
 * `stripe` package. Charges are PaymentIntents created with `confirm: true`; refunds are Refunds;
 * mandates come from SetupIntents; hosted payment pages are Checkout Sessions (single-use, exact
 * amount, they expire — a Payment Link could be paid any number of times). Every money-moving
 * request carries the ledger's attempt key as Stripe's `Idempotency-Key` and as the metadata tag
 * `paybridge_attempt`, so a re-send within Stripe's 24-hour idempotency window replays the first
 * answer, and `lookup` finds the object at any age: PaymentIntents by Stripe's search on that tag,
 * Refunds among their charge's refunds (lists are exact; refunds have no search).
 *
 * Why `lookup` searches rather than re-sends the original request: a lookup must be a read (the
 * reconciler calls it for attempts of any age, and a re-send after 24 hours would charge again),
 * and a re-sent request only replays the first *answer* (a replayed 500 says nothing new). The
 * search index lags (typically seconds, up to minutes in incidents), so `not-found` is conclusive
 * only for attempts older than that lag; the README states the reconciliation rule that follows.
 *
 * Outcomes follow `stripe-objects.ts` (statuses) and `stripe-failures.ts` (errors). No secret is
 * ever logged, returned or put into an error: messages are built here and scrubbed.
 */
import { Context, Effect, Layer, Redacted } from "effect"
import type Stripe from "stripe"
import type {
  DriverCancelOutcome,
  DriverCancelRequest,
  DriverChargeOutcome,
  DriverChargeRequest,
  DriverDeclined,
  DriverLookupOutcome,
  DriverLookupRequest,
  DriverMandate,
  DriverMandateRequest,
  DriverPaymentLinkOutcome,
  DriverPaymentLinkRequest,
  DriverRefundOutcome,
  DriverRefundRequest,
  DriverSetupOutcome,
  DriverSetupRequest,
  DriverUnknown,
  GatewayDriver
} from "./gateway-driver.ts"
import { GatewayUnreachable } from "./gateway-driver.ts"
import {
  defaultWebhookToleranceSeconds,
  makeStripeClient,
  type StripeConfigInvalid,
  type StripeGatewayConfig,
  stripeConfigFromEnv,
  validateStripeConfig
} from "./stripe-config.ts"
import { fromStripeAmount, toStripeAmount } from "./stripe-currency.ts"
import { classifyReadFailure, classifyWriteFailure, type WriteFailure } from "./stripe-failures.ts"
import {
  attemptKeyOf,
  attemptMetadataKey,
  idOf,
  mandateOf,
  paymentIntentOutcome,
  refundOutcome,
  setupIntentOutcome
} from "./stripe-objects.ts"
import { makeWebhookVerifier } from "./stripe-webhooks.ts"

/** Stripe's Idempotency-Key limit; the same key is the metadata tag (values may be 500 long). */
const maxAttemptKeyLength = 255

/** A safety net over the client's own socket timeout (which a slow trickle could outlast). */
const timeoutGraceMs = 2_000

type Sent<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly failure: WriteFailure }
type Read<A> = { readonly found: true; readonly value: A } | { readonly found: false }

const amountRefused = (message: string): DriverDeclined => ({
  status: "declined",
  code: "amount_not_representable",
  message
})

/** Quotes a value for Stripe's search language (single quotes; `\` escapes). */
const searchLiteral = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`

const isReplay = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null || !("lastResponse" in value)) return false
  const response = value.lastResponse
  if (typeof response !== "object" || response === null || !("headers" in response)) return false
  const headers = response.headers
  return typeof headers === "object" && headers !== null && Reflect.get(headers, "idempotent-replayed") === "true"
}

/** Builds the driver of one Stripe gateway (validates the configuration first). */
export const makeStripeDriver = (config: StripeGatewayConfig): Effect.Effect<GatewayDriver, StripeConfigInvalid> =>
  Effect.gen(function* () {
    yield* validateStripeConfig(config)
    const stripe = makeStripeClient(config)
    const secrets = () => [Redacted.value(config.secretKey), Redacted.value(config.webhookSecret)]

    const checkAttemptKey = (attemptKey: string) =>
      attemptKey.length === 0 || attemptKey.length > maxAttemptKeyLength || !/^[\x21-\x7e]+$/.test(attemptKey)
        ? Effect.die(new Error(`attempt keys are 1-${maxAttemptKeyLength} printable ASCII characters without spaces`))
        : Effect.void

    const timedOut: DriverUnknown = {
      status: "unknown",
      reason: "timeout",
      message: "Stripe did not answer in time; the request may or may not have taken effect"
    }

    /** A request that may move money: never fails, the failure is classified data. */
    const sendWrite = <A>(send: () => Promise<A>): Effect.Effect<Sent<A>> =>
      Effect.promise(
        (): Promise<Sent<A>> =>
          send().then(
            (value) => ({ ok: true, value }),
            (error: unknown) => ({ ok: false, failure: classifyWriteFailure(config.gateway, error, secrets()) })
          )
      ).pipe(
        Effect.timeoutOrElse({
          duration: config.timeoutMs + timeoutGraceMs,
          orElse: () => Effect.succeed<Sent<A>>({ ok: false, failure: { kind: "unknown", unknown: timedOut } })
        })
      )

    /** A read: found, not found (404), or `GatewayUnreachable`. */
    const sendRead = <A>(send: () => Promise<A>): Effect.Effect<Read<A>, GatewayUnreachable> =>
      Effect.promise(
        (): Promise<Read<A> | GatewayUnreachable> =>
          send().then(
            (value) => ({ found: true, value }),
            (error: unknown) => {
              const failure = classifyReadFailure(config.gateway, error, secrets())
              return failure.kind === "not-found" ? { found: false } : failure.error
            }
          )
      ).pipe(
        Effect.flatMap((read) => (read instanceof GatewayUnreachable ? Effect.fail(read) : Effect.succeed(read))),
        Effect.timeoutOrElse({
          duration: config.timeoutMs + timeoutGraceMs,
          orElse: () =>
            Effect.fail(
              new GatewayUnreachable({
                gateway: config.gateway,
                reason: "timeout",
                message: "Stripe did not answer in time"
              })
            )
        })
      )

    /** Declines and unknowns are outcomes; only "Stripe did not act" is an error. */
    const failureOutcome = (
      failure: WriteFailure
    ): Effect.Effect<DriverDeclined | DriverUnknown, GatewayUnreachable> =>
      failure.kind === "declined"
        ? Effect.succeed(failure.declined)
        : failure.kind === "unknown"
          ? Effect.succeed(failure.unknown)
          : Effect.fail(failure.error)

    const metadataFor = (
      extra: Readonly<Record<string, string>>,
      attemptKey: string,
      customerId?: string
    ): Record<string, string> => {
      const metadata: Record<string, string> = {}
      for (const [key, value] of Object.entries(extra)) if (!key.startsWith("paybridge_")) metadata[key] = value
      metadata[attemptMetadataKey] = attemptKey
      if (customerId !== undefined) metadata.paybridge_customer = customerId
      return metadata
    }

    /** The payment-method half of a PaymentIntent; a mandate is read first for its payment method. */
    const paymentMethodParams = (
      request: DriverChargeRequest
    ): Effect.Effect<Partial<Stripe.PaymentIntentCreateParams> | DriverDeclined, GatewayUnreachable> => {
      const customer = request.customer?.gatewayCustomerId
      const withCustomer = customer === undefined ? {} : { customer }
      const method = request.paymentMethod
      switch (method.kind) {
        case "card-token": {
          const billing = {
            ...(request.customer?.name === undefined ? {} : { name: request.customer.name }),
            ...(request.customer?.email === undefined ? {} : { email: request.customer.email })
          }
          // Stripe takes a legacy card token as payment_method_data[card][token]; the SDK's
          // parameter types leave raw card fields out, hence the widening below.
          const data = {
            type: "card",
            card: { token: method.value },
            ...(Object.keys(billing).length === 0 ? {} : { billing_details: billing })
          } as Stripe.PaymentIntentCreateParams.PaymentMethodData
          return Effect.succeed({ payment_method_data: data, ...withCustomer })
        }
        case "payment-method":
          return Effect.succeed({ payment_method: method.value, off_session: true, ...withCustomer })
        case "mandate":
          return sendRead(() => stripe.mandates.retrieve(method.value, { expand: ["payment_method"] })).pipe(
            Effect.map((read): Partial<Stripe.PaymentIntentCreateParams> | DriverDeclined => {
              if (!read.found) {
                return {
                  status: "declined",
                  code: "mandate_not_found",
                  message: `Stripe has no mandate ${method.value}`
                }
              }
              const paymentMethod = read.value.payment_method
              const owner = typeof paymentMethod === "string" ? null : idOf(paymentMethod.customer)
              return {
                payment_method: idOf(paymentMethod) ?? "",
                mandate: read.value.id,
                off_session: true,
                ...(owner === null ? withCustomer : { customer: owner })
              }
            })
          )
      }
    }

    /** A replayed answer is the first answer: refresh a pending one from the object's current state. */
    const currentIntentOutcome = (intent: Stripe.PaymentIntent): Effect.Effect<DriverChargeOutcome> => {
      const first = paymentIntentOutcome(intent)
      if (first.status !== "pending" || !isReplay(intent)) return Effect.succeed(first)
      return sendRead(() => stripe.paymentIntents.retrieve(intent.id)).pipe(
        Effect.map((read) => (read.found ? paymentIntentOutcome(read.value) : first)),
        Effect.catch(() => Effect.succeed(first))
      )
    }

    const charge = Effect.fn("StripeDriver.charge")(function* (request: DriverChargeRequest) {
      yield* checkAttemptKey(request.attemptKey)
      const amount = toStripeAmount(request.currency, request.amount)
      if (!amount.ok) return amountRefused(amount.message) satisfies DriverChargeOutcome
      const method = yield* paymentMethodParams(request)
      if ("status" in method) return method satisfies DriverChargeOutcome
      const params: Stripe.PaymentIntentCreateParams = {
        amount: amount.amount,
        currency: request.currency.toLowerCase(),
        confirm: true,
        description: request.description,
        metadata: metadataFor(request.metadata, request.attemptKey, request.customer?.id),
        automatic_payment_methods: { enabled: true, allow_redirects: "never" },
        ...method
      }
      const sent = yield* sendWrite(() => stripe.paymentIntents.create(params, { idempotencyKey: request.attemptKey }))
      if (!sent.ok) return (yield* failureOutcome(sent.failure)) satisfies DriverChargeOutcome
      return yield* currentIntentOutcome(sent.value)
    })

    const refund = Effect.fn("StripeDriver.refund")(function* (request: DriverRefundRequest) {
      yield* checkAttemptKey(request.attemptKey)
      const amount = toStripeAmount(request.currency, request.amount)
      if (!amount.ok) return amountRefused(amount.message) satisfies DriverRefundOutcome
      const target = request.chargeReference.startsWith("ch_")
        ? { charge: request.chargeReference }
        : { payment_intent: request.chargeReference }
      const params: Stripe.RefundCreateParams = {
        ...target,
        amount: amount.amount,
        metadata: { [attemptMetadataKey]: request.attemptKey },
        ...(request.reason === undefined ? {} : { reason: request.reason })
      }
      const sent = yield* sendWrite(() => stripe.refunds.create(params, { idempotencyKey: request.attemptKey }))
      if (!sent.ok) return (yield* failureOutcome(sent.failure)) satisfies DriverRefundOutcome
      const first = refundOutcome(sent.value)
      if (first.status !== "pending" || !isReplay(sent.value)) return first satisfies DriverRefundOutcome
      const current = yield* sendRead(() => stripe.refunds.retrieve(sent.value.id)).pipe(
        Effect.catch(() => Effect.succeed({ found: false } as const))
      )
      return (current.found ? refundOutcome(current.value) : first) satisfies DriverRefundOutcome
    })

    const lookupCharge = (attemptKey: string): Effect.Effect<DriverLookupOutcome, GatewayUnreachable> =>
      sendRead(() =>
        stripe.paymentIntents.search({
          query: `metadata['${attemptMetadataKey}']:${searchLiteral(attemptKey)}`,
          limit: 10
        })
      ).pipe(
        Effect.map((read): DriverLookupOutcome => {
          const intents = (read.found ? read.value.data : []).filter(
            (intent) => attemptKeyOf(intent.metadata) === attemptKey
          )
          const ordered = [...intents].sort((a, b) => b.created - a.created)
          const primary =
            ordered.find((intent) => intent.status === "succeeded") ??
            ordered.find((intent) => paymentIntentOutcome(intent).status === "pending") ??
            ordered[0]
          if (primary === undefined) return { status: "not-found" }
          return {
            ...paymentIntentOutcome(primary),
            amount: fromStripeAmount(primary.currency, primary.amount),
            currency: primary.currency.toUpperCase(),
            alsoFound: ordered.filter((intent) => intent !== primary).map((intent) => intent.id)
          }
        })
      )

    const lookupRefund = (attemptKey: string, chargeReference: string) =>
      sendRead(() =>
        stripe.refunds
          .list(chargeReference.startsWith("ch_") ? { charge: chargeReference } : { payment_intent: chargeReference })
          .autoPagingToArray({ limit: 1000 })
      ).pipe(
        Effect.map((read): DriverLookupOutcome => {
          const refunds = (read.found ? read.value : []).filter(
            (refund) => attemptKeyOf(refund.metadata) === attemptKey
          )
          const [primary, ...others] = refunds
          if (primary === undefined) return { status: "not-found" }
          return {
            ...refundOutcome(primary),
            amount: fromStripeAmount(primary.currency, primary.amount),
            currency: primary.currency.toUpperCase(),
            alsoFound: others.map((refund) => refund.id)
          }
        })
      )

    const lookup = Effect.fn("StripeDriver.lookup")(function* (request: DriverLookupRequest) {
      yield* checkAttemptKey(request.attemptKey)
      return yield* request.kind === "charge"
        ? lookupCharge(request.attemptKey)
        : lookupRefund(request.attemptKey, request.chargeReference)
    })

    /** A PaymentIntent cancelled by its id (or found by its attempt key); Stripe refuses once it succeeded or is processing. */
    const cancel = Effect.fn("StripeDriver.cancel")(function* (request: DriverCancelRequest) {
      yield* checkAttemptKey(request.attemptKey)
      let reference = request.reference !== null && request.reference.startsWith("pi_") ? request.reference : null
      if (reference === null) {
        const found = yield* lookupCharge(request.attemptKey)
        if (found.status === "not-found") return found satisfies DriverCancelOutcome
        if (found.status === "declined" && found.reference === undefined) {
          return { status: "not-cancellable", message: found.message } satisfies DriverCancelOutcome
        }
        reference = found.reference ?? null
      }
      if (reference === null) {
        return { status: "not-found" } satisfies DriverCancelOutcome
      }
      const id = reference
      const sent = yield* sendWrite(() =>
        stripe.paymentIntents.cancel(
          id,
          { cancellation_reason: "requested_by_customer" },
          { idempotencyKey: `${request.attemptKey}:cancel` }
        )
      )
      if (!sent.ok) {
        const failure = yield* failureOutcome(sent.failure)
        return (
          failure.status === "unknown"
            ? failure
            : { status: "not-cancellable", reference: id, message: failure.message }
        ) satisfies DriverCancelOutcome
      }
      return (
        sent.value.status === "canceled"
          ? { status: "cancelled", reference: id }
          : { status: "not-cancellable", reference: id, message: `Stripe left the PaymentIntent ${sent.value.status}` }
      ) satisfies DriverCancelOutcome
    })

    const createSetupIntent = Effect.fn("StripeDriver.createSetupIntent")(function* (request: DriverSetupRequest) {
      yield* checkAttemptKey(request.attemptKey)
      const acceptance: Stripe.SetupIntentCreateParams.MandateData.CustomerAcceptance =
        request.acceptance.type === "offline"
          ? { type: "offline", offline: {} }
          : {
              type: "online",
              online: { ip_address: request.acceptance.ipAddress, user_agent: request.acceptance.userAgent }
            }
      const customer = request.customer?.gatewayCustomerId
      const params: Stripe.SetupIntentCreateParams = {
        confirm: true,
        payment_method: request.paymentMethod,
        usage: "off_session",
        mandate_data: { customer_acceptance: acceptance },
        metadata: metadataFor({}, request.attemptKey, request.customer?.id),
        automatic_payment_methods: { enabled: true, allow_redirects: "never" },
        ...(customer === undefined ? {} : { customer }),
        ...(request.description === undefined ? {} : { description: request.description })
      }
      const sent = yield* sendWrite(() => stripe.setupIntents.create(params, { idempotencyKey: request.attemptKey }))
      if (!sent.ok) return (yield* failureOutcome(sent.failure)) satisfies DriverSetupOutcome
      return setupIntentOutcome(sent.value) satisfies DriverSetupOutcome
    })

    const getMandate = Effect.fn("StripeDriver.getMandate")(function* (request: DriverMandateRequest) {
      const read = yield* sendRead(() => stripe.mandates.retrieve(request.mandateReference))
      if (!read.found) return { status: "not-found" } satisfies DriverMandate
      const mandate = mandateOf(read.value)
      return (
        request.paymentMethod !== undefined && request.paymentMethod !== mandate.paymentMethod
          ? { status: "not-found" }
          : mandate
      ) satisfies DriverMandate
    })

    const createPaymentLink = Effect.fn("StripeDriver.createPaymentLink")(function* (
      request: DriverPaymentLinkRequest
    ) {
      yield* checkAttemptKey(request.attemptKey)
      const amount = toStripeAmount(request.currency, request.amount)
      if (!amount.ok) {
        return {
          status: "refused",
          code: "amount_not_representable",
          message: amount.message
        } satisfies DriverPaymentLinkOutcome
      }
      const tag = { [attemptMetadataKey]: request.attemptKey }
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: "payment",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: request.currency.toLowerCase(),
              unit_amount: amount.amount,
              product_data: { name: request.description }
            }
          }
        ],
        metadata: tag,
        payment_intent_data: { metadata: tag, description: request.description },
        ...(config.checkoutSuccessUrl === undefined ? {} : { success_url: config.checkoutSuccessUrl.href })
      }
      const sent = yield* sendWrite(() =>
        stripe.checkout.sessions.create(params, { idempotencyKey: request.attemptKey })
      )
      if (!sent.ok) {
        const failure = yield* failureOutcome(sent.failure)
        return (
          failure.status === "declined" ? { status: "refused", code: failure.code, message: failure.message } : failure
        ) satisfies DriverPaymentLinkOutcome
      }
      const session = sent.value
      if (session.url === null) {
        return {
          status: "unknown",
          reason: "unreadable-response",
          message: `Stripe created checkout session ${session.id} without a URL`
        } satisfies DriverPaymentLinkOutcome
      }
      return {
        status: "created",
        reference: session.id,
        url: session.url,
        expiresAt: new Date(session.expires_at * 1000)
      } satisfies DriverPaymentLinkOutcome
    })

    return {
      charge,
      refund,
      cancel,
      lookup,
      createSetupIntent,
      getMandate,
      createPaymentLink,
      verifyWebhook: makeWebhookVerifier(
        config.webhookSecret,
        config.webhookToleranceSeconds ?? defaultWebhookToleranceSeconds
      )
    } satisfies GatewayDriver
  })

/** One Stripe gateway as a service (the wiring change builds one driver per configured gateway). */
export class StripeDriver extends Context.Service<StripeDriver, GatewayDriver>()(
  "@paybridge/gateway-stripe/StripeDriver"
) {
  static readonly layer = (config: StripeGatewayConfig) => Layer.effect(StripeDriver, makeStripeDriver(config))

  /** Reads the gateway's configuration from the environment under `prefix` (see `stripe-config.ts`). */
  static readonly layerFromEnv = (gateway: string, prefix: string) =>
    Layer.effect(
      StripeDriver,
      Effect.flatMap(stripeConfigFromEnv(gateway, prefix), (config) => makeStripeDriver(config))
    )
}
