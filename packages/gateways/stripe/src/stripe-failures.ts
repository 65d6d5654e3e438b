/**
 * What a failed Stripe call means for the ledger. A money-moving call ("write") that failed is a
 * decline (Stripe refused it: a 402 card error, or a 400/404 invalid request — nothing was charged),
 * an `unknown` (it may have taken effect: a timeout, a connection lost mid-request, a 5xx or an
 * unreadable answer) or `GatewayUnreachable` (Stripe did not act on it: connection refused, key
 * rejected, rate limited, a concurrent request with the same key, the key reused with other
 * parameters). A read that failed is either "not found" or `GatewayUnreachable`.
 *
 * Messages are built here and scrubbed of anything that looks like a Stripe key or signing secret
 * (and of the configured secrets themselves); the raw Stripe error — which carries request
 * headers and bodies — is never attached to anything the ledger keeps or logs.
 */
import Stripe from "stripe"
import { type DriverDeclined, type DriverUnknown, GatewayUnreachable } from "./gateway-driver.ts"

type StripeError = InstanceType<typeof Stripe.errors.StripeError>

const keyPattern = /\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9*]+|\bwhsec_[A-Za-z0-9*]+/g

/** Removes the given secrets and anything shaped like a Stripe key or webhook secret. */
export const scrubSecrets = (text: string, secrets: ReadonlyArray<string>): string => {
  let scrubbed = text
  for (const secret of secrets) {
    if (secret.length >= 8) scrubbed = scrubbed.split(secret).join("[redacted]")
  }
  return scrubbed.replace(keyPattern, "[redacted]")
}

/** Codes of a connection that was never established: the request cannot have reached Stripe. */
const neverConnected = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])

const connectionCode = (error: StripeError): string | undefined => {
  const detail: unknown = error.detail
  if (typeof detail === "object" && detail !== null && "code" in detail && typeof detail.code === "string") {
    return detail.code
  }
  return undefined
}

const requestSuffix = (error: StripeError): string =>
  error.requestId === undefined ? "" : ` (Stripe request ${error.requestId})`

export type WriteFailure =
  | { readonly kind: "declined"; readonly declined: DriverDeclined }
  | { readonly kind: "unknown"; readonly unknown: DriverUnknown }
  | { readonly kind: "unreachable"; readonly error: GatewayUnreachable }

export type ReadFailure =
  | { readonly kind: "not-found" }
  | { readonly kind: "unreachable"; readonly error: GatewayUnreachable }

const nonEmpty = (text: string | undefined): string | undefined =>
  text === undefined || text === "" ? undefined : text

const isStripeError = (error: unknown): error is StripeError => error instanceof Stripe.errors.StripeError

/** The object a refused request created or touched, when Stripe says (a declined PaymentIntent). */
const referenceOf = (error: StripeError): string | undefined =>
  error.payment_intent?.id ?? error.setup_intent?.id ?? undefined

/** Shared by reads and writes: answers that mean "Stripe did not act on this request". */
const unreachableOf = (
  gateway: string,
  error: StripeError,
  message: (text: string) => string
): GatewayUnreachable | undefined => {
  const make = (reason: GatewayUnreachable["reason"], text: string) =>
    new GatewayUnreachable({ gateway, reason, message: message(`${text}${requestSuffix(error)}`) })
  if (error instanceof Stripe.errors.StripeConnectionError) {
    const code = connectionCode(error)
    return code !== undefined && neverConnected.has(code)
      ? make("connection-refused", `could not connect to Stripe (${code})`)
      : undefined
  }
  switch (error.statusCode) {
    case 401:
      return make("authentication", "Stripe rejected the gateway's API key; check the gateway's secret key setting")
    case 403:
      return make("permission", "the gateway's API key may not perform this request (restricted key?)")
    case 429:
      return make("rate-limited", "Stripe rate-limited the request; retry later with the same attempt key")
    case 409:
      return make("conflict", "another request with the same attempt key is in progress at Stripe; retry later")
  }
  if (error.type === "StripeIdempotencyError" || error.rawType === "idempotency_error") {
    return make(
      "idempotency-mismatch",
      "Stripe already saw this attempt key with different parameters; the earlier request stands — look it up"
    )
  }
  return undefined
}

const unknownOf = (error: unknown, message: (text: string) => string): DriverUnknown => {
  if (isStripeError(error)) {
    if (error instanceof Stripe.errors.StripeConnectionError) {
      const timedOut = connectionCode(error) === "ETIMEDOUT"
      return {
        status: "unknown",
        reason: timedOut ? "timeout" : "connection-lost",
        message: message(
          `${timedOut ? "Stripe did not answer in time" : "the connection to Stripe was lost"}; the request may or may not have taken effect${requestSuffix(error)}`
        )
      }
    }
    if (error.statusCode !== undefined && error.statusCode >= 500) {
      return {
        status: "unknown",
        reason: "gateway-error",
        message: message(
          `Stripe answered ${error.statusCode}; the request may or may not have taken effect${requestSuffix(error)}`
        )
      }
    }
  }
  return {
    status: "unknown",
    reason: "unreadable-response",
    message: "Stripe's answer could not be read; the request may or may not have taken effect"
  }
}

/** Classifies the failure of a request that may move money (create PaymentIntent, Refund, …). */
export const classifyWriteFailure = (gateway: string, error: unknown, secrets: ReadonlyArray<string>): WriteFailure => {
  const message = (text: string) => scrubSecrets(text, secrets)
  if (!isStripeError(error)) return { kind: "unknown", unknown: unknownOf(error, message) }
  const unreachable = unreachableOf(gateway, error, message)
  if (unreachable !== undefined) return { kind: "unreachable", error: unreachable }
  const status = error.statusCode
  if (status === 402 || status === 400 || status === 404) {
    const reference = referenceOf(error)
    return {
      kind: "declined",
      declined: {
        status: "declined",
        ...(reference === undefined ? {} : { reference }),
        code:
          nonEmpty(error.decline_code) ?? nonEmpty(error.code) ?? (status === 402 ? "card_error" : "invalid_request"),
        message: message(error.message || "Stripe refused the request")
      }
    }
  }
  return { kind: "unknown", unknown: unknownOf(error, message) }
}

/** Classifies the failure of a read (retrieve, list, search): nothing to reconcile, just retry. */
export const classifyReadFailure = (gateway: string, error: unknown, secrets: ReadonlyArray<string>): ReadFailure => {
  const message = (text: string) => scrubSecrets(text, secrets)
  if (isStripeError(error)) {
    if (error.statusCode === 404 && error.code === "resource_missing") return { kind: "not-found" }
    const unreachable = unreachableOf(gateway, error, message)
    if (unreachable !== undefined) return { kind: "unreachable", error: unreachable }
  }
  const unknown = unknownOf(error, message)
  const refused = isStripeError(error) && error.statusCode !== undefined && error.statusCode < 500
  const reason: GatewayUnreachable["reason"] = refused ? "gateway-error" : unknown.reason
  const text = refused
    ? message(`Stripe refused the read (${error.statusCode} ${error.code ?? error.type})${requestSuffix(error)}`)
    : unknown.message.replace("; the request may or may not have taken effect", "")
  return { kind: "unreachable", error: new GatewayUnreachable({ gateway, reason, message: text }) }
}
