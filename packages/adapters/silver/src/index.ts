/** The Silver (Presslabs) dialect package: Silver's 2016 payments API over the Paybridge ledger. */

export { silverStatusOf, silverView } from "./payments.transformers.ts"
export { silverAuthentication } from "./silver.auth.ts"
export { silverDialect } from "./silver.dialect.ts"
