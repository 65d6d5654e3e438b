/** Test helpers of `@paybridge/db` (imported as `@paybridge/db/testing`). */
export * from "./postgres-test-database.ts"
