/** Persistence row of a named gap-free counter (customer numbers, document numbers…). */
import { defineEntity, type InferEntity, p } from "@mikro-orm/core"

export const SequenceEntity = defineEntity({
  name: "Sequence",
  tableName: "sequences",
  properties: {
    name: p.string().length(64).primary(),
    value: p.bigint("bigint")
  }
})
export type SequenceRow = InferEntity<typeof SequenceEntity>
