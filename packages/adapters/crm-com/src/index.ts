/**
 * `@paybridge/adapter-crm-com`: the CRM.COM Web API v4 payments dialect and the programs that
 * configure what CRM.COM names but the ledger does not keep (units, categories, rejection reasons,
 * payment cancellation types, account owners, preset descriptions), with the dialect records'
 * shapes.
 */
export { defineAccountOwner } from "./accounts-receivable.transformers.ts"
export {
  defineCancellationType,
  defineCategory,
  defineRejectionReason,
  defineUnit,
  describePreset
} from "./configuration.transformers.ts"
export { tokenLifetimeSeconds } from "./crm-com.auth.ts"
export { crmComDialect } from "./crm-com.dialect.ts"
export { dialectId, type NamedEntity, type NamedKind, recordKinds, type UnitEntity } from "./crm-com.transformers.ts"
export { type CancellationRecord, emptyAttributes, type PaymentAttributes } from "./payments.transformers.ts"
