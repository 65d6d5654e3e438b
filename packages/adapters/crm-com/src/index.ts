/**
 * `@paybridge/adapter-crm-com`: the CRM.COM Web API v4 payments dialect and the programs that
 * configure what CRM.COM names but the ledger does not keep (units, categories, rejection reasons,
 * payment cancellation types, account owners, preset descriptions).
 */

export { tokenLifetimeSeconds } from "./crm-com.auth.ts"
export * from "./crm-com.configuration.ts"
export { crmComDialect } from "./crm-com.dialect.ts"
