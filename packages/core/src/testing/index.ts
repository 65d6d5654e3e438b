/**
 * Test helpers of `@paybridge/core` (the `@paybridge/core/testing` entry): the in-memory ledger
 * store and `testLedgerLayer`, the Ledger wired to it and to the deterministic test gateway, the
 * store contract every `LedgerStore` passes, and complete record fixtures for store-level tests.
 */
export * from "./in-memory-ledger-store.ts"
export * from "./ledger-store-contract.ts"
export * from "./record-fixtures.ts"
export * from "./test-ledger.layer.ts"
