/**
 * `@paybridge/adapter-kit/testing`: what every dialect's tests use — the testbed (the dialect
 * mounted over the real ledger services and store, on in-memory SQLite) and the shared contract suite.
 * Depends on Vitest and `@paybridge/db/testing`, so only test code imports it.
 */

export * from "./call-counter.ts"
export * from "./contract-suite.ts"
export * from "./money-driver.ts"
export * from "./proving-tests.ts"
export * from "./testbed.ts"
