/**
 * Stripe's webhook endpoint for each gateway Stripe serves: `POST /gateways/{code}/webhooks/stripe`.
 * The raw body (at most `MAX_BODY_BYTES`) and its `Stripe-Signature` header are verified with that
 * gateway's signing secret (`@paybridge/gateway-stripe`'s verifier: signature and a 300 s window;
 * for a gateway served from stored settings, its current webhook secret or, during
 * `GATEWAY_WEBHOOK_GRACE` after a rotation, the replaced one);
 * anything unverified answers 400 and changes nothing, an unknown gateway code 404. A verified
 * event about a charge or refund the ledger made (its attempt key in the object's metadata) is
 * recorded as that attempt's answer through `Collections.recordGatewayNotice`, which changes only
 * an attempt still pending, under its customer's lock: a duplicate delivery, an event arriving after
 * the call's own answer or the reconciler's, or a stale non-final event after a final one (Stripe's
 * out-of-order deliveries) settle nothing a second time. Every other verified event is answered 200
 * so Stripe stops retrying it. Only the event id and type, the attempt key and the result are logged.
 */
import { Collections, CommandContext, type GatewayNotice, type NoticeResult } from "@paybridge/core"
import { type GatewayEvent, makeWebhookVerifier, type StripeGatewayConfig } from "@paybridge/gateway-stripe"
import { Effect } from "effect"
import { Hono } from "hono"
import type { AppRuntime } from "./app-runtime.ts"
import { bufferBodyWithin } from "./edge.ts"
import { storedWebhookVerifier } from "./gateways.ts"
import type { LogFields } from "./logger.ts"

const defaultToleranceSeconds = 300

/** The ledger's notice for a verified event, or null when the event is not about one of our attempts. */
export const noticeOf = (gatewayCode: string, event: GatewayEvent): GatewayNotice | null => {
  if ((event.kind !== "charge" && event.kind !== "refund") || event.attemptKey === null) return null
  const outcome = event.outcome
  return {
    gatewayCode,
    attemptKey: event.attemptKey,
    kind: event.kind,
    amount: event.amount,
    currency: event.currency,
    outcome:
      outcome.status === "declined"
        ? { status: "declined", gatewayReference: outcome.reference ?? event.reference, message: outcome.message }
        : { status: outcome.status, gatewayReference: outcome.reference }
  }
}

/** The webhook sub-app, mounted at `/gateways`. */
export const gatewayWebhooksApp = (options: {
  readonly runtime: AppRuntime
  readonly stripe: ReadonlyArray<StripeGatewayConfig>
  readonly maxBodyBytes: number
  readonly log: (level: "info" | "warn", message: string, fields?: LogFields) => void
}): Hono => {
  const verifiers = new Map(
    options.stripe.map((config) => [
      config.gateway,
      makeWebhookVerifier(config.webhookSecret, config.webhookToleranceSeconds ?? defaultToleranceSeconds)
    ])
  )
  const app = new Hono()
  app.post("/:code/webhooks/stripe", async (c) => {
    const code = c.req.param("code")
    // The environment's gateways first (it wins), then those served from stored settings (re-read on change).
    const verify = verifiers.get(code) ?? (await storedWebhookVerifier(options.runtime, code))
    if (verify === undefined || verify === null) {
      return c.json({ error: { code: "NOT_FOUND", message: `no Stripe gateway ${code} on this server` } }, 404)
    }
    if (!(await bufferBodyWithin(c, options.maxBodyBytes))) {
      return c.json({ error: { code: "PAYLOAD_TOO_LARGE", message: "the webhook body is too large" } }, 413)
    }
    const rawBody = await c.req.text()
    const verified = await Effect.runPromise(
      Effect.result(verify(rawBody, c.req.header("Stripe-Signature") ?? "", new Date()))
    )
    if (verified._tag === "Failure") {
      options.log("warn", "gateway webhook refused", { gateway: code, reason: verified.failure.reason })
      return c.json({ error: { code: "BAD_REQUEST", message: verified.failure.message } }, 400)
    }
    const event = verified.success
    const notice = noticeOf(code, event)
    const result: NoticeResult | "ignored" =
      notice === null
        ? "ignored"
        : await options.runtime.runPromise(
            Collections.use((collections) => collections.recordGatewayNotice(notice)).pipe(
              Effect.provide(CommandContext.system("system"))
            )
          )
    options.log("info", "gateway webhook", {
      gateway: code,
      eventId: event.eventId,
      eventType: event.eventType,
      attemptKey: notice?.attemptKey ?? null,
      result
    })
    return c.json({ received: true, result })
  })
  return app
}
