/**
 * Input schemas of the procedures whose ledger method takes positional arguments (an id, a kind
 * plus paging): small structs composed from core schemas, so every procedure still takes one
 * JSON object validated by Effect Schema.
 */
import { PageInput, PaymentPreset, RecordId } from "@paybridge/core"
import { Schema } from "effect"

export const ById = Schema.Struct({ id: RecordId })

export const CustomerListInput = Schema.Struct({
  ...PageInput.fields,
  search: Schema.optional(Schema.String.check(Schema.isMaxLength(200)))
})

export const PresetListInput = Schema.Struct({ kind: PaymentPreset.fields.kind, ...PageInput.fields })

export const BalanceEntriesInput = Schema.Struct({ customerId: RecordId, ...PageInput.fields })
