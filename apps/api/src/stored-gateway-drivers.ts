/**
 * Gateway drivers built from the settings stored in the database (secrets sealed at rest, opened
 * here with `PAYBRIDGE_SECRETS_KEY`), kept current without a restart: every process checks the
 * store's change token every `GATEWAY_SETTINGS_REFRESH` and, when it moved, reloads every stored
 * setting and rebuilds the drivers, so a `gateways.rotateSecret` reaches all workers within that
 * interval. A replaced webhook secret still verifies webhooks for `GATEWAY_WEBHOOK_GRACE` after
 * the rotation. At start-up stored secrets that cannot be opened (no key, another key) fail the
 * start with a clear message; a later failure to reload is logged and the drivers in use are kept.
 * Settings a driver refuses (e.g. not a Stripe key) leave that gateway unserved (fail closed) and
 * are logged by gateway code — never with a secret.
 */
import {
  type GatewayDriverSettings,
  LedgerStore,
  type SecretsUnreadable,
  type StorageUnavailable
} from "@paybridge/core"
import {
  defaultTimeoutMs,
  type GatewayDriver,
  InvalidWebhookSignature,
  type LedgerGatewayCalls,
  ledgerGatewayCalls,
  makeStripeDriver,
  type StripeGatewayConfig
} from "@paybridge/gateway-stripe"
import { Cause, Duration, Effect, Schedule, type Scope } from "effect"

/** One stored gateway's driver, as the ledger and the webhook route use it. */
export interface StoredGatewayDriver {
  readonly code: string
  readonly driver: GatewayDriver
  readonly calls: LedgerGatewayCalls
  readonly version: number
}

export interface StoredGatewayDrivers {
  /** The driver serving `code` from stored settings now, or `null`. */
  readonly forCode: (code: string) => StoredGatewayDriver | null
  /** Gateway codes served from stored settings now. */
  readonly codes: () => ReadonlyArray<string>
  /** Checks for changed settings now (the schedule does it every `refresh`). */
  readonly refreshNow: Effect.Effect<void, StorageUnavailable | SecretsUnreadable>
}

export interface StoredGatewayOptions {
  readonly refresh: Duration.Duration
  readonly webhookGrace: Duration.Duration
  /** Codes the environment configures: the environment wins, their stored settings are not used. */
  readonly environmentCodes: ReadonlySet<string>
  readonly log: (level: "warn" | "error", message: string, fields: Record<string, unknown>) => Effect.Effect<void>
}

const stripeConfigOf = (
  settings: GatewayDriverSettings,
  webhookSecret = settings.webhookSecret
): StripeGatewayConfig => ({
  gateway: settings.gatewayCode,
  secretKey: settings.secretKey,
  webhookSecret,
  timeoutMs: defaultTimeoutMs,
  maxNetworkRetries: 0,
  ...(settings.apiBase === null ? {} : { apiBase: new URL(settings.apiBase) })
})

/** Verifies with the current webhook secret, then (until the grace period ends) with the replaced one. */
const withPreviousWebhookSecret = (current: GatewayDriver, previous: GatewayDriver, until: number): GatewayDriver => ({
  ...current,
  verifyWebhook: (rawBody, signatureHeader, now) =>
    current.verifyWebhook(rawBody, signatureHeader, now).pipe(
      Effect.catchIf(
        (error): error is InvalidWebhookSignature =>
          error instanceof InvalidWebhookSignature && error.reason === "signature-mismatch" && now.getTime() < until,
        () => previous.verifyWebhook(rawBody, signatureHeader, now)
      )
    )
})

const buildDriver = (settings: GatewayDriverSettings, webhookGrace: Duration.Duration) =>
  Effect.gen(function* () {
    const current = yield* makeStripeDriver(stripeConfigOf(settings))
    const previousSecret = settings.previousWebhookSecret
    const rotatedAt = settings.webhookRotatedAt
    if (previousSecret === null || rotatedAt === null) return current
    const until = rotatedAt.getTime() + Duration.toMillis(webhookGrace)
    if (Date.now() >= until) return current
    const previous = yield* makeStripeDriver(stripeConfigOf(settings, previousSecret))
    return withPreviousWebhookSecret(current, previous, until)
  })

/** What went wrong, in one line (messages here name gateways and key ids, never a secret). */
const describeCause = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}

/** Loads the stored settings now (failing the start when they cannot be opened) and keeps them current. */
export const storedGatewayDrivers = (
  options: StoredGatewayOptions
): Effect.Effect<StoredGatewayDrivers, StorageUnavailable | SecretsUnreadable, LedgerStore | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    let drivers = new Map<string, StoredGatewayDriver>()
    let token: string | null = null

    const rebuild = (all: ReadonlyArray<GatewayDriverSettings>) =>
      Effect.gen(function* () {
        const next = new Map<string, StoredGatewayDriver>()
        for (const settings of all) {
          if (options.environmentCodes.has(settings.gatewayCode)) {
            yield* options.log("warn", "stored gateway settings ignored: the environment configures this gateway", {
              gateway: settings.gatewayCode
            })
            continue
          }
          const kept = drivers.get(settings.gatewayCode)
          if (kept !== undefined && kept.version === settings.version) {
            next.set(settings.gatewayCode, kept)
            continue
          }
          const built = yield* Effect.result(buildDriver(settings, options.webhookGrace))
          if (built._tag === "Failure") {
            yield* options.log("error", "stored gateway settings refused by the driver; the gateway is not served", {
              gateway: settings.gatewayCode,
              error: built.failure.message
            })
            continue
          }
          next.set(settings.gatewayCode, {
            code: settings.gatewayCode,
            driver: built.success,
            calls: ledgerGatewayCalls(built.success),
            version: settings.version
          })
        }
        drivers = next
      })

    const refreshNow = Effect.gen(function* () {
      const current = yield* store.gatewaySettings.changeToken()
      if (current === token) return
      yield* rebuild(yield* store.gatewaySettings.loadDriverSettings())
      token = current
    })

    yield* refreshNow
    yield* refreshNow.pipe(
      // A failed reload (even a defect) is logged and retried on the next tick; the drivers in use stay.
      Effect.catchCause((cause) =>
        options.log("error", "reloading stored gateway settings failed; the drivers in use are kept", {
          error: describeCause(cause)
        })
      ),
      Effect.repeat(Schedule.spaced(options.refresh)),
      Effect.forkScoped
    )
    return {
      forCode: (code) => drivers.get(code) ?? null,
      codes: () => [...drivers.keys()],
      refreshNow
    }
  })
