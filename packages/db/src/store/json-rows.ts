/**
 * Rows of a table as one JSON value inside another statement's row: a correlated sub-select that
 * aggregates the matching rows of an entity's table into a JSON array of arrays (one array of
 * column values per row; `json_agg(json_build_array(…))` on PostgreSQL, `json_group_array(json_array(…))`
 * on SQLite), so a list statement brings what hangs off each of its rows along without a row of
 * its own (rows read stay one per listed row). Integer-valued money and decimals travel as text
 * (a JSON number would round past 2^53); dates travel as the driver stores them (SQLite) or as
 * ISO text with offset (PostgreSQL), which the ORM's result mapper reads as it reads a column.
 * `parse` turns the value back into the entity's property values (`leanMapperOf`: no entity is
 * hydrated), oldest (lowest id) first.
 */
import type { EntityName } from "@mikro-orm/core"
import { BasePostgreSqlPlatform, type SqlEntityManager } from "@mikro-orm/sql"
import { leanMapperOf } from "./lean-rows.ts"
import { branchOf } from "./payment-children.ts"

export interface JsonRows {
  /** The sub-select (parenthesised), with `?` placeholders as `condition` has them. */
  readonly sql: string
  /** The column value back as the entity's property values, by ascending id. */
  readonly parse: (value: unknown) => Array<Record<string, unknown>>
}

/** Is the session's database PostgreSQL (else SQLite)? */
export const isPostgres = (em: SqlEntityManager): boolean => em.getPlatform() instanceof BasePostgreSqlPlatform

/** A column's value as it goes into the JSON array: exact text for wide numbers. */
const columnValue = (alias: string, column: string, type: string) =>
  /bigint|numeric|decimal/iu.test(type) ? `cast(${alias}.${column} as text)` : `${alias}.${column}`

/** Reads a JSON value the driver returned (PostgreSQL parses `json`; SQLite returns text). */
export const jsonValue = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : (value ?? null))

/** The rows of `entity` (alias `alias`) where `condition` holds, as one JSON array (see the module comment). */
export const jsonRowsOf = (em: SqlEntityManager, entity: unknown, alias: string, condition: string): JsonRows => {
  const branch = branchOf(em, entity as EntityName<object>)
  const values = branch.columns.map((column, index) => columnValue(alias, column, branch.types[index] ?? "text"))
  const sql = isPostgres(em)
    ? `(select coalesce(json_agg(json_build_array(${values.join(", ")})), '[]'::json) from ${branch.table} ${alias} where ${condition})`
    : `(select json_group_array(json_array(${values.join(", ")})) from ${branch.table} ${alias} where ${condition})`
  const toRow = leanMapperOf(em, entity)
  const idIndex = branch.columns.indexOf("id")
  return {
    sql,
    parse: (value) => {
      const rows = jsonValue(value)
      if (!Array.isArray(rows)) return []
      const sorted = [...(rows as Array<Array<unknown>>)].sort(
        (a, b) => Number(a[idIndex] ?? 0) - Number(b[idIndex] ?? 0)
      )
      return sorted.map(
        (values) =>
          toRow(Object.fromEntries(branch.columns.map((column, index) => [column, values[index] ?? null]))) as Record<
            string,
            unknown
          >
      )
    }
  }
}
