/**
 * The payment gateways this server drives, from its configuration (`config.ts`): each Stripe
 * account serves the ledger gateway whose code it is configured for, the built-in test gateway
 * serves the others only when `PAYBRIDGE_TEST_GATEWAY=1` (tests, `start --demo`), and a gateway no
 * driver serves refuses every payment before anything is booked (fail closed; each protocol
 * renders the refusal in its own error shape). Secrets stay `Redacted` until the Stripe client is
 * built and appear in no description. Also the reconciler's schedule: at start-up and every
 * `GATEWAY_RECONCILE_INTERVAL`, gateway attempts left pending (a crash, a timeout) are settled by
 * asking their gateways (with a back-off per attempt, and by one process of the cluster at a time:
 * the pass takes the reconciler's lease as this host and process).
 */
import { hostname } from "node:os"
import {
  Collections,
  CommandContext,
  type Gateway,
  type LedgerStore,
  makeTestGateway,
  PaymentGateways,
  type ReconcileReport,
  type SecretsUnreadable,
  type StorageUnavailable
} from "@paybridge/core"
import {
  type GatewayDriver,
  type LedgerGatewayCalls,
  ledgerGatewayCalls,
  makeStripeDriver
} from "@paybridge/gateway-stripe"
import { Context, Duration, Effect, Layer } from "effect"
import type { AppRuntime } from "./app-runtime.ts"
import type { FaultPhase, GatewaySetup } from "./config.ts"
import { errorField, type LogFields } from "./logger.ts"
import { type StoredGatewayDrivers, storedGatewayDrivers } from "./stored-gateway-drivers.ts"

/** The drivers serving gateways from their stored settings (current: re-read on change). */
export class StoredGateways extends Context.Service<StoredGateways, StoredGatewayDrivers>()(
  "@paybridge/api/StoredGateways"
) {}

/** What `/health` and the start banner say about the gateways (no secrets). */
export interface LiveGateways {
  /** Gateway codes served by Stripe. */
  readonly stripe: ReadonlyArray<string>
  /** Whether the deterministic test gateway serves every other gateway. */
  readonly testGateway: boolean
}

export const liveGateways = (setup: GatewaySetup, stored: ReadonlyArray<string> = []): LiveGateways => ({
  stripe: [...setup.stripe.map((config) => config.gateway), ...stored],
  testGateway: setup.testGateway
})

/** Codes of the gateways served from stored settings now (none when the runtime has no `StoredGateways`). */
export const storedGatewayCodes = (runtime: AppRuntime): Promise<ReadonlyArray<string>> =>
  runtime.runPromise(
    Effect.map(Effect.serviceOption(StoredGateways), (stored) => (stored._tag === "Some" ? stored.value.codes() : []))
  )

/**
 * The webhook verifier of a gateway served from stored settings now (its current webhook secret,
 * and the replaced one during `GATEWAY_WEBHOOK_GRACE`), or `null`.
 */
export const storedWebhookVerifier = async (
  runtime: AppRuntime,
  code: string
): Promise<GatewayDriver["verifyWebhook"] | null> => {
  const stored = await runtime.runPromise(Effect.serviceOption(StoredGateways))
  return stored._tag === "Some" ? (stored.value.forCode(code)?.driver.verifyWebhook ?? null) : null
}

/** One line for the banner. */
export const describeGateways = (live: LiveGateways): string => {
  const parts = [
    ...live.stripe.map((code) => `${code} (Stripe)`),
    ...(live.testGateway ? ["every other gateway: the TEST gateway (PAYBRIDGE_TEST_GATEWAY=1), no real money"] : [])
  ]
  return parts.length === 0
    ? "none configured: gateway payments are refused (set PAYBRIDGE_STRIPE_GATEWAYS)"
    : parts.join("; ")
}

/**
 * `PaymentGateways` over the configured drivers: a gateway the environment configures is served by
 * that driver (the environment wins), otherwise by its settings stored in the database (see
 * `stored-gateway-drivers.ts`; re-read on change), otherwise by the test gateway when enabled.
 * Also provides `StoredGateways` (the drivers from stored settings, for `/health` and webhooks).
 * Fails the start when stored secrets cannot be opened (no or another `PAYBRIDGE_SECRETS_KEY`).
 */
export const gatewaysLayer = (
  setup: GatewaySetup
): Layer.Layer<PaymentGateways | StoredGateways, StorageUnavailable | SecretsUnreadable, LedgerStore> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const byCode = new Map<string, LedgerGatewayCalls>()
      for (const config of setup.stripe) {
        byCode.set(config.gateway, ledgerGatewayCalls(yield* makeStripeDriver(config).pipe(Effect.orDie)))
      }
      const stored = yield* storedGatewayDrivers({
        refresh: setup.settingsRefresh,
        webhookGrace: setup.webhookGrace,
        environmentCodes: new Set(byCode.keys()),
        log: (level, message, fields) =>
          (level === "warn" ? Effect.logWarning(message) : Effect.logError(message)).pipe(Effect.annotateLogs(fields))
      })
      const test = setup.testGateway ? makeTestGateway() : null
      const served = (gateway: Gateway): LedgerGatewayCalls | null =>
        byCode.get(gateway.code) ?? stored.forCode(gateway.code)?.calls ?? test
      const callsOf = (gateway: Gateway): LedgerGatewayCalls | null => {
        const calls = served(gateway)
        return calls === null || setup.faultKillAt === null ? calls : withKillAt(calls, setup.faultKillAt)
      }
      const notServed = (gateway: Gateway) => ({
        status: "unknown" as const,
        message: `gateway ${gateway.code} has no driver configured on this server`
      })
      const gateways = PaymentGateways.of({
        refusal: (gateway) =>
          callsOf(gateway) === null
            ? `gateway ${gateway.code} is not configured on this server (no driver serves it), so it cannot take payments`
            : null,
        charge: (request) => callsOf(request.gateway)?.charge(request) ?? Effect.succeed(notServed(request.gateway)),
        refund: (request) => callsOf(request.gateway)?.refund(request) ?? Effect.succeed(notServed(request.gateway)),
        cancel: (request) => callsOf(request.gateway)?.cancel(request) ?? Effect.succeed(notServed(request.gateway)),
        lookup: (request) => callsOf(request.gateway)?.lookup(request) ?? Effect.succeed(notServed(request.gateway)),
        createPaymentLink: (request) =>
          callsOf(request.gateway)?.createPaymentLink(request) ??
          Effect.succeed({ refused: notServed(request.gateway).message })
      })
      return Context.make(PaymentGateways, gateways).pipe(Context.add(StoredGateways, stored))
    })
  )

/** Fault injection (tests over real processes only): SIGKILL this process at `phase` of a money-moving call. */
const withKillAt = (calls: LedgerGatewayCalls, phase: FaultPhase): LedgerGatewayCalls => {
  const kill = (at: FaultPhase) =>
    Effect.sync(() => {
      if (at === phase) process.kill(process.pid, "SIGKILL")
    })
  return {
    ...calls,
    charge: (request) =>
      kill("charge:before-call").pipe(
        Effect.andThen(calls.charge(request)),
        Effect.tap(() => kill("charge:after-answer"))
      ),
    refund: (request) =>
      kill("refund:before-call").pipe(
        Effect.andThen(calls.refund(request)),
        Effect.tap(() => kill("refund:after-answer"))
      )
  }
}

export interface Reconciler {
  readonly runOnce: () => Promise<ReconcileReport>
  readonly stop: () => void
}

/** Runs the reconciler now and then every `reconcileInterval`; a failed run is logged and retried next time. */
export const startReconciler = (options: {
  readonly runtime: AppRuntime
  readonly setup: GatewaySetup
  readonly log: (level: "info" | "error", message: string, fields?: LogFields) => void
}): Reconciler => {
  const runOnce = () =>
    options.runtime.runPromise(
      Effect.flatMap(Collections, (collections) =>
        collections.reconcileGatewayAttempts({
          minimumAgeMs: Duration.toMillis(options.setup.reconcileMinimumAge),
          holder: `${hostname()}:${process.pid}`,
          // An unanswered attempt is retried at the next pass, then after 2, 4, 8… intervals (at most 1 hour);
          // a process killed mid-pass keeps the others out for at most two intervals (at least 5 s).
          backoffBaseMs: Duration.toMillis(options.setup.reconcileInterval),
          leaseMs: Math.max(5_000, 2 * Duration.toMillis(options.setup.reconcileInterval))
        })
      ).pipe(Effect.provide(CommandContext.system("system")))
    )
  let running = false
  const tick = () => {
    if (running) return
    running = true
    runOnce()
      .then((report) => {
        if (report.examined > 0) options.log("info", "reconciled gateway attempts", { ...report })
        if (report.needsAttention > 0) {
          options.log("error", "gateway attempts need attention (the gateway never answered)", { ...report })
        }
      })
      .catch((error: unknown) => options.log("error", "gateway reconciliation failed", { error: errorField(error) }))
      .finally(() => {
        running = false
      })
  }
  tick()
  const timer = setInterval(tick, Duration.toMillis(options.setup.reconcileInterval))
  timer.unref()
  return { runOnce, stop: () => clearInterval(timer) }
}
