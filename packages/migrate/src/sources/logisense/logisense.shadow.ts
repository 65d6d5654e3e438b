/**
 * LogiSense in the shadow proxy: GETs and `POST …/Search` (a query in a body) are reads; the
 * bearer token is the credential; every envelope's `trackingId` (a fresh UUID per request) is
 * volatile. Logins (`AuthorizationServer/…`) are writes: they go to the vendor only.
 */
import { isSafeMethod, type ShadowRules, withoutCredentialHeaders } from "../../shadow/shadow-rules.ts"

export const logisenseShadow: ShadowRules = {
  isRead: (method, path) =>
    isSafeMethod(method) || (method.toUpperCase() === "POST" && /\/Search\/?(\?|$)/u.test(`/${path}`)),
  stripCredentials: withoutCredentialHeaders,
  volatileFields: ["trackingId"]
}
