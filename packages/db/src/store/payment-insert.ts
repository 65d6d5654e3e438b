/**
 * Inserting one new payment, the statement a create runs: `insert … on conflict do nothing
 * returning id` (a taken unique key writes nothing and answers no row). Its text is built once and
 * its values straight from the record (`paymentInsertValues`: what MikroORM's insert binds for the
 * same row, without its per-call property mapping), so a create spends no time building it. With
 * its numbers drawn (`payments.insertNumbered`): on PostgreSQL the counters' upsert is a
 * data-modifying `with` of the same statement, and the numbers and the first two fields of
 * `search_text` come from it (digits fold to themselves; `concat_ws` leaves out the number of an
 * unnumbered payment and an empty rest); on SQLite the upsert runs first, then the insert.
 */
import type { SqlEntityManager } from "@mikro-orm/sql"
import { type New, type NumberedInsert, type Payment, trustedId } from "@paybridge/core"
import { paymentToRow } from "../mappers/payment.mapper.ts"
import { searchTextOf } from "./search-text.ts"
import { boundValues, columnOf } from "./written-inserts.ts"

type NumberlessPayment = Omit<New<Payment>, "referenceNumber" | "number">
type PaymentColumns = ReturnType<typeof paymentToRow>

/** JSON columns: bound as their JSON text (`custom_fields` jsonb, `source_record` json). */
const jsonProperties: ReadonlySet<string> = new Set(["customFields", "sourceRecord"])

/** The row's values in the order of `paymentToRow`'s properties (the insert's columns), as MikroORM binds them. */
export const paymentInsertValues = (columns: PaymentColumns): Array<unknown> => boundValues(columns, jsonProperties)

/** The insert's column names, in the order of `paymentToRow`'s properties (the entity's snake_case columns). */
export const paymentInsertColumns: ReadonlyArray<string> = Object.keys(
  paymentToRow({
    publicId: "",
    referenceNumber: "",
    number: null,
    customerId: trustedId(0),
    currency: "EUR",
    amount: 0n,
    state: "draft",
    paymentDate: "2026-01-01",
    receivedAt: null,
    postedOn: null,
    postedAt: null,
    balanceAfterPosting: null,
    methodId: null,
    typeId: null,
    gatewayId: null,
    gatewayReference: null,
    billingEntityId: null,
    reversedAmount: 0n,
    allocatedAmount: 0n,
    refundedAmount: 0n,
    rejectionReason: null,
    rejectedAt: null,
    cancelledAt: null,
    reversalDate: null,
    references: {
      description: null,
      notes: null,
      reference: null,
      customerReference: null,
      checkNumber: null,
      thirdPartyReference: null
    },
    customFields: {},
    externalRef: null,
    sourceRecord: null,
    origin: "",
    createdBy: trustedId(0),
    createdAt: new Date(0),
    updatedAt: new Date(0),
    version: 1
  } as Omit<Payment, "id">)
).map(columnOf)

const columnList = paymentInsertColumns.map((column) => `"${column}"`).join(", ")

/** `insert … values (?, …) on conflict do nothing returning "id"`, one expression per column (`?` by default). */
const insertText = (expressions: Readonly<Record<string, string>> = {}) =>
  `insert into "payments" (${columnList}) values (${paymentInsertColumns
    .map((column) => expressions[column] ?? "?")
    .join(", ")}) on conflict do nothing returning "id"`

const plainInsert = insertText()

/** `payments.insertUnlessTaken` on `em`: `null` when a unique key is taken. */
export const insertUnlessTakenOn = async (em: SqlEntityManager, row: New<Payment>): Promise<Payment | null> => {
  const rows = (await em.execute(plainInsert, paymentInsertValues(paymentToRow(row)))) as ReadonlyArray<{
    id: number | string
  }>
  const inserted = rows[0]
  return inserted === undefined ? null : { ...row, id: trustedId(Number(inserted.id)) }
}

const counterNames = (numbered: boolean) => (numbered ? ["payment-reference", "payment-number"] : ["payment-reference"])

/** SQLite: the counters drawn (one upsert), then the insert. */
export const insertNumberedInTwo = async (
  em: SqlEntityManager,
  row: NumberlessPayment,
  numbered: boolean
): Promise<NumberedInsert> => {
  const names = counterNames(numbered)
  const drawn = (await em.execute(
    `insert into sequences (name, value) values ${names.map(() => "(?, 1)").join(", ")} ` +
      "on conflict (name) do update set value = sequences.value + 1 returning name, value",
    names
  )) as ReadonlyArray<{ name: string; value: string | number | bigint }>
  const drawnOf = (name: string) => {
    const found = drawn.find((each) => each.name === name)
    if (found === undefined) throw new Error(`payments.insertNumbered: the database returned no value for ${name}`)
    return BigInt(found.value).toString()
  }
  const referenceNumber = drawnOf("payment-reference")
  const number = numbered ? drawnOf("payment-number") : null
  return { referenceNumber, number, payment: await insertUnlessTakenOn(em, { ...row, referenceNumber, number }) }
}

/** A drawn counter's value as text, inside the statement of `insertNumberedOnPostgres`. */
const drawnValue = (name: string) => `(select value::text from drawn where name = '${name}')`

const drawingInsert = (numbered: boolean) =>
  `with drawn as (insert into sequences (name, value) values ${counterNames(numbered)
    .map((name) => `('${name}', 1)`)
    .join(", ")} on conflict (name) do update set value = sequences.value + 1 returning name, value), ` +
  `inserted as (${insertText({
    reference_number: drawnValue("payment-reference"),
    number: numbered ? drawnValue("payment-number") : "null",
    search_text: `concat_ws(chr(31), ${drawnValue("payment-reference")}, ${drawnValue("payment-number")}, cast(? as text))`
  })}) select ${drawnValue("payment-reference")} as reference_number, ${drawnValue("payment-number")} as number, ` +
  "(select id from inserted) as id"

const referenceIndex = paymentInsertColumns.indexOf("reference_number")
const numberIndex = paymentInsertColumns.indexOf("number")

const drawingInserts = { numbered: drawingInsert(true), unnumbered: drawingInsert(false) }

/** PostgreSQL: the counters drawn and the payment inserted in one statement (see the module comment). */
export const insertNumberedOnPostgres = async (
  em: SqlEntityManager,
  row: NumberlessPayment,
  numbered: boolean
): Promise<NumberedInsert> => {
  const others = [
    row.gatewayReference,
    row.references.reference,
    row.references.customerReference,
    row.references.thirdPartyReference,
    row.references.checkNumber,
    row.references.description
  ]
  const rest = others.some((field) => field !== null && field !== undefined) ? searchTextOf(others) : null
  // The values of every column but the numbers (SQL expressions), search_text's rest in its place.
  const values = paymentInsertValues({
    ...paymentToRow({ ...row, referenceNumber: "", number: null }),
    searchText: rest as string
  }).filter((_, index) => index !== referenceIndex && index !== numberIndex)
  const rows = (await em.execute(
    numbered ? drawingInserts.numbered : drawingInserts.unnumbered,
    values
  )) as ReadonlyArray<{
    reference_number: string | null
    number: string | null
    id: number | string | null
  }>
  const answer = rows[0]
  if (answer === undefined || answer.reference_number === null) {
    throw new Error("payments.insertNumbered: the database returned no numbers")
  }
  const referenceNumber = answer.reference_number
  const number = numbered ? answer.number : null
  return {
    referenceNumber,
    number,
    payment: answer.id === null ? null : { ...row, referenceNumber, number, id: trustedId(Number(answer.id)) }
  }
}
