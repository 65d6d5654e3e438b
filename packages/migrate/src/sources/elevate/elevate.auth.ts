/**
 * Elevate's credentials as its clients use them: `POST /authenticate` with `{brand, username,
 * password}` answers a JWT valid for 15 minutes, sent as `Authorization: Bearer`. The session
 * reads the token's own `exp` (falling back to the documented 15 minutes), logs in again shortly
 * before it, and again after any 401.
 */
import { isJsonObject } from "../../http/exact-json.ts"
import { SourceHttpError } from "../../http/source-http.ts"
import { tokenSession, withAuthorization } from "../../http/source-session.ts"
import { credentialsError, hasExactly, type VendorAuth } from "../vendor-auth.ts"

const usage = ["--brand <brand> --username <user> --password <password>"]
const documentedLifetimeMs = 15 * 60_000

/** The lifetime a JWT announces (`exp − iat`, or `exp − now`), in ms; null when it says nothing readable. */
export const jwtLifetimeMs = (token: string, now: number): number | null => {
  const payload = token.split(".")[1]
  if (payload === undefined) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown; iat?: unknown }
    if (typeof claims.exp !== "number") return null
    const from = typeof claims.iat === "number" ? claims.iat * 1000 : now
    return Math.max(0, claims.exp * 1000 - from)
  } catch {
    return null
  }
}

export const elevateAuth: VendorAuth = {
  usage,
  session: (credentials) => {
    const { brand, username, password } = credentials
    if (
      !hasExactly(credentials, ["brand", "username", "password"]) ||
      brand === undefined ||
      username === undefined ||
      password === undefined
    ) {
      return credentialsError("Elevate", usage)
    }
    return tokenSession({
      login: async (http) => {
        const response = await http.request({
          method: "POST",
          path: "authenticate",
          json: { brand, username, password },
          authenticate: false
        })
        const body = response.status === 200 ? response.json() : null
        if (!isJsonObject(body) || typeof body.token !== "string") {
          throw new SourceHttpError(
            `Elevate login refused (HTTP ${response.status}): ${response.text.slice(0, 200)}`,
            response.url,
            response.status,
            response.text
          )
        }
        return { token: body.token, lifetimeMs: jwtLifetimeMs(body.token, Date.now()) ?? documentedLifetimeMs }
      },
      apply: (request, token) => withAuthorization(request, `Bearer ${token}`)
    })
  }
}
