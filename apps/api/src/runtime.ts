/**
 * The composition of services: one `ManagedRuntime` built from the database layer (MikroORM on
 * SQLite or PostgreSQL, migrations applied on open, providing the `LedgerStore`, `IdempotencyStore`
 * and `IdentityStore` ports), the ledger's services (`ledgerLayer`), the Authenticator and the
 * payment gateways the configuration names (`gateways.ts`; fail closed), over the telemetry layer
 * (logger, tracer). The
 * server and the CLI scripts both open it here; disposing it closes the database and flushes
 * exported spans.
 */

import { randomBytes } from "node:crypto"
import { ElevateTokenSettings } from "@paybridge/adapter-elevate"
import { authenticatorLayer, LedgerStore, ledgerLayer } from "@paybridge/core"
import { openDatabase } from "@paybridge/db"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"
import type { AppRuntime } from "./app-runtime.ts"
import type { AppConfig } from "./config.ts"
import { gatewaysLayer } from "./gateways.ts"
import { telemetryLayer } from "./observability.ts"

/** Where the Elevate signing key made by the first start is kept (an Elevate-only object: a dialect record). */
const persistedKey = { dialect: "elevate", kind: "signing-key", key: "jwt-hs256" } as const

/**
 * The Elevate key kept in the database, made on first use: of several processes starting at once
 * exactly one insert lands (the others' is refused as a concurrent write) and all read that one.
 */
const persistedElevateSecret = Effect.gen(function* () {
  const store = yield* LedgerStore
  const stored = () =>
    Effect.map(store.dialectRecords.getByKey(persistedKey.dialect, persistedKey.kind, persistedKey.key), (record) =>
      typeof record?.data.secret === "string" ? record.data.secret : null
    )
  const existing = yield* stored()
  if (existing !== null) return existing
  const at = new Date()
  const made = randomBytes(32).toString("base64url")
  const inserted = yield* store.dialectRecords
    .insert({
      ...persistedKey,
      customerId: null,
      paymentId: null,
      data: { secret: made },
      createdAt: at,
      updatedAt: at
    })
    .pipe(
      Effect.as(true),
      Effect.catchTag("Conflict", () => Effect.succeed(false))
    )
  if (inserted) return made
  const winner = yield* stored()
  if (winner === null) return yield* Effect.die(new Error("the persisted Elevate signing key vanished"))
  return winner
})

/**
 * The Elevate dialect signs its JWTs with `ELEVATE_JWT_SECRET` (see `config.ts`), or, when it is
 * unset, with the key persisted in the database: never a per-process key, so a token issued by one
 * process is accepted by every other one and after a restart.
 */
const elevateTokens = (config: AppConfig) =>
  Layer.effect(
    ElevateTokenSettings,
    Effect.map(
      Option.match(config.elevateJwtSecret, {
        onSome: (secret) => Effect.succeed(Redacted.value(secret)),
        onNone: () => persistedElevateSecret
      }),
      (secret) => ({ secret: new TextEncoder().encode(secret), now: Date.now })
    )
  )

/**
 * Opening the database can fail (`StorageUnavailable`); that is turned into a defect here, because
 * `openRuntime` opens it before anything else runs — a runtime in use never fails to build.
 */
export const appLayer = (config: AppConfig) =>
  Layer.mergeAll(ledgerLayer, authenticatorLayer, elevateTokens(config)).pipe(
    Layer.provideMerge(gatewaysLayer(config.gateways)),
    Layer.provideMerge(
      openDatabase({
        url: Redacted.value(config.databaseUrl),
        secretsKey: config.gateways.secretsKey === null ? null : Redacted.value(config.gateways.secretsKey),
        previousSecretsKeys: config.gateways.previousSecretsKeys.map((key) => Redacted.value(key))
      })
    ),
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
