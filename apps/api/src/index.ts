/**
 * `@paybridge/api`: the Hono server and composition root. Other code (tests, tools) builds the
 * same server with `createApp` on a runtime from `openRuntime`, with configuration from
 * `loadConfig`; `main.ts` is the process entry point.
 */
export { type AppDeps, type AppEnv, type AppRuntime, type AppServices, createApp } from "./app.ts"
export { type AppConfig, ConfigInvalid, loadConfig } from "./config.ts"
export { dialects } from "./dialects.ts"
export { collectingLogger, loggerLayer, type StructuredEntry, type StructuredLogger } from "./logger.ts"
export { telemetryLayer } from "./observability.ts"
export { appLayer, openRuntime } from "./runtime.ts"
