/**
 * CRM.COM's `authentication` methods: `authentication/token` (a user's e-mail, password and
 * organisation, optional unit), `authentication/web_api_key/token` (a Paybridge API key as the HTTP
 * Basic user name with an empty password, optional unit) and `authentication/token/release`. Each
 * login answers a session token that expires two hours after issue (see `crm-com.auth.ts`); a
 * `unit` that does not exist is refused at login, in CRM.COM's envelope, and no token is issued.
 */
import { type DialectRequest, type Endpoint, endpoint, loginAccountField, publicEndpoint } from "@paybridge/adapter-kit"
import { Authenticator, type LedgerError, type SessionGrant } from "@paybridge/core"
import { Effect } from "effect"
import { existingUnit, issueToken, type RememberedUnit, releaseToken, webApiKeyOf } from "./crm-com.auth.ts"
import { LoginBody, ReleaseBody, ReleaseResponse, TokenResponse, WebApiKeyBody } from "./crm-com.schemas.ts"
import { okEnvelope } from "./crm-com.transformers.ts"

const suite = "crm-com.test.ts"

/** A login's `unit` must exist (by name, alternative code or id); refused at login, before a token is issued. */
const unitOfLogin = (unit: string) =>
  existingUnit(unit, `the unit "${unit}" does not exist; log in with an existing unit's name, alternative code or id`)

/** A login's unit checked as the user who logs in (`runAs`), remembered by the name given and the unit's id. */
const rememberedAs = (
  unit: string,
  grant: SessionGrant,
  runAs: DialectRequest<unknown, unknown, unknown>["runAs"]
): Effect.Effect<RememberedUnit, LedgerError> =>
  Effect.map(runAs(grant.principal, unitOfLogin(unit)), (found) => ({ name: unit, id: found.id }))

/** The `authentication` methods, in the registry order of the compatibility report. */
export const authenticationEndpoints: ReadonlyArray<Endpoint> = [
  publicEndpoint({
    method: "POST",
    path: "/authentication/token",
    operationId: "authentication/token",
    summary: "Log in: a token for a user's e-mail, password and organisation",
    tags: ["authentication"],
    request: { body: LoginBody },
    loginAccount: loginAccountField("username"),
    responses: { 200: { description: "The token", schema: TokenResponse } },
    tests: [
      `${suite} › issues a token for a user's e-mail, password and organisation and accepts it as the token parameter`,
      `${suite} › refuses a wrong password and a token two hours after issue in CRM.COM's error envelope`,
      "crm-com.fidelity.test.ts › the unit of a login (17.7) › refuses an unknown unit at authentication/token in CRM.COM's envelope and issues no token"
    ],
    implemented: true,
    handler: ({ body, sessions, runAs }) =>
      Effect.gen(function* () {
        const grant = yield* Authenticator.use((auth) => auth.sessionForPassword(body.username, body.password))
        const unit = body.unit === undefined ? undefined : yield* rememberedAs(body.unit, grant, runAs)
        return okEnvelope({ token: yield* issueToken(sessions, grant, unit) })
      })
  }),
  endpoint({
    method: "POST",
    path: "/authentication/token/release",
    operationId: "authentication/token/release",
    summary: "Release (invalidate) a token",
    tags: ["authentication"],
    request: { body: ReleaseBody },
    responses: { 200: { description: "Released", schema: ReleaseResponse } },
    tests: [`${suite} › refuses a released token and every later call made with it`],
    implemented: true,
    handler: ({ body, sessions }) =>
      Effect.gen(function* () {
        yield* releaseToken(sessions, body.token)
        return okEnvelope(null)
      })
  }),
  publicEndpoint({
    method: "POST",
    path: "/authentication/web_api_key/token",
    operationId: "authentication/web_api_key/token",
    summary: "A token for a web API key (HTTP Basic user name, empty password)",
    tags: ["authentication"],
    request: { body: WebApiKeyBody, bodyRequired: false },
    responses: { 200: { description: "The token", schema: TokenResponse } },
    tests: [`${suite} › issues a token for a web API key sent as the HTTP Basic user name with an empty password`],
    implemented: true,
    handler: ({ body, header, sessions, runAs }) =>
      Effect.gen(function* () {
        const key = yield* webApiKeyOf(header("authorization"))
        const grant = yield* Authenticator.use((auth) => auth.sessionForApiKey(key))
        const unit = body?.unit === undefined ? undefined : yield* rememberedAs(body.unit, grant, runAs)
        return okEnvelope({ token: yield* issueToken(sessions, grant, unit) })
      })
  })
]
