/** The Silver (Presslabs) dialect package: Silver's 2016 payments API over the Paybridge ledger. */
export { silverAuthentication, silverDialect } from "./silver.dialect.ts"
export { silverStatusOf, silverView } from "./silver.transformers.ts"
