/**
 * `@paybridge/core/money`: the dependency-free half of core's money, for code that must not pull
 * Effect or the ledger in — above all the browser console's bundle. The ISO 4217 exponent table,
 * exact decimal text ↔ minor units (plain or exponent notation), and plain-decimal formatting:
 * the same functions the ledger and the dialects use, so an amount reads and shows alike
 * everywhere. Only relative, dependency-free modules may be imported from here (a test checks it).
 */
export * from "./decimal.ts"
export * from "./iso-4217.ts"
