/**
 * How LogiSense credentials become a principal. A client logs in at
 * `AuthorizationServer/api/v6/Access/Login` (form-encoded) with `grant_type=password` and a
 * Paybridge user's e-mail and password, or a `client_secret` (a Paybridge API key); or it trades a
 * refresh token with `grant_type=refresh_token`. Either way it gets a kit session token (30
 * minutes, not sliding) sent as `Authorization: Bearer`, and a single-use refresh token (24 hours,
 * bound to the `client_id`, re-checked through the Authenticator). This module holds the session
 * settings, the bearer authentication, the grant → session step and the token answer; the login
 * endpoint itself is in `access.endpoints.ts`.
 */
import { bearerSessionToken, type IssuedSession, type SessionStore } from "@paybridge/adapter-kit"
import { Authenticator, ValidationFailed } from "@paybridge/core"
import { Effect } from "effect"
import type { LogisenseLoginForm } from "./logisense.schemas.ts"

/** Lifetime of a refresh token: 24 hours from its issue (the vendor publishes none). */
export const logisenseRefreshTtlSeconds = 86_400

/** Access tokens live 30 minutes (the vendor's maximum); refresh tokens 24 hours, single use (README). */
export const logisenseSessions = { ttlSeconds: 1800, refreshTtlSeconds: logisenseRefreshTtlSeconds }

/** Every non-public endpoint: `Authorization: Bearer <access_token>` from `Access/Login`. */
export const logisenseAuthentication = bearerSessionToken("Authorization: Bearer <access_token from Access/Login>")

/**
 * A login form → a new session: `refresh_token` trades a refresh token (bound to the client id);
 * `password` checks a user name and password, or a client secret (an API key). Any other grant
 * type, or missing credentials, is a validation error.
 */
export const sessionForLogin = (form: typeof LogisenseLoginForm.Type, sessions: SessionStore) =>
  Effect.gen(function* () {
    const binding = { client: form.client_id }
    if (form.grant_type === "refresh_token") {
      return yield* sessions.refresh(
        form.refresh_token ??
          (yield* new ValidationFailed({
            message: "refresh_token missing",
            issues: [{ path: ["refresh_token"], message: "is required with grant_type 'refresh_token'" }]
          })),
        binding
      )
    }
    if (form.grant_type !== "password") {
      return yield* new ValidationFailed({
        message: "unsupported grant_type",
        issues: [{ path: ["grant_type"], message: "must be 'password' or 'refresh_token'" }]
      })
    }
    return yield* sessions.issue(
      form.username !== undefined && form.password !== undefined
        ? yield* Authenticator.use((auth) => auth.sessionForPassword(form.username ?? "", form.password ?? ""))
        : form.client_secret !== undefined
          ? yield* Authenticator.use((auth) => auth.sessionForApiKey(form.client_secret ?? ""))
          : yield* new ValidationFailed({
              message: "credentials missing",
              issues: [{ path: ["username"], message: "username and password, or client_secret, are required" }]
            }),
      binding
    )
  })

/** The token answer: `{access_token, refresh_token, token_type, expires_in, audience, .issued, .expires, actingOwnerId}`. */
export const tokenAnswer = (issued: IssuedSession, clientId: string) => {
  const issuedAt = new Date(issued.expiresAt.getTime() - issued.expiresInSeconds * 1000)
  return {
    access_token: issued.token,
    // A store without refresh tokens (a test's own) gets an opaque value that refreshes nothing.
    refresh_token:
      issued.refresh?.token ?? Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url"),
    token_type: "bearer",
    expires_in: issued.expiresInSeconds,
    audience: clientId,
    ".issued": issuedAt.toUTCString(),
    ".expires": issued.expiresAt.toUTCString(),
    // Paybridge is one owner.
    actingOwnerId: 1
  }
}
