/**
 * DRF's OPTIONS metadata for Silver's payment views, as `SimpleMetadata` of DRF 3.5 built it from
 * `PaymentSerializer` (a `HyperlinkedModelSerializer` over the Payment model of vendor notes §5.2):
 * `{name, description, renders, parses}` and, only for the methods among PUT/POST the view allows,
 * an `actions` block describing every serializer field (`type`, `required`, `read_only`, `label`,
 * `help_text`, `min_value`, and `choices` for writable choice fields). The list view allows POST,
 * so it carries `actions.POST`; the detail view allows only GET/PATCH (PUT was removed in d507250),
 * so DRF sent no `actions` there. DRF 3.5 did not list `max_digits`/`decimal_places` (added in DRF
 * 3.15) and a model field with choices got no `max_length`, so neither appears.
 */
import { currencyCodes } from "@paybridge/core"
import { silverStatuses } from "./silver.schemas.ts"

/** One field of DRF's `actions` description, keys in `get_field_info`'s order. */
export interface SilverFieldInfo {
  readonly type: "integer" | "field" | "decimal" | "choice" | "date" | "boolean"
  readonly required: boolean
  readonly read_only: boolean
  readonly label: string
  readonly help_text?: string
  readonly min_value?: number
  readonly choices?: ReadonlyArray<{ readonly value: string; readonly display_name: string }>
}

/** The Payment model's status choices with their (translated) display names. */
const statusDisplayNames: Readonly<Record<(typeof silverStatuses)[number], string>> = {
  unpaid: "Unpaid",
  pending: "Pending",
  paid: "Paid",
  canceled: "Canceled"
}

const currencyNames = new Intl.DisplayNames(["en"], { type: "currency" })

/**
 * Silver's `currencies`: `sorted((alpha_3, "<alpha_3> (<name>)"))`. The codes are the ones this
 * dialect accepts (the ledger's ISO 4217 list); the names are CLDR's English names (Silver took
 * pycountry's ISO names, which differ for a few codes, e.g. "Pound Sterling").
 */
export const silverCurrencyChoices = [...currencyCodes]
  .sort()
  .map((code) => ({ value: code, display_name: `${code} (${currencyNames.of(code) ?? code})` }))

/** `actions.POST` of the payment list: the serializer's fields in `PaymentSerializer.Meta.fields` order. */
export const paymentCreateActions: Readonly<Record<string, SilverFieldInfo>> = {
  id: { type: "integer", required: false, read_only: true, label: "ID" },
  url: { type: "field", required: false, read_only: true, label: "Url" },
  // Required as the serializer declared it, although the view replaces it with the path's customer.
  customer: { type: "field", required: true, read_only: false, label: "Customer" },
  provider: { type: "field", required: true, read_only: false, label: "Provider" },
  // Silver's MinValueValidator(0.00) gave 0.0; ledger payments must be positive, so 0.01 here (README).
  amount: { type: "decimal", required: true, read_only: false, label: "Amount", min_value: 0.01 },
  currency: {
    type: "choice",
    required: false,
    read_only: false,
    label: "Currency",
    help_text: "The currency used for billing.",
    choices: silverCurrencyChoices
  },
  due_date: { type: "date", required: false, read_only: false, label: "Due date" },
  status: {
    type: "choice",
    required: false,
    read_only: false,
    label: "Status",
    choices: silverStatuses.map((status) => ({ value: status, display_name: statusDisplayNames[status] }))
  },
  visible: { type: "boolean", required: false, read_only: false, label: "Visible" },
  proforma: { type: "field", required: false, read_only: false, label: "Proforma" },
  invoice: { type: "field", required: false, read_only: false, label: "Invoice" }
}

/** Which payment view an OPTIONS request reached. */
export type SilverPaymentView = "list" | "detail"

/**
 * The whole OPTIONS body of a payment view, as DRF 3.5's `SimpleMetadata.determine_metadata` wrote
 * it. `mayCreate`: the caller passes the POST permission check (DRF left the method out otherwise).
 */
export const paymentViewMetadata = (view: SilverPaymentView, options: { readonly mayCreate: boolean }) => ({
  name: view === "list" ? "Payment List" : "Payment Detail",
  description: "",
  renders: ["application/json", "text/html"],
  parses: ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
  ...(view === "list" && options.mayCreate ? { actions: { POST: paymentCreateActions } } : {})
})
