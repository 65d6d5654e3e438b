/**
 * Elevate in the shadow proxy: GETs are reads; the bearer JWT is the credential; error bodies'
 * `requestId` is volatile, and so is their `path`, which names each server's own base path.
 */
import { isSafeMethod, type ShadowRules, withoutCredentialHeaders } from "../../shadow/shadow-rules.ts"

export const elevateShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: withoutCredentialHeaders,
  volatileFields: ["requestId", "path"]
}
