/**
 * Every environment variable the server reads, read and validated here and nowhere else (Effect
 * `Config`; the database URL is `Redacted` because it may carry a password). `loadConfig` turns
 * an environment into an `AppConfig` or a `ConfigInvalid` whose message names the variable and
 * what is wrong with it, so a bad value stops the server at startup with a clear line.
 *
 *   PORT                 listening port, default 3000 (0 = any free port)
 *   HOST                 listening address, default 127.0.0.1
 *   PAYBRIDGE_DATA_DIR   data directory, default ./data at the repo root (relative paths: from the repo root)
 *   DATABASE_URL         sqlite:<file> or postgresql://…, default sqlite:<data dir>/paybridge.db
 *   LOG_LEVEL            debug | info | warn | error, default info
 *   PUBLIC_URL           the URL clients use, default http://<HOST>:<port>
 *   DIALECT_BASE_PATHS   base path per dialect mount, "<dialect>=/path,<dialect>=/path" (each dialect has a default)
 *   PAYBRIDGE_WORKERS    server processes sharing the port (node:cluster), default: the number of cores on
 *                        PostgreSQL, 1 on SQLite
 *   SHUTDOWN_TIMEOUT     how long in-flight requests may take to finish on SIGINT/SIGTERM, default "10 seconds"
 *   ADMIN_DIST_DIR       the built admin console served under /admin, default apps/admin/dist (relative: from the repo root)
 *   ELEVATE_JWT_SECRET   HS256 key of the Elevate dialect's tokens, 32-512 characters; default: a random key made once
 *                        and kept in the database, so every process and every restart accepts the same tokens
 *   MAX_BODY_BYTES       largest request body read, default 1048576 (1 MiB); larger → 413 in the protocol's shape
 *   LOGIN_RATE_LIMIT     logins per minute per client address (every protocol's login, tRPC sign-in), default 30
 *   AUTH_FAILURE_LIMIT   failed authentications per 15 minutes per client address, default 50
 *   ACCOUNT_FAILURE_LIMIT failed authentications per 15 minutes per account name (e-mail, user name), default 10
 *   TRUST_PROXY          true: the client address is the last `X-Forwarded-For` entry and the scheme
 *                        `X-Forwarded-Proto` (set it only behind a proxy that writes them), default false
 *   IDEMPOTENCY_RETENTION how long idempotency keys are kept, at least and by default "24 hours"
 *   IDEMPOTENCY_PURGE_INTERVAL how often expired idempotency keys and sessions are purged, default "1 hour"
 *   OTEL_EXPORTER_OTLP_ENDPOINT OTLP/HTTP collector base URL (spans go to <url>/v1/traces, JSON); unset: no export
 *   OTEL_SERVICE_NAME    the service name on exported spans, default "paybridge"
 *   PAYBRIDGE_TEST_GATEWAY 1: the built-in deterministic test gateway serves every gateway no real driver serves
 *                        (tests and `start --demo` only); unset: such gateways refuse every payment (fail closed)
 *   PAYBRIDGE_STRIPE_GATEWAYS gateway codes Stripe serves, comma-separated; each reads its secrets from
 *                        PAYBRIDGE_STRIPE_<CODE>_SECRET_KEY, _WEBHOOK_SECRET (and optional _API_BASE, _TIMEOUT_MS,
 *                        _SUCCESS_URL), <CODE> upper-cased with other characters as "_"
 *   PAYBRIDGE_SECRETS_KEY the 256-bit key gateway secrets stored in the database are sealed with (AES-256-GCM):
 *                        64 hex digits or 43 base64url characters (`openssl rand -hex 32`); unset: secrets cannot be
 *                        stored, and a server whose database holds stored secrets refuses to start
 *   PAYBRIDGE_SECRETS_KEY_PREVIOUS keys secrets were stored with before a key rotation, comma-separated: they still
 *                        open, and each gateway's secrets are re-sealed with PAYBRIDGE_SECRETS_KEY when next saved
 *   GATEWAY_SETTINGS_REFRESH how often each process checks for changed stored gateway settings (a rotation takes
 *                        effect within this), default "2 seconds"
 *   GATEWAY_WEBHOOK_GRACE how long a replaced webhook secret still verifies webhooks, default "24 hours"
 *   GATEWAY_RECONCILE_INTERVAL how often gateway attempts left pending are settled, default "1 minute"
 *   GATEWAY_RECONCILE_MIN_AGE how long an attempt is left alone first (a call may be in flight), default "30 seconds"
 *   PAYBRIDGE_FAULT_KILL_AT fault-injection tests only: SIGKILL this process at a phase of a gateway call,
 *                        <charge|refund>:<before-call|after-answer>; unset in every real deployment
 */
import { availableParallelism } from "node:os"
import { isAbsolute, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseSecretsKey } from "@paybridge/db"
import { type StripeGatewayConfig, stripeConfigFromEnv, validateStripeConfig } from "@paybridge/gateway-stripe"
import { Config, ConfigProvider, Duration, Effect, type Option, Redacted, Schema } from "effect"

/** The repository root (`apps/api/src/` is three levels down). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))

export const logLevels = ["debug", "info", "warn", "error"] as const
export type LogLevel = (typeof logLevels)[number]

export interface AppConfig {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  /** Normalized: `sqlite:<absolute path>` or a PostgreSQL URL. */
  readonly databaseUrl: Redacted.Redacted<string>
  readonly logLevel: LogLevel
  /** Without trailing slash; `null` = derived from the bound address once listening. */
  readonly publicUrl: string | null
  /** Overrides of dialect mount base paths, by dialect id. */
  readonly dialectBasePaths: Readonly<Record<string, string>>
  readonly shutdownTimeout: Duration.Duration
  /**
   * Server processes (`PAYBRIDGE_WORKERS`; node:cluster, one shared port): default the number of
   * cores on PostgreSQL, 1 on SQLite (one writer at a time; more is allowed on a file, never in memory).
   */
  readonly workers: number
  /** Absolute directory of the built admin console (served under `/admin`). */
  readonly adminDistDir: string
  /**
   * Signing key of the Elevate dialect's JWTs from `ELEVATE_JWT_SECRET`; when unset (`None`) the
   * key persisted in the database is used (made once, shared by every process: see `runtime.ts`).
   */
  readonly elevateJwtSecret: Option.Option<Redacted.Redacted<string>>
  /** Largest request body read, in bytes. */
  readonly maxBodyBytes: number
  /** Logins per minute per client address. */
  readonly loginRateLimit: number
  /** Failed authentications per 15 minutes per client address. */
  readonly authFailureLimit: number
  /** Failed authentications per 15 minutes per account name. */
  readonly accountFailureLimit: number
  /** Take the client address and scheme from `X-Forwarded-For` / `X-Forwarded-Proto`. */
  readonly trustProxy: boolean
  /** How long idempotency keys are kept (at least 24 hours). */
  readonly idempotencyRetention: Duration.Duration
  /** How often expired idempotency keys and sessions are purged. */
  readonly purgeInterval: Duration.Duration
  /** OTLP/HTTP collector base URL (no trailing slash), or `null`: spans are not exported. */
  readonly otlpEndpoint: string | null
  readonly serviceName: string
  /** Which gateways this server drives (see `gateways.ts`). */
  readonly gateways: GatewaySetup
}

/** The gateway drivers of this server; a gateway none of them serves refuses every payment. */
export interface GatewaySetup {
  /** The key stored gateway secrets are sealed with (`PAYBRIDGE_SECRETS_KEY`), or `null`: none can be stored. */
  readonly secretsKey: Redacted.Redacted<Buffer> | null
  /** Keys stored secrets were sealed with before (`PAYBRIDGE_SECRETS_KEY_PREVIOUS`). */
  readonly previousSecretsKeys: ReadonlyArray<Redacted.Redacted<Buffer>>
  /** How often stored gateway settings are checked for changes. */
  readonly settingsRefresh: Duration.Duration
  /** How long a replaced webhook secret still verifies webhooks. */
  readonly webhookGrace: Duration.Duration
  /** The built-in deterministic test gateway serves every other gateway (`PAYBRIDGE_TEST_GATEWAY=1`). */
  readonly testGateway: boolean
  /** Stripe accounts, by the ledger gateway code they serve. */
  readonly stripe: ReadonlyArray<StripeGatewayConfig>
  readonly reconcileInterval: Duration.Duration
  readonly reconcileMinimumAge: Duration.Duration
  /** Fault-injection tests: the phase at which the process kills itself (see `gateways.ts`). */
  readonly faultKillAt: FaultPhase | null
}

export const faultPhases = [
  "charge:before-call",
  "charge:after-answer",
  "refund:before-call",
  "refund:after-answer"
] as const
export type FaultPhase = (typeof faultPhases)[number]

export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  message: Schema.String
}) {}

const BasePath = /^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/
const reservedPrefixes = ["/trpc", "/health", "/docs", "/admin"]

const parseDialectBasePaths = (raw: string): Effect.Effect<Record<string, string>, ConfigInvalid> =>
  Effect.gen(function* () {
    const paths: Record<string, string> = {}
    for (const entry of raw.split(",").map((part) => part.trim())) {
      if (entry === "") continue
      const [id, path, ...rest] = entry.split("=").map((part) => part.trim())
      if (id === undefined || id === "" || path === undefined || rest.length > 0 || !BasePath.test(path)) {
        return yield* new ConfigInvalid({
          message: `DIALECT_BASE_PATHS: "${entry}" is not <dialect>=/base/path (a path like /backend/api/v1)`
        })
      }
      if (reservedPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
        return yield* new ConfigInvalid({ message: `DIALECT_BASE_PATHS: ${path} collides with ${path.split("/")[1]}` })
      }
      paths[id] = path
    }
    return paths
  })

const normalizeDatabaseUrl = (url: string): Effect.Effect<string, ConfigInvalid> => {
  if (/^postgres(ql)?:\/\//.test(url)) return Effect.succeed(url)
  const sqlite = /^sqlite:(.+)$/.exec(url)
  if (sqlite?.[1] !== undefined) {
    const file = sqlite[1]
    return Effect.succeed(file === ":memory:" ? url : `sqlite:${isAbsolute(file) ? file : resolve(repoRoot, file)}`)
  }
  return Effect.fail(
    new ConfigInvalid({
      message: "DATABASE_URL must be sqlite:<file> (relative to the repo root) or postgresql://user@host:port/db"
    })
  )
}

const rawConfig = Config.all({
  port: Config.Int("PORT").pipe(Config.withDefault(3000)),
  host: Config.NonEmptyString("HOST").pipe(Config.withDefault("127.0.0.1")),
  dataDir: Config.NonEmptyString("PAYBRIDGE_DATA_DIR").pipe(Config.withDefault("data")),
  databaseUrl: Config.option(Config.Redacted("DATABASE_URL")),
  logLevel: Config.Literals(logLevels, "LOG_LEVEL").pipe(Config.withDefault("info" as const)),
  publicUrl: Config.option(Config.URL("PUBLIC_URL")),
  dialectBasePaths: Config.String("DIALECT_BASE_PATHS").pipe(Config.withDefault("")),
  shutdownTimeout: Config.Duration("SHUTDOWN_TIMEOUT").pipe(Config.withDefault(Duration.seconds(10))),
  workers: Config.option(Config.Int("PAYBRIDGE_WORKERS")),
  adminDistDir: Config.NonEmptyString("ADMIN_DIST_DIR").pipe(Config.withDefault("apps/admin/dist")),
  elevateJwtSecret: Config.option(Config.Redacted("ELEVATE_JWT_SECRET")),
  maxBodyBytes: Config.Int("MAX_BODY_BYTES").pipe(Config.withDefault(1024 * 1024)),
  loginRateLimit: Config.Int("LOGIN_RATE_LIMIT").pipe(Config.withDefault(30)),
  authFailureLimit: Config.Int("AUTH_FAILURE_LIMIT").pipe(Config.withDefault(50)),
  accountFailureLimit: Config.Int("ACCOUNT_FAILURE_LIMIT").pipe(Config.withDefault(10)),
  trustProxy: Config.Boolean("TRUST_PROXY").pipe(Config.withDefault(false)),
  idempotencyRetention: Config.Duration("IDEMPOTENCY_RETENTION").pipe(Config.withDefault(Duration.hours(24))),
  purgeInterval: Config.Duration("IDEMPOTENCY_PURGE_INTERVAL").pipe(Config.withDefault(Duration.hours(1))),
  otlpEndpoint: Config.option(Config.URL("OTEL_EXPORTER_OTLP_ENDPOINT")),
  serviceName: Config.NonEmptyString("OTEL_SERVICE_NAME").pipe(Config.withDefault("paybridge")),
  testGateway: Config.Literals(["0", "1", "true", "false"], "PAYBRIDGE_TEST_GATEWAY").pipe(Config.withDefault("0")),
  stripeGateways: Config.String("PAYBRIDGE_STRIPE_GATEWAYS").pipe(Config.withDefault("")),
  reconcileInterval: Config.Duration("GATEWAY_RECONCILE_INTERVAL").pipe(Config.withDefault(Duration.minutes(1))),
  reconcileMinimumAge: Config.Duration("GATEWAY_RECONCILE_MIN_AGE").pipe(Config.withDefault(Duration.seconds(30))),
  faultKillAt: Config.option(Config.Literals(faultPhases, "PAYBRIDGE_FAULT_KILL_AT")),
  secretsKey: Config.option(Config.Redacted("PAYBRIDGE_SECRETS_KEY")),
  previousSecretsKeys: Config.option(Config.Redacted("PAYBRIDGE_SECRETS_KEY_PREVIOUS")),
  settingsRefresh: Config.Duration("GATEWAY_SETTINGS_REFRESH").pipe(Config.withDefault(Duration.seconds(2))),
  webhookGrace: Config.Duration("GATEWAY_WEBHOOK_GRACE").pipe(Config.withDefault(Duration.hours(24)))
})

/** The environment prefix of a Stripe gateway's settings. */
export const stripeEnvPrefix = (code: string) => `PAYBRIDGE_STRIPE_${code.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`

/** Reads and checks each Stripe gateway's settings; a message never quotes a secret. */
const readStripeGateways = (
  provider: ConfigProvider.ConfigProvider,
  codes: string
): Effect.Effect<Array<StripeGatewayConfig>, ConfigInvalid> =>
  Effect.forEach(
    codes
      .split(",")
      .map((code) => code.trim())
      .filter((code) => code !== ""),
    (code) =>
      stripeConfigFromEnv(code, stripeEnvPrefix(code))
        .parse(provider)
        .pipe(
          Effect.mapError(
            (error) => new ConfigInvalid({ message: `PAYBRIDGE_STRIPE_GATEWAYS: gateway ${code}: ${error.message}` })
          ),
          Effect.tap((config) =>
            validateStripeConfig(config).pipe(
              Effect.mapError((error) => new ConfigInvalid({ message: `PAYBRIDGE_STRIPE_GATEWAYS: ${error.message}` }))
            )
          )
        )
  )

const positive = (name: string, value: number): Effect.Effect<number, ConfigInvalid> =>
  value >= 1 && Number.isSafeInteger(value)
    ? Effect.succeed(value)
    : Effect.fail(new ConfigInvalid({ message: `${name} must be a whole number of at least 1, got ${value}` }))

/** Reads and validates the configuration from an environment (the process's by default). */
export const loadConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env
): Effect.Effect<AppConfig, ConfigInvalid> =>
  Effect.gen(function* () {
    const provider = ConfigProvider.fromEnv({ env: definedOnly(env) })
    const raw = yield* rawConfig
      .parse(provider)
      .pipe(Effect.mapError((error) => new ConfigInvalid({ message: `invalid configuration: ${error.message}` })))
    if (raw.port < 0 || raw.port > 65535) {
      return yield* new ConfigInvalid({
        message: `PORT must be between 0 and 65535 (0 = any free port), got ${raw.port}`
      })
    }
    const dataDir = resolve(repoRoot, raw.dataDir)
    const elevateJwtSecret = raw.elevateJwtSecret
    if (elevateJwtSecret._tag === "Some") {
      const secretBytes = Buffer.byteLength(Redacted.value(elevateJwtSecret.value), "utf8")
      if (secretBytes < 32 || secretBytes > 512) {
        return yield* new ConfigInvalid({
          message: `ELEVATE_JWT_SECRET must be 32-512 characters (an HS256 key of at least 256 bits), got ${secretBytes}`
        })
      }
    }
    if (Duration.isLessThan(raw.idempotencyRetention, Duration.hours(24))) {
      return yield* new ConfigInvalid({
        message: "IDEMPOTENCY_RETENTION must be at least 24 hours (clients retry with the same key for a day)"
      })
    }
    if (Duration.isLessThan(raw.purgeInterval, Duration.seconds(1))) {
      return yield* new ConfigInvalid({ message: "IDEMPOTENCY_PURGE_INTERVAL must be at least 1 second" })
    }
    const databaseUrl = yield* normalizeDatabaseUrl(
      raw.databaseUrl._tag === "Some" ? Redacted.value(raw.databaseUrl.value) : `sqlite:${dataDir}/paybridge.db`
    )
    const onPostgres = !databaseUrl.startsWith("sqlite:")
    const workers = yield* positive(
      "PAYBRIDGE_WORKERS",
      raw.workers._tag === "Some" ? raw.workers.value : onPostgres ? availableParallelism() : 1
    )
    if (workers > 1 && databaseUrl.endsWith(":memory:")) {
      return yield* new ConfigInvalid({
        message: "PAYBRIDGE_WORKERS must be 1 with an in-memory SQLite database (each process would have its own)"
      })
    }
    const secretsKey =
      raw.secretsKey._tag === "Some" ? parseSecretsKey(Redacted.value(raw.secretsKey.value)) : undefined
    if (secretsKey === null) {
      return yield* new ConfigInvalid({
        message:
          "PAYBRIDGE_SECRETS_KEY must be a 256-bit key: 64 hex digits or 43 base64url characters (e.g. openssl rand -hex 32)"
      })
    }
    const previousSecretsKeys =
      raw.previousSecretsKeys._tag === "Some"
        ? Redacted.value(raw.previousSecretsKeys.value)
            .split(",")
            .map((each) => each.trim())
            .filter((each) => each !== "")
            .map(parseSecretsKey)
        : []
    if (previousSecretsKeys.some((key) => key === null)) {
      return yield* new ConfigInvalid({
        message:
          "PAYBRIDGE_SECRETS_KEY_PREVIOUS must be 256-bit keys (64 hex digits or 43 base64url characters), comma-separated"
      })
    }
    if (previousSecretsKeys.length > 0 && secretsKey === undefined) {
      return yield* new ConfigInvalid({
        message: "PAYBRIDGE_SECRETS_KEY_PREVIOUS needs PAYBRIDGE_SECRETS_KEY (the new key)"
      })
    }
    if (Duration.isLessThan(raw.settingsRefresh, Duration.millis(100))) {
      return yield* new ConfigInvalid({ message: "GATEWAY_SETTINGS_REFRESH must be at least 100 milliseconds" })
    }
    return {
      port: raw.port,
      host: raw.host,
      dataDir,
      databaseUrl: Redacted.make(databaseUrl),
      logLevel: raw.logLevel,
      publicUrl: raw.publicUrl._tag === "Some" ? raw.publicUrl.value.href.replace(/\/+$/, "") : null,
      dialectBasePaths: yield* parseDialectBasePaths(raw.dialectBasePaths),
      shutdownTimeout: raw.shutdownTimeout,
      workers,
      adminDistDir: resolve(repoRoot, raw.adminDistDir),
      elevateJwtSecret,
      maxBodyBytes: yield* positive("MAX_BODY_BYTES", raw.maxBodyBytes),
      loginRateLimit: yield* positive("LOGIN_RATE_LIMIT", raw.loginRateLimit),
      authFailureLimit: yield* positive("AUTH_FAILURE_LIMIT", raw.authFailureLimit),
      accountFailureLimit: yield* positive("ACCOUNT_FAILURE_LIMIT", raw.accountFailureLimit),
      trustProxy: raw.trustProxy,
      idempotencyRetention: raw.idempotencyRetention,
      purgeInterval: raw.purgeInterval,
      otlpEndpoint: raw.otlpEndpoint._tag === "Some" ? raw.otlpEndpoint.value.href.replace(/\/+$/, "") : null,
      serviceName: raw.serviceName,
      gateways: {
        secretsKey: secretsKey === undefined ? null : Redacted.make(secretsKey),
        previousSecretsKeys: previousSecretsKeys.flatMap((key) => (key === null ? [] : [Redacted.make(key)])),
        settingsRefresh: raw.settingsRefresh,
        webhookGrace: raw.webhookGrace,
        testGateway: raw.testGateway === "1" || raw.testGateway === "true",
        stripe: yield* readStripeGateways(provider, raw.stripeGateways),
        reconcileInterval: raw.reconcileInterval,
        reconcileMinimumAge: raw.reconcileMinimumAge,
        faultKillAt: raw.faultKillAt._tag === "Some" ? raw.faultKillAt.value : null
      }
    }
  })

const definedOnly = (env: Readonly<Record<string, string | undefined>>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))

/** `sqlite` or `postgresql`, for logs (never the URL itself, which may hold a password). */
export const databaseDialect = (config: AppConfig): "sqlite" | "postgresql" =>
  Redacted.value(config.databaseUrl).startsWith("sqlite:") ? "sqlite" : "postgresql"
