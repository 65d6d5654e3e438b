/**
 * `@paybridge/adapter-billing-platform-uk`: the Billing Platform (UK) `/backend/api/v1` payments
 * dialect over the Paybridge ledger, and the program that configures its status preset names.
 */
export { billingPlatformUkDialect } from "./billing-platform-uk.dialect.ts"
export {
  defaultStatusPresets,
  type StatusPresets,
  saveStatusPresets
} from "./billing-platform-uk.transformers.ts"
