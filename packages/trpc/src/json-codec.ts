/**
 * The JSON boundary of the tRPC API. Inputs are decoded from plain JSON with each core command
 * schema's canonical JSON codec (`Schema.toCodecJson`), so an ISO timestamp becomes a `Date`
 * before the ledger sees it; outputs are encoded with the record schema's JSON codec, so bigint
 * minor units travel as decimal strings and dates as ISO strings. `Json<T>` is the type-level
 * image of that encoding, which keeps client-side types exact without a transformer.
 */
import { illFormedTextPath } from "@paybridge/core"
import { Schema, type StandardSchema } from "effect"
import { compileTrustedEncoder } from "./trusted-json-encoder.ts"

/** What a value of type `T` looks like after the canonical JSON encoding. */
export type Json<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends string | number | boolean | null | undefined
      ? T
      : T extends ReadonlyArray<infer Item>
        ? ReadonlyArray<Json<Item>>
        : T extends object
          ? { readonly [K in keyof T]: Json<T[K]> }
          : T

type JsonDecodable = Schema.Top & { readonly DecodingServices: never }
type JsonEncodable = Schema.Top & { readonly EncodingServices: never }

/**
 * A tRPC input validator from a core command schema: accepts the schema's encoded shape in JSON
 * form and hands the procedure the decoded command. Every issue is reported with its path. Before
 * the schema runs, the whole input is refused when any string or field name in it holds a NUL or a
 * lone surrogate (core's `illFormedTextPath`), so no procedure — the public `session.signIn`
 * included — ever hands such text on. `inputSchema` keeps the schema (the fuzz suite derives each
 * procedure's JSON Schema from it).
 */
export const jsonInput = <S extends JsonDecodable>(
  schema: S
): StandardSchema.StandardSchemaV1<Json<S["Encoded"]>, S["Type"]> & { readonly inputSchema: S } => {
  const { vendor, validate } = Schema.toStandardSchemaV1(Schema.toCodecJson(schema))["~standard"]
  // The codec accepts exactly the JSON image of the encoded side; declaring that as the input type is all this adds.
  const validateWellFormed: typeof validate = (value) => {
    const found = illFormedTextPath(value)
    return found === null ? validate(value) : { issues: [{ message: found.message, path: found.path }] }
  }
  return { "~standard": { version: 1, vendor, validate: validateWellFormed }, inputSchema: schema }
}

/**
 * An encoder from a record schema's domain value to its JSON form (what a procedure returns). The
 * ledger's own records take the trusted converter compiled from the schema (`trusted-json-encoder.ts`,
 * same output, no parser run); a schema or value it does not understand is encoded by the schema.
 */
export const jsonOutput = <S extends JsonEncodable>(schema: S): ((value: S["Type"]) => Json<S["Type"]>) => {
  const encode = Schema.encodeSync(Schema.toCodecJson(schema))
  const trusted = compileTrustedEncoder(schema)
  if (trusted === null) return (value) => encode(value) as Json<S["Type"]>
  return (value) => (trusted(value) ?? encode(value)) as Json<S["Type"]>
}
