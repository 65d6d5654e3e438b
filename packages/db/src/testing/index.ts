/**
 * Test helpers of `@paybridge/db` (imported as `@paybridge/db/testing`): the real stores on a fresh
 * in-memory SQLite copy of a migrated template (`TestLedgerStore`, `sqliteTestDatabase`), the money
 * invariants of a customer read from the store (`checkCustomerMoney`), the
 * ledger services wired to them and to the deterministic test gateway (`testLedgerLayer`, `testLedgerLayerWith`),
 * the fault-injecting store wrapper (`withFaults`), and throwaway PostgreSQL databases.
 */
export * from "./customer-money.ts"
export * from "./fault-injection.ts"
export * from "./postgres-test-database.ts"
export * from "./sqlite-test-database.ts"
export * from "./statement-log.ts"
export * from "./test-ledger.layer.ts"
