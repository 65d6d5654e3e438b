/**
 * Silver's payment create checks (`POST /customers/<id>/payments/`): every field error in one DRF
 * body in serializer order with DRF 3.5's texts, then the model's `clean()`. The create runs them
 * first without reading the customer and the provider — its ledger unit proves both (the customer
 * lock, the payment's foreign key, the customer's currency) — and, for a request with a problem,
 * again with both read, so the 400 names every problem as Silver's serializer did.
 */
import type { DialectRequest, DialectResponse } from "@paybridge/adapter-kit"
import {
  type BillingEntityId,
  type CurrencyCode,
  CustomerId,
  currencyCodes,
  type Document,
  exponentOf,
  Parties
} from "@paybridge/core"
import { Effect } from "effect"
import { documentField, documentProblem } from "./payments.transformers.ts"
import { FieldErrors } from "./silver.errors.ts"
import {
  type FieldResult,
  nullText,
  parseAmount,
  parseBoolean,
  parseChoice,
  parseNullableDate,
  requiredText,
  type SilverCustomerPath,
  type SilverStatus,
  silverStatuses
} from "./silver.schemas.ts"
import { type Body, maybe, type Program, parseHyperlink, pathIdOf, silverResponse } from "./silver.transformers.ts"

export type PaymentCreateRequest = DialectRequest<typeof SilverCustomerPath.Type, unknown, unknown>

/** A create's values once every field check passed. */
export interface CreateValues {
  readonly customerId: CustomerId
  readonly providerId: BillingEntityId
  readonly amount: string
  readonly currency: CurrencyCode
  readonly dueDate: string | null
  readonly status: SilverStatus
  readonly visible: boolean
  readonly proforma: Document | null
  readonly invoice: Document | null
}

/**
 * A create's field checks in Silver's order, every field error in one 400 body, then the model's
 * `clean()`. With `proveInLedger` the customer and the provider are not read: the ledger unit
 * proves them (its customer lock, the payment's foreign key, the customer's currency); without it
 * they are read and their errors join the body, as Silver reported them.
 */
export const checkCreate = (
  request: PaymentCreateRequest,
  body: Body,
  requestKey: string | null,
  proveInLedger: boolean
): Program<CreateValues | DialectResponse> =>
  Effect.gen(function* () {
    const customerId = pathIdOf(CustomerId, request.params.customerId)
    const errors = new FieldErrors()

    // The view puts the path's customer into the body: a client-sent customer is ignored.
    const customer: { readonly id: CustomerId; readonly currency?: CurrencyCode } | null =
      customerId === null
        ? null
        : proveInLedger
          ? { id: customerId }
          : yield* maybe(Parties.use((parties) => parties.getCustomer(customerId)))
    if (customer === null) errors.add("customer", "Invalid hyperlink - Object does not exist.")

    let providerId: BillingEntityId | null = null
    if (!("provider" in body)) errors.add("provider", requiredText)
    else if (body.provider === null) errors.add("provider", nullText)
    else {
      const linked = errors.check("provider", parseHyperlink(body.provider, "provider", request.basePath))
      if (linked !== undefined) {
        const exists =
          proveInLedger || (yield* maybe(Parties.use((parties) => parties.getBillingEntity(linked)))) !== null
        if (exists) providerId = linked
        else errors.add("provider", "Invalid hyperlink - Object does not exist.")
      }
    }

    // The amount takes the decimals of the currency it is in (Silver's two when the currency is not valid).
    const currencyChoice: FieldResult<CurrencyCode> =
      "currency" in body ? parseChoice(body.currency, currencyCodes) : { ok: true, value: "USD" }
    const decimals = currencyChoice.ok ? exponentOf(currencyChoice.value) : 2
    let amount: string | undefined
    if (!("amount" in body)) errors.add("amount", requiredText)
    else {
      amount = errors.check("amount", parseAmount(body.amount, decimals))
      if (amount !== undefined && /^0+(\.0+)?$/u.test(amount)) {
        // Deviation: the ledger keeps only payments above zero (README): the least is one minor unit.
        const least = decimals === 0 ? "1" : `0.${"1".padStart(decimals, "0")}`
        errors.add("amount", `Ensure this value is greater than or equal to ${least}.`)
        amount = undefined
      }
    }

    const currency = errors.check("currency", currencyChoice)
    if (currency !== undefined && customer?.currency !== undefined && currency !== customer.currency) {
      // Deviation: a ledger payment is in its customer's currency (README).
      errors.add("currency", `Payments of this customer must be in ${customer.currency}.`)
    }
    const dueDate = "due_date" in body ? errors.check("due_date", parseNullableDate(body.due_date)) : null
    const status: SilverStatus | undefined =
      "status" in body ? errors.check("status", parseChoice(body.status, silverStatuses)) : "unpaid"
    const visible = "visible" in body ? errors.check("visible", parseBoolean(body.visible)) : true
    const proforma =
      "proforma" in body
        ? yield* documentField(errors, "proforma", body.proforma, request.basePath, null, requestKey)
        : null
    const invoice =
      "invoice" in body
        ? yield* documentField(errors, "invoice", body.invoice, request.basePath, null, requestKey)
        : null
    if (
      errors.any ||
      customer === null ||
      providerId === null ||
      amount === undefined ||
      currency === undefined ||
      dueDate === undefined ||
      status === undefined ||
      visible === undefined ||
      proforma === undefined ||
      invoice === undefined
    ) {
      return silverResponse(400, errors.errors)
    }
    const problem = documentProblem(providerId, customer.id, { proforma, invoice })
    if (problem !== null) return silverResponse(400, { non_field_errors: [problem] })
    return { customerId: customer.id, providerId, amount, currency, dueDate, status, visible, proforma, invoice }
  })

export const isResponse = (value: CreateValues | DialectResponse): value is DialectResponse =>
  "status" in value && "body" in value
