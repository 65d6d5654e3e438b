/**
 * Input schemas of the procedures whose ledger method takes positional arguments (an id, a kind
 * plus paging): small structs composed from core schemas, so every procedure still takes one
 * JSON object validated by Effect Schema.
 */
import { CustomerId, PageInput, PaymentPreset, TextOfLength } from "@paybridge/core"
import { Schema } from "effect"

/** `{ id }` with the id of one kind of record (e.g. `ById(DocumentId)`). */
export const ById = <Id extends Schema.Top>(id: Id) => Schema.Struct({ id })

export const CustomerListInput = Schema.Struct({
  ...PageInput.fields,
  search: Schema.optional(TextOfLength(200))
})

export const PresetListInput = Schema.Struct({ kind: PaymentPreset.fields.kind, ...PageInput.fields })

export const BalanceEntriesInput = Schema.Struct({ customerId: CustomerId, ...PageInput.fields })
