/**
 * `@paybridge/adapter-kit/testing`: what every dialect's tests use — the testbed (the dialect
 * mounted over the real Ledger on an in-memory store) and the shared contract suite. Depends on
 * Vitest, so only test code imports it.
 */
export * from "./contract-suite.ts"
export * from "./proving-tests.ts"
export * from "./testbed.ts"
