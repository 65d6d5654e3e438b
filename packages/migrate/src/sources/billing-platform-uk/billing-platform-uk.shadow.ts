/** Billing Platform (UK) in the shadow proxy: GETs are reads; the API key header is the credential; `requestId` of error bodies is volatile. */
import { isSafeMethod, type ShadowRules, withoutCredentialHeaders } from "../../shadow/shadow-rules.ts"

export const billingPlatformUkShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: withoutCredentialHeaders,
  volatileFields: ["error.requestId"]
}
