/**
 * Elevate's `authentication` resource: `POST /authenticate` `{brand, username, password}` checks
 * the Paybridge user's e-mail and password and answers `{token, username}` with a JWT for
 * `Authorization: Bearer` (see `elevate.auth.ts`). The only endpoint without credentials.
 */
import { type Endpoint, loginAccountField, ok, publicEndpoint } from "@paybridge/adapter-kit"
import { Authenticator } from "@paybridge/core"
import { Effect } from "effect"
import { signElevateToken } from "./elevate.auth.ts"
import { AuthenticateRequest, AuthenticateResponse } from "./elevate.schemas.ts"

const suite = "elevate.authentication.test.ts"

export const authenticationEndpoints: ReadonlyArray<Endpoint> = [
  publicEndpoint({
    method: "POST",
    path: "/authenticate",
    operationId: "createBearerToken",
    summary: "Exchange a brand, user name and password for a JWT valid 15 minutes",
    tags: ["authentication"],
    request: { body: AuthenticateRequest },
    loginAccount: loginAccountField("username"),
    responses: { 200: { description: "The token", schema: AuthenticateResponse } },
    tests: [
      `${suite} › authentication › issues a 15-minute JWT for a user's password and accepts it as a bearer token`,
      `${suite} › authentication › refuses wrong passwords, tampered, foreign and expired tokens with 401 in Elevate's shape`
    ],
    implemented: true,
    handler: ({ body }) =>
      Effect.gen(function* () {
        const principal = yield* Authenticator.use((auth) => auth.authenticatePassword(body.username, body.password))
        const token = yield* signElevateToken(principal, { brand: body.brand, username: body.username })
        return ok({ token, username: body.username })
      })
  })
]
