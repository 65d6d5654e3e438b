/**
 * `@paybridge/adapter-elevate`: the Elevate Billing Payment and Refund API (1.37) as a Paybridge
 * dialect, and the token settings `apps/api` provides from its configuration.
 */

export {
  ElevateTokenSettings,
  type ElevateTokenSettingsShape,
  signElevateToken,
  tokenLifetimeSeconds,
  verifyElevateToken
} from "./elevate.auth.ts"
export { elevateDialect } from "./elevate.dialect.ts"
