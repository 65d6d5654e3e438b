/**
 * How a Silver client's credentials become a Paybridge principal: HTTP Basic with the user's e-mail
 * and password (DRF's default `BasicAuthentication`) or `Authorization: Token <API key>` (DRF's
 * `TokenAuthentication` convention; Silver itself had no tokens). Failures keep DRF's 403 texts
 * (`Invalid username/password.`, `Invalid token.`). Silver has no login endpoint and no sessions;
 * {@link authenticateOutsideRegistry} checks the same credentials for the requests the kit's
 * registry does not route (DRF's OPTIONS answers), rendering a failure exactly as the kit would.
 */
import {
  type AuthenticationMethod,
  anyOf,
  authorizationHeader,
  type CredentialSource,
  type DialectDeps,
  httpBasic,
  makeSessionStore,
  renderDialectError
} from "@paybridge/adapter-kit"
import { type Principal, Unauthorized } from "@paybridge/core"
import { Cause, Effect, Exit } from "effect"
import type { Context } from "hono"
import { invalidCredentials, invalidToken, silverErrors } from "./silver.errors.ts"

/** Replaces a method's `Unauthorized` text with DRF's. */
const withDrfText = (method: AuthenticationMethod, message: string): AuthenticationMethod => ({
  securitySchemes: method.securitySchemes,
  account: method.account,
  authenticate: (request) =>
    method
      .authenticate(request)
      ?.pipe(Effect.mapError((error) => (error._tag === "Unauthorized" ? new Unauthorized({ message }) : error)))
})

/** HTTP Basic (e-mail + password, Silver's DRF default) or `Authorization: Token <API key>`. */
export const silverAuthentication = anyOf(
  withDrfText(
    httpBasic({ description: "HTTP Basic: the user's e-mail and password (DRF BasicAuthentication)" }),
    invalidCredentials
  ),
  withDrfText(
    authorizationHeader({
      scheme: "Token",
      check: "api-key",
      description: "Authorization: Token <Paybridge API key> (DRF TokenAuthentication convention)"
    }),
    invalidToken
  )
)

/** Authenticates one request outside the registry: the principal, or the rendered DRF 403. */
export type OutsideAuthentication = (c: Context, requestId: string) => Promise<Principal | Response>

/**
 * {@link silverAuthentication} for a route the kit's registry does not serve (one per app, as the
 * kit makes its own session store): the caller's principal, or the error answer the kit would have
 * sent (`Authentication credentials were not provided.` when no credentials came).
 */
export const authenticateOutsideRegistry = (deps: DialectDeps): OutsideAuthentication => {
  const sessions = deps.sessions ?? makeSessionStore({ scope: "silver", ttlSeconds: 3600 })
  return async (c, requestId) => {
    const context = { requestId, operationId: null, method: c.req.method, path: c.req.path }
    const source: CredentialSource = {
      header: (header) => c.req.header(header),
      query: (parameter) => c.req.query(parameter),
      bodyField: () => undefined,
      sessions
    }
    const program = silverAuthentication.authenticate(source)
    if (program === undefined) {
      return renderDialectError(silverErrors, new Unauthorized({ message: "not provided" }), context)
    }
    const exit = await deps.runAuthentication(program)
    if (Exit.isFailure(exit)) {
      const failure = Cause.findErrorOption(exit.cause)
      const error = failure._tag === "Some" ? failure.value : new Unauthorized({ message: "not provided" })
      return renderDialectError(silverErrors, error, context)
    }
    return exit.value
  }
}
