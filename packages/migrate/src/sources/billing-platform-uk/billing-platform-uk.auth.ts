/**
 * Billing Platform (UK)'s credentials as its clients send them: the user's API key as
 * `Authorization: Bearer <key>` on every request. No login, nothing to renew.
 */
import { staticSession, withAuthorization } from "../../http/source-session.ts"
import { credentialsError, hasExactly, type VendorAuth } from "../vendor-auth.ts"

const usage = ["--api-key <key>"]

export const billingPlatformUkAuth: VendorAuth = {
  usage,
  session: (credentials) => {
    const apiKey = credentials["api-key"]
    if (!hasExactly(credentials, ["api-key"]) || apiKey === undefined)
      return credentialsError("Billing Platform (UK)", usage)
    return staticSession((request) => withAuthorization(request, `Bearer ${apiKey}`))
  }
}
