/**
 * The LogiSense `Access` resource of the AuthorizationServer: `POST Access/Login`, form-encoded,
 * with the password grant (user name and password, or client id and secret) or the refresh-token
 * grant; it answers a 30-minute bearer token and a rotated refresh token. The grant handling and
 * the token answer are in `logisense.auth.ts`.
 */
import { type Endpoint, loginAccountField, ok, publicEndpoint } from "@paybridge/adapter-kit"
import { Effect } from "effect"
import { sessionForLogin, tokenAnswer } from "./logisense.auth.ts"
import { LogisenseLoginForm, LogisenseToken } from "./logisense.schemas.ts"
import { proven } from "./logisense.transformers.ts"

export const accessEndpoints: ReadonlyArray<Endpoint> = [
  publicEndpoint({
    method: "POST",
    path: "/AuthorizationServer/api/v6/Access/Login",
    operationId: "login",
    summary: "Log in (form-encoded, password or refresh_token grant) and get a bearer token",
    tags: ["Access"],
    request: { body: LogisenseLoginForm, bodyFormat: "form" },
    loginAccount: loginAccountField("username", "client_id"),
    responses: { 200: { description: "A bearer token valid for 30 minutes", schema: LogisenseToken } },
    tests: proven(
      "authentication",
      "logs in with a user name and password, form-encoded, and uses the bearer token",
      "logs in with a client id and secret (an API key) and refuses bad credentials in LogiSense's shape",
      "a token stops working after 30 minutes",
      "refreshes a token with grant_type=refresh_token and rotates the refresh token",
      "refuses an expired refresh token and one whose API key was revoked"
    ),
    implemented: true,
    handler: ({ body, sessions }) =>
      Effect.map(sessionForLogin(body, sessions), (issued) => ok(tokenAnswer(issued, body.client_id)))
  })
]
