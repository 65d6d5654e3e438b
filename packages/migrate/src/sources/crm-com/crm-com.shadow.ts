/**
 * CRM.COM in the shadow proxy: GET methods (`payments/show`, `list`, `get_latest`) are reads; the
 * credential is the `token` query parameter, which the mirror replaces with its own. The
 * `authentication/*` POSTs are writes and go to the vendor only.
 *
 * Ids on migrated data: an account named in a request (`accounts_receivable_identifier=id=…`) is
 * sent as the ledger customer's public id (the dialect also answers the CRM.COM id); an invoice's
 * `reference_number` is the vendor's own on one side and the ledger id on the other (the import kept
 * the vendor's as an alias). Payment `id`, `number` and `reference_number`, accounts (`accounts_receivable.id`,
 * `account_owner.id`) and invoices/bills (`invoices_to_pay_set[].id`) need nothing in answers: the
 * dialect shows a migrated payment's, account's and document's CRM.COM ids. Fields of the migration itself, not compared on migrated data: who
 * recorded it and when (`received_by_user`, `log_information`, `issued_on`, and the paid
 * documents' `posted_on` — the dialect shows the booking's instant and principal, and no ledger
 * command takes a creation instant; the source's are in the kept source record), and the 32-hex
 * ids of payment types and methods (presets matched or created by the migration). A payment's own
 * `posted_on` is compared: the migration posts it at the instant CRM.COM shows.
 */
import {
  isSafeMethod,
  type ShadowIdForm,
  type ShadowRules,
  withoutCredentialHeaders
} from "../../shadow/shadow-rules.ts"

const account: ShadowIdForm = { kind: "customer", paybridge: "publicId" }
const documentReference: ShadowIdForm = { kind: "document", vendor: { by: "alias", alias: "reference_number" } }
const documentSets = ["invoices_to_pay_set", "bills_to_pay_set"]

export const crmComShadow: ShadowRules = {
  isRead: isSafeMethod,
  stripCredentials: (request) => {
    const [pathname = "", query] = request.path.split(/\?(.*)/su)
    const params = new URLSearchParams(query ?? "")
    params.delete("token")
    const rest = params.toString()
    return withoutCredentialHeaders({ ...request, path: rest === "" ? pathname : `${pathname}?${rest}` })
  },
  volatileFields: [],
  ids: {
    pathIds: [],
    queryIds: [{ param: "accounts_receivable_identifier", form: account, value: /^id=(.+)$/u }],
    answerIds: [
      ...["data.", "data[]."].flatMap((data) => [
        ...documentSets.map((set) => ({ field: `${data}${set}[].reference_number`, form: documentReference }))
      ])
    ],
    answerLinks: [],
    migrationFields: [
      "**.received_by_user.*",
      "**.log_information.**",
      "**.issued_on",
      "**.invoices_to_pay_set[].posted_on",
      "**.bills_to_pay_set[].posted_on",
      "**.type.id",
      "**.payment_method.id"
    ]
  }
}
