/**
 * CRM.COM's credentials as its clients use them: `POST authentication/token` with `{username,
 * password, organisation, unit?}`, or `POST authentication/web_api_key/token` with the Web API key
 * as the HTTP Basic user name and an empty password (`{unit?}` in the body). The token (valid two
 * hours after issue) travels as the `token` parameter: in the query string of a GET, in the JSON
 * body of a POST. CRM.COM refuses a stale token with HTTP 200 and `status.code: INVALID_TOKEN`,
 * which the session treats as "log in again".
 */
import { isJsonObject, parseExactJson } from "../../http/exact-json.ts"
import { type PreparedRequest, SourceHttpError, type SourceResponse } from "../../http/source-http.ts"
import { basicAuthorization, tokenSession } from "../../http/source-session.ts"
import { credentialsError, hasExactly, type VendorAuth } from "../vendor-auth.ts"

const usage = [
  "--username <user> --password <password> --organisation <organisation> [--unit <unit>]",
  "--api-key <web api key> [--unit <unit>]"
]
const tokenLifetimeMs = 2 * 60 * 60_000

/** `status.code` of a CRM.COM envelope, or null when the body is not one. */
export const crmStatusCode = (response: Pick<SourceResponse, "text">): string | null => {
  try {
    const body = parseExactJson(response.text)
    const status = isJsonObject(body) ? body.status : undefined
    return isJsonObject(status) && typeof status.code === "string" ? status.code : null
  } catch {
    return null
  }
}

/** Adds `token` to a request: query parameter for GET, JSON body field for POST. */
export const withCrmToken = (request: PreparedRequest, token: string): PreparedRequest => {
  if (request.method === "GET" || request.method === "HEAD") {
    const url = new URL(request.url)
    url.searchParams.set("token", token)
    return { ...request, url }
  }
  const body = request.body === undefined || request.body === "" ? {} : parseExactJson(request.body)
  if (!isJsonObject(body)) return request
  return { ...request, body: JSON.stringify({ ...body, token }) }
}

export const crmComAuth: VendorAuth = {
  usage,
  session: (credentials) => {
    const { username, password, organisation, unit, "api-key": apiKey } = credentials
    let login: PreparedLogin
    if (
      hasExactly(credentials, ["username", "password", "organisation"], ["unit"]) &&
      username &&
      password &&
      organisation
    ) {
      login = { path: "authentication/token", json: { username, password, organisation, ...(unit ? { unit } : {}) } }
    } else if (hasExactly(credentials, ["api-key"], ["unit"]) && apiKey) {
      login = {
        path: "authentication/web_api_key/token",
        json: unit ? { unit } : {},
        headers: { authorization: basicAuthorization(apiKey, "") }
      }
    } else {
      return credentialsError("CRM.COM", usage)
    }
    return tokenSession({
      login: async (http) => {
        const response = await http.request({ method: "POST", ...login, authenticate: false })
        const body = response.status === 200 ? response.json() : null
        const data = isJsonObject(body) ? body.data : undefined
        if (crmStatusCode(response) !== "OK" || !isJsonObject(data) || typeof data.token !== "string") {
          throw new SourceHttpError(
            `CRM.COM login refused (HTTP ${response.status}): ${response.text.slice(0, 200)}`,
            response.url,
            response.status,
            response.text
          )
        }
        return { token: data.token, lifetimeMs: tokenLifetimeMs }
      },
      apply: withCrmToken,
      isRejected: (response) => response.status === 401 || crmStatusCode(response) === "INVALID_TOKEN"
    })
  }
}

interface PreparedLogin {
  readonly path: string
  readonly json: unknown
  readonly headers?: Readonly<Record<string, string>>
}
