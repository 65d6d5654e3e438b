/** The Silver (Presslabs) dialect package: Silver's 2016 payments API over the Paybridge ledger. */
export { silverAuthentication } from "./silver.auth.ts"
export { silverDialect } from "./silver.dialect.ts"
export { silverStatusOf, silverView } from "./silver.transformers.ts"
