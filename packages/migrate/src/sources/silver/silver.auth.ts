/**
 * Silver's credentials as its clients send them: HTTP Basic with the user's name and password
 * (DRF's default), or `Authorization: Token <key>` (DRF's token convention, which Paybridge's
 * Silver dialect accepts with a Paybridge API key). Both are static: there is no login to renew.
 */
import { basicAuthorization, staticSession, withAuthorization } from "../../http/source-session.ts"
import { credentialsError, hasExactly, type VendorAuth } from "../vendor-auth.ts"

const usage = ["--username <user> --password <password>", "--api-key <token>"]

export const silverAuth: VendorAuth = {
  usage,
  session: (credentials) => {
    const { username, password, "api-key": apiKey } = credentials
    if (hasExactly(credentials, ["username", "password"]) && username !== undefined && password !== undefined) {
      const value = basicAuthorization(username, password)
      return staticSession((request) => withAuthorization(request, value))
    }
    if (hasExactly(credentials, ["api-key"]) && apiKey !== undefined) {
      return staticSession((request) => withAuthorization(request, `Token ${apiKey}`))
    }
    return credentialsError("Silver", usage)
  }
}
