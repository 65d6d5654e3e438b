/**
 * Configuration of one Stripe gateway and the `stripe` client built from it. Secrets are held as
 * Effect `Redacted` values from the moment they are read (environment or, later, an encrypted
 * setting) and are unwrapped in exactly one place: the client's constructor. The client never
 * retries on its own (`maxNetworkRetries: 0`: the ledger's reconciler owns retries, with the same
 * attempt key) and can be pointed at a local stand-in through `apiBase`.
 *
 * Environment, for a gateway read with prefix P (e.g. `PAYBRIDGE_STRIPE_UK`):
 *   P_SECRET_KEY       sk_… or rk_… (required)
 *   P_WEBHOOK_SECRET   whsec_… (required)
 *   P_API_BASE         optional, e.g. http://127.0.0.1:12111 (a stand-in); default Stripe's API
 *   P_TIMEOUT_MS       optional, default 20000
 *   P_SUCCESS_URL      optional return page of hosted payment pages
 */
import { Config, Effect, Redacted, Schema } from "effect"
import Stripe from "stripe"

export interface StripeGatewayConfig {
  /** The ledger's gateway code (named in errors; never a secret). */
  readonly gateway: string
  readonly secretKey: Redacted.Redacted<string>
  readonly webhookSecret: Redacted.Redacted<string>
  /** Where the API lives when not at Stripe (a stand-in in tests): scheme, host and port only. */
  readonly apiBase?: URL
  /** Per-request timeout; a timed-out money-moving request is an `unknown` outcome. */
  readonly timeoutMs: number
  /** Always 0: retries belong to the ledger's reconciler, with the same attempt key. */
  readonly maxNetworkRetries: 0
  /** Accepted webhook age (and clock skew), seconds; default 300 as Stripe recommends. */
  readonly webhookToleranceSeconds?: number
  /** Where Stripe's hosted payment page sends the payer after paying. */
  readonly checkoutSuccessUrl?: URL
}

export class StripeConfigInvalid extends Schema.TaggedError<StripeConfigInvalid>()("StripeConfigInvalid", {
  message: Schema.String
}) {}

export const defaultTimeoutMs = 20_000
export const defaultWebhookToleranceSeconds = 300

/** Checks a configuration without ever quoting a secret in the message. */
export const validateStripeConfig = (config: StripeGatewayConfig): Effect.Effect<void, StripeConfigInvalid> => {
  const problem = (message: string) =>
    Effect.fail(new StripeConfigInvalid({ message: `${config.gateway}: ${message}` }))
  if (!/^(sk|rk)_[A-Za-z0-9_]+$/.test(Redacted.value(config.secretKey))) {
    return problem("the secret key must be a Stripe secret or restricted key (sk_… or rk_…)")
  }
  if (!/^whsec_[A-Za-z0-9_]+$/.test(Redacted.value(config.webhookSecret))) {
    return problem("the webhook secret must be a Stripe endpoint signing secret (whsec_…)")
  }
  if (config.apiBase !== undefined) {
    const { protocol, pathname, search, username, password } = config.apiBase
    if (protocol !== "http:" && protocol !== "https:") return problem("the API base must be an http(s) URL")
    if (pathname !== "/" || search !== "" || username !== "" || password !== "") {
      return problem("the API base must be scheme, host and port only (Stripe's paths start at /v1)")
    }
  }
  if (!Number.isInteger(config.timeoutMs) || config.timeoutMs < 1) {
    return problem("the timeout must be a positive number of milliseconds")
  }
  return Effect.void
}

/** Reads one gateway's configuration from the environment under `prefix` (see the header). */
export const stripeConfigFromEnv = (gateway: string, prefix: string): Config.Config<StripeGatewayConfig> =>
  Config.all({
    secretKey: Config.Redacted(`${prefix}_SECRET_KEY`),
    webhookSecret: Config.Redacted(`${prefix}_WEBHOOK_SECRET`),
    apiBase: Config.option(Config.URL(`${prefix}_API_BASE`)),
    timeoutMs: Config.Int(`${prefix}_TIMEOUT_MS`).pipe(Config.withDefault(defaultTimeoutMs)),
    successUrl: Config.option(Config.URL(`${prefix}_SUCCESS_URL`))
  }).pipe(
    Config.map(
      (raw): StripeGatewayConfig => ({
        gateway,
        secretKey: raw.secretKey,
        webhookSecret: raw.webhookSecret,
        timeoutMs: raw.timeoutMs,
        maxNetworkRetries: 0,
        ...(raw.apiBase._tag === "Some" ? { apiBase: raw.apiBase.value } : {}),
        ...(raw.successUrl._tag === "Some" ? { checkoutSuccessUrl: raw.successUrl.value } : {})
      })
    )
  )

/** The `stripe` client for one gateway: no automatic retries, no telemetry, optional stand-in host. */
export const makeStripeClient = (config: StripeGatewayConfig): Stripe => {
  const base = config.apiBase
  const endpoint =
    base === undefined
      ? {}
      : {
          host: base.hostname.replace(/^\[(.*)\]$/, "$1"),
          port: base.port === "" ? (base.protocol === "http:" ? 80 : 443) : Number(base.port),
          protocol: base.protocol === "http:" ? ("http" as const) : ("https" as const)
        }
  return new Stripe(Redacted.value(config.secretKey), {
    maxNetworkRetries: config.maxNetworkRetries,
    timeout: config.timeoutMs,
    telemetry: false,
    appInfo: { name: "Paybridge" },
    ...endpoint
  })
}
