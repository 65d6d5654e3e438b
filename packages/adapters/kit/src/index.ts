/**
 * `@paybridge/adapter-kit`: the toolkit every vendor dialect is built with — the dialect
 * definition and its Hono app factory, authentication methods and session tokens, the error
 * table, exact JSON, money and date wire formats, the endpoint registry, OpenAPI documents and
 * the docs app, and the compatibility table. Test helpers live in `@paybridge/adapter-kit/testing`.
 */
export * from "./auth/authentication.ts"
export * from "./auth/session-store.ts"
export * from "./auth/throttle.ts"
export * from "./compatibility.ts"
export * from "./dialect.ts"
export * from "./endpoint-registry.ts"
export * from "./errors.ts"
export * as DateFormats from "./formats/dates.ts"
export * as MoneyFormats from "./formats/money.ts"
export * from "./json/exact-json.ts"
export * from "./limits.ts"
export * from "./migrated-ids.ts"
export * from "./openapi.ts"
export * from "./paging.ts"
export * from "./presets.ts"
export * from "./runner.ts"
