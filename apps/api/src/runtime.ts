/**
 * The composition of services: one `ManagedRuntime` built from the database layer (MikroORM on
 * SQLite or PostgreSQL, migrations applied on open, providing the `LedgerStore`, `IdempotencyStore`
 * and `IdentityStore` ports), the ledger's services (`ledgerLayer`), the Authenticator and the
 * payment gateways the configuration names (`gateways.ts`; fail closed), over the telemetry layer
 * (logger, tracer). The
 * server and the CLI scripts both open it here; disposing it closes the database and flushes
 * exported spans.
 */
import { ElevateTokenSettings } from "@paybridge/adapter-elevate"
import { authenticatorLayer, ledgerLayer } from "@paybridge/core"
import { openDatabase } from "@paybridge/db"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import type { AppRuntime } from "./app-runtime.ts"
import type { AppConfig } from "./config.ts"
import { gatewaysLayer } from "./gateways.ts"
import { telemetryLayer } from "./observability.ts"

/** The Elevate dialect signs its JWTs with `ELEVATE_JWT_SECRET` (see `config.ts`). */
const elevateTokens = (config: AppConfig) =>
  Layer.succeed(ElevateTokenSettings, {
    secret: new TextEncoder().encode(Redacted.value(config.elevateJwtSecret)),
    now: Date.now
  })

/**
 * Opening the database can fail (`StorageUnavailable`); that is turned into a defect here, because
 * `openRuntime` opens it before anything else runs — a runtime in use never fails to build.
 */
export const appLayer = (config: AppConfig) =>
  Layer.mergeAll(ledgerLayer, authenticatorLayer, elevateTokens(config)).pipe(
    Layer.provide(gatewaysLayer(config.gateways)),
    Layer.provideMerge(openDatabase({ url: Redacted.value(config.databaseUrl) })),
    Layer.orDie
  )

/**
 * Builds the runtime and opens the database now (so a bad URL fails here, not on the first request).
 * `telemetry` (default: JSON logs on stdout, spans over OTLP when configured; see `observability.ts`)
 * is built first, so even opening the database logs and traces through it.
 */
export const openRuntime = async (
  config: AppConfig,
  telemetry: Layer.Layer<never> = telemetryLayer(config)
): Promise<AppRuntime> => {
  const runtime = ManagedRuntime.make(Layer.provideMerge(appLayer(config), telemetry))
  await runtime.runPromise(Effect.void)
  return runtime
}
