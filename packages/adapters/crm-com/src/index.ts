/**
 * `@paybridge/adapter-crm-com`: the CRM.COM Web API v4 payments dialect and the programs that
 * configure what CRM.COM names but the ledger does not keep (units, categories, rejection reasons,
 * payment cancellation types, account owners, preset descriptions).
 */
export * from "./crm-com.configuration.ts"
export { crmComDialect, tokenLifetimeSeconds } from "./crm-com.dialect.ts"
