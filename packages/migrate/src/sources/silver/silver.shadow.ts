/**
 * Silver in the shadow proxy: GET, HEAD and OPTIONS are reads; Basic or Token is the credential.
 * Nothing in Silver's answers is about the response itself; its absolute hyperlinks differ only by
 * each server's base URL, which the proxy strips from every string before comparing.
 */
import { isSafeMethod, type ShadowRules, withoutCredentialHeaders } from "../../shadow/shadow-rules.ts"

export const silverShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: withoutCredentialHeaders,
  volatileFields: []
}
