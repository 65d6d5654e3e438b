/** The silver dialect package (being built; its dialect is added to apps/api/src/dialects.ts when ready). */
export {}
