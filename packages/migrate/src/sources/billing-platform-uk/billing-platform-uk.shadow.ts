/**
 * Billing Platform (UK) in the shadow proxy: GETs are reads; the API key header is the credential;
 * `requestId` of error bodies is volatile. Ids on migrated data: refund rows are `R<n>` with the
 * vendor's refund number on one side and the ledger refund id on the other. Payment ids
 * (`payments/<id>`, row `id`, `N-R`) and customer ids in the path (`customers/<id>/payments/`) need
 * nothing: the dialect shows a migrated payment under its vendor id and finds a migrated customer by
 * its vendor id.
 */
import {
  isSafeMethod,
  type ShadowIdForm,
  type ShadowRules,
  withoutCredentialHeaders
} from "../../shadow/shadow-rules.ts"

/** `R<n>`: the vendor's refund row id is the source id itself; Paybridge's wraps the ledger refund id. */
const refundRow: ShadowIdForm = {
  kind: "refund",
  paybridgeUnwrap: (text) => /^R(\d+)$/u.exec(text)?.[1],
  paybridgeWrap: (id) => `R${id}`
}

export const billingPlatformUkShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: withoutCredentialHeaders,
  volatileFields: ["error.requestId"],
  ids: {
    pathIds: [],
    queryIds: [],
    answerIds: [
      { field: "[].id", form: refundRow },
      { field: "id", form: refundRow }
    ],
    answerLinks: [],
    migrationFields: []
  }
}
