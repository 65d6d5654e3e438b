/**
 * Reads that hydrate no entity (issue 14: hydrating and registering managed entities was most of a
 * read's CPU). `leanMapperOf` converts one raw row of an entity's columns to its property values as
 * the ORM would — the driver's result mapper (column names, dates, booleans), then each custom type
 * (bigint, JSON …) — without a managed entity or the identity map: a read model needs values only.
 * `findRowsLean` reads rows by a filter whose text is kept by its shape (`whereTextOf`: the query
 * builder runs once per shape, not per call) and maps them so; `findOneLean` reads
 * one row by equality on scalar columns from a statement built once per entity and column set (no
 * query builder per call), and falls back to the builder for any other condition. Both read the
 * database, never a session's cached entity.
 */
import { type EntityMetadata, type EntityName, type EntityProperty, ReferenceKind, raw } from "@mikro-orm/core"
import type { SqlEntityManager } from "@mikro-orm/sql"
import { compiledByShape, type WhereText } from "./where-shapes.ts"

export type LeanMapper = (data: Record<string, unknown>) => object

const leanMappers = new WeakMap<object, Map<EntityName<object>, LeanMapper>>()

export const leanMapperOf = (em: SqlEntityManager, entityName: unknown): LeanMapper => {
  const entity = entityName as EntityName<object>
  const metadata = em.getMetadata()
  const perOrm = leanMappers.get(metadata) ?? new Map<EntityName<object>, LeanMapper>()
  leanMappers.set(metadata, perOrm)
  const cached = perOrm.get(entity)
  if (cached !== undefined) return cached
  const meta = metadata.get(entity)
  const driver = em.getDriver()
  const platform = em.getPlatform()
  const custom = meta.props.filter((prop) => prop.persist !== false && prop.customType !== undefined)
  const mapper: LeanMapper = (data) => {
    const row = driver.mapResult(data, meta) as Record<string, unknown>
    for (const prop of custom) {
      const value = row[prop.name]
      if (value !== null && value !== undefined) row[prop.name] = prop.customType?.convertToJSValue(value, platform)
    }
    return row
  }
  perOrm.set(entity, mapper)
  return mapper
}

/** A builder's statement with `?` placeholders bound in order (PostgreSQL's builder numbers them: `$1`). */
export const positional = (query: { readonly sql: string; readonly params: ReadonlyArray<unknown> }) => {
  const params: Array<unknown> = []
  const sql = query.sql.replace(/\$(\d+)/gu, (_, index: string) => {
    params.push(query.params[Number(index) - 1])
    return "?"
  })
  return { sql, params: params.length === 0 ? [...query.params] : params }
}

/** The `where` text of some filters over `entity` (alias `alias`), by the query builder: `1 = 1` for none. */
export const compileWhere = (
  em: SqlEntityManager,
  entity: unknown,
  alias: string,
  where: ReadonlyArray<object>
): WhereText => {
  const query = positional(
    em
      .createQueryBuilder(entity as EntityName<object>, alias)
      .select(raw("1") as never)
      .where({ $and: [...where] } as never)
      .toQuery()
  )
  const at = query.sql.indexOf(" where ")
  return { sql: at < 0 ? "1 = 1" : query.sql.slice(at + " where ".length), params: query.params }
}

/** {@link compileWhere}, its text kept by the filters' shape per entity (`where-shapes.ts`: no builder per call). */
export const whereTextOf = (
  em: SqlEntityManager,
  entity: unknown,
  alias: string,
  where: ReadonlyArray<object>
): WhereText =>
  compiledByShape(em.getMetadata().get(entity as EntityName<object>), [where], ([one]) => [
    compileWhere(em, entity, alias, one ?? [])
  ])[0] ?? compileWhere(em, entity, alias, where)

/** The rows `where` selects, in `orderBy` order, at most `limit` of them, as property values. */
export const findRowsLean = async <T extends object>(
  em: SqlEntityManager,
  entity: EntityName<T>,
  where: object,
  orderBy: ReadonlyArray<Record<string, "asc" | "desc">>,
  limit?: number
): Promise<ReadonlyArray<T>> => {
  const meta = em.getMetadata().get(entity as EntityName<object>)
  const platform = em.getPlatform()
  const filter = whereTextOf(em, entity, "t", [where])
  const order = orderBy
    .flatMap((keys) => Object.entries(keys))
    .map(
      ([key, direction]) => `t.${platform.quoteIdentifier(propertyOf(meta, key)?.fieldNames[0] ?? key)} ${direction}`
    )
  const sql =
    `select t.* from ${platform.quoteIdentifier(meta.tableName)} t where ${filter.sql}` +
    `${order.length === 0 ? "" : ` order by ${order.join(", ")}`}${limit === undefined ? "" : " limit ?"}`
  const raws = (await em.execute(
    sql,
    limit === undefined ? [...filter.params] : [...filter.params, limit]
  )) as ReadonlyArray<Record<string, unknown>>
  const toRow = leanMapperOf(em, entity)
  return raws.map((raw) => toRow(raw) as T)
}

/** Statements of one-row reads by equality, per ORM, entity and column set. */
const equalityStatements = new WeakMap<object, Map<string, string>>()

/** `where`'s scalar columns in key order, when every value is a non-null string or number on a plain column. */
const propertyOf = (meta: EntityMetadata<object>, key: string): EntityProperty | undefined =>
  (meta.properties as Record<string, EntityProperty | undefined>)[key]

const equalityKeys = (meta: EntityMetadata<object>, where: Record<string, unknown>): Array<string> | null => {
  const keys = Object.keys(where)
  if (keys.length === 0) return null
  for (const key of keys) {
    const prop = propertyOf(meta, key)
    const value = where[key]
    if (prop === undefined || prop.kind !== ReferenceKind.SCALAR || prop.customType !== undefined) return null
    if (prop.fieldNames.length !== 1 || (typeof value !== "string" && typeof value !== "number")) return null
  }
  return keys
}

const equalityStatement = (em: SqlEntityManager, meta: EntityMetadata<object>, keys: ReadonlyArray<string>) => {
  const perOrm = equalityStatements.get(em.getMetadata()) ?? new Map<string, string>()
  equalityStatements.set(em.getMetadata(), perOrm)
  const shape = `${meta.className}\u0000${keys.join("\u0000")}`
  const cached = perOrm.get(shape)
  if (cached !== undefined) return cached
  const platform = em.getPlatform()
  const columns = keys.map((key) => `${platform.quoteIdentifier(propertyOf(meta, key)?.fieldNames[0] ?? key)} = ?`)
  const sql = `select * from ${platform.quoteIdentifier(meta.tableName)} where ${columns.join(" and ")} limit 1`
  perOrm.set(shape, sql)
  return sql
}

/** The one row `where` selects (the first, if several do), as property values, or `null`. */
export const findOneLean = async <T extends object>(
  em: SqlEntityManager,
  entity: EntityName<T>,
  where: object
): Promise<T | null> => {
  const meta = em.getMetadata().get(entity as EntityName<object>)
  const plain = where as Record<string, unknown>
  const keys = Object.getPrototypeOf(where) === Object.prototype ? equalityKeys(meta, plain) : null
  const statement =
    keys !== null
      ? { sql: equalityStatement(em, meta, keys), params: keys.map((key) => plain[key]) }
      : positional(
          em
            .createQueryBuilder(entity)
            .select("*")
            .where(where as never)
            .limit(1)
            .toQuery()
        )
  const raws = (await em.execute(statement.sql, statement.params)) as ReadonlyArray<Record<string, unknown>>
  const first = raws[0]
  return first === undefined ? null : (leanMapperOf(em, entity)(first) as T)
}
