/**
 * CRM.COM in the shadow proxy: GET methods (`payments/show`, `list`, `get_latest`) are reads; the
 * credential is the `token` query parameter, which the mirror replaces with its own. The
 * `authentication/*` POSTs are writes and go to the vendor only.
 */
import { isSafeMethod, type ShadowRules, withoutCredentialHeaders } from "../../shadow/shadow-rules.ts"

export const crmComShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: (request) => {
    const [pathname = "", query] = request.path.split(/\?(.*)/su)
    const params = new URLSearchParams(query ?? "")
    params.delete("token")
    const rest = params.toString()
    return withoutCredentialHeaders({ ...request, path: rest === "" ? pathname : `${pathname}?${rest}` })
  },
  volatileFields: []
}
