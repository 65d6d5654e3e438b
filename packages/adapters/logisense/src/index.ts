/** `@paybridge/adapter-logisense`: the LogiSense Billing v6 (Payment object) dialect. */
export { logisenseDialect } from "./logisense.dialect.ts"
