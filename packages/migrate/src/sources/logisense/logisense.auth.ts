/**
 * LogiSense's credentials as its clients use them: `POST {server}/AuthorizationServer/api/v6/
 * Access/Login`, form-encoded, `grant_type=password` with a `client_id` and either `username` +
 * `password` or a `client_secret`; the answer's `access_token` (`expires_in` 1800 s) goes as
 * `Authorization: Bearer`. The session logs in again shortly before the token expires and after
 * any 401.
 */
import { isJsonObject } from "../../http/exact-json.ts"
import { SourceHttpError } from "../../http/source-http.ts"
import { tokenSession, withAuthorization } from "../../http/source-session.ts"
import { credentialsError, hasExactly, type VendorAuth } from "../vendor-auth.ts"

const usage = ["--client-id <id> --username <user> --password <password>", "--client-id <id> --client-secret <secret>"]

/** The login path below the server URL (the same API version as the resources). */
export const logisenseLoginPath = "AuthorizationServer/api/v6/Access/Login"

export const logisenseAuth: VendorAuth = {
  usage,
  session: (credentials) => {
    const form = new URLSearchParams({ grant_type: "password" })
    const { "client-id": clientId, "client-secret": secret, username, password } = credentials
    if (hasExactly(credentials, ["client-id", "username", "password"]) && clientId && username && password) {
      form.set("client_id", clientId)
      form.set("username", username)
      form.set("password", password)
    } else if (hasExactly(credentials, ["client-id", "client-secret"]) && clientId && secret) {
      form.set("client_id", clientId)
      form.set("client_secret", secret)
    } else {
      return credentialsError("LogiSense", usage)
    }
    return tokenSession({
      login: async (http) => {
        const response = await http.request({
          method: "POST",
          path: logisenseLoginPath,
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
          authenticate: false
        })
        const body = response.status === 200 ? response.json() : null
        if (!isJsonObject(body) || typeof body.access_token !== "string") {
          throw new SourceHttpError(
            `LogiSense login refused (HTTP ${response.status}): ${response.text.slice(0, 200)}`,
            response.url,
            response.status,
            response.text
          )
        }
        const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 1800
        return { token: body.access_token, lifetimeMs: expiresIn * 1000 }
      },
      apply: (request, token) => withAuthorization(request, `Bearer ${token}`)
    })
  }
}
