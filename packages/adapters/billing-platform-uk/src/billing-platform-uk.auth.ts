/**
 * How a Billing Platform (UK) request is authenticated: `Authorization: Bearer <API key>` on every
 * request, the key being a Paybridge API key (one per user; issuing a new one revokes the old). The
 * key's user is the principal: its role decides what it may do and its customer scope which
 * customers it sees. A missing, malformed or revoked key is a 401 with `WWW-Authenticate: Bearer`.
 * There is no login endpoint.
 */
import { bearerApiKey } from "@paybridge/adapter-kit"

export const billingPlatformUkAuth = bearerApiKey("Authorization: Bearer <API key> (a Paybridge API key; one per user)")
