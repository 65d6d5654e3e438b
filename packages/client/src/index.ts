/** `@paybridge/client`: the typed client of Paybridge's internal tRPC API. */
export * from "./client.ts"
