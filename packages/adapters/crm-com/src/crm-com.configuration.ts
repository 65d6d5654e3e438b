/**
 * CRM.COM configuration that the ledger has no record for, kept as dialect records (`dialect:
 * "crm-com"`): units, financial transaction categories, rejection reasons, payment cancellation
 * types, the account owner shown on an accounts receivable, the description of a payment method or
 * type preset, and the CRM.COM-only attributes of each payment (category, received by user and
 * unit, receipt time, rejection reason, the units that created and last updated it) and of each
 * payment cancellation. Money and lifecycle never live here: a payment's amount and state are the
 * ledger's, and a cancellation's amount is its ledger reversal's. The `define*` programs are what a
 * seed, a test or an operator's script runs to configure a tenant.
 */
import { Ledger, newPublicId, type RecordId } from "@paybridge/core"
import { Effect } from "effect"

export const dialectId = "crm-com"

/** The kinds of dialect record this dialect keeps. */
export const recordKinds = {
  unit: "unit",
  category: "category",
  rejectionReason: "rejection-reason",
  cancellationType: "cancellation-type",
  accountOwner: "account-owner",
  presetDetails: "preset-details",
  payment: "payment",
  cancellation: "payment-cancellation"
} as const

/** A configured entity found by `id`, `name` or `alternative_code`. */
export interface NamedEntity {
  readonly id: string
  readonly name: string
  readonly alternative_code: string | null
  readonly description: string | null
}

/** A unit also belongs to a group and a community. */
export interface UnitEntity extends NamedEntity {
  readonly community_name: string | null
  readonly group_name: string | null
}

export type NamedKind = "unit" | "category" | "rejection-reason" | "cancellation-type"

/** The CRM.COM-only attributes of one payment (dialect record `payment`, keyed by its public id). */
export interface PaymentAttributes {
  readonly category_id: string | null
  /** Paybridge user id of the user who received it; `null` = whoever created it. */
  readonly received_by_user_id: number | null
  readonly received_by_unit_id: string | null
  /** The receipt time; `null` = the payment date at midnight. */
  readonly received_on: string | null
  readonly rejection_reason_id: string | null
  readonly created_by_unit_id: string | null
  readonly updated_by_unit_id: string | null
}

export const emptyAttributes: PaymentAttributes = {
  category_id: null,
  received_by_user_id: null,
  received_by_unit_id: null,
  received_on: null,
  rejection_reason_id: null,
  created_by_unit_id: null,
  updated_by_unit_id: null
}

/** A payment cancellation (dialect record `payment-cancellation`, keyed by its own public id). */
export interface CancellationRecord {
  readonly reversal_id: number
  readonly type_id: string
  readonly category_id: string | null
  readonly notes: string | null
  readonly issue_reason: string | null
  readonly udf: Readonly<Record<string, string>>
  readonly created_by_unit_id: string | null
}

interface DefineNamed {
  readonly name: string
  readonly alternativeCode?: string | null | undefined
  readonly description?: string | null | undefined
  /** Defaults to a fresh 32-character hex id. */
  readonly id?: string | undefined
}

const defineNamed = (kind: NamedKind, input: DefineNamed, extra: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const id = input.id ?? newPublicId()
    yield* ledger.saveDialectRecord({
      dialect: dialectId,
      kind,
      key: id,
      data: {
        name: input.name,
        alternative_code: input.alternativeCode ?? null,
        description: input.description ?? null,
        ...extra
      }
    })
    return id
  })

/** Configures a unit (`received_by_unit`, the `unit` of a login). Returns its id. */
export const defineUnit = (
  input: DefineNamed & { readonly communityName?: string | null; readonly groupName?: string | null }
) => defineNamed("unit", input, { community_name: input.communityName ?? null, group_name: input.groupName ?? null })

/** Configures a financial transaction category. Returns its id. */
export const defineCategory = (input: DefineNamed) => defineNamed("category", input)

/** Configures a payment rejection reason. Returns its id. */
export const defineRejectionReason = (input: DefineNamed) => defineNamed("rejection-reason", input)

/** Configures a financial transaction type of classification PAYMENT_CANCELLATION. Returns its id. */
export const defineCancellationType = (input: DefineNamed) => defineNamed("cancellation-type", input)

/** Sets the `description` CRM.COM shows for a payment method or type preset (by the preset's public id). */
export const describePreset = (presetPublicId: string, description: string | null) =>
  Effect.flatMap(Ledger, (ledger) =>
    ledger.saveDialectRecord({
      dialect: dialectId,
      kind: recordKinds.presetDetails,
      key: presetPublicId,
      data: { description }
    })
  )

/**
 * Sets the `account_owner` object shown for a customer's accounts receivable (CRM.COM contact
 * details: names, type, demographics…), kept verbatim; it gets a fresh 32-hex `id` when it has none.
 */
export const defineAccountOwner = (
  customer: { readonly id: RecordId; readonly publicId: string },
  owner: Readonly<Record<string, unknown>>
) =>
  Effect.flatMap(Ledger, (ledger) =>
    ledger.saveDialectRecord({
      dialect: dialectId,
      kind: recordKinds.accountOwner,
      key: customer.publicId,
      customerId: customer.id,
      data: { ...owner, id: typeof owner.id === "string" ? owner.id : newPublicId() }
    })
  )
